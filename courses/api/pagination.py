"""The catalogue list's pagination, sized for a large catalogue (bench/scale.py).

The count of a filtered catalogue is kept in the cache next to the pages, under the same
catalogue generation (courses/api/cache.py): it is counted once per filter set and
generation instead of once per page, and any write still recounts it on the next read. At
100,000 published courses that COUNT was ~40 ms, most of a cache-cold page.

A deep page (past the first `WINDOW_FROM` rows) is read by id: the offset walks only the
ids in the page's order (the ordering's index), then the page's rows are read by primary
key. With a plain OFFSET, PostgreSQL read every row it skipped: ~160 ms for the last page
of 100,000 courses, ~20 ms this way (still linear: constant cost would need cursor
pagination, which the contract does not have). Near the start a plain OFFSET is cheaper
(one query plan instead of two: ~1 ms against ~2.5 ms for page 2 of 1,000 courses).
"""

import hashlib
from functools import cached_property

from django.core.cache import cache
from django.core.paginator import Paginator

from core.cache import cache_ttl_seconds
from core.pagination import PageNumberPagination

WINDOW_FROM = 1000


class CataloguePaginator(Paginator):
    """Django's paginator over the catalogue's rows (a `values()` queryset), whose
    `count` is cached under `generation` (None: not cached, as when the cache is
    unavailable). The key is the count query itself, SQL and parameters, so two requests
    share a count exactly when they count the same rows, whatever their page, page
    size, ordering or unknown parameters."""

    def __init__(self, object_list, per_page, *, generation=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.generation = generation

    @cached_property
    def count(self) -> int:
        if self.generation is None:
            return super().count
        sql, params = self.object_list.order_by().query.sql_with_params()
        digest = hashlib.blake2b(repr((sql, params)).encode(), digest_size=16).hexdigest()
        key = f"catalogue:count:{digest}"
        entry = cache.get(key)
        if entry is not None and entry[0] == self.generation:
            return entry[1]
        count = super().count
        cache.set(key, (self.generation, count), timeout=cache_ttl_seconds())
        return count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if bottom < WINDOW_FROM or rows.query.distinct:
            return self._get_page(rows[bottom:top], number, self)
        # The same columns and order, over the window's ids only (the filters, a search's
        # included, are not evaluated twice).
        window = rows.values("pk")[bottom:top]
        page_rows = (
            rows.model._default_manager.filter(pk__in=window)
            .values(*rows.query.values_select)
            .order_by(*rows.query.order_by)
        )
        return self._get_page(page_rows, number, self)


class CataloguePagination(PageNumberPagination):
    """Set `generation` (the one the page's cache entry was read under) before
    `paginate_queryset`."""

    generation = None

    def django_paginator_class(self, object_list, per_page):
        return CataloguePaginator(object_list, per_page, generation=self.generation)
