"""Writes with side effects for agreements. Views, API, admin and importers all come through here."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from agreements.models import Agreement, AgreementStatusChange, DraftVersion
from chancery.dates import DatePrecision
from chancery.statemachine import StaleEdit, StatusMachine, forward_along, record_first_status
from directory.models import Citation

S = Agreement.Status
_MAIN_LINE = [S.PROPOSED, S.DRAFTING, S.NEGOTIATING, S.INITIALLED, S.SIGNED, S.RATIFIED, S.IN_FORCE]
_transitions = forward_along(_MAIN_LINE)
for _open in _MAIN_LINE[:-1]:
    _transitions[_open] |= {S.ABANDONED}
_transitions[S.IN_FORCE] = {S.SUSPENDED, S.TERMINATED}
_transitions[S.SUSPENDED] = {S.IN_FORCE, S.TERMINATED}

AGREEMENT_STATUS_MACHINE = StatusMachine(name="agreement", choices=S.choices, transitions=_transitions)

# Key dates the agreement keeps in step with its history.
_KEY_DATES = {S.PROPOSED: "proposed", S.SIGNED: "signed", S.IN_FORCE: "in_force"}


@transaction.atomic
def change_agreement_status(
    *,
    agreement: Agreement,
    to_status: str,
    on: datetime.date,
    precision: str = DatePrecision.DAY,
    user=None,
    note: str = "",
    citation: Citation | None = None,
    expected_version: int | None = None,
) -> AgreementStatusChange:
    """Move an agreement to a new status, append the history row, bump its version."""
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit(model_name="agreement", expected=expected_version, current=locked.version)
    AGREEMENT_STATUS_MACHINE.check(locked.status, to_status)
    on = DatePrecision(precision).truncate(on)
    change = AgreementStatusChange.objects.create(
        agreement=locked,
        from_status=locked.status,
        to_status=to_status,
        changed_on=on,
        changed_precision=precision,
        recorded_by=user,
        note=note,
        citation=citation,
    )
    locked.status = to_status
    if to_status in _KEY_DATES:
        setattr(locked, f"{_KEY_DATES[to_status]}_on", on)
        setattr(locked, f"{_KEY_DATES[to_status]}_precision", precision)
    locked.full_clean()
    locked.save()
    agreement.refresh_from_db()
    return change


@transaction.atomic
def record_initial_agreement_status(
    *,
    agreement: Agreement,
    on: datetime.date,
    precision: str = DatePrecision.DAY,
    user=None,
    note: str = "",
    citation=None,
) -> AgreementStatusChange:
    """The first row of a new agreement's history: the status it was first recorded in."""
    return record_first_status(agreement, on=on, precision=precision, user=user, note=note, citation=citation)


@transaction.atomic
def add_draft_version(*, agreement: Agreement, text: str, author=None, note: str = "") -> DraftVersion:
    """Append the next numbered version of an agreement's text; versions are never rewritten."""
    if not text.strip():
        raise ValidationError({"text": "A draft needs some text."})
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    last = locked.drafts.aggregate(last=Max("number"))["last"] or 0
    draft = DraftVersion.objects.create(agreement=locked, number=last + 1, text=text, author=author, note=note)
    # A new draft is a change to the agreement: its version moves so stale edits are caught.
    locked.save(update_fields=["updated_at"])
    return draft
