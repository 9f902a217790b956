"""Routes of `/api/payments/`, and the dashboard routes payments owns elsewhere."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from payments.api.dashboard import (
    CourseStatisticsView,
    TutorCoursesView,
    TutorQuickStatisticsView,
)
from payments.api.views import CheckoutOrderView, CheckoutView, OrderViewSet, StripeWebhookView

router = SimpleRouter()
router.register("orders", OrderViewSet, basename="order")

urlpatterns = [
    path("payments/", CheckoutView.as_view(), name="checkout"),
    path(
        "checkout/<str:checkout_session_id>/",
        CheckoutOrderView.as_view(),
        name="checkout-order",
    ),
    # The slash is optional: Stripe does not follow the 301 APPEND_SLASH would send.
    re_path(r"^webhook/?$", StripeWebhookView.as_view(), name="stripe-webhook"),
    re_path(r"^stripe/webhook/?$", StripeWebhookView.as_view(), name="stripe-webhook-alias"),
    *router.urls,
]

# The tutor dashboard counts money, so payments owns it; `eleven_tutors/urls.py` mounts
# these under `/api/auth/` and `/api/courses/`, where the SPA calls them.
auth_urlpatterns = [
    path(
        "tutors/me/quick_statistics/",
        TutorQuickStatisticsView.as_view(),
        name="tutor-quick-statistics",
    ),
    path("tutors/me/courses/", TutorCoursesView.as_view(), name="tutor-courses"),
]
courses_urlpatterns = [
    path(
        "courses/<slug:slug>/statistics/", CourseStatisticsView.as_view(), name="course-statistics"
    ),
]
