"""The Celery app: `celery -A eleven_tutors worker -B -l info` (`make worker`).

Configured from Django's settings (the `CELERY_` names); each app's `tasks.py` is found
by autodiscovery. Without `REDIS_URL` there is no broker and every task runs eagerly,
in-process, so development and the tests need no Redis (settings.py).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eleven_tutors.settings")

app = Celery("eleven_tutors")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
