from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class StripeWebhookView(APIView):
    """Placeholder until the payments issue lands: refuses every event (Stripe retries)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    def post(self, request):
        return Response(
            {"detail": "Not configured.", "code": "payment_service_unavailable"},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
