"""Writes with side effects for agreements beyond their status (core.status.change_status): new
agreements, drafts."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from agreements.models import Agreement, AgreementParty, DraftVersion


@transaction.atomic
def add_agreement(*, title: str, kind: str, parties, status: str = Agreement.Status.PROPOSED, **fields) -> Agreement:
    """A new agreement between `parties` (countries; each once). Its first status row is the
    caller's (core.status.record_first_status), dated by what reported it."""
    countries = list(dict.fromkeys(parties))
    if len(countries) < 2:
        raise ValidationError({"parties": "An agreement needs at least two parties."})
    agreement = Agreement(title=" ".join(title.split()), kind=kind, status=status, **fields)
    agreement.full_clean()
    agreement.save()
    AgreementParty.objects.bulk_create(AgreementParty(agreement=agreement, country=c) for c in countries)
    return agreement


@transaction.atomic
def add_draft_version(*, agreement: Agreement, text: str, author=None, note: str = "") -> DraftVersion:
    """Append the next numbered version of an agreement's text; versions are never rewritten."""
    if not text.strip():
        raise ValidationError({"text": "A draft needs some text."})
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    last = locked.drafts.aggregate(last=Max("number"))["last"] or 0
    draft = DraftVersion(agreement=locked, number=last + 1, text=text, author=author, note=note)
    # The agreement is locked above and the author is the caller's: no query to check either.
    draft.full_clean(exclude=["agreement", "author"], validate_unique=False)
    draft.save()
    # A new draft is a change to the agreement: its version moves so stale edits are caught.
    locked.save(update_fields=["updated_at"])
    return draft
