"""HTTP for accounts (`/api/auth/`) and the user and tutor directories (`/api/`).

The token routes read no `Authorization` header (simplejwt's own choice): the SPA calls
`token/refresh/` precisely when its access token has expired. Every other route, public
ones included, answers 401 to an expired or malformed token.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import (
    TokenBlacklistView,
    TokenObtainPairView,
    TokenRefreshView,
)

from core.limits import BoundedSearchFilter
from core.parsers import JSONObjectParser
from core.permissions import IsAdmin
from users import services
from users.api.serializers import (
    AdminUserSerializer,
    DetailSerializer,
    EmailSerializer,
    OnboardingAnswerSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    TokenPairSerializer,
    UidTokenSerializer,
    UserRegisterSerializer,
    UserSerializer,
    UserUpdateSerializer,
)
from users.exceptions import InvalidToken
from users.jwt import RevocationAwareTokenRefreshSerializer
from users.models import Role, User
from users.selectors import (
    onboarding_answers_of,
    users_for_admin,
)
from users.throttles import AUTH_THROTTLES

ACCEPTED = "We sent an email if an account matches."


class TokenObtainView(TokenObtainPairView):
    """Log in with `email` (any case) and `password`. Wrong credentials or an inactive
    account → 401. Login does not need a verified email."""

    throttle_classes = AUTH_THROTTLES


class TokenRefreshRevocationAwareView(TokenRefreshView):
    """A new access token. Bad, expired, blacklisted or revoked (password changed since)
    refresh tokens → 401. With `JWT_ROTATE_REFRESH` the answer carries a new `refresh`."""

    serializer_class = RevocationAwareTokenRefreshSerializer


class LogoutView(TokenBlacklistView):
    """Blacklist a refresh token (logout). A bad or already blacklisted token → 401."""


class UserRegisterView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = AUTH_THROTTLES

    @extend_schema(
        request=UserRegisterSerializer,
        responses={201: UserSerializer},
        description=(
            "Register an account (role *user*, email unverified) and send the verification "
            "email. No tokens: the SPA logs in next. A duplicate email in any case → 400 on "
            "`email`; Django's password validators → 400 on `password`."
        ),
    )
    def post(self, request):
        serializer = UserRegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_create(**serializer.validated_data)
        return Response(
            UserSerializer(user, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class MeView(APIView):
    # Only PATCH takes a file (`avatar`).
    parser_classes = [JSONObjectParser, MultiPartParser]
    multipart_actions = ("patch",)

    @extend_schema(responses=UserSerializer)
    def get(self, request):
        return Response(UserSerializer(request.user, context={"request": request}).data)

    @extend_schema(
        request={
            "application/json": UserUpdateSerializer,
            "multipart/form-data": UserUpdateSerializer,
        },
        responses=UserSerializer,
        description=(
            "Update one's profile; every field optional, an empty body changes nothing. "
            '`username`/`phone`: `""` or null store null. `first_name`/`last_name` cannot be '
            "blank. A new `email` must be free (any case), un-verifies the account and sends a "
            "verification email; the same email in another case is no change. `avatar`: a "
            "JPEG/PNG/WebP file (multipart) up to 5 MB and 4096x4096 replaces it; JSON `null` "
            'removes it; a string (the current URL, or `""`) is ignored.'
            " The file is stored as `avatars/<uuid>.<ext>` (`ext` from the decoded format: "
            "jpg, png or webp); the uploaded file name is never used."
        ),
    )
    def patch(self, request):
        serializer = UserUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.user_update(user=request.user, data=serializer.validated_data)
        return Response(UserSerializer(user, context={"request": request}).data)


def _verify_email_redirect(verified: bool) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        f"{settings.FRONTEND_URL}/login?email_verified={1 if verified else 0}"
    )


class VerifyEmailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("uid", str, required=True),
            OpenApiParameter("token", str, required=True),
        ],
        responses={302: OpenApiResponse(description="Redirect to the SPA's login page")},
        description=(
            "The link in the verification email: verifies, then 302 to "
            "`{FRONTEND_URL}/login?email_verified=1`, or `=0` when the link is bad or used."
        ),
    )
    def get(self, request):
        serializer = UidTokenSerializer(data=request.query_params)
        try:
            if not serializer.is_valid():
                return _verify_email_redirect(False)
            services.email_verify(**serializer.validated_data)
        except InvalidToken:
            return _verify_email_redirect(False)
        return _verify_email_redirect(True)

    @extend_schema(
        request=UidTokenSerializer,
        responses={200: DetailSerializer},
        description=(
            "Verify an email from `uid` and `token`. Bad, used, malformed or over-long (`uid` "
            "over 64, `token` over 128 characters) → 400 `invalid_token`."
        ),
    )
    def post(self, request):
        serializer = UidTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.email_verify(**serializer.validated_data)
        return Response({"detail": "Email verified."})


class VerifyEmailResendView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = AUTH_THROTTLES

    @extend_schema(
        request=EmailSerializer,
        responses={202: DetailSerializer},
        description=(
            "Send the verification email again. 202 whatever the email, whether or not an "
            "unverified account has it (no account enumeration); only a missing, blank or "
            "non-string `email` is 400. The email leaves from the background worker after the "
            "request (an outbox row, then a task), so the answer takes the same time either "
            "way; while the broker is down it waits in the outbox and leaves when it returns."
        ),
    )
    def post(self, request):
        serializer = EmailSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.email_verification_resend(**serializer.validated_data)
        return Response({"detail": ACCEPTED}, status=status.HTTP_202_ACCEPTED)


class PasswordResetView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = AUTH_THROTTLES

    @extend_schema(
        request=EmailSerializer,
        responses={202: DetailSerializer},
        description=(
            "Email a link to `{FRONTEND_URL}/reset-password?uid=&token=`. 202 whatever the "
            "email (no account enumeration); only a missing, blank or non-string `email` is 400. "
            "The email leaves from the background worker after the request, so the answer "
            "takes the same time whether or not the email has an account."
        ),
    )
    def post(self, request):
        serializer = EmailSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_reset_request(**serializer.validated_data)
        return Response({"detail": ACCEPTED}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        request=PasswordResetConfirmSerializer,
        responses={200: DetailSerializer},
        description=(
            "Set a new password from a reset link. A bad, used, malformed or over-long `uid` "
            "or `token` → 400 `invalid_token` "
            "(checked first); weak password → 400 on `new_password`. Tokens issued before "
            "stop working."
        ),
    )
    def post(self, request):
        serializer = PasswordResetConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_reset_confirm(**serializer.validated_data)
        return Response({"detail": "Password changed."})


class PasswordChangeView(APIView):
    @extend_schema(
        request=PasswordChangeSerializer,
        responses={200: TokenPairSerializer},
        description=(
            "Change one's password. Wrong `old_password` → 400 on it; weak `new_password` → "
            "400 on it. Every token issued before is revoked, so the answer carries a fresh "
            "`access` and `refresh` for this session."
        ),
    )
    def post(self, request):
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.password_change(user=request.user, **serializer.validated_data)
        refresh = RefreshToken.for_user(user)
        return Response({"access": str(refresh.access_token), "refresh": str(refresh)})


class OnboardingAnswersView(GenericAPIView):
    serializer_class = OnboardingAnswerSerializer
    filter_backends: list = []

    def get_queryset(self):
        return onboarding_answers_of(self.request.user).order_by("created_at")

    @extend_schema(
        description="The caller's onboarding answers; empty `results` means not onboarded yet."
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        responses={201: OnboardingAnswerSerializer, 200: OnboardingAnswerSerializer},
        description=(
            "Save the caller's answer: 201 the first time, 200 when it replaces the previous "
            "one. `graduation_year` from 1950 to this year + 15; unknown `university` → 400."
        ),
    )
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answer, created = services.onboarding_answer_save(
            user=request.user, **serializer.validated_data
        )
        return Response(
            self.get_serializer(answer).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class UserFilter(filters.FilterSet):
    role = filters.TypedChoiceFilter(choices=Role.choices, coerce=int)

    class Meta:
        model = User
        fields = ["role"]


@extend_schema(
    description=(
        "Admin: every account. Filters `role` (integer), `search` (email, first and last "
        "name), `ordering`. PATCH sets `role` and/or `is_active`; other fields are read-only."
    )
)
class UserAdminViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsAdmin]
    serializer_class = AdminUserSerializer
    filter_backends = [filters.DjangoFilterBackend, BoundedSearchFilter, OrderingFilter]
    filterset_class = UserFilter
    search_fields = ["email", "first_name", "last_name"]
    ordering_fields = ["email", "first_name", "last_name", "date_joined", "role"]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return users_for_admin()

    def perform_update(self, serializer):
        serializer.instance = services.user_admin_update(
            user=serializer.instance, data=serializer.validated_data, actor=self.request.user
        )
