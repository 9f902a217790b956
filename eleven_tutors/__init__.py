# The Celery app is loaded with Django, so `shared_task` functions bind to it and
# `transaction.on_commit(task.delay)` publishes to our broker (eleven_tutors/celery.py).
from eleven_tutors.celery import app as celery_app

__all__ = ("celery_app",)
