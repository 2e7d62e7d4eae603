"""The API's JSON parser: a body nested thousands deep (``[[[[…]]]]``) is a 400, not a 500.

Python's json module recurses once per level and raises RecursionError, which DRF's parser does
not turn into a ParseError (it catches ValueError only).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("بدنهٔ JSON بیش از اندازه تودرتو است.")) from None
