"""HTTP for payments: checkout, orders, the success page, and Stripe's webhook."""

from django.http import Http404
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from payments.api.serializers import (
    CheckoutRequestSerializer,
    CheckoutResponseSerializer,
    FreeEnrollmentResponseSerializer,
    OrderSerializer,
)
from payments.models import Order
from payments.selectors.orders import orders_owned_by, orders_visible_to
from payments.services.checkout import checkout_start
from payments.services.webhooks import stripe_webhook_receive


class CheckoutView(APIView):
    @extend_schema(
        request=CheckoutRequestSerializer,
        responses={
            201: CheckoutResponseSerializer,
            200: FreeEnrollmentResponseSerializer,
            400: OpenApiResponse(description="`currency_not_available`, `amount_below_minimum`"),
            404: OpenApiResponse(description="Draft or unknown course"),
            409: OpenApiResponse(
                description="`already_enrolled`; `checkout_in_progress` (a twin request is "
                "still creating this order's session: retry)"
            ),
            502: OpenApiResponse(description="`payment_service_error`"),
            503: OpenApiResponse(description="`payment_service_unavailable`"),
        },
        description=(
            "Start buying a course: a pending order and a Stripe Checkout Session in the "
            "course's price for `currency` (its default currency when omitted). A free "
            "course enrolls at once (200). Asking again while a pending order's session "
            "has more than 5 minutes to live returns that session (201, same order). A "
            "price under Stripe's minimum charge is 400 `amount_below_minimum`. Checks run "
            "in this order: course (404), enrollment (409), free course (200, whatever the "
            "`currency`), currency (400), minimum (400), Stripe key (503). Two requests at "
            "once for the same course, currency and price share one order and one session "
            "(both 201 with the same `order_id`); if the twin is still talking to Stripe "
            "after a few seconds, 409 `checkout_in_progress`. When Stripe fails (502) the "
            "order is kept, pending without a session, and the next request reuses it "
            "under a new idempotency key; an `order_id` is never deleted."
        ),
    )
    def post(self, request):
        serializer = CheckoutRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = checkout_start(
            user=request.user,
            course_id=serializer.validated_data["course_id"],
            currency=serializer.validated_data.get("currency"),
        )
        if result.enrolled:
            return Response(
                {
                    "enrolled": True,
                    "checkout_session_id": None,
                    "checkout_url": None,
                    "order_id": None,
                },
                status=status.HTTP_200_OK,
            )
        order = result.order
        return Response(
            {
                "checkout_session_id": order.checkout_session_id,
                "checkout_url": order.checkout_url,
                "order_id": str(order.id),
            },
            status=status.HTTP_201_CREATED,
        )


@extend_schema(
    description=(
        "Orders, newest first: the caller's own; admins see everyone's. Another user's "
        "order is 404."
    )
)
class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = OrderSerializer
    queryset = Order.objects.none()  # for the schema; requests use the scoped selector

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Order.objects.none()
        return orders_visible_to(self.request.user)


class CheckoutOrderView(APIView):
    @extend_schema(
        responses={200: OrderSerializer, 404: OpenApiResponse(description="Not your session")},
        description=(
            "The order behind a Checkout Session, for the success page. Only its owner sees "
            "it (admins included get 404 for others' sessions). The page is no proof of "
            "payment: `status` turns `completed` when Stripe's webhook arrives."
        ),
    )
    def get(self, request, checkout_session_id: str):
        if "\x00" in checkout_session_id:  # PostgreSQL refuses NUL in a query: not found
            raise Http404
        order = (
            orders_owned_by(request.user).filter(checkout_session_id=checkout_session_id).first()
        )
        if order is None:
            raise Http404
        return Response(OrderSerializer(order).data)


class AlwaysJSON(BaseContentNegotiation):
    """Answer JSON whatever the `Accept` header says: Stripe (or a double) asking for
    `application/xml` must still have its event applied, not get a 406 and retry."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@method_decorator(csrf_exempt, name="dispatch")
class StripeWebhookView(APIView):
    """Stripe's events: verified on the raw body, stored once, applied once."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []
    renderer_classes = [JSONRenderer]
    content_negotiation_class = AlwaysJSON

    @extend_schema(
        request={"application/json": {"type": "object"}},
        responses={
            200: OpenApiResponse(description="Applied, repeated, or ignored"),
            400: OpenApiResponse(description="`invalid_signature` or `invalid_payload`"),
            409: OpenApiResponse(
                description="`order_not_found`: the event names one of our orders (its "
                "`client_reference_id` or `metadata.order_id`) that does not exist. The "
                "event is kept and flagged for review in the admin, and applied again "
                "when Stripe retries it."
            ),
            503: OpenApiResponse(
                description="`payment_service_unavailable`: no webhook secret configured "
                "(Stripe keeps retrying until one is)"
            ),
        },
        description=(
            "Stripe's webhook endpoint (also at `stripe/webhook/` and `/webhook/`). The "
            "`Stripe-Signature` header is checked against `STRIPE_WEBHOOK_SECRET` with a "
            "5-minute tolerance; a bad or missing signature or an unparsable body is 400 and "
            "changes nothing. Each event id is applied once; unknown types answer 200. "
            "Events of one order may come in any order and end in the same state as in "
            "the natural one: a `charge.refunded` before its completion leaves the order "
            "and a payment `refunded` and nobody enrolled, and the completion that follows "
            "changes nothing; an expiry after a completion changes nothing. A charge is "
            "matched by `metadata.order_id`, then by its PaymentIntent. A second paid "
            "order for a course the buyer already paid for is completed, flagged for "
            "review and refunded through Stripe; fulfilling an order expires the buyer's "
            "other open sessions for that course."
        ),
    )
    def post(self, request):
        result = stripe_webhook_receive(
            payload=request.body, signature=request.headers.get("Stripe-Signature")
        )
        return Response({"received": True, "result": result})
