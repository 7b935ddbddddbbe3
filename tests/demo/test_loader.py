import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

import demo.loader
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

    monkeypatch.setattr("demo.loader._trade_claims", fail_at_the_last_step)

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


def history(record) -> list[tuple]:
    """(from, to, on, precision, note, citation's source and grade) of each status change."""
    return [
        (
            change.from_status,
            change.to_status,
            change.changed_on,
            change.changed_precision,
            change.note,
            (change.citation.source.external_id, change.citation.reliability) if change.citation else None,
        )
        for change in record.status_changes.select_related("citation__source")
    ]


ASIA_PLUS = "demo:asia-plus-2017-02-putin-dushanbe"
FEB_2017 = datetime.date(2017, 2, 1)


def test_the_dushanbe_visit_was_announced_for_28_february_and_took_place_on_27_28():
    load_demo()

    visit = putin_in_dushanbe()
    assert (visit.visitor.name, visit.visitor_country_id, visit.host_country_id, visit.locale) == (
        "Vladimir Putin",
        "RUS",
        "TJK",
        "Dushanbe",
    )
    assert (visit.kind, visit.level) == (Visit.Kind.OFFICIAL, Visit.Level.HEAD)
    assert (visit.start_date, visit.end_date, visit.start_precision) == (
        datetime.date(2017, 2, 27),
        datetime.date(2017, 2, 28),
        "day",
    )
    assert history(visit) == [
        ("", "announced", FEB_2017, "month", "", (ASIA_PLUS, Citation.Reliability.ANONYMOUS_SOURCE)),
        (
            "announced",
            "completed",
            datetime.date(2017, 2, 28),
            "day",
            "The visit took place on 27-28 February 2017, starting a day earlier than first reported.",
            None,
        ),
    ]
    assert visit.version == 2


def test_the_kyrgyzstan_leg_is_announced_for_february_on_the_kremlins_word():
    load_demo()

    bishkek = Visit.objects.get(external_source="demo", external_id="putin-bishkek-2017-02")
    assert (bishkek.host_country_id, bishkek.locale, bishkek.kind) == ("KGZ", "Bishkek", "")
    assert (bishkek.start_date, bishkek.start_precision, bishkek.end_date) == (FEB_2017, "month", None)
    assert history(bishkek) == [("", "announced", FEB_2017, "month", "", (ASIA_PLUS, "named_official"))]
    assert Citation.objects.get(visit=bishkek).speaker.name == "Dmitry Peskov"


def test_the_deputy_prime_ministers_working_visit_of_27_january_is_completed():
    load_demo()

    groundwork = Visit.objects.get(external_source="demo", external_id="shuvalov-dushanbe-2017-01-27")
    assert (groundwork.kind, groundwork.level, groundwork.tour) == (Visit.Kind.WORKING, Visit.Level.DEPUTY, None)
    assert (groundwork.start_date, groundwork.start_precision) == (datetime.date(2017, 1, 27), "day")
    day = datetime.date(2017, 1, 27)
    assert history(groundwork) == [("", "completed", day, "day", "", (ASIA_PLUS, "media_report"))]
    assert groundwork.participants.get().role == "head of delegation"


def test_the_topics_agenda_and_stances():
    load_demo()

    topics = {topic.slug: topic for topic in NegotiationTopic.objects.all()}
    assert sorted(topics) == ["ayni-airfield-lease", "tajik-russian-aviation-dispute", "tajikistan-eaeu-accession"]
    for topic in topics.values():
        assert topic.status == NegotiationTopic.Status.OPEN
        assert sorted(topic.countries.values_list("pk", flat=True)) == ["RUS", "TJK"]
    agenda = {(item.visit.external_id, item.topic.slug): item.expectation for item in AgendaItem.objects.all()}
    assert agenda == {
        ("shuvalov-dushanbe-2017-01-27", "tajik-russian-aviation-dispute"): AgendaItem.Expectation.DISCUSSED,
        ("putin-dushanbe-2017-02", "tajikistan-eaeu-accession"): AgendaItem.Expectation.EXPECTED,
        ("putin-dushanbe-2017-02", "ayni-airfield-lease"): AgendaItem.Expectation.EXPECTED,
    }
    stances = {
        stance.country_id: (stance.stance, stance.as_of, stance.as_of_precision, stance.citations.get().source.kind)
        for stance in TopicStance.objects.filter(topic__slug="tajikistan-eaeu-accession")
    }
    assert stances == {
        "TJK": (TopicStance.Stance.UNDECIDED, FEB_2017, "month", Source.Kind.NEWS_REPORT),
        "RUS": (TopicStance.Stance.SUPPORTS, FEB_2017, "month", Source.Kind.ANALYSIS),
    }


def test_the_agreement_is_proposed_in_february_on_asia_plus_and_weighed_by_eurasianet():
    load_demo()

    agreement = Agreement.objects.get(external_source="demo")
    assert (agreement.proposed_on, agreement.proposed_precision) == (FEB_2017, "month")
    assert history(agreement) == [("", "proposed", FEB_2017, "month", "", (ASIA_PLUS, "media_report"))]
    grades = sorted(agreement.citations.values_list("source__outlet__name", "reliability"))
    assert grades == [("Asia-Plus", "media_report"), ("EurasiaNet", "analyst_estimate")]


def test_each_trade_claim_is_cited_to_the_minister_on_31_january():
    load_demo()

    citations = Citation.objects.filter(trade_claim__isnull=False)
    assert sorted(citations.values_list("trade_claim__metric", "quote")) == [
        ("partner_share", "26.4 percent"),
        ("turnover", "little more than one billion U.S. dollars"),
        ("yoy_change", "6.3 percent less than in 2015"),
    ]
    for citation in citations:
        assert (citation.field_name, citation.reported_on) == ("value", datetime.date(2017, 1, 31))
        assert citation.speaker.name == "Nematullo Hikmatullozoda"
    for claim in TradeClaim.objects.all():
        assert claim.note.endswith(" Stated to reporters in Dushanbe.")


def test_status_history_rows_come_only_through_the_status_service(monkeypatch):
    calls = []

    def spy(name, service):
        def wrapper(record, **kwargs):
            calls.append((name, type(record).__name__, kwargs["on"]))
            return service(record, **kwargs)

        monkeypatch.setattr(demo.loader, name, wrapper)

    spy("record_first_status", demo.loader.record_first_status)
    spy("change_status", demo.loader.change_status)
    load_demo()
    load_demo()

    assert sorted(calls) == [
        ("change_status", "Visit", datetime.date(2017, 2, 28)),
        ("record_first_status", "Agreement", FEB_2017),
        ("record_first_status", "Visit", datetime.date(2017, 1, 27)),
        ("record_first_status", "Visit", FEB_2017),
        ("record_first_status", "Visit", FEB_2017),
    ]
    rows = VisitStatusChange.objects.count() + AgreementStatusChange.objects.count()
    assert rows == len(calls)


def test_every_text_and_value_of_the_fixture_is_stored():
    """Each plain value of the file (texts, choices, dates, figures) is on a record of its model."""
    data = json.loads(demo.loader.CONTENT.read_text(encoding="utf-8"))
    load_demo()
    parts = {"citations": Citation, "positions": Position, "participants": Participant}

    def check(model, entry) -> int:
        checked = 0
        for name, value in entry.items():
            if name in parts:
                checked += sum(check(parts[name], part) for part in value)
            elif name not in demo.loader.NOT_FIELDS and not model._meta.get_field(name).is_relation:
                assert model.objects.filter(**{name: value}).exists(), (model.__name__, entry.get("key"), name, value)
                checked += 1
        return checked

    sections = [*demo.loader.SECTIONS.items(), ("trade_claims", TradeClaim)]
    assert sum(check(model, entry) for section, model in sections for entry in data[section]) > 150
