"""simplejwt, tightened where its defaults answer 500 or let a revoked session refresh.

- A refresh token whose user no longer exists is a 401 (simplejwt raises DoesNotExist).
- A refresh token issued before a password change or reset is a 401: with
  `CHECK_REVOKE_TOKEN` the access token it would mint carries the old password's hash and
  would be refused on every route anyway; saying so at refresh time lets the SPA log out
  cleanly instead of looping.
"""

from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import get_md5_hash_password

from users.models import User


class RevocationAwareTokenRefreshSerializer(TokenRefreshSerializer):
    def validate(self, attrs):
        refresh = RefreshToken(attrs["refresh"])
        user_id = refresh.payload.get(api_settings.USER_ID_CLAIM)
        user = User.objects.filter(pk=user_id).first() if user_id else None
        if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
            raise AuthenticationFailed(
                self.error_messages["no_active_account"], "no_active_account"
            )
        if api_settings.CHECK_REVOKE_TOKEN and refresh.payload.get(
            api_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise AuthenticationFailed("The password changed since this login.", "token_revoked")
        return super().validate(attrs)
