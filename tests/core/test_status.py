"""The whole transition matrix of both status machines, through the service and through the page.

Every (from, to) pair is tried: the allowed ones must change the status and append exactly one
history row; the refused ones must change nothing.
"""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agreements.models import Agreement
from core.status import change_status
from tests.factories import AgreementFactory, VisitFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db
ON = datetime.date(2017, 2, 28)

# The tables as the issue states them, written out: a change to either machine must change this too.
VISIT_ALLOWED = {
    "rumoured": {"announced", "confirmed", "under_way", "completed", "postponed", "cancelled"},
    "announced": {"confirmed", "under_way", "completed", "postponed", "cancelled"},
    "confirmed": {"under_way", "completed", "postponed", "cancelled"},
    "under_way": {"completed", "cancelled"},
    "completed": set(),
    "postponed": {"announced", "confirmed", "cancelled"},
    "cancelled": set(),
}
AGREEMENT_ALLOWED = {
    "proposed": {"drafting", "negotiating", "initialled", "signed", "ratified", "in_force", "abandoned"},
    "drafting": {"negotiating", "initialled", "signed", "ratified", "in_force", "abandoned"},
    "negotiating": {"initialled", "signed", "ratified", "in_force", "abandoned"},
    "initialled": {"signed", "ratified", "in_force", "abandoned"},
    "signed": {"ratified", "in_force", "abandoned"},
    "ratified": {"in_force", "abandoned"},
    "in_force": {"suspended", "terminated"},
    "suspended": {"in_force", "terminated"},
    "terminated": set(),
    "abandoned": set(),
}
VISIT_PAIRS = list(itertools.product(Visit.Status.values, repeat=2))
AGREEMENT_PAIRS = list(itertools.product(Agreement.Status.values, repeat=2))


def test_the_machines_are_the_tables_written_here():
    assert {s: set(Visit.status_machine.allowed_targets(s)) for s in Visit.Status.values} == VISIT_ALLOWED
    assert {s: set(Agreement.status_machine.allowed_targets(s)) for s in Agreement.Status.values} == AGREEMENT_ALLOWED


def _through_service(factory, allowed, pairs):
    wrong = []
    for current, target in pairs:
        record = factory(status=current)
        try:
            change_status(record, to_status=target, on=ON)
        except ValidationError:
            record.refresh_from_db()
            if target in allowed[current] or (record.status, record.status_changes.count(), record.version) != (
                current,
                0,
                1,
            ):
                wrong.append((current, target, "refused or damaged"))
        else:
            if target not in allowed[current] or (record.status, record.status_changes.count()) != (target, 1):
                wrong.append((current, target, "accepted"))
    return wrong


def test_every_visit_transition_through_the_service():
    assert _through_service(VisitFactory, VISIT_ALLOWED, VISIT_PAIRS) == []


def test_every_agreement_transition_through_the_service():
    assert _through_service(AgreementFactory, AGREEMENT_ALLOWED, AGREEMENT_PAIRS) == []


@pytest.mark.parametrize("kind", ["visit", "agreement"])
def test_every_transition_through_the_page(editor_client, editor, kind):
    factory, allowed, pairs = (
        (VisitFactory, VISIT_ALLOWED, VISIT_PAIRS)
        if kind == "visit"
        else (AgreementFactory, AGREEMENT_ALLOWED, AGREEMENT_PAIRS)
    )
    wrong = []
    for current, target in pairs:
        record = factory(status=current)
        editor_client.post(
            reverse("edit-status", args=[kind, record.pk]),
            {"to_status": target, "on": ON.isoformat(), "precision": "day", "loaded_version": 1},
        )
        record.refresh_from_db()
        history = list(record.status_changes.values_list("from_status", "to_status", "recorded_by"))
        expected = (target, [(current, target, editor.pk)]) if target in allowed[current] else (current, [])
        if (record.status, history) != expected:
            wrong.append((current, target, record.status, history))
    assert wrong == []
