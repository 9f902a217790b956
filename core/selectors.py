"""Reads for core reference data and the health check."""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet

from core.models import University

logger = logging.getLogger(__name__)


def universities_list() -> QuerySet[University]:
    return University.objects.order_by("name")


def health_status() -> dict[str, str]:
    """Ask the database and the cache for a trivial answer; name whichever fails."""
    result = {"database": "ok", "cache": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("core.health.database_failed")
        result["database"] = "error"
    try:
        key = f"health:{uuid.uuid4().hex}"
        cache.set(key, "ok", timeout=5)
        if cache.get(key) != "ok":
            raise RuntimeError("the cache did not return what it was given")
        cache.delete(key)
    except Exception:
        logger.exception("core.health.cache_failed")
        result["cache"] = "error"
    status = "ok" if all(value == "ok" for value in result.values()) else "error"
    return {"status": status, **result}
