"""The Environment contract: `.env.example` lists every variable the settings read."""

import re

from django.conf import settings

SETTINGS_FILE = settings.BASE_DIR / "eleven_tutors" / "settings.py"
# gunicorn's settings (`make serve`) read the environment the same way.
GUNICORN_CONFIG = settings.BASE_DIR / "gunicorn.conf.py"
ENV_EXAMPLE = settings.BASE_DIR / ".env.example"


def _variables_read_by_settings() -> set[str]:
    source = SETTINGS_FILE.read_text() + GUNICORN_CONFIG.read_text()
    return set(re.findall(r"\benv(?:_bool|_int|_list)?\(\s*\"([A-Z][A-Z0-9_]*)\"", source))


def _variables_listed_in_example() -> set[str]:
    return set(re.findall(r"^([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), flags=re.MULTILINE))


def test_env_example_lists_every_variable_the_settings_read():
    read = _variables_read_by_settings()

    assert "DJANGO_SECRET_KEY" in read  # the pattern still matches the settings' style
    assert read - _variables_listed_in_example() == set()


def test_env_example_lists_nothing_the_settings_ignore():
    assert _variables_listed_in_example() - _variables_read_by_settings() == set()
