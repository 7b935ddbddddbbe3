from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from agreements.models import Agreement, AgreementParty, AgreementStatusChange
from directory.models import Citation, Organisation, Person, PersonAlias, Position, Source
from trade.models import TradeClaim
from visits.models import AgendaItem, NegotiationTopic, Participant, TopicStance, Tour, Visit, VisitStatusChange

pytestmark = pytest.mark.django_db

EXPECTED_COUNTS = {
    Organisation: 8,
    Person: 5,
    PersonAlias: 2,
    Position: 5,
    Source: 2,
    Citation: 17,
    Tour: 1,
    Visit: 3,
    VisitStatusChange: 4,
    Participant: 1,
    NegotiationTopic: 3,
    AgendaItem: 3,
    TopicStance: 2,
    Agreement: 1,
    AgreementParty: 2,
    AgreementStatusChange: 1,
    TradeClaim: 3,
}
VERSIONED = [model for model in EXPECTED_COUNTS if hasattr(model, "version")]
AUDITED = [model for model in EXPECTED_COUNTS if hasattr(model, "history")]


def load_demo(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Every row's version and every model's row and audit-history counts."""
    return {
        "counts": {model: model.objects.count() for model in EXPECTED_COUNTS},
        "versions": {model: sorted(model.objects.values_list("pk", "version")) for model in VERSIONED},
        "audit_rows": {model: model.history.count() for model in AUDITED},
    }


def putin_in_dushanbe() -> Visit:
    return Visit.objects.get(external_source="demo", external_id="putin-dushanbe-2017-02")


def test_it_creates_the_expected_number_of_each_record():
    load_demo()

    assert {model: model.objects.count() for model in EXPECTED_COUNTS} == EXPECTED_COUNTS


def test_running_it_twice_changes_nothing():
    load_demo()
    first = snapshot()

    out = load_demo()

    assert snapshot() == first
    assert "Demo data loaded: 0 created, 0 updated, 63 already present." in out


def test_it_puts_back_a_field_that_differs_from_the_demo_content():
    load_demo()
    Organisation.objects.filter(external_id="demo:asia-plus").update(url="https://example.org")

    out = load_demo()

    asia_plus = Organisation.objects.get(external_id="demo:asia-plus")
    assert asia_plus.url == "https://asiaplustj.info"
    assert asia_plus.version == 2
    assert "organisations             0 created, 1 updated, 7 already present" in out


def test_the_summary_counts_what_was_created_per_model():
    out = load_demo()

    assert "visit status changes      4 created, 0 updated, 0 already present" in out
    assert "Demo data loaded: 63 created, 0 updated, 0 already present." in out


def test_verbosity_zero_prints_nothing_and_two_lists_each_record():
    assert load_demo("--verbosity", "0") == ""

    out = load_demo("--verbosity", "2")

    assert "already present: visit Vladimir Putin to Tajikistan, 27–28 Feb 2017" in out


def test_a_failure_part_way_leaves_nothing_behind(monkeypatch):
    def fail_at_the_last_step(*args):
        raise RuntimeError("trade claims failed")

    monkeypatch.setattr("chancery.demo._trade_claims", fail_at_the_last_step)

    with pytest.raises(RuntimeError):
        load_demo()

    assert Organisation.objects.count() == 0
    assert Visit.objects.count() == 0


def test_the_putin_visit_ends_completed_after_being_announced():
    load_demo()

    visit = putin_in_dushanbe()
    changes = list(visit.status_changes.values_list("from_status", "to_status"))
    assert visit.status == Visit.Status.COMPLETED
    assert changes == [("", Visit.Status.ANNOUNCED), (Visit.Status.ANNOUNCED, Visit.Status.COMPLETED)]
    assert visit.date_display == "27–28 Feb 2017"


def test_every_demo_visit_has_exactly_one_initial_status_row():
    load_demo()

    for visit in Visit.objects.all():
        initial = visit.status_changes.filter(from_status="")
        assert initial.count() == 1
        assert visit.status_changes.first() == initial.get()


def test_rahmon_is_found_by_his_former_name():
    load_demo()

    assert list(Person.objects.named("Emomali Rakhmonov")) == [Person.objects.get(external_id="demo:rahmon")]


def test_the_ministers_trade_claims_keep_his_figures():
    load_demo()

    minister = Person.objects.get(name="Nematullo Hikmatullozoda")
    claims = TradeClaim.objects.filter(reporter="TJK", partner="RUS", year=2016, stated_by=minister)
    figures = {claim.metric: (claim.value, claim.unit, claim.qualifier) for claim in claims}
    assert figures == {
        TradeClaim.Metric.TURNOVER: (Decimal("1000000000"), TradeClaim.Unit.USD, TradeClaim.Qualifier.MORE_THAN),
        TradeClaim.Metric.YOY_CHANGE: (Decimal("-6.3"), TradeClaim.Unit.PERCENT, TradeClaim.Qualifier.EXACT),
        TradeClaim.Metric.PARTNER_SHARE: (Decimal("26.4"), TradeClaim.Unit.PERCENT, TradeClaim.Qualifier.EXACT),
    }
    turnover = claims.get(metric=TradeClaim.Metric.TURNOVER)
    citation = Citation.objects.get(trade_claim=turnover)
    assert citation.quote == "little more than one billion U.S. dollars"
    assert citation.reliability == Citation.Reliability.NAMED_OFFICIAL
    assert citation.speaker == minister


def test_the_shuvalov_visit_prepares_the_putin_visit():
    load_demo()

    groundwork = Visit.objects.get(external_source="demo", external_id="shuvalov-dushanbe-2017-01-27")
    assert groundwork.prepares == putin_in_dushanbe()
    assert list(groundwork.participants.values_list("person__name", flat=True)) == ["Igor Shuvalov"]


def test_both_putin_legs_share_the_tour():
    load_demo()

    tour = Tour.objects.get(title="Vladimir Putin's Central Asia tour, February 2017")
    assert sorted(tour.legs.values_list("host_country", flat=True)) == ["KGZ", "TJK"]
    assert tour.legs.get(host_country="KGZ").status == Visit.Status.ANNOUNCED


def test_the_expected_agreements_are_proposed_between_russia_and_tajikistan():
    load_demo()

    agreement = Agreement.objects.get(external_source="demo")
    assert agreement.status == Agreement.Status.PROPOSED
    assert sorted(agreement.parties.values_list("pk", flat=True)) == ["RUS", "TJK"]
    assert agreement.signed_at_visit is None
    assert list(agreement.status_changes.values_list("from_status", "to_status")) == [("", Agreement.Status.PROPOSED)]
