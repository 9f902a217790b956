"""Routes of `/api/auth/` that users owns: sign-up, tokens, profile, email and password,
onboarding. The tutor's own page and dashboard join them in `eleven_tutors/urls.py`."""

from django.urls import path

from users.api import views

urlpatterns = [
    path("users/", views.UserRegisterView.as_view(), name="auth-register"),
    path("users/me/", views.MeView.as_view(), name="auth-me"),
    path("token/", views.TokenObtainView.as_view(), name="auth-token"),
    path(
        "token/refresh/", views.TokenRefreshRevocationAwareView.as_view(), name="auth-token-refresh"
    ),
    path("token/blacklist/", views.LogoutView.as_view(), name="auth-token-blacklist"),
    path("verify-email/", views.VerifyEmailView.as_view(), name="auth-verify-email"),
    path(
        "verify-email/resend/",
        views.VerifyEmailResendView.as_view(),
        name="auth-verify-email-resend",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="auth-password-reset"),
    path(
        "password/reset/confirm/",
        views.PasswordResetConfirmView.as_view(),
        name="auth-password-reset-confirm",
    ),
    path("password/change/", views.PasswordChangeView.as_view(), name="auth-password-change"),
    path(
        "onboarding-answers/",
        views.OnboardingAnswersView.as_view(),
        name="auth-onboarding-answers",
    ),
]
