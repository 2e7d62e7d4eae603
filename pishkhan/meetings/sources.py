"""Agenda sources from upper apps (directives registers overdue and extension items here:
meetings must not import directives)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pishkhan.meetings.models import Meeting


@dataclass
class ItemSpec:
    kind: str
    title: str
    summary: str = ""
    district_id: int | None = None
    service_id: int | None = None
    urgency: int = 2
    case_ids: list[int] = field(default_factory=list)
    source_directive_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    sort_key: tuple[int, int, int] = (0, 0, 0)


AgendaSource = Callable[[Meeting], list[ItemSpec]]
SOURCES: dict[str, AgendaSource] = {}


def register_agenda_source(name: str, source: AgendaSource) -> None:
    SOURCES[name] = source
