from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.money import format_amount
from payments.models import Order, Payment


class AmountField(serializers.Field):
    """A decimal string in major units, with the currency's own number of decimals."""

    def to_representation(self, obj) -> str:
        return format_amount(obj.amount, obj.currency)


AmountField = extend_schema_field({"type": "string", "example": "49.99"})(AmountField)


class CheckoutRequestSerializer(serializers.Serializer):
    course_id = serializers.UUIDField()
    currency = serializers.CharField(required=False, allow_null=True, allow_blank=True)

    def validate_currency(self, value):
        if not value:
            return None
        # An unknown code is the service's 400 `currency_not_available`, like a known
        # currency the course has no price in.
        return value.strip().lower()


class CheckoutResponseSerializer(serializers.Serializer):
    checkout_session_id = serializers.CharField()
    checkout_url = serializers.URLField()
    order_id = serializers.UUIDField()


class FreeEnrollmentResponseSerializer(serializers.Serializer):
    enrolled = serializers.BooleanField()
    checkout_session_id = serializers.CharField(allow_null=True)
    checkout_url = serializers.CharField(allow_null=True)
    order_id = serializers.UUIDField(allow_null=True)


class OrderCourseSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    slug = serializers.SlugField()
    title = serializers.CharField()


class PaymentSerializer(serializers.ModelSerializer):
    amount = AmountField(source="*")

    class Meta:
        model = Payment
        fields = ["id", "amount", "currency", "status", "stripe_payment_intent", "created_at"]
        read_only_fields = fields


class OrderSerializer(serializers.ModelSerializer):
    course = OrderCourseSerializer()
    amount = AmountField(source="*")
    payments = PaymentSerializer(many=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "course",
            "amount",
            "currency",
            "status",
            "checkout_session_id",
            "created_at",
            "paid_at",
            "payments",
        ]
        read_only_fields = fields
