"""Shapes of payments: checkout, orders, and the tutor dashboard.

Money is a decimal string in major units on the order routes, and a JSON number on the
dashboard routes (the SPA does arithmetic on it; the contract's Conventions).
"""

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.money import format_amount
from courses.api.serializers.catalogue import CourseSummarySerializer
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


# --- Tutor dashboard ----------------------------------------------------------------------


def as_number(amount: Decimal | None) -> float | int:
    """A JSON number for the dashboard: an integer when whole, else a float (at most
    three decimals)."""
    amount = Decimal(amount or 0).quantize(Decimal("0.001"))
    return int(amount) if amount == amount.to_integral_value() else float(amount)


@extend_schema_field(OpenApiTypes.DOUBLE)
class DashboardMoneyField(serializers.Field):
    """An amount (a Decimal) as the dashboard's JSON number."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value) -> float | int:
        return as_number(value)


@extend_schema_field(OpenApiTypes.DOUBLE)
class DashboardNumberField(serializers.ReadOnlyField):
    """A number the selector computed, written as it is (a ratio, a rating)."""


class MonthlyNumbersSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    earnings = DashboardMoneyField()
    students = serializers.IntegerField(help_text="Enrollments made that month")


class CoursePerformanceSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    students = serializers.IntegerField()
    rating = DashboardNumberField()
    earnings = DashboardMoneyField()


class TutorQuickStatisticsSerializer(serializers.Serializer):
    total_earnings = DashboardMoneyField()
    active_students = serializers.IntegerField()
    published_courses = serializers.IntegerField()
    draft_courses = serializers.IntegerField()
    average_rating = DashboardNumberField()
    total_reviews = serializers.IntegerField()
    recent_enrollments = serializers.IntegerField()
    monthly_earnings = MonthlyNumbersSerializer(many=True)
    course_performance = CoursePerformanceSerializer(many=True)


class CourseStatisticsSerializer(serializers.Serializer):
    students_count = serializers.IntegerField()
    active_students = serializers.IntegerField()
    completion_rate = DashboardNumberField()
    earnings = DashboardMoneyField()
    monthly = MonthlyNumbersSerializer(many=True)


class TutorCourseSerializer(CourseSummarySerializer):
    """A course summary plus the dashboard's numbers (`students_count` and
    `lessons_count` are already in the summary)."""

    price = DashboardMoneyField()
    earnings = DashboardMoneyField()

    # `rating` (null while there is no visible review) and `reviews_count` come from the
    # course summary.
    class Meta(CourseSummarySerializer.Meta):
        fields = [*CourseSummarySerializer.Meta.fields, "earnings"]
        read_only_fields = fields
