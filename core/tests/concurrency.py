"""Real threads for the PostgreSQL race tests: `race(target, count)` starts `count`
threads at one barrier, each calling `target(index)` on its own database connection."""

import threading

from django.db import connection


def race(target, count: int = 2) -> list[tuple[str, object]]:
    """`[("ok", result) | ("error", exception), ...]` in the order the threads finished."""
    barrier = threading.Barrier(count)
    outcomes: list = []
    lock = threading.Lock()

    def run(index):
        barrier.wait()
        try:
            outcome = ("ok", target(index))
        except Exception as exc:
            outcome = ("error", exc)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
