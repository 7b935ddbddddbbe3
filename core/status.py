"""The one way a record's status changes, and the first row of a new record's history.

A record with a status history (a visit, an agreement) has a `status` field, a
`status_machine` (core.statemachine.StatusMachine), a `status_changes` history whose model
subclasses core.models.StatusChange, and a `status_changed(to_status, *, on, precision,
**changes)` method that keeps its own fields in step (an agreement's signing date, a visit's
new dates). Views, the API, the admin, importers and the demo all come through here.
"""

import datetime
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.dates import DatePrecision, format_imprecise_date
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
    history = model.status_changes.rel.related_model
    change = history(
        **{history.record_field: locked},
        from_status=locked.status,
        to_status=to_status,
        changed_on=on,
        changed_precision=precision,
        recorded_by=user,
        note=note,
        citation=citation,
    )
    check_status_row(change)
    change.save()
    locked.status = to_status
    locked.status_changed(to_status, on=on, precision=precision, **changes)
    locked.full_clean()
    locked.save()
    record.refresh_from_db()
    return change


# A history row's fields by the names change_status takes them under.
_ROW_ARGUMENTS = {"changed_on": "on", "changed_precision": "precision"}


def check_status_row(change) -> None:
    """Hold a status row to its model's rules (the stored-values rule among them) before it is
    written; a ValidationError names the fields as change_status's arguments (`on`, `note`)."""
    try:
        # The foreign keys are the caller's own objects: checking they exist would cost a query each.
        change.full_clean(exclude=[type(change).record_field, "recorded_by", "citation"], validate_unique=False)
    except ValidationError as error:
        raise ValidationError(
            {_ROW_ARGUMENTS.get(field, field): messages for field, messages in error.message_dict.items()}
        ) from error


def new_status_date(record, *, on=None, precision: str = DatePrecision.DAY, source=None):
    """(date, precision, how) of a new record's first status, or None where nothing says it.

    The date given (`on`) comes first, then the record's own date for that status
    (`first_status_date()`: an agreement's proposed on, a completed visit's end), then the
    publication of the source that reported it (`source`: anything with `published_on` and
    `published_precision`, a directory Source). A date given that the record's own date
    contradicts is refused (ValidationError on `on`): the row and the record must agree.
    """
    own = getattr(record, "first_status_date", lambda: None)()
    if on is not None:
        given = (DatePrecision(precision).truncate(on), precision)
        if own and tuple(own) != given:
            name = record._meta.verbose_name
            raise ValidationError(
                {
                    "on": f"The {name} itself says it was {record.get_status_display().lower()} on "
                    f"{format_imprecise_date(*own)}; leave the first status's date empty or give that date."
                }
            )
        return (*given, "")
    if own:
        return (*own, "")
    published = getattr(source, "published_on", None)
    if published:
        published_precision = getattr(source, "published_precision", DatePrecision.DAY)
        return published, published_precision, "dated by its source's publication"
    return None


def prepare_new_status(record, *, on=None, precision: str = DatePrecision.DAY, source=None) -> None:
    """Before a new record is first saved: check the first status's date against the record
    (new_status_date) and let a record that keeps a date for that status but has none take it
    (an agreement's proposed on from the date given or the source's), as change_status would."""
    dated = new_status_date(record, on=on, precision=precision, source=source)
    if dated is not None and getattr(record, "first_status_date", lambda: None)() is None:
        record.status_changed(record.status, on=dated[0], precision=dated[1])


def record_new_status(
    record,
    *,
    user,
    where: str,
    on: datetime.date | None = None,
    precision: str = DatePrecision.DAY,
    citation=None,
    note: str = "",
):
    """The first status row of a record just created by an editor or a client (`where`: "in the
    admin", "through the API"), dated as new_status_date says (the date given, the record's own,
    the publication of the citation's source), else by today, and the note says which.

    `citation` is the record's citation of the source that reported the status, created with
    the record; `note` is the editor's, followed by how the row was dated."""
    dated = new_status_date(record, on=on, precision=precision, source=getattr(citation, "source", None))
    if dated is None:
        on, precision = timezone.localdate(), DatePrecision.DAY
        how = "dated the day it was recorded, as the record gives no date for it"
    else:
        on, precision, how = dated
    recorded = f"Recorded {where}; {how}." if how else f"Recorded {where}."
    full_note = " ".join(part for part in (note.strip(), recorded) if part)
    return record_first_status(record, on=on, precision=precision, user=user, note=full_note, citation=citation)


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
        check_status_row(rows[-1])
    return history.objects.bulk_create(rows)


@transaction.atomic
def correct_status_change(
    row,
    *,
    on: datetime.date,
    precision: str,
    note: str,
    citation,
    user,
    expected_version: int,
):
    """Correct the date, precision, note or source of one row of a record's status history.

    The record is locked and `expected_version` refuses a correction made against a stale copy
    (StaleEdit). The row stays between its neighbours in real-world time (a ValidationError on
    `on` names the neighbour's date), and its citation must be one of the record's own. The
    record keeps its own date for the status in step where this row set it (an agreement's
    signed on; a visit's dates are its own and stay), and its version moves. The row's audit
    history (simple_history) shows the correction, by `user`, after the row as it was.
    """
    record_field = row.record_field
    history_model = type(row)
    record_model = history_model._meta.get_field(record_field).related_model
    record = record_model._default_manager.select_for_update().get(pk=getattr(row, f"{record_field}_id"))
    if record.version != expected_version:
        raise StaleEdit(model_name=record_model._meta.verbose_name, expected=expected_version, current=record.version)
    row = history_model._default_manager.select_for_update().get(pk=row.pk)
    on = DatePrecision(precision).truncate(on)
    rows = list(record.status_changes.all())
    _check_between_neighbours(rows, row, on)
    _check_citation_of(record, citation)
    if not row.history.exists():
        # Rows are written in bulk, without history: keep the row as it was before this correction.
        history_model.history.bulk_history_create([row], default_user=row.recorded_by, default_date=row.recorded_at)
    row.changed_on, row.changed_precision, row.note, row.citation = on, precision, note, citation
    row._history_user = user
    row._change_reason = "Corrected by an editor."
    row.full_clean()
    row.save()
    if [r.pk for r in rows if r.to_status == row.to_status][-1] == row.pk:
        record.status_changed(row.to_status, on=on, precision=precision)
    record.full_clean()
    record.save()
    return row


def _check_between_neighbours(rows: list, row, on: datetime.date) -> None:
    """A corrected row keeps its place in the history: not before the row before it, not after the next."""
    index = next(i for i, r in enumerate(rows) if r.pk == row.pk)
    before = rows[index - 1] if index else None
    after = rows[index + 1] if index + 1 < len(rows) else None
    if before is not None and on < before.changed_on:
        when = format_imprecise_date(before.changed_on, before.changed_precision)
        raise ValidationError({"on": f"The change before this one is dated {when}; this one cannot be earlier."})
    if after is not None and on > after.changed_on:
        when = format_imprecise_date(after.changed_on, after.changed_precision)
        raise ValidationError({"on": f"The change after this one is dated {when}; this one cannot be later."})


def _check_citation_of(record, citation) -> None:
    if citation is None:
        return
    own = citation.content_type_id == ContentType.objects.get_for_model(record).pk and str(citation.object_id) == str(
        record.pk
    )
    if not own:
        name = record._meta.verbose_name
        raise ValidationError({"citation": f"That source is cited for another record; cite it for this {name} first."})
