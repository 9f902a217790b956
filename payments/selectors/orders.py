"""Orders scoped to who may see them.

Every order lookup by the API goes through `orders_visible_to`, so another user's order
is a 404, never a 403 that would confirm it exists.
"""

from django.db.models import Prefetch, QuerySet

from payments.models import Order, Payment


def orders_visible_to(user) -> QuerySet[Order]:
    """The caller's orders, newest first; every order for admins."""
    orders = (
        Order.objects.select_related("course")
        .prefetch_related(Prefetch("payments", queryset=Payment.objects.order_by("created_at")))
        .order_by("-created_at")
    )
    if user.is_admin:
        return orders
    return orders.filter(user=user)


def orders_owned_by(user) -> QuerySet[Order]:
    """Only the caller's own orders (the success page: not even admins see others')."""
    return orders_visible_to(user).filter(user=user)
