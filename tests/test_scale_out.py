"""Two app servers over one PostgreSQL and one Redis, and the faults production will see.

Each test talks HTTP (`requests`) to real gunicorn processes started from the repo's
`gunicorn.conf.py` on loopback ports: the app holds no state of its own, so a second
instance behind a load balancer just works; Redis and PostgreSQL outages degrade or
recover without a restart; a worker killed mid-webhook leaves Stripe's retry to finish
the job exactly once.

The servers use the pytest-django test database (transactional tests, so what a test
writes is committed and visible to them) and a private `redis-server` on a free port, so
stopping it never touches the machine's Redis. PostgreSQL only: skipped on SQLite.
"""

import ctypes
import hashlib
import hmac
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

import psycopg2
import pytest
import requests
from django.conf import settings
from django.db import connection
from rest_framework_simplejwt.tokens import RefreshToken

from core.models import OutboundEmail
from courses.models import Course, Enrollment
from courses.tests.factories import CourseFactory
from payments.models import Order, Payment, PaymentStatus, StripeEvent
from users.tests.factories import StudentFactory, TutorFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

BASE_DIR = Path(settings.BASE_DIR)
WEBHOOK_SECRET = "whsec_scale_out_test"
HTTP_TIMEOUT = 15  # seconds; every request of these tests answers well within it
START_TIMEOUT = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(predicate, *, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


# --- Processes ------------------------------------------------------------------------


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM when the test process dies, however it dies
    (finalizers do not run when pytest is killed), so no server outlives the tests."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:  # not Linux: the finalizers still stop the servers
        pass


class RedisServer:
    """A private redis-server on a free loopback port, which the tests stop and restart."""

    def __init__(self, workdir: Path):
        self.port = _free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        _wait(self._answers, timeout=START_TIMEOUT, what="redis-server")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        _wait(lambda: not self._answers(), timeout=10, what="redis-server to stop")

    def flush(self) -> None:
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
            sock.sendall(b"FLUSHALL\r\n")
            assert sock.recv(16).startswith(b"+OK")


class AppServer:
    """`gunicorn -c gunicorn.conf.py eleven_tutors.wsgi` on a loopback port, one worker."""

    def __init__(self, name: str, *, database_url: str, redis_url: str, logdir: Path):
        self.name = name
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = logdir / f"gunicorn-{name}.log"
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,  # tokens minted here are valid there
            "DJANGO_DEBUG": "False",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "DATABASE_CONN_MAX_AGE": "60",
            "REDIS_URL": redis_url,
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "STRIPE_SECRET_KEY": "",
            "STRIPE_API_BASE": f"http://127.0.0.1:{_free_port()}",  # nothing listens
            "VIDEO_SERVICE_SECRET_KEY": "",
            "VIDEO_SERVICE_API_URL": f"http://127.0.0.1:{_free_port()}",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "LOG_LEVEL": "INFO",
            "GUNICORN_TIMEOUT": "20",
        }
        self.process: subprocess.Popen | None = None
        self._log = None

    def start(self) -> None:
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "eleven_tutors.wsgi",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        _wait(self._live, timeout=START_TIMEOUT, what=f"gunicorn {self.name}", interval=0.2)

    def _live(self) -> bool:
        assert self.process.poll() is None, self.log()
        try:
            return requests.get(f"{self.base}/api/core/health/live/", timeout=2).ok
        except requests.RequestException:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._log:
            self._log.close()

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_events(self) -> list[dict]:
        events = []
        for line in self.log().splitlines():
            try:
                events.append(json.loads(line))
            except ValueError:
                continue
        return events

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{self.base}{path}", timeout=HTTP_TIMEOUT, **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)


def _database_url(*, application_name: str, port: int | None = None) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    return (
        f"postgresql://{db['USER']}{password}@{host}:{port or db.get('PORT') or 5432}"
        f"/{db['NAME']}?application_name={application_name}&connect_timeout=3"
    )


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    if not shutil.which("redis-server"):
        if os.environ.get("CI"):
            pytest.fail("CI needs redis-server (apt-get install redis-server)")
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def app_servers(django_db_setup, django_db_blocker, redis_server, tmp_path_factory):
    """Two app servers, `a` and `b`, over the test database and the private Redis."""
    logdir = tmp_path_factory.mktemp("gunicorn")
    tag = uuid.uuid4().hex[:8]
    servers = {
        name: AppServer(
            name,
            database_url=_database_url(application_name=f"scale-{tag}-{name}"),
            redis_url=redis_server.url,
            logdir=logdir,
        )
        for name in ("a", "b")
    }
    try:
        for server in servers.values():
            server.start()
        yield servers
    finally:
        for server in servers.values():
            server.stop()


@pytest.fixture
def a(app_servers, redis_server):
    redis_server.flush()  # fresh throttle counters for each test
    return app_servers["a"]


@pytest.fixture
def b(app_servers):
    return app_servers["b"]


def _connect():
    db = connection.settings_dict
    return psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        connect_timeout=5,
        options="-c lock_timeout=30000 -c statement_timeout=30000",
    )


@pytest.fixture
def admin_db():
    """A connection of the test's own, outside Django's, to watch pg_stat_activity and
    terminate backends (autocommit)."""
    conn = _connect()
    conn.autocommit = True
    yield conn
    conn.close()


@pytest.fixture
def lock_db():
    """Another one that holds row locks in an open transaction until it rolls back."""
    conn = _connect()
    yield conn
    conn.rollback()
    conn.close()


def _bearer(user) -> dict:
    return {"Authorization": f"Bearer {RefreshToken.for_user(user).access_token}"}


def _signed_event(event: dict) -> tuple[bytes, dict]:
    body = json.dumps(event).encode()
    timestamp = int(time.time())
    digest = hmac.new(
        WEBHOOK_SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    headers = {"Stripe-Signature": f"t={timestamp},v1={digest}", "Content-Type": "application/json"}
    return body, headers


def _paid_session_event(order: Order) -> dict:
    cents = int(order.amount * 100)
    return {
        "id": f"evt_{uuid.uuid4().hex}",
        "object": "event",
        "type": "checkout.session.completed",
        "created": int(time.time()),
        "livemode": False,
        "data": {
            "object": {
                "id": order.checkout_session_id,
                "object": "checkout.session",
                "mode": "payment",
                "status": "complete",
                "payment_status": "paid",
                "amount_subtotal": cents,
                "amount_total": cents,
                "currency": order.currency,
                "client_reference_id": str(order.id),
                "metadata": {"order_id": str(order.id)},
                "payment_intent": f"pi_{order.id.hex}",
            }
        },
    }


def _pending_order() -> Order:
    course = CourseFactory(price=Decimal("49.99"))
    return Order.objects.create(
        user=StudentFactory(),
        course=course,
        amount=Decimal("49.99"),
        currency="usd",
        status=PaymentStatus.PENDING,
        checkout_session_id=f"cs_test_{uuid.uuid4().hex}",
    )


def _assert_paid_once(order: Order) -> None:
    order.refresh_from_db()
    assert order.status == PaymentStatus.COMPLETED
    assert Payment.objects.filter(order=order).count() == 1
    assert Payment.objects.get(order=order).status == PaymentStatus.COMPLETED
    enrollments = Enrollment.objects.filter(user=order.user, course=order.course)
    assert enrollments.count() == 1 and enrollments.get().is_active


def _bad_login(server: AppServer) -> int:
    body = {"email": "nobody@example.com", "password": "wrong-password"}
    return server.post("/api/auth/token/", json=body).status_code


# --- Two instances, one state ---------------------------------------------------------


def test_the_login_throttle_is_counted_across_both_instances(a, b):
    # given: ten failed logins from one IP, alternating between the instances
    codes = [_bad_login(a if i % 2 else b) for i in range(10)]
    assert codes == [401] * 10

    # when / then: the eleventh is refused whichever instance gets it
    assert _bad_login(a) == 429
    assert _bad_login(b) == 429


def test_a_catalogue_change_through_one_is_read_through_the_other(a, b):
    # given: a published course, read once through b (as a cache would keep it)
    tutor = TutorFactory()
    course = CourseFactory(tutors=[tutor], title="Before")
    assert b.get(f"/api/courses/courses/{course.slug}/").json()["title"] == "Before"
    assert any(c["slug"] == course.slug for c in b.get("/api/courses/courses/").json()["results"])

    # when: its tutor renames and unpublishes it through a
    response = a.request(
        "PATCH",
        f"/api/courses/courses/{course.slug}/",
        json={"title": "After"},
        headers=_bearer(tutor),
    )
    assert response.status_code == 200, response.text
    unpublish = a.request(
        "PATCH",
        f"/api/courses/courses/{course.slug}/",
        json={"is_published": False},
        headers=_bearer(tutor),
    )
    assert unpublish.status_code == 200, unpublish.text

    # then: the next reads through b see both changes
    detail = b.get(f"/api/courses/courses/{course.slug}/", headers=_bearer(tutor))
    assert detail.json()["title"] == "After"
    listing = b.get("/api/courses/courses/").json()["results"]
    assert all(c["slug"] != course.slug for c in listing)
    assert Course.objects.get(pk=course.pk).title == "After"


def test_a_stripe_event_replayed_to_the_other_instance_changes_nothing(a, b):
    # given: a pending order and its signed completion event
    order = _pending_order()
    body, headers = _signed_event(_paid_session_event(order))

    # when: delivered to a, then replayed (Stripe's retry) to b
    first = a.post("/api/payments/webhook/", data=body, headers=headers)
    second = b.post("/api/payments/webhook/", data=body, headers=headers)

    # then
    assert (first.status_code, second.status_code) == (200, 200)
    _assert_paid_once(order)
    assert StripeEvent.objects.count() == 1


def test_app_servers_log_one_json_access_line_per_request_without_the_query(a):
    marker = uuid.uuid4().hex

    response = a.get(
        f"/api/core/universities/?search=secret-{marker}",
        headers={"X-Request-ID": f"req-{marker}"},
    )

    assert response.headers["X-Request-ID"] == f"req-{marker}"
    lines = _wait(
        lambda: [e for e in a.log_events() if e.get("request_id") == f"req-{marker}"],
        timeout=5,
        what="the access line",
    )
    [access] = [line for line in lines if line["logger"] == "http.access"]
    assert access["path"] == "/api/core/universities/"
    assert (access["method"], access["status"], access["user_id"]) == ("GET", 200, None)
    assert f"secret-{marker}" not in a.log()
    assert not any(line.get("logger") == "gunicorn.access" for line in a.log_events())


# --- Faults ---------------------------------------------------------------------------


def _unavailable_logs(server: AppServer) -> int:
    return sum(1 for e in server.log_events() if e.get("message") == "core.cache.unavailable")


def test_redis_down_degrades_to_pass_through_and_recovers_without_a_restart(a, b, redis_server):
    course = CourseFactory()
    student = StudentFactory()
    logged_before = _unavailable_logs(a)
    pids = (a.process.pid, b.process.pid)
    try:
        # given: Redis is gone
        redis_server.stop()

        # then: the API keeps answering, throttles let requests through
        for server in (a, b):
            assert server.get("/api/courses/courses/").status_code == 200
            assert server.get(f"/api/courses/courses/{course.slug}/").status_code == 200
        assert [_bad_login(a) for _ in range(12)] == [401] * 12
        # readiness names the cache, liveness is fine
        health = a.get("/api/core/health/")
        assert health.status_code == 503
        assert health.json() == {"status": "error", "database": "ok", "cache": "error"}
        assert a.get("/api/core/health/live/").status_code == 200
        # the outage is logged once by the worker, not once per request
        assert _unavailable_logs(a) - logged_before == 1
        # Redis is the Celery broker too: an email cannot be queued, yet the request
        # answers at once and the email waits in the outbox for the periodic re-queue
        started = time.monotonic()
        reset = a.post("/api/auth/password/reset/", json={"email": student.email})
        assert reset.status_code == 202 and time.monotonic() - started < 2
        assert OutboundEmail.objects.get(recipient=student.email).sent_at is None
    finally:
        # when: Redis comes back
        redis_server.start()

    # then: same processes, readiness and throttling are back
    _wait(
        lambda: a.get("/api/core/health/").status_code == 200,
        timeout=10,
        what="readiness after Redis returns",
    )
    assert b.get("/api/core/health/").status_code == 200
    assert (a.process.pid, b.process.pid) == pids
    assert [_bad_login(b) for _ in range(10)] == [401] * 10
    assert _bad_login(a) == 429
    assert any(e.get("message") == "core.cache.recovered" for e in a.log_events())


def _backends(admin_db, server: AppServer) -> list[tuple]:
    with admin_db.cursor() as cursor:
        cursor.execute(
            "SELECT pid, state, wait_event_type, query FROM pg_stat_activity"
            " WHERE application_name = %s",
            [server.env["DATABASE_URL"].split("application_name=")[1].split("&")[0]],
        )
        return cursor.fetchall()


def test_dropped_database_connections_are_replaced_without_a_restart(a, b, admin_db):
    # given: both workers hold a persistent connection...
    course = CourseFactory()
    for server in (a, b):
        assert server.get(f"/api/courses/courses/{course.slug}/").status_code == 200
    backends = _backends(admin_db, a) + _backends(admin_db, b)
    assert len(backends) >= 2

    # ...which the database drops (a failover, a restart, an idle timeout)
    with admin_db.cursor() as cursor:
        for pid, *_ in backends:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    _wait(
        lambda: not (_backends(admin_db, a) + _backends(admin_db, b)),
        timeout=10,
        what="the backends to end",
    )

    # then: the very next requests succeed on fresh connections, same processes
    for server in (a, b):
        started = time.monotonic()
        assert server.get(f"/api/courses/courses/{course.slug}/").status_code == 200
        assert server.get("/api/core/health/").status_code == 200
        assert time.monotonic() - started < HTTP_TIMEOUT
    assert _backends(admin_db, a) and _backends(admin_db, b)


def test_readiness_answers_503_in_time_while_the_database_is_unreachable(redis_server, tmp_path):
    # given: an app server whose database does not answer (nothing listens on its port;
    # the machine's PostgreSQL is never stopped)
    server = AppServer(
        "no-db",
        database_url=_database_url(application_name="scale-no-db", port=_free_port()),
        redis_url=redis_server.url,
        logdir=tmp_path,
    )
    server.start()
    try:
        # when
        started = time.monotonic()
        health = server.get("/api/core/health/")
        courses = server.get("/api/courses/courses/")
        elapsed = time.monotonic() - started

        # then: readiness names the database, liveness is fine, nothing hangs
        assert health.status_code == 503
        assert health.json() == {"status": "error", "database": "error", "cache": "ok"}
        assert server.get("/api/core/health/live/").status_code == 200
        assert courses.status_code >= 500
        assert elapsed < HTTP_TIMEOUT
    finally:
        server.stop()


def test_a_worker_killed_mid_webhook_leaves_the_retry_to_enroll_exactly_once(
    a, b, admin_db, lock_db
):
    # given: a pending order, locked by another transaction so the webhook's worker will
    # wait inside its own transaction, after inserting the event row
    order = _pending_order()
    body, headers = _signed_event(_paid_session_event(order))
    with lock_db.cursor() as cursor:
        cursor.execute("SELECT id FROM payments_order WHERE id = %s FOR UPDATE", [str(order.id)])

    outcome: dict = {}

    def deliver():
        try:
            outcome["status"] = a.post("/api/payments/webhook/", data=body, headers=headers)
        except requests.RequestException as exc:
            outcome["error"] = exc

    delivery = threading.Thread(target=deliver, daemon=True)
    delivery.start()
    blocked = _wait(
        lambda: [row for row in _backends(admin_db, a) if row[2] == "Lock"],
        timeout=HTTP_TIMEOUT,
        what="the webhook to wait on the order's row lock",
    )
    [(backend_pid, _, _, query)] = blocked
    assert "FOR UPDATE" in query

    # when: its worker is killed, then the lock is released
    [worker] = a.worker_pids()
    os.kill(worker, signal.SIGKILL)
    delivery.join(timeout=HTTP_TIMEOUT)
    assert not delivery.is_alive()
    assert "error" in outcome or outcome["status"].status_code >= 500
    lock_db.rollback()
    _wait(
        lambda: all(row[0] != backend_pid for row in _backends(admin_db, a)),
        timeout=HTTP_TIMEOUT,
        what="the killed worker's transaction to roll back",
    )

    # then: nothing was recorded...
    assert StripeEvent.objects.count() == 0
    assert not Payment.objects.filter(order=order).exists()
    assert not Enrollment.objects.filter(user=order.user).exists()

    # ...and Stripe's retry, to either instance, does it exactly once
    assert b.post("/api/payments/webhook/", data=body, headers=headers).status_code == 200
    _wait(a._live, timeout=START_TIMEOUT, what="gunicorn to replace the killed worker")
    assert a.worker_pids() != [worker]
    assert a.post("/api/payments/webhook/", data=body, headers=headers).status_code == 200
    _assert_paid_once(order)
