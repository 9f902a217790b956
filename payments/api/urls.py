from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

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
