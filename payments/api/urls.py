from django.urls import path

from payments.api.views import StripeWebhookView

urlpatterns = [
    path("webhook/", StripeWebhookView.as_view(), name="stripe-webhook"),
    path("stripe/webhook/", StripeWebhookView.as_view(), name="stripe-webhook-alias"),
]
