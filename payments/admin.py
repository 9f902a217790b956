"""Staff views of orders, payments and Stripe's event log, with the refund action."""

from django.contrib import admin, messages

from core.exceptions import ServiceError
from payments.models import Order, Payment, PaymentStatus, StripeEvent
from payments.services.refunds import payment_refund


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = ["id", "amount", "currency", "status", "stripe_payment_intent", "refunded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "user",
        "course",
        "amount",
        "currency",
        "status",
        "needs_review",
        "created_at",
        "paid_at",
    ]
    list_filter = ["status", "currency", "needs_review", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["user__email", "checkout_session_id", "id"]
    list_select_related = ["user", "course"]
    raw_id_fields = ["user", "course"]
    readonly_fields = [
        "checkout_session_id",
        "checkout_url",
        "checkout_expires_at",
        "checkout_attempt",
        "paid_at",
        "created_at",
        "updated_at",
    ]
    date_hierarchy = "created_at"
    inlines = [PaymentInline]


@admin.action(description="Refund selected completed payments through Stripe")
def refund_payments(modeladmin, request, queryset):
    refunded = 0
    for payment in queryset.filter(status=PaymentStatus.COMPLETED):
        try:
            payment_refund(payment=payment)
        except ServiceError as exc:
            modeladmin.message_user(
                request, f"Payment {payment.id}: {exc.detail} ({exc.code})", messages.ERROR
            )
        else:
            refunded += 1
    skipped = queryset.exclude(status=PaymentStatus.COMPLETED).count()
    if refunded:
        modeladmin.message_user(request, f"Refunded {refunded} payment(s).", messages.SUCCESS)
    if skipped:
        modeladmin.message_user(
            request, f"Skipped {skipped} payment(s) that were not completed.", messages.WARNING
        )


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["id", "order", "amount", "currency", "status", "created_at", "refunded_at"]
    list_filter = ["status", "currency", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["stripe_payment_intent", "order__user__email", "order__checkout_session_id"]
    list_select_related = ["order"]
    raw_id_fields = ["order"]
    readonly_fields = ["refunded_at", "created_at", "updated_at"]
    actions = [refund_payments]


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    """The event log is evidence: nobody edits or deletes it by hand. Events flagged
    `needs_review` name one of our orders that could not be found."""

    list_display = ["stripe_id", "type", "result", "needs_review", "created_at", "processed_at"]
    list_filter = [
        "needs_review",
        "type",
        "result",
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["stripe_id", "type"]
    readonly_fields = [
        "stripe_id",
        "type",
        "payload",
        "result",
        "needs_review",
        "processed_at",
        "created_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
