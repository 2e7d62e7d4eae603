"""Page-number pagination whose total ``count`` stays cheap at city scale."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination


class CachedCountPaginator(Paginator):
    """Exact counts for small results; a large one (above ``EXACT_UP_TO`` rows, e.g. every case
    of a city) is counted once a minute per query instead of on every page: an exact COUNT
    over a million rows costs 50–100 ms. Such a total may be up to a minute old."""

    EXACT_UP_TO = 10_000
    TTL = 60

    @cached_property
    def count(self) -> int:
        qs: Any = self.object_list
        if not hasattr(qs, "query"):
            return len(qs)
        sql, params = qs.query.sql_with_params()
        key = "api-count:" + hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()
        total = cache.get(key)  # only large totals are kept
        if total is None:
            total = qs[: self.EXACT_UP_TO + 1].count()
            if total > self.EXACT_UP_TO:
                total = qs.count()
                cache.set(key, total, self.TTL)
        return int(total)


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = CachedCountPaginator
