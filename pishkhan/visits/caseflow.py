"""The case transitions visits needs, from ``pishkhan.cases.services``."""

from __future__ import annotations

from pishkhan.accounts.models import User
from pishkhan.cases import services as case_services
from pishkhan.cases.models import Case


def mark_visited(case: Case, actor: User | None, note: str = "") -> Case:
    return case_services.case_mark_visited(case=case, actor=actor, note=note)


def flag_unvisited(case: Case) -> Case:
    return case_services.case_flag_unvisited(case=case, actor=None)
