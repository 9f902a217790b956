"""Load benchmark of the catalogue: `python bench/catalogue.py [--seconds 15] [--concurrency 8]`.

Seeds `seed_demo --scale 1000` into a temporary SQLite database (or the database of
`DATABASE_URL` when set), starts gunicorn with 2 workers on a free local port, hits the
course list and course detail routes from concurrent clients for a bounded time, prints
requests per second and p50/p99 latencies per route, then stops gunicorn.
Not a test: the figures depend on the machine.
"""

import argparse
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return result.stdout


def wait_until_up(base: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/api/courses/categories/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


def fetch(url: str) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - started


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, round(pct / 100 * (len(values) - 1)))]


def load(base: str, slugs: list[str], seconds: float, concurrency: int) -> dict:
    results: dict[str, list[float]] = {"list": [], "detail": []}
    errors: dict[str, int] = {"list": 0, "detail": 0}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(index: int) -> None:
        rng = random.Random(index)
        while time.monotonic() < stop_at:
            route = "list" if rng.random() < 0.5 else "detail"
            if route == "list":
                url = f"{base}/api/courses/courses/?page={rng.randint(1, 5)}&page_size=20"
            else:
                url = f"{base}/api/courses/courses/{rng.choice(slugs)}/"
            status, elapsed = fetch(url)
            with lock:
                if status == 200:
                    results[route].append(elapsed)
                else:
                    errors[route] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"elapsed": time.monotonic() - started, "results": results, "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--scale", type=int, default=1000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-catalogue-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3",
            "DJANGO_DEBUG": "False",
            "DJANGO_SECRET_KEY": secrets.token_hex(32),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "THROTTLE_ANON_RATE": "1000000/min",
            "THROTTLE_USER_RATE": "1000000/min",
            "LOG_LEVEL": "WARNING",
        }
        print(f"database: {env['DATABASE_URL'].split('@')[-1]}")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")  # as deployed: WhiteNoise serves it
        started = time.monotonic()
        print(manage(env, "seed_demo", "--force", "--scale", str(args.scale)).splitlines()[0])
        print(f"seeded in {time.monotonic() - started:.1f}s")
        slugs = [f"scale-course-{i}" for i in range(1, args.scale + 1) if i % 10]

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        gunicorn = subprocess.Popen(
            [
                PYTHON, "-m", "gunicorn", "eleven_tutors.wsgi:application",
                "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
            ],
            cwd=ROOT,
            env=env,
        )  # fmt: skip
        try:
            wait_until_up(base)
            report = load(base, slugs, args.seconds, args.concurrency)
        finally:
            gunicorn.terminate()
            gunicorn.wait(timeout=20)

    total = sum(len(v) for v in report["results"].values())
    print(
        f"{args.concurrency} clients for {report['elapsed']:.1f}s against gunicorn (2 workers): "
        f"{total / report['elapsed']:.1f} req/s overall"
    )
    for route, latencies in report["results"].items():
        print(
            f"  {route:6} {len(latencies) / report['elapsed']:7.1f} req/s  "
            f"p50 {percentile(latencies, 50) * 1000:7.1f} ms  "
            f"p99 {percentile(latencies, 99) * 1000:7.1f} ms  "
            f"mean {statistics.fmean(latencies) * 1000 if latencies else 0:7.1f} ms  "
            f"errors {report['errors'][route]}"
        )


if __name__ == "__main__":
    main()
