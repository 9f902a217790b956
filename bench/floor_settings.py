"""Bench only (bench/cache.py): the app's settings with the floor's URLconf. Never set
in production; nothing imports it but the bench's second gunicorn."""

from eleven_tutors.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
