"""The one way a record's status changes, and the first row of a new record's history.

A record with a status history (a visit, an agreement) has a `status` field, a
`status_machine` (core.statemachine.StatusMachine), a `status_changes` history whose model
subclasses core.models.StatusChange, and a `status_changed(to_status, *, on, precision,
**changes)` method that keeps its own fields in step (an agreement's signing date, a visit's
new dates). Views, the API, the admin, importers and the demo all come through here.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from core.dates import DatePrecision
from core.statemachine import StaleEdit


@transaction.atomic
def change_status(
    record,
    *,
    to_status: str,
    on: datetime.date,
    precision: str = DatePrecision.DAY,
    user=None,
    note: str = "",
    citation=None,
    expected_version: int | None = None,
    **changes,
):
    """Move `record` to `to_status`, append the history row, bump the record's version.

    The row is locked for the duration, so two editors changing one record at once are
    serialised; `expected_version` refuses an edit made against a stale copy (StaleEdit), and
    the machine refuses a transition it does not allow (ValidationError on `to_status`).
    `changes` go to the record's `status_changed` (a visit's `new_start_date`, say).
    """
    model = type(record)
    locked = model._default_manager.select_for_update().get(pk=record.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit(model_name=model._meta.verbose_name, expected=expected_version, current=locked.version)
    model.status_machine.check(locked.status, to_status)
    on = DatePrecision(precision).truncate(on)
    change = locked.status_changes.create(
        from_status=locked.status,
        to_status=to_status,
        changed_on=on,
        changed_precision=precision,
        recorded_by=user,
        note=note,
        citation=citation,
    )
    locked.status = to_status
    locked.status_changed(to_status, on=on, precision=precision, **changes)
    locked.full_clean()
    locked.save()
    record.refresh_from_db()
    return change


def record_new_status(record, *, user, where: str):
    """The first status row of a record just created by an editor or a client (`where`: "in the
    admin", "through the API"), dated by the record's own date for that status where its model
    gives one (`first_status_date()`: an agreement's proposed on, a completed visit's end), else
    by today, and the note says which."""
    own = getattr(record, "first_status_date", lambda: None)()
    if own:
        return record_first_status(record, on=own[0], precision=own[1], user=user, note=f"Recorded {where}.")
    note = f"Recorded {where}; dated the day it was recorded, as the record gives no date for it."
    return record_first_status(record, on=timezone.localdate(), user=user, note=note)


def record_first_status(
    record, *, on: datetime.date, precision: str = DatePrecision.DAY, user=None, note: str = "", citation=None
):
    """The first row of a new record's status history: the status it was first recorded in."""
    return record_first_statuses(type(record), [(record, on, precision, note, citation)], user=user, check_empty=True)[
        0
    ]


def record_first_statuses(
    model,
    firsts: Iterable[tuple],
    *,
    user=None,
    check_empty: bool = False,
) -> list:
    """First history rows for many new records of `model` at once (an import's batch).

    `firsts` yields (record, on, precision, note, citation); one INSERT writes them all.
    With `check_empty`, a record that already has a history is refused (ValueError).
    """
    history = model.status_changes.rel.related_model
    record_field = history.record_field
    rows = []
    for record, on, precision, note, citation in firsts:
        if check_empty and record.status_changes.exists():
            raise ValueError(f"{record} already has a status history; change its status instead")
        rows.append(
            history(
                **{record_field: record},
                from_status="",
                to_status=record.status,
                changed_on=DatePrecision(precision).truncate(on),
                changed_precision=precision,
                recorded_by=user,
                note=note,
                citation=citation,
            )
        )
    return history.objects.bulk_create(rows)
