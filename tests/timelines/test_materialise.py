"""What the records become on the timeline: one entry per event, with its date, pair, people and topics."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from core.dates import DatePrecision
from core.status import change_status, record_first_status
from directory.models import Citation
from tests.factories import (
    AgendaItemFactory,
    AgreementFactory,
    CitationFactory,
    NegotiationTopicFactory,
    PersonFactory,
    TopicStanceFactory,
    TradeFlowFactory,
    VisitFactory,
    country,
)
from tests.timelines.factories import DraftVersionFactory, ParticipantFactory
from timelines.models import TimelineEntry
from trade.indicators import partner_share_of_turnover, trade_turnover_series, year_on_year_change
from trade.models import TradeFlow
from visits.models import TopicStance, Visit

pytestmark = pytest.mark.django_db
Kind = TimelineEntry.Kind


def entries(**filters):
    return list(TimelineEntry.objects.filter(**filters).order_by("date", "key"))


def test_a_visit_is_a_span_with_its_announcement_and_each_status_change(refresh_all):
    putin = PersonFactory(name="Vladimir Putin")
    visit = VisitFactory(
        visitor=putin, status=Visit.Status.ANNOUNCED, start_date=datetime.date(2017, 2, 28), end_date=None
    )
    record_first_status(visit, on=datetime.date(2017, 2, 1), precision=DatePrecision.MONTH)
    change_status(
        visit,
        to_status=Visit.Status.COMPLETED,
        on=datetime.date(2017, 2, 28),
        new_start_date=datetime.date(2017, 2, 27),
        new_end_date=datetime.date(2017, 2, 28),
    )
    minister = ParticipantFactory(visit=visit).person
    topic = AgendaItemFactory(visit=visit).topic

    refresh_all()

    rows = entries()
    assert [(e.kind, e.date, e.precision, e.title) for e in rows] == [
        (
            Kind.VISIT_STATUS,
            datetime.date(2017, 2, 1),
            "month",
            "Announced: official visit by Vladimir Putin to Tajikistan",
        ),
        (Kind.VISIT, datetime.date(2017, 2, 27), "day", "Official visit by Vladimir Putin to Tajikistan, Dushanbe"),
        (
            Kind.VISIT_STATUS,
            datetime.date(2017, 2, 28),
            "day",
            "Completed: official visit by Vladimir Putin to Tajikistan",
        ),
    ]
    span = rows[1]
    assert (span.end_date, span.country_a_id, span.country_b_id, span.record) == (
        datetime.date(2017, 2, 28),
        "RUS",
        "TJK",
        visit,
    )
    for entry in rows:
        assert set(entry.persons.all()) == {putin, minister}
        assert list(entry.topics.all()) == [topic]


def test_a_rumoured_or_cancelled_visit_says_so_in_its_title(refresh_all):
    VisitFactory(status=Visit.Status.CANCELLED, visitor__name="Dmitry Medvedev", locale="")

    refresh_all()

    assert (
        TimelineEntry.objects.get(kind=Kind.VISIT).title
        == "Official visit by Dmitry Medvedev to Tajikistan (cancelled)"
    )


def test_an_agreement_gives_its_status_changes_and_each_new_draft(refresh_all):
    agreement = AgreementFactory(title="Agreement on air services")
    record_first_status(agreement, on=datetime.date(2016, 11, 1))
    change_status(agreement, to_status="drafting", on=datetime.date(2017, 1, 5))
    DraftVersionFactory(agreement=agreement, number=1)
    DraftVersionFactory(agreement=agreement, number=2, created_at=datetime.datetime(2017, 2, 20, tzinfo=datetime.UTC))
    topic = NegotiationTopicFactory()
    agreement.topics.add(topic)

    refresh_all()

    rows = entries(agreement=agreement)
    assert [(e.kind, e.date, e.title) for e in rows] == [
        (Kind.AGREEMENT_STATUS, datetime.date(2016, 11, 1), "Agreement on air services: proposed"),
        (Kind.AGREEMENT_STATUS, datetime.date(2017, 1, 5), "Agreement on air services: drafting begun"),
        (Kind.AGREEMENT_DRAFT, datetime.date(2017, 2, 10), "Agreement on air services: first draft"),
        (Kind.AGREEMENT_DRAFT, datetime.date(2017, 2, 20), "Agreement on air services: draft 2"),
    ]
    assert {(e.country_a_id, e.country_b_id) for e in rows} == {("RUS", "TJK")}
    assert all(list(e.topics.all()) == [topic] for e in rows)


def test_a_stance_restated_unchanged_is_no_event_and_a_change_says_what_it_was(refresh_all):
    topic = NegotiationTopicFactory(title="accession to the EAEU")
    topic.countries.set([country("RUS"), country("TJK")])
    TopicStanceFactory(topic=topic, stance=TopicStance.Stance.UNDECIDED, as_of=datetime.date(2016, 5, 1))
    TopicStanceFactory(topic=topic, stance=TopicStance.Stance.UNDECIDED, as_of=datetime.date(2016, 9, 1))
    TopicStanceFactory(topic=topic, stance=TopicStance.Stance.OPEN, as_of=datetime.date(2017, 2, 1))
    TopicStanceFactory(
        topic=topic, country=country("RUS"), stance=TopicStance.Stance.SUPPORTS, as_of=datetime.date(2016, 1, 1)
    )

    refresh_all()

    assert [(e.date, e.title, e.country_a_id, e.country_b_id) for e in entries(kind=Kind.TOPIC_STANCE)] == [
        (datetime.date(2016, 1, 1), "Russia supports accession to the EAEU", "RUS", "TJK"),
        (datetime.date(2016, 5, 1), "Tajikistan is undecided on accession to the EAEU", "RUS", "TJK"),
        (
            datetime.date(2017, 2, 1),
            "Tajikistan is open to accession to the EAEU (was undecided, studying)",
            "RUS",
            "TJK",
        ),
    ]


def test_a_stance_on_a_topic_of_many_countries_is_on_the_country_timeline_alone(refresh_all):
    topic = NegotiationTopicFactory()
    topic.countries.set([country("RUS"), country("TJK"), country("KGZ")])
    TopicStanceFactory(topic=topic, country=country("KGZ"))

    refresh_all()

    entry = TimelineEntry.objects.get(kind=Kind.TOPIC_STANCE)
    assert (entry.country_a_id, entry.country_b_id) == ("KGZ", None)


def test_a_denial_of_an_earlier_report_is_an_entry_and_the_report_alone_is_not(refresh_all):
    visit = VisitFactory(visitor__name="Vladimir Putin")
    CitationFactory(record=visit, reported_on=datetime.date(2017, 2, 1), field_name="start_date")
    spokesman = PersonFactory(name="Dmitry Peskov")
    denial = CitationFactory(
        record=visit,
        reported_on=datetime.date(2017, 2, 3),
        field_name="start_date",
        stance=Citation.Stance.DENIES,
        source__outlet__name="Kremlin press office",
        quote="no dates have been set",
        speaker=spokesman,
    )

    refresh_all()

    entry = TimelineEntry.objects.get(kind=Kind.CONTRADICTION)
    assert (
        entry.title
        == "Kremlin press office denies the report of the official visit by Vladimir Putin to Tajikistan, 27–28 Feb 2017 (start date)"
    )
    assert (entry.date, entry.summary, entry.record) == (datetime.date(2017, 2, 3), "“no dates have been set”", denial)
    assert (entry.country_a_id, entry.country_b_id) == ("RUS", "TJK")
    assert list(entry.persons.all()) == [spokesman]


def test_a_correction_with_nothing_earlier_to_correct_is_no_entry(refresh_all):
    visit = VisitFactory()
    CitationFactory(record=visit, reported_on=datetime.date(2017, 2, 1), stance=Citation.Stance.CORRECTS)
    CitationFactory(record=visit, reported_on=datetime.date(2017, 3, 1))

    refresh_all()

    assert not TimelineEntry.objects.filter(kind=Kind.CONTRADICTION).exists()


def test_a_year_of_trade_figures_carries_turnover_change_and_share_as_the_indicators_compute_them(refresh_all):
    for year, exports, imports in ((2015, "800", "400"), (2016, "700", "424.4")):
        TradeFlowFactory(
            reporter=country("TJK"),
            partner=country("RUS"),
            year=year,
            flow=TradeFlow.Flow.EXPORT,
            value_usd=Decimal(exports) * 10**6,
        )
        TradeFlowFactory(
            reporter=country("TJK"),
            partner=country("RUS"),
            year=year,
            flow=TradeFlow.Flow.IMPORT,
            value_usd=Decimal(imports) * 10**6,
        )
    for flow, value in ((TradeFlow.Flow.EXPORT, "4260000000"), (TradeFlow.Flow.IMPORT, "3010000000")):
        TradeFlowFactory(
            reporter=country("TJK"), partner=country("W00"), year=2016, flow=flow, value_usd=Decimal(value)
        )

    refresh_all()

    latest = TimelineEntry.objects.get(key="trade_release:TJK:RUS:comtrade:2016")
    change = year_on_year_change(trade_turnover_series(reporter="TJK", partner="RUS"))[2016]
    share = partner_share_of_turnover(reporter="TJK", partner="RUS", year=2016)
    assert share == Decimal("15.47")  # 1124.4 m of 7270 m
    assert latest.title == f"Tajikistan reports 2016 trade with Russia: USD 1.12 bn, {change:+.1f} % on 2015"
    assert f"Russia is {share} % of Tajikistan's trade turnover" in latest.summary
    assert (latest.date, latest.precision, latest.country_a_id, latest.country_b_id) == (
        datetime.date(2016, 1, 1),
        "year",
        "RUS",
        "TJK",
    )
    assert TimelineEntry.objects.get(key="trade_release:TJK:RUS:comtrade:2015").title.endswith("USD 1.20 bn")


def test_a_deleted_record_takes_its_entries_with_it(refresh_all):
    kept, deleted = VisitFactory(), VisitFactory()
    record_first_status(deleted, on=datetime.date(2017, 2, 1))
    refresh_all()
    deleted_id = deleted.pk
    deleted.delete()

    outcome = refresh_all()

    assert outcome.deleted == 2
    visit_type = ContentType.objects.get_for_model(Visit)
    assert set(TimelineEntry.objects.values_list("object_id", flat=True)) == {str(kept.pk)}
    assert not TimelineEntry.objects.filter(content_type=visit_type, object_id=str(deleted_id)).exists()


def test_a_year_with_one_flow_says_so_and_never_shows_the_other_as_zero(refresh_all):
    TradeFlowFactory(
        reporter=country("TJK"), partner=country("RUS"), year=2021, flow=TradeFlow.Flow.EXPORT, value_usd=Decimal("7e8")
    )

    refresh_all()

    entry = TimelineEntry.objects.get(key="trade_release:TJK:RUS:comtrade:2021")
    assert entry.title == "Tajikistan reports 2021 exports to Russia: USD 700.0 m"
    assert entry.summary.startswith("Exports USD 700.0 m, imports — (comtrade).")
    assert "USD 0" not in entry.title + entry.summary and "% of" not in entry.summary
