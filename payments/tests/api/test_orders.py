import pytest

from payments.models import PaymentStatus
from payments.tests.factories import OrderFactory, PaymentFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_orders_lists_own_newest_first_in_contract_shape(make_client, student):
    # given two orders of the caller (one paid in jpy) and one of someone else
    older = OrderFactory(user=student)
    newer = OrderFactory(user=student, currency="jpy", amount=5000, status="completed")
    PaymentFactory(order=newer)
    OrderFactory()

    # when
    response = make_client(student).get("/api/payments/orders/")

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [o["id"] for o in body["results"]] == [str(newer.id), str(older.id)]
    first = body["results"][0]
    assert set(first) == {
        "id", "course", "amount", "currency", "status", "checkout_session_id",
        "created_at", "paid_at", "payments",
    }  # fmt: skip
    assert first["amount"] == "5000"
    assert first["course"] == {
        "id": str(newer.course.id),
        "slug": newer.course.slug,
        "title": newer.course.title,
    }
    assert set(first["payments"][0]) == {
        "id", "amount", "currency", "status", "stripe_payment_intent", "created_at",
    }  # fmt: skip
    assert first["payments"][0]["amount"] == "5000"
    assert body["results"][1]["amount"] == "49.99"


def test_admin_sees_all_orders(make_client, admin_user):
    OrderFactory.create_batch(3)

    response = make_client(admin_user).get("/api/payments/orders/")

    assert response.json()["count"] == 3


@pytest.mark.parametrize("who", ["owner", "admin", "other"])
def test_order_detail_privacy(make_client, admin_user, who):
    order = OrderFactory()
    caller = {"owner": order.user, "admin": admin_user, "other": UserFactory()}[who]

    response = make_client(caller).get(f"/api/payments/orders/{order.id}/")

    assert response.status_code == (404 if who == "other" else 200)


@pytest.mark.parametrize("who", ["owner", "admin", "other"])
def test_checkout_lookup_is_owner_only(make_client, admin_user, who):
    order = OrderFactory(status=PaymentStatus.COMPLETED)
    caller = {"owner": order.user, "admin": admin_user, "other": UserFactory()}[who]

    response = make_client(caller).get(f"/api/payments/checkout/{order.checkout_session_id}/")

    assert response.status_code == (200 if who == "owner" else 404)
    if who == "owner":
        assert response.json()["status"] == "completed"


@pytest.mark.parametrize(
    "url",
    [
        "/api/payments/orders/",
        "/api/payments/orders/00000000-0000-0000-0000-000000000000/",
        "/api/payments/checkout/cs_x/",
    ],
)
def test_anonymous_is_401(api_client, url):
    assert api_client.get(url).status_code == 401


@pytest.mark.parametrize("order_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_unknown_order_is_404(make_client, user, order_id):
    assert make_client(user).get(f"/api/payments/orders/{order_id}/").status_code == 404


@pytest.mark.parametrize("size", [2, 12])
def test_orders_list_query_budget(make_client, student, django_assert_max_num_queries, size):
    for _ in range(size):
        PaymentFactory(order=OrderFactory(user=student))
    client = make_client(student)

    with django_assert_max_num_queries(5):
        response = client.get("/api/payments/orders/")

    assert response.json()["count"] == size


@pytest.mark.parametrize("session_id", ["%00", "cs%00x", "%F0%9F%98%80", "a" * 3000])
def test_garbage_checkout_session_id_is_404(make_client, user, session_id):
    response = make_client(user).get(f"/api/payments/checkout/{session_id}/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("url", ["/api/payments/orders/%00/", "/api/payments/orders/?page=abc"])
def test_garbage_order_lookups_are_404(make_client, user, url):
    assert make_client(user).get(url).status_code == 404
