"""Catalogue cache benchmark (issue #13): `python bench/cache.py [--seconds 8]`, or `make bench`.

Creates a throwaway PostgreSQL database (from `BENCH_DATABASE_URL`, default
postgresql://postgres@127.0.0.1:5432/, named `BENCH_DATABASE_PREFIX`_<pid>, default
bench_cache, dropped at the end), seeds 1,000 published
courses x 5 parts x 8 lessons, ~5,000 users and ~20,000 enrollments with bulk_create,
then serves the app with gunicorn (2 sync workers) with `REDIS_URL` (db 10 by default,
`BENCH_REDIS_URL`), and a FLOOR in the same run: the same settings with a bench-only
URLconf (bench/floor_urls.py, chosen by DJANGO_SETTINGS_MODULE=bench.floor_settings,
never in production) whose one view answers precomputed bytes of a given size. VdoCipher
is a tiny local stub (lesson detail asks it for an OTP). 16 concurrent clients (4
processes x 4 threads) hit each route for a bounded time; prints req/s, p50, p99 and
the ratio to the floor, measured (for half the time) right before each route. Not a
test: the figures depend on the machine.

`--baseline REV` (default b83dc14, the backend before the audit; `none` skips it) also
checks REV out in a temporary git worktree, migrates and seeds its own database with the
same seed, serves it alike and measures each route on it right after ours: `x REV` is
ours over it, and `x original` that times issue #13's ratio of b83dc14 to the original
backend, which we cannot run.
"""

import argparse
import json
import multiprocessing
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
COURSES, PARTS, LESSONS = 1000, 5, 8
USERS, ENROLLMENTS = 5000, 20000


# --- Seeding (runs in a child process with the bench environment) ---------------------


def seed() -> None:
    """Seeds the models of the checkout in the working directory: ours, or the baseline's
    (`--baseline`), so both databases hold the same catalogue."""
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eleven_tutors.settings")
    import django

    django.setup()
    from datetime import timedelta
    from decimal import Decimal

    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone
    from rest_framework_simplejwt.tokens import RefreshToken

    from courses.models import Category, Course, CoursePart, Enrollment, Lesson
    from users.models import Role, User

    rng = random.Random(13)
    password = make_password("bench-password")
    now = timezone.now()
    categories = Category.objects.bulk_create(
        Category(name=f"Category {i}", slug=f"category-{i}") for i in range(12)
    )
    tutors = User.objects.bulk_create(
        User(
            email=f"tutor{i}@bench.test",
            username=f"tutor{i}",
            first_name=f"Tutor{i}",
            last_name="Bench",
            role=Role.TUTOR,
            password=password,
            avatar=f"avatars/tutor{i}.png",
            is_email_verified=True,
        )
        for i in range(50)
    )
    students = User.objects.bulk_create(
        (
            User(
                email=f"student{i}@bench.test",
                username=f"student{i}",
                first_name=f"Student{i}",
                last_name="Bench",
                role=Role.STUDENT,
                password=password,
                is_email_verified=True,
            )
            for i in range(USERS - len(tutors))
        ),
        batch_size=1000,
    )
    courses = Course.objects.bulk_create(
        (
            Course(
                slug=f"bench-course-{i}",
                title=f"Bench course {i}",
                description=f"Course number {i}, seeded for the cache benchmark. " * 3,
                category=categories[i % len(categories)],
                price=Decimal(0) if i % 5 == 0 else Decimal(10 + i % 90),
                currency="usd",
                is_published=True,
                published_at=now - timedelta(minutes=i),
                thumbnail=f"thumbnails/bench{i % 6}.png",
            )
            for i in range(COURSES)
        ),
        batch_size=500,
    )
    through = Course.tutors.through
    through.objects.bulk_create(
        (
            through(course_id=c.pk, user_id=tutors[(k + j) % len(tutors)].pk)
            for k, c in enumerate(courses)
            for j in range(1 + k % 2)
        ),
        batch_size=1000,
    )
    parts = CoursePart.objects.bulk_create(
        (
            CoursePart(course=c, title=f"Part {p}", slug=f"{c.slug}-part-{p}", order=p)
            for c in courses
            for p in range(PARTS)
        ),
        batch_size=1000,
    )
    Lesson.objects.bulk_create(
        (
            Lesson(
                part=part,
                title=f"{part.slug} lesson {o}",
                slug=f"{part.slug}-lesson-{o}",
                order=o,
                duration=240 + 30 * o,
                is_free_preview=o == 0,
                video_service_id=f"{'a' * 24}{o:08d}",
            )
            for part in parts
            for o in range(LESSONS)
        ),
        batch_size=2000,
    )
    pairs = set()
    while len(pairs) < ENROLLMENTS:
        pairs.add((rng.randrange(len(students)), rng.randrange(len(courses))))
    Enrollment.objects.bulk_create(
        (Enrollment(user=students[u], course=courses[c]) for u, c in pairs), batch_size=2000
    )
    counts = dict(
        Enrollment.objects.values_list("course_id")
        .annotate(n=Count("pk"))
        .values_list("course_id", "n")
    )
    for course in courses:
        course.students_count = counts.get(course.pk, 0)
    Course.objects.bulk_update(courses, ["students_count"], batch_size=1000)
    try:
        from courses.services.catalogue import course_lesson_numbers_refresh
    except ImportError:  # a baseline from before courses stored their lesson numbers
        pass
    else:
        course_lesson_numbers_refresh(course_ids=[c.pk for c in courses])
    try:
        from core.cache import catalogue_changed
    except ImportError:  # a baseline from before the catalogue cache (b83dc14)
        pass
    else:
        catalogue_changed()
    # Autovacuum would in production; freshly bulk-loaded tables otherwise plan badly.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    # Signed-in callers: 32 students, each with one enrolled course and a lesson of it.
    callers = []
    for u, c in list(pairs)[:32]:
        course = courses[c]
        callers.append(
            {
                "token": str(RefreshToken.for_user(students[u]).access_token),
                "course": course.slug,
                "lesson": f"{course.slug}-part-0-lesson-3",
            }
        )
    print(json.dumps({"slugs": [c.slug for c in courses], "callers": callers}))


# --- Servers --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class VdoCipherStub(BaseHTTPRequestHandler):
    """POST /videos/<id>/otp answers an OTP at once; nothing else is asked in the bench."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"otp": "bench-otp", "playbackInfo": "eyJ2aWRlb0lkIjoiYmVuY2gifQ=="})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


def gunicorn(env: dict, port: int, root: Path = ROOT) -> subprocess.Popen:
    return subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", "eleven_tutors.wsgi:application",
            "--workers", "2", "--worker-class", "sync", "--bind", f"127.0.0.1:{port}",
            "--log-level", "warning", "--timeout", "120",
            "--control-socket", f"/tmp/bench-cache-gunicorn-{port}.ctl",
        ],
        cwd=root,
        env=env,
    )  # fmt: skip


def migrate_and_seed(root: Path, env: dict) -> dict:
    """Migrates the checkout at `root` into env's DATABASE_URL and seeds it with `seed`
    (run from `root`, so with its models); returns the seed's slugs and callers."""
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=root, env=env, check=True
    )
    seeded = subprocess.run(
        [PYTHON, __file__, "--seed"], cwd=root, env=env, check=True,
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    return json.loads(seeded.stdout.strip().splitlines()[-1])


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    conn = HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_until_up(port: int, path: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if get(port, path)[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no answer on port {port}")


# --- Load -----------------------------------------------------------------------------


def _client_process(port, requests, seconds, threads, seed_value, queue) -> None:
    """One client process: `threads` threads loop over `requests` (path, headers)."""
    latencies, errors = [], [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def loop(index: int) -> None:
        rng = random.Random(seed_value * 100 + index)
        counter = 0
        while time.monotonic() < stop_at:
            path, headers = rng.choice(requests)
            counter += 1
            path = path.replace("{n}", f"{seed_value}-{index}-{counter}")
            started = time.perf_counter()
            try:
                status, _ = get(port, path, headers)
            except OSError:
                status = 0
            elapsed = time.perf_counter() - started
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1

    pool = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    queue.put((latencies, errors[0]))


def drive(port, requests, seconds, processes=4, threads=4) -> dict:
    queue = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(
            target=_client_process, args=(port, requests, seconds, threads, i, queue)
        )
        for i in range(processes)
    ]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    latencies, errors = [], 0
    for _ in workers:
        got, failed = queue.get()
        latencies += got
        errors += failed
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, round(p / 100 * (len(latencies) - 1)))] * 1000

    return {
        "rps": len(latencies) / elapsed,
        "p50": pct(50) if latencies else 0.0,
        "p99": pct(99) if latencies else 0.0,
        "errors": errors,
    }


# --- Main -----------------------------------------------------------------------------

PAGES = [f"/api/courses/courses/?page={p}&page_size=100" for p in range(1, 11)]


# Issue #13's goals per route: a share of the floor ("floor", percent) or a multiple of the
# original backend ("original", times; needs the baseline); and p99 <= 2 x p50 for all.
GOALS = {
    "catalogue page of 100, anonymous, warm": ("floor", 50),
    "catalogue page of 100, anonymous, cold": ("original", 40),
    "catalogue page of 100, signed in, warm": ("original", 40),
    "catalogue page of 100, signed in, cold": ("original", 40),
    "course detail, anonymous, warm": ("floor", 50),
    "course detail, signed in (enrolled), warm": ("original", 10),
    "categories, signed in": ("original", 10),
    "lesson detail, signed in (OTP stubbed)": ("original", 3),
}


def goal_lines(measured: dict) -> list[str]:
    """One line per goal of issue #13: the figure measured in this run, met or not."""
    lines = []
    for label, (kind, wanted) in GOALS.items():
        got = measured[label].get(kind)
        if got is None:
            lines.append(f"  {label}: x original needs --baseline")
            continue
        unit = "% of the floor" if kind == "floor" else "x the original"
        verdict = "met" if got >= wanted else "NOT met"
        lines.append(f"  {label}: {got:.1f}{unit} (goal {wanted}{unit}): {verdict}")
    for label, result in measured.items():
        ratio = result["p99"] / result["p50"] if result["p50"] else 0.0
        verdict = "met" if ratio <= 2 else "NOT met"
        lines.append(f"  {label}: p99 = {ratio:.2f} x p50 (goal <= 2): {verdict}")
    return lines


def app_routes(seeded: dict) -> list[tuple[str, float, list]]:
    """(label, issue #13's ratio of b83dc14 to the original backend, requests) for the
    app's routes, built from one database's seed (its slugs and its callers' tokens)."""
    callers, slugs = seeded["callers"], seeded["slugs"]

    def auth(caller):
        return {"Authorization": f"Bearer {caller['token']}"}

    return [
        ("catalogue page of 100, anonymous, warm", 3.7, [(p, {}) for p in PAGES]),
        ("catalogue page of 100, anonymous, cold", 3.7, [(p + "&cold={n}", {}) for p in PAGES]),
        (
            "catalogue page of 100, signed in, warm",
            3.7,
            [(p, auth(c)) for p in PAGES for c in callers],
        ),
        (
            "catalogue page of 100, signed in, cold",
            3.7,
            [(p + "&cold={n}", auth(c)) for p in PAGES[:3] for c in callers],
        ),
        (
            "course detail, anonymous, warm",
            1.7,
            [(f"/api/courses/courses/{s}/", {}) for s in slugs],
        ),
        (
            "course detail, signed in (enrolled), warm",
            1.7,
            [(f"/api/courses/courses/{c['course']}/", auth(c)) for c in callers],
        ),
        (
            "categories, signed in",
            1.7,
            [("/api/courses/categories/", auth(c)) for c in callers],
        ),
        (
            "lesson detail, signed in (OTP stubbed)",
            1.5,
            [(f"/api/courses/lessons/{c['lesson']}/", auth(c)) for c in callers],
        ),
        ("users/me, signed in", 3.9, [("/api/auth/users/me/", auth(c)) for c in callers]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per route")
    parser.add_argument(
        "--baseline",
        default="b83dc14",
        help="git revision also served and measured, in its own database ('none': skip)",
    )
    args = parser.parse_args()
    baseline = None if args.baseline == "none" else args.baseline

    import psycopg2

    server_url = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/")
    server_url = server_url.rstrip("/")
    name = f"{os.environ.get('BENCH_DATABASE_PREFIX', 'bench_cache')}_{os.getpid()}"
    databases = [name, f"{name}_baseline"] if baseline else [name]
    admin = psycopg2.connect(server_url + "/postgres")
    admin.autocommit = True
    for database in databases:
        admin.cursor().execute(f'CREATE DATABASE "{database}"')

    stub = ThreadingHTTPServer(("127.0.0.1", free_port()), VdoCipherStub)
    threading.Thread(target=stub.serve_forever, daemon=True).start()
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
    env = {
        **os.environ,
        "DATABASE_URL": f"{server_url}/{name}",
        "REDIS_URL": redis_url,
        "DJANGO_DEBUG": "False",
        "DJANGO_SECRET_KEY": secrets.token_hex(32),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Never reached, yet a per-second window: DRF keeps one timestamp per request of
        # the window per client, and all 16 clients are one IP here. Per minute, that
        # list grows to ~25,000 entries pickled to Redis twice a request, a cost no real
        # client causes (production's 300/min caps it at 300).
        "THROTTLE_ANON_RATE": "1000000/s",
        "THROTTLE_USER_RATE": "1000000/s",
        "LOG_LEVEL": "WARNING",
        # No collectstatic (see below): WhiteNoise's warning about the empty STATIC_ROOT.
        "PYTHONWARNINGS": "ignore:No directory at",
        "VIDEO_SERVICE_API_URL": f"http://127.0.0.1:{stub.server_address[1]}",
        "VIDEO_SERVICE_SECRET_KEY": "bench-stub",
    }
    servers = []
    worktree = Path(tempfile.mkdtemp(prefix="bench-baseline-")) / "tree" if baseline else None
    try:
        # No collectstatic: the routes measured serve no static file, and collecting into
        # the repo's STATIC_ROOT would make every test client's WhiteNoise scan it.
        started = time.monotonic()
        seeded = migrate_and_seed(ROOT, env)
        print(
            f"seeded {COURSES} courses x {PARTS} parts x {LESSONS} lessons, {USERS} users, "
            f"{ENROLLMENTS} enrollments in {time.monotonic() - started:.0f}s"
        )
        app_port, floor_port = free_port(), free_port()
        servers.append(gunicorn(env, app_port))
        servers.append(
            gunicorn({**env, "DJANGO_SETTINGS_MODULE": "bench.floor_settings"}, floor_port)
        )
        wait_until_up(app_port, "/api/core/health/live/")
        wait_until_up(floor_port, "/floor/?bytes=10")
        baseline_routes = {}
        if baseline:
            # The baseline's own checkout, database and gunicorn; same secret key, stub,
            # Redis and throttles. Its seed makes other ids, so its routes use its callers.
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet",
                 str(worktree), baseline],
                check=True,
            )  # fmt: skip
            baseline_env = {**env, "DATABASE_URL": f"{server_url}/{databases[1]}"}
            baseline_env.pop("DJANGO_SETTINGS_MODULE", None)
            started = time.monotonic()
            baseline_routes = {
                label: requests
                for label, _, requests in app_routes(migrate_and_seed(worktree, baseline_env))
            }
            baseline_port = free_port()
            servers.append(gunicorn(baseline_env, baseline_port, root=worktree))
            wait_until_up(baseline_port, PAGES[0])
            print(
                f"seeded {baseline}'s database the same way in "
                f"{time.monotonic() - started:.0f}s; its page of 100: "
                f"{len(get(baseline_port, PAGES[0])[1])} bytes"
            )

        page_bytes = len(get(app_port, PAGES[0])[1])
        detail_bytes = len(get(app_port, f"/api/courses/courses/{seeded['slugs'][0]}/")[1])
        floor_routes = [
            ("floor, catalogue-page bytes", [(f"/floor/?bytes={page_bytes}", {})]),
            ("floor, course-detail bytes", [(f"/floor/?bytes={detail_bytes}", {})]),
        ]
        # Warm the cache: every anonymous page and detail once.
        for path in PAGES + [f"/api/courses/courses/{s}/" for s in seeded["slugs"]]:
            get(app_port, path)
        print(
            f"16 clients (4 processes x 4 threads) for {args.seconds:.0f}s per route; gunicorn "
            f"2 sync workers; PostgreSQL; Redis {redis_url.rsplit('/', 1)[-1]} (db)"
        )
        print(f"page of 100: {page_bytes} bytes; course detail: {detail_bytes} bytes")
        if baseline:
            print(
                f"{baseline}: its req/s, measured right after ours; x original: x {baseline} "
                f"times issue #13's ratio of b83dc14 to the original backend"
            )
        print(
            f"{'route':45} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'floor':>7} {'err':>5}"
            + (f" {baseline:>9} {'x ' + baseline:>10} {'x original':>10}" if baseline else "")
        )
        measured = {}
        for label, requests in floor_routes:
            result = drive(floor_port, requests, args.seconds)
            floor_tails = f"{result['p99'] / result['p50']:.2f}" if result["p50"] else "-"
            print(
                f"{label:45} {result['rps']:8.1f} {result['p50']:8.1f} {result['p99']:8.1f} "
                f"{'':>7} {result['errors']:5d}"
            )
        for label, factor, requests in app_routes(seeded):
            is_detail = "detail" in label and "lesson" not in label
            floor_label = (
                "floor, course-detail bytes" if is_detail else "floor, catalogue-page bytes"
            )
            # The share of the floor is against a floor measured right before the route:
            # this machine's speed drifts within a run, and a floor measured once at the
            # start moved every ratio with it (51 % and 76 % for one route in two runs).
            floor = drive(floor_port, dict(floor_routes)[floor_label], args.seconds / 2)["rps"]
            result = drive(app_port, requests, args.seconds)
            line = (
                f"{label:45} {result['rps']:8.1f} {result['p50']:8.1f} {result['p99']:8.1f} "
                f"{100 * result['rps'] / floor:6.1f}% {result['errors']:5d}"
            )
            measured[label] = {**result, "floor": 100 * result["rps"] / floor}
            if baseline:
                base = drive(baseline_port, baseline_routes[label], args.seconds)
                if base["errors"]:
                    line += f" {base['rps']:9.1f} {str(base['errors']) + ' err':>10}"
                else:
                    times = result["rps"] / base["rps"]
                    line += f" {base['rps']:9.1f} {times:9.2f}x {times * factor:9.1f}x"
                    measured[label]["original"] = times * factor
            print(line)
        print(f"issue #13's goals, in this run (the floor's own p99 = {floor_tails} x p50):")
        print("\n".join(goal_lines(measured)))
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        stub.shutdown()
        if worktree:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(worktree)],
                stderr=subprocess.DEVNULL,
            )
            subprocess.run(["git", "-C", str(ROOT), "worktree", "prune"])
            shutil.rmtree(worktree.parent, ignore_errors=True)
        for database in databases:
            admin.cursor().execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    if sys.argv[1:] == ["--seed"]:
        seed()
    else:
        main()
