"""The field app's offline cache name, read from the service worker itself (one source)."""

from __future__ import annotations

import re

from django import template

register = template.Library()


@register.simple_tag
def sw_cache_name() -> str:
    from pishkhan.visits.views import SW_FILE

    found = re.search(r'var CACHE = "([a-z0-9-]+)"', SW_FILE.read_text(encoding="utf-8"))
    return found.group(1) if found else "pishkhan-visits-v1"
