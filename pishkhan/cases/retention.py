"""Personal data retention: closed cases past the retention period lose the citizen's identity."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet

from pishkhan.cases.models import Case, CaseEvent, RecordView
from pishkhan.core.audit import audit_record

ANONYMOUS_NAME = "شهروند (بی‌نام‌شده)"  # record: written over the stored name
ANONYMOUS_MOBILE = "+980000000000"


def cases_past_retention(*, now: dt.datetime, days: int) -> QuerySet[Case]:
    limit = now - dt.timedelta(days=days)
    return Case.objects.filter(anonymised_at__isnull=True).filter(
        Q(status__in=["closed", "rejected", "merged"])
        & (Q(closed_at__lte=limit) | Q(closed_at__isnull=True, updated_at__lte=limit))
    )


def case_anonymise(*, case: Case, now: dt.datetime) -> Case:
    """Remove the citizen's name, mobile, e-mail, national ID and free text; keep the statistics."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.anonymised_at:
            return locked
        locked.citizen = None
        locked.citizen_name = ANONYMOUS_NAME
        locked.citizen_mobile = ANONYMOUS_MOBILE
        locked.citizen_email = ""
        locked.national_id = ""
        locked.description = "—"
        locked.search_key = ""
        locked.idempotency_key = None
        locked.anonymised_at = now
        locked.save()
        for attachment in locked.attachments.all():
            attachment.file.delete(save=False)
            attachment.delete()
        CaseEvent.objects.filter(case=locked, kind__in=["status"]).exclude(note="").update(note="")
        RecordView.objects.filter(case=locked).delete()
        audit_record(
            municipality_id=locked.municipality_id,
            actor_id=None,
            action="case.anonymise",
            object_type="case",
            object_id=locked.tracking_code,
        )
    return locked
