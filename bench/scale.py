"""Catalogue scaling benchmark (issue #13): `python bench/scale.py [--runs 15]
[--sizes 1000,100000]`, or `make bench-scale`.

Issue #13 asks that a catalogue page cost at most 1.5x at 100,000 courses what it
costs at 1,000. A cached page is bytes from the cache whatever the catalogue's size, so
this measures the cache-cold page, built from PostgreSQL.

Creates two throwaway databases (`et_scale_<size>_<pid>` on `BENCH_DATABASE_URL`,
default postgresql://postgres@127.0.0.1:5432/, dropped at the end), migrates them and
seeds them with set-based SQL: 1,000 and 100,000 published courses (plus 2% drafts), 5
parts x 8 lessons each, 12 categories, one tutor per 20 courses, ~20 enrollments per
course (skewed, 5% refunded), a review for ~1 enrollment in 4, then the stored numbers
(`students_count`, `rating`, `reviews_count`, `lessons_count`, `total_duration`) from
those rows and VACUUM ANALYZE. Then, in one child process per database (Django with
DEBUG off, no REDIS_URL: the local-memory cache, and a unique query parameter per
request so every page is a miss), it calls the WSGI application for each variant (pages,
a category, a search, every ordering the view allows) and prints the median and p90
time, the SQL queries and time per request, the ratio 100k/1k, and EXPLAIN ANALYZE of
the slowest query at 100k of each variant over 1.5x.
Not a test: the figures depend on the machine.
"""

import argparse
import io
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PAGE_SIZE = 100
RATIO_LIMIT = 1.5
ORDERINGS = ("created_at", "published_at", "price", "title", "students_count", "rating")
TOPICS = (
    "algebra", "biology", "chemistry", "drawing", "economics", "finance", "geometry", "history",
    "italian", "japanese", "kotlin", "linux", "marketing", "nutrition", "optics", "painting",
    "quantum", "rust", "statistics", "typescript", "ukulele", "violin", "welding", "yoga",
    "zoology", "acting", "baking", "calculus", "django", "excel", "french", "guitar", "hiking",
    "investing", "javascript", "knitting", "leadership", "mandarin", "negotiation", "origami",
    "physics", "python", "robotics", "sculpture", "trigonometry", "unity", "vocals", "writing",
    "xray", "yiddish", "zumba",
)  # fmt: skip
SEARCH_TOPIC = "quantum"  # in the title and description of 2% of the courses


AFTER_A_WRITE = "page 1, after a write"


def variants(last_page: int) -> list[tuple[str, str]]:
    """(label, query string) of each measured page; `last_page` of the default order."""
    page = f"page_size={PAGE_SIZE}&page="
    found = [
        ("page 1", page + "1"),
        # The count of a filter set is cached with the pages (courses/api/pagination.py):
        # the other variants pay it once; right after a write, a page pays it again.
        (AFTER_A_WRITE, page + "1"),
        ("middle page", page + str(max(1, last_page // 2))),
        ("last page", page + str(last_page)),
        ("category filter", page + "1&category=category-3"),
        (f"search {SEARCH_TOPIC}", page + f"1&search={SEARCH_TOPIC}"),
    ]
    for field in ORDERINGS:
        for sign in ("", "-"):
            found.append((f"ordering {sign}{field}", page + f"1&ordering={sign}{field}"))
    return found


# --- Seeding (set-based SQL, in the parent, right after `migrate`) --------------------
#
# Parents get ids derived from their number (md5(...)::uuid) so children can point at
# them without a join; leaves take gen_random_uuid().

SEED_SQL = """
SELECT setseed(0.13);
INSERT INTO courses_category (id, created_at, updated_at, name, slug, description)
SELECT md5('category' || c)::uuid, now(), now(), 'Category ' || c, 'category-' || c, ''
FROM generate_series(0, 11) c;

INSERT INTO users_user (id, password, is_superuser, created_at, updated_at, email, first_name,
    last_name, username, avatar, bio, role, is_email_verified, is_active, is_staff, date_joined)
SELECT md5('tutor' || t)::uuid, '!', false, now(), now(), 'tutor' || t || '@bench.test',
    'Tutor' || t, 'Bench' || t %% 97, 'tutor' || t, 'avatars/tutor' || t %% 50 || '.png', '',
    2, true, true, false, now()
FROM generate_series(0, %(tutors)s - 1) t;

INSERT INTO users_user (id, password, is_superuser, created_at, updated_at, email, first_name,
    last_name, username, avatar, bio, role, is_email_verified, is_active, is_staff, date_joined)
SELECT md5('student' || s)::uuid, '!', false, now(), now(), 'student' || s || '@bench.test',
    'Student' || s, 'Bench', 'student' || s, NULL, '', 3, true, true, false, now()
FROM generate_series(0, %(students)s - 1) s;

-- Course i was published i minutes ago; the last 2%% are drafts.
INSERT INTO courses_course (id, created_at, updated_at, title, slug, description, thumbnail,
    price, currency, is_published, published_at, students_count, category_id, rating,
    reviews_count, lessons_count, total_duration)
SELECT md5('course' || i)::uuid, now() - i * interval '1 minute' - interval '1 day', now(),
    initcap(topic) || ' ' || (i * 7919) %% 1000 || ': course ' || i, 'course-' || i,
    'Learn ' || topic || ' from scratch, step by step, with exercises. ' || repeat('Text. ', 20),
    'thumbnails/bench' || i %% 6 || '.png',
    CASE WHEN i %% 5 = 0 THEN 0 ELSE 10 + i %% 90 END, 'usd', i < %(courses)s,
    CASE WHEN i < %(courses)s THEN now() - i * interval '1 minute' END, 0,
    md5('category' || i %% 12)::uuid, NULL, 0, 0, 0
FROM generate_series(0, %(courses)s + %(courses)s / 50 - 1) i,
    LATERAL (SELECT (%(topics)s::text[])[1 + (i * 7) %% %(topic_count)s] AS topic) t;

INSERT INTO courses_course_tutors (course_id, user_id)
SELECT md5('course' || i)::uuid, md5('tutor' || (i + 7 * j) %% %(tutors)s)::uuid
FROM generate_series(0, %(courses)s + %(courses)s / 50 - 1) i, generate_series(0, i %% 2) j;

INSERT INTO courses_coursepart (id, created_at, updated_at, title, slug, description, "order",
    course_id)
SELECT md5('part' || i || '.' || p)::uuid, now(), now(), 'Part ' || p,
    'course-' || i || '-part-' || p, '', p, md5('course' || i)::uuid
FROM generate_series(0, %(courses)s + %(courses)s / 50 - 1) i, generate_series(0, 4) p;

INSERT INTO courses_lesson (id, created_at, updated_at, title, slug, description, "order",
    duration, is_free_preview, video_service_id, part_id)
SELECT gen_random_uuid(), now(), now(), 'Lesson ' || o, 'course-' || i || '-part-' || p
    || '-lesson-' || o, '', o, 240 + 30 * o, o = 0, md5(i || '.' || p || '.' || o),
    md5('part' || i || '.' || p)::uuid
FROM generate_series(0, %(courses)s + %(courses)s / 50 - 1) i, generate_series(0, 4) p,
    generate_series(0, 7) o;

-- k enrollments in published course i, k = floor(80 r^3): mean 20, most courses few.
INSERT INTO courses_enrollment (id, created_at, updated_at, is_active, enrolled_at,
    completed_at, course_id, user_id)
SELECT gen_random_uuid(), now(), now(), (i + j) %% 20 <> 0, now() - j * interval '1 hour',
    NULL, md5('course' || i)::uuid,
    md5('student' || (i::bigint * 7919 + j * 104729) %% %(students)s)::uuid
FROM (SELECT i, floor(80 * random() ^ 3)::int AS k FROM generate_series(0, %(courses)s - 1) i) c,
    generate_series(0, c.k - 1) j;

INSERT INTO courses_review (id, created_at, updated_at, rating, text, reply_text, replied_at,
    reply_updated_at, is_hidden, is_edited, author_id, course_id, reply_author_id)
SELECT gen_random_uuid(), now(), now(), 1 + floor(random() * 5)::int, '', '', NULL, NULL,
    false, false, user_id, course_id, NULL
FROM courses_enrollment WHERE is_active AND random() < 0.25;

UPDATE courses_course c SET students_count = e.n
FROM (SELECT course_id, count(*) AS n FROM courses_enrollment WHERE is_active
      GROUP BY course_id) e
WHERE c.id = e.course_id;

UPDATE courses_course c SET rating = round(r.mean, 1), reviews_count = r.n
FROM (SELECT course_id, avg(rating) AS mean, count(*) AS n FROM courses_review
      WHERE NOT is_hidden GROUP BY course_id) r
WHERE c.id = r.course_id;

UPDATE courses_course c SET lessons_count = l.n, total_duration = l.seconds
FROM (SELECT p.course_id, count(*) AS n, sum(l.duration) AS seconds
      FROM courses_lesson l JOIN courses_coursepart p ON p.id = l.part_id
      GROUP BY p.course_id) l
WHERE c.id = l.course_id;
"""


# The big tables lose their indexes (the primary key aside) during the INSERTs, and
# foreign keys are not checked row by row (session_replication_role): the rows are
# consistent by construction, and an index built once after 4M rows is much cheaper
# than 4M random insertions into it.
BULK_TABLES = ("users_user", "courses_coursepart", "courses_lesson", "courses_enrollment")


def drop_secondary_indexes(cursor, table: str) -> list[str]:
    """Drops `table`'s unique constraints and plain indexes; returns how to recreate them."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype = 'u'",
        [table],
    )
    unique = cursor.fetchall()
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN"
        " (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    )
    plain = cursor.fetchall()
    for name, _ in unique:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in plain:
        cursor.execute(f'DROP INDEX "{name}"')
    return [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, definition in unique
    ] + [definition for _, definition in plain]


def seed(database_url: str, courses: int) -> None:
    import psycopg2

    with psycopg2.connect(database_url) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SET synchronous_commit = off; SET maintenance_work_mem = '512MB';"
            " SET session_replication_role = replica"
        )
        rebuild = [sql for table in BULK_TABLES for sql in drop_secondary_indexes(cursor, table)]
        cursor.execute(
            SEED_SQL,
            {
                "courses": courses,
                "tutors": max(50, courses // 20),
                "students": max(5000, 2 * courses),
                "topics": list(TOPICS),
                "topic_count": len(TOPICS),
            },
        )
        for sql in rebuild:
            cursor.execute(sql)
    conn.close()
    conn = psycopg2.connect(database_url)
    conn.autocommit = True
    conn.cursor().execute("VACUUM ANALYZE")
    conn.close()


# --- Measuring (a child process per database, Django set up against it) ---------------


class SQLTimer:
    """`connection.execute_wrapper`: each query's seconds, SQL and parameters."""

    def __init__(self):
        self.queries: list[tuple[float, str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - started, sql, params))


def wsgi_get(app, path: str, query: str) -> bytes:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT": "application/json",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    status = []
    response = app(environ, lambda code, headers, exc_info=None: status.append(code))
    try:
        body = b"".join(response)
    finally:
        response.close()  # request_finished, as a real server sends it
    if not status[0].startswith("200"):
        raise RuntimeError(f"{path}?{query}: {status[0]} {body[:300]!r}")
    return body


def measure(runs: int, explain: bool) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eleven_tutors.settings")
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    from core.cache import catalogue_changed
    from courses.models import Course

    app = get_wsgi_application()
    published = Course.objects.filter(is_published=True).count()
    timer = SQLTimer()
    results = {}
    cold = 0
    with connection.execute_wrapper(timer):
        for label, query in variants(-(-published // PAGE_SIZE)):
            walls, sql_ms, slowest_ms, counts = [], [], [], []
            for run in range(runs + 2):  # the first two warm Python and PostgreSQL up
                cold += 1
                if label == AFTER_A_WRITE:
                    catalogue_changed()  # what every catalogue write does
                timer.queries = []
                started = time.perf_counter()
                body = wsgi_get(app, "/api/courses/courses/", f"{query}&cold={cold}")
                wall = time.perf_counter() - started
                if run >= 2:
                    walls.append(wall * 1000)
                    sql_ms.append(sum(q[0] for q in timer.queries) * 1000)
                    slowest_ms.append(max(q[0] for q in timer.queries) * 1000)
                    counts.append(len(timer.queries))
            slowest = max(timer.queries, key=lambda q: q[0])
            walls.sort()
            results[label] = {
                "ms": statistics.median(walls),
                "p90": walls[min(len(walls) - 1, round(0.9 * (len(walls) - 1)))],
                "sql_ms": statistics.median(sql_ms),
                "slowest_ms": statistics.median(slowest_ms),
                "queries": max(counts),
                "count": json.loads(body)["count"],
                "slowest": [slowest[1], slowest[2]],
            }
    if explain:
        with connection.cursor() as cursor:
            for result in results.values():
                sql, params = result["slowest"]
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                result["explain"] = "\n".join(row[0] for row in cursor.fetchall())
    for result in results.values():
        result["slowest"] = result["slowest"][0]
    print(json.dumps(results))


# --- Main -----------------------------------------------------------------------------


def bench_env(database_url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": "",  # the local-memory cache: nothing shared, nothing to clear
        "DJANGO_DEBUG": "False",
        "DJANGO_SECRET_KEY": secrets.token_hex(32),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "THROTTLE_ANON_RATE": "1000000/s",
        "THROTTLE_USER_RATE": "1000000/s",
        "LOG_LEVEL": "WARNING",
        "PYTHONWARNINGS": "ignore:No directory at",
    }


def print_table(results: dict, runs: int) -> None:
    sizes = list(results)
    small, large = (results[size] for size in sizes)
    print(
        f"\ncold catalogue page of {PAGE_SIZE}, median of {runs} requests (p90), in process; "
        f"ratio = median at {sizes[1]:,} / median at {sizes[0]:,}"
    )
    lo, hi = (f"{size // 1000}k" if size % 1000 == 0 else str(size) for size in sizes)
    print(
        f"{'variant':24} {'rows ' + lo:>8} {'rows ' + hi:>9} {'ms ' + lo + ' (p90)':>14} "
        f"{'ms ' + hi + ' (p90)':>16} {'ratio':>6} {'SQL ms ' + lo:>9} {'SQL ms ' + hi:>11} "
        f"{'slowest q':>9} {'queries':>7}"
    )
    over = []
    for label, a in small.items():
        b = large[label]
        ratio = b["ms"] / a["ms"]
        flag = " *" if ratio > RATIO_LIMIT else ""
        print(
            f"{label:24} {a['count']:8d} {b['count']:9d} {a['ms']:7.1f} ({a['p90']:5.1f}) "
            f"{b['ms']:8.1f} ({b['p90']:6.1f}) {ratio:6.2f} {a['sql_ms']:9.1f} "
            f"{b['sql_ms']:11.1f} {b['slowest_ms']:9.1f} {a['queries']:3d}/{b['queries']:<3d}{flag}"
        )
        if ratio > RATIO_LIMIT:
            over.append(label)
    print(f"slowest q: the median of each request's slowest query at {sizes[1]:,}, ms")
    print(f"* over {RATIO_LIMIT}x")
    for label in over:
        print(f"\n--- {label}: slowest query at {sizes[1]:,}, EXPLAIN (ANALYZE, BUFFERS)")
        print(large[label]["slowest"])
        print(large[label]["explain"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="measured requests per variant")
    parser.add_argument("--sizes", default="1000,100000", help="published courses, small,large")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    import psycopg2

    server_url = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/")
    server_url = server_url.rstrip("/")
    admin = psycopg2.connect(server_url + "/postgres")
    admin.autocommit = True
    names = {size: f"et_scale_{size}_{os.getpid()}" for size in sizes}
    results = {}
    try:
        for size, name in names.items():
            admin.cursor().execute(f'CREATE DATABASE "{name}"')
            env = bench_env(f"{server_url}/{name}")
            subprocess.run(
                [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
            )
            started = time.monotonic()
            seed(env["DATABASE_URL"], size)
            print(f"seeded {size:,} courses in {time.monotonic() - started:.0f}s", flush=True)
            command = [PYTHON, __file__, "--measure", "--runs", str(args.runs)]
            if size == sizes[-1]:
                command.append("--explain")
            output = subprocess.run(
                command, cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True
            ).stdout
            results[size] = json.loads(output.strip().splitlines()[-1])
            print(f"measured {size:,}", flush=True)
        print_table(results, args.runs)
    finally:
        for name in names.values():
            admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    if "--measure" in sys.argv:
        parser = argparse.ArgumentParser()
        parser.add_argument("--measure", action="store_true")
        parser.add_argument("--explain", action="store_true")
        parser.add_argument("--runs", type=int, default=15)
        options = parser.parse_args()
        measure(options.runs, options.explain)
    else:
        main()
