"""Database helpers shared by the apps."""

import contextlib

import psycopg2.extensions
from django.db import connection


@contextlib.contextmanager
def uuids_as_text():
    """Within the block, uuid columns read on PostgreSQL come back as their text rather
    than `uuid.UUID` objects. For read paths that only print ids (a cache-cold catalogue
    page reads ~1,500 of them): parsing each into a UUID and formatting it back was a
    fifth of the page's cost (profiled). Scoped to the cursors of this block's queries
    (Django registers the UUID parser for the whole process); other databases are
    unchanged, so callers `str()` what they print and compare ids within one block."""
    if connection.vendor != "postgresql":
        yield
        return

    def register(execute, sql, params, many, context):
        psycopg2.extensions.register_type(_UUID_AS_TEXT, context["cursor"].cursor)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(register):
        yield


def _text(value, cursor):
    return value


# 2950 is PostgreSQL's uuid type oid (pg_type), fixed since 8.3.
_UUID_AS_TEXT = psycopg2.extensions.new_type((2950,), "UUID_AS_TEXT", _text)
