"""Shapes of accounts data. Serializers validate and render; services do the writing."""

from django.utils import timezone
from rest_framework import serializers
from rest_framework.fields import SkipField, empty

from core.images import validate_image_upload
from core.limits import PlainIntegerField
from core.models import University
from users.exceptions import InvalidToken
from users.models import OnboardingAnswer, Role, User

GRADUATION_YEAR_MIN = 1950
GRADUATION_YEARS_AHEAD = 15


class AvatarField(serializers.FileField):
    """An avatar upload, decoded with Pillow before it is accepted.

    A string (the SPA echoing the current avatar URL, or `""` from an untouched file
    input) means "no change"; JSON `null` removes the avatar.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("validators", [validate_image_upload])
        super().__init__(allow_null=True, required=False, **kwargs)

    def get_value(self, dictionary):
        value = dictionary.get(self.field_name, empty)
        if value == "":
            return ""  # multipart: not None, which would remove the avatar
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        if isinstance(data, str):
            raise SkipField()
        return super().to_internal_value(data)


class UserSerializer(serializers.ModelSerializer):
    role_name = serializers.CharField(read_only=True)
    avatar = serializers.ImageField(read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "username",
            "phone",
            "avatar",
            "role",
            "role_name",
            "is_email_verified",
            "date_joined",
        ]
        read_only_fields = fields


class UserRegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=128)
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)


class UserUpdateSerializer(serializers.Serializer):
    """PATCH users/me/: every field optional; names cannot be blanked."""

    first_name = serializers.CharField(max_length=150, required=False)
    last_name = serializers.CharField(max_length=150, required=False)
    email = serializers.EmailField(max_length=254, required=False)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, allow_null=True)
    username = serializers.CharField(
        max_length=150, required=False, allow_blank=True, allow_null=True
    )
    avatar = AvatarField()


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class EmailSerializer(serializers.Serializer):
    """Resend and reset take any email-ish string: a malformed one simply matches nobody,
    and the answer is the same 202 as for an unknown address."""

    email = serializers.CharField(max_length=254)


class EmailTokenPartField(serializers.CharField):
    """A `uid` or `token` from an emailed link. Present but not something our links
    carry (not a string, too long, control characters) is the same 400 `invalid_token`
    as a wrong one, never a field error that tells a guessed format from a wrong value."""

    def __init__(self, *, longest: int, **kwargs):
        self.longest = longest
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if (
            not isinstance(data, str)
            or len(data) > self.longest
            or any(ord(char) < 32 for char in data)
        ):
            raise InvalidToken()
        return super().to_internal_value(data)


class UidTokenSerializer(serializers.Serializer):
    uid = EmailTokenPartField(longest=64)
    token = EmailTokenPartField(longest=128)


class PasswordResetConfirmSerializer(UidTokenSerializer):
    new_password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=128)


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=128)
    new_password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=128)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class OnboardingAnswerSerializer(serializers.ModelSerializer):
    university = serializers.PrimaryKeyRelatedField(queryset=University.objects.all())
    graduation_year = PlainIntegerField()
    interests = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, default="", max_length=2000
    )

    class Meta:
        model = OnboardingAnswer
        fields = [
            "id",
            "university",
            "degree",
            "graduation_year",
            "interests",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def validate_interests(self, value: str | None) -> str:
        """Optional text: `null` is stored as `""`, like an omitted field."""
        return value or ""

    def validate_graduation_year(self, value: int) -> int:
        latest = timezone.now().year + GRADUATION_YEARS_AHEAD
        if not GRADUATION_YEAR_MIN <= value <= latest:
            raise serializers.ValidationError(
                f"Enter a year between {GRADUATION_YEAR_MIN} and {latest}."
            )
        return value


class AdminUserSerializer(UserSerializer):
    """What an admin sees of any account; only `role` and `is_active` are writable."""

    role = serializers.ChoiceField(choices=Role.choices, required=False)
    is_active = serializers.BooleanField(required=False)

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "bio", "is_active", "is_staff", "last_login"]
        read_only_fields = [field for field in fields if field not in {"role", "is_active"}]
