from decimal import Decimal

import factory

from courses.tests.factories import CourseFactory
from payments.models import Order, Payment, PaymentStatus, StripeEvent
from users.tests.factories import UserFactory


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)
    amount = Decimal("49.99")
    currency = "usd"
    status = PaymentStatus.PENDING
    checkout_session_id = factory.Sequence(lambda n: f"cs_test_{n:024d}")
    checkout_url = factory.LazyAttribute(
        lambda o: f"https://checkout.stripe.com/c/pay/{o.checkout_session_id}"
    )


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    order = factory.SubFactory(OrderFactory)
    amount = factory.LazyAttribute(lambda p: p.order.amount)
    currency = factory.LazyAttribute(lambda p: p.order.currency)
    status = PaymentStatus.COMPLETED
    stripe_payment_intent = factory.Sequence(lambda n: f"pi_test_{n:024d}")


class StripeEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StripeEvent

    stripe_id = factory.Sequence(lambda n: f"evt_test_{n:024d}")
    type = "checkout.session.completed"
    payload = factory.LazyFunction(dict)
