"""Writes with side effects for visits. Views, API, admin and importers all come through here."""

import datetime

from django.db import transaction

from chancery.dates import DatePrecision
from chancery.statemachine import StaleEdit, StatusMachine, forward_along, record_first_status
from directory.models import Citation
from visits.models import Visit, VisitStatusChange

S = Visit.Status
_MAIN_LINE = [S.RUMOURED, S.ANNOUNCED, S.CONFIRMED, S.UNDER_WAY, S.COMPLETED]
_transitions = forward_along(_MAIN_LINE)
for _open in (S.RUMOURED, S.ANNOUNCED, S.CONFIRMED):
    _transitions[_open] |= {S.POSTPONED, S.CANCELLED}
_transitions[S.UNDER_WAY] |= {S.CANCELLED}  # cut short before it really began
# A postponed visit is announced again with new dates, or called off.
_transitions[S.POSTPONED] = {S.ANNOUNCED, S.CONFIRMED, S.CANCELLED}

VISIT_STATUS_MACHINE = StatusMachine(name="visit", choices=S.choices, transitions=_transitions)


@transaction.atomic
def change_visit_status(
    *,
    visit: Visit,
    to_status: str,
    on: datetime.date,
    precision: str = DatePrecision.DAY,
    user=None,
    note: str = "",
    citation: Citation | None = None,
    expected_version: int | None = None,
    new_start_date: datetime.date | None = None,
    new_start_precision: str | None = None,
    new_end_date: datetime.date | None = None,
    new_end_precision: str | None = None,
) -> VisitStatusChange:
    """Move a visit to a new status, append the history row, and bump its version.

    The row is locked for the duration, so two editors changing the same visit at once are
    serialised; `expected_version` refuses an edit made against a stale copy.
    """
    locked = Visit.objects.select_for_update().get(pk=visit.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit(model_name="visit", expected=expected_version, current=locked.version)
    VISIT_STATUS_MACHINE.check(locked.status, to_status)
    change = VisitStatusChange.objects.create(
        visit=locked,
        from_status=locked.status,
        to_status=to_status,
        changed_on=DatePrecision(precision).truncate(on),
        changed_precision=precision,
        recorded_by=user,
        note=note,
        citation=citation,
    )
    locked.status = to_status
    if new_start_date is not None:
        locked.start_date = new_start_date
        locked.start_precision = new_start_precision or locked.start_precision
    if new_end_date is not None:
        locked.end_date = new_end_date
        locked.end_precision = new_end_precision or locked.end_precision
    locked.full_clean()
    locked.save()
    visit.refresh_from_db()
    return change


@transaction.atomic
def record_initial_visit_status(
    *, visit: Visit, on: datetime.date, precision: str = DatePrecision.DAY, user=None, note: str = "", citation=None
) -> VisitStatusChange:
    """The first row of a new visit's history: the status it was first recorded in."""
    return record_first_status(visit, on=on, precision=precision, user=user, note=note, citation=citation)
