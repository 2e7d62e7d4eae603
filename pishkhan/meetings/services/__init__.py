"""Writes for the Wednesday meeting, one module per part:

- ``agenda``: the week's meeting; building, freezing and editing its draft agenda;
- ``session``: attendance and quorum, decisions, members' positions, closing;
- ``signatures``: members' signatures and the seal that links the minutes into the ledger;
- ``state``: the status table, the row lock and the event record they share.

Reads (the agenda's candidates, the board members) are in ``meetings.selectors``. Callers use
``from pishkhan.meetings import services`` and the names below.
"""

from pishkhan.meetings.services.agenda import (
    agenda_build,
    agenda_build_step,
    agenda_freeze,
    agenda_freeze_step,
    agenda_item_correction_add,
    agenda_item_move,
    agenda_item_split,
    agenda_items_merge,
    meeting_for_date,
    meeting_for_week,
)
from pishkhan.meetings.services.session import (
    decision_record,
    meeting_close,
    meeting_start,
    position_set,
)
from pishkhan.meetings.services.signatures import minutes_seal_if_complete, minutes_sign
from pishkhan.meetings.services.state import ALLOWED

__all__ = [
    "ALLOWED",
    "agenda_build",
    "agenda_build_step",
    "agenda_freeze",
    "agenda_freeze_step",
    "agenda_item_correction_add",
    "agenda_item_move",
    "agenda_item_split",
    "agenda_items_merge",
    "decision_record",
    "meeting_close",
    "meeting_for_date",
    "meeting_for_week",
    "meeting_start",
    "minutes_seal_if_complete",
    "minutes_sign",
    "position_set",
]
