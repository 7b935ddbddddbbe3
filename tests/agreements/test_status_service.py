import datetime

import pytest
from django.core.exceptions import ValidationError

from agreements.models import Agreement, AgreementStatusChange
from core.status import change_status
from tests.factories import AgreementFactory

pytestmark = pytest.mark.django_db
SIGNED = datetime.date(2017, 2, 28)


def test_signing_records_the_history_row_and_the_signature_date(editor):
    agreement = AgreementFactory(status="negotiating")

    change_status(agreement, to_status="signed", on=SIGNED, user=editor)

    agreement.refresh_from_db()
    assert (agreement.status, agreement.signed_on, agreement.signed_precision) == ("signed", SIGNED, "day")
    assert list(agreement.status_changes.values_list("from_status", "to_status")) == [("negotiating", "signed")]


def test_a_terminated_agreement_cannot_come_back_into_force():
    agreement = AgreementFactory(status="terminated")

    with pytest.raises(ValidationError) as excinfo:
        change_status(agreement, to_status="in_force", on=SIGNED)

    assert "cannot go from Terminated to In force" in excinfo.value.message_dict["to_status"][0]
    assert not AgreementStatusChange.objects.exists()


def test_entry_into_force_before_signature_is_refused_and_nothing_is_written():
    agreement = AgreementFactory(status="signed", signed_on=SIGNED)

    with pytest.raises(ValidationError) as excinfo:
        change_status(agreement, to_status="in_force", on=datetime.date(2017, 1, 1))

    assert "in_force_on" in excinfo.value.message_dict
    agreement.refresh_from_db()
    assert (agreement.status, agreement.in_force_on) == ("signed", None)
    assert not AgreementStatusChange.objects.exists()


def test_an_unknown_status_is_named_in_the_error():
    agreement = AgreementFactory()
    with pytest.raises(ValidationError) as excinfo:
        change_status(agreement, to_status="shelved", on=SIGNED)
    assert excinfo.value.message_dict["to_status"] == ["'shelved' is not a known agreement status."]


@pytest.mark.parametrize(
    ("current", "targets"),
    [
        ("initialled", ["signed", "ratified", "in_force", "abandoned"]),
        ("in_force", ["suspended", "terminated"]),
        ("suspended", ["in_force", "terminated"]),
        ("abandoned", []),
    ],
)
def test_the_transition_table_offers_these_targets(current, targets):
    assert Agreement.status_machine.allowed_targets(current) == targets


def test_agreements_between_two_parties_are_found_in_either_order():
    between = AgreementFactory(parties=["RUS", "TJK"])
    AgreementFactory(parties=["RUS", "KGZ"])
    assert list(type(between).objects.between_parties("TJK", "RUS")) == [between]
