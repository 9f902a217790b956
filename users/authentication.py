"""simplejwt's JWT authentication, reading the `Bearer` scheme case-insensitively.

HTTP auth schemes are case-insensitive (RFC 9110, 11.1); simplejwt compares bytes, so a
client sending `bearer <token>` would be served as anonymous on public routes, and an
expired token there would not get the 401 that makes the SPA refresh. The scheme is
normalised before simplejwt reads it; everything else (validation, the deleted or
inactive user, revocation after a password change) is simplejwt's.
"""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication as SimpleJWTAuthentication
from rest_framework_simplejwt.settings import api_settings


class JWTAuthentication(SimpleJWTAuthentication):
    def get_raw_token(self, header: bytes) -> bytes | None:
        parts = header.split()
        if parts:
            for scheme in api_settings.AUTH_HEADER_TYPES:
                if parts[0].lower() == scheme.lower().encode():
                    header = b" ".join([scheme.encode(), *parts[1:]])
                    break
        return super().get_raw_token(header)


class JWTAuthenticationScheme(SimpleJWTScheme):
    """The OpenAPI security scheme of the class above (the same as simplejwt's)."""

    target_class = "users.authentication.JWTAuthentication"
