"""The demo case as real records: the Russian president's February 2017 visit to Dushanbe.

Everything here comes from an Asia-Plus report of early February 2017 (which also cites
EurasiaNet; see shared/data/news/SOURCE.md), told in our own words. Each record is kept as
the report knew it, with a citation graded by who said it, except for the Dushanbe visit,
which then moves through the visit services to how it actually went (27–28 Feb 2017).

Loading is idempotent. Every record has a natural key (an external id where the model has
one), is created when missing, saved only when a field differs from the demo content, and
left alone otherwise, so a second run writes nothing and bumps no version. Statuses and the
dates a status change moves are set only at creation: after that they belong to the
record's status history.
"""

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from agreements.models import Agreement, AgreementParty, AgreementStatusChange
from agreements.services import record_initial_agreement_status
from chancery.dates import DatePrecision
from directory.models import Citation, Country, Organisation, Person, PersonAlias, Position, Source
from trade.models import TradeClaim
from visits.models import AgendaItem, NegotiationTopic, Participant, TopicStance, Tour, Visit, VisitStatusChange
from visits.services import change_visit_status, record_initial_visit_status

DEMO = "demo"  # external_source of demo visits and agreements, and prefix of other external ids

DAY = DatePrecision.DAY
MONTH = DatePrecision.MONTH
# The report's day of publication is unknown; "Feb 2017" is as much as we can say.
REPORT_DATE = datetime.date(2017, 2, 1)
MINISTER_SPOKE_ON = datetime.date(2017, 1, 31)

RecordCallback = Callable[[str, models.Model], None]


class DemoLoad:
    """Reconciles records with the demo content and counts, per model, what it did."""

    CREATED, UPDATED, PRESENT = "created", "updated", "already present"

    def __init__(self, *, on_record: RecordCallback | None = None):
        self.tallies: dict[type[models.Model], Counter] = {}
        self.on_record = on_record

    def count(self, model: type[models.Model], outcome: str, record: models.Model) -> None:
        self.tallies.setdefault(model, Counter())[outcome] += 1
        if self.on_record:
            self.on_record(outcome, record)

    def summary(self) -> list[tuple[str, int, int, int]]:
        """(model name, created, updated, already present) per model, in loading order."""
        return [
            (str(model._meta.verbose_name_plural), tally[self.CREATED], tally[self.UPDATED], tally[self.PRESENT])
            for model, tally in self.tallies.items()
        ]

    def ensure(
        self,
        model: type[models.Model],
        lookup: dict[str, Any],
        values: dict[str, Any] | None = None,
        *,
        on_create: dict[str, Any] | None = None,
        m2m: dict[str, Iterable[models.Model]] | None = None,
    ) -> tuple[Any, bool]:
        """The record with this natural key, created or brought in line with `values`.

        `on_create` holds fields set only when the record is new. Returns (record, created).
        """
        values, m2m = values or {}, m2m or {}
        try:
            record = model.objects.get(**lookup)
        except model.DoesNotExist:
            record = model(**lookup, **values, **(on_create or {}))
            record.full_clean()
            record.save()
            for name, targets in m2m.items():
                getattr(record, name).set(targets)
            self.count(model, self.CREATED, record)
            return record, True

        changed = [name for name, wanted in values.items() if _differs(record, name, wanted)]
        if changed:
            for name in changed:
                setattr(record, name, values[name])
            record.full_clean()
            record.save(update_fields=changed)
        m2m_changed = [
            name
            for name, targets in m2m.items()
            if set(getattr(record, name).values_list("pk", flat=True)) != {target.pk for target in targets}
        ]
        for name in m2m_changed:
            getattr(record, name).set(m2m[name])
        self.count(model, self.UPDATED if changed or m2m_changed else self.PRESENT, record)
        return record, False

    def cite(
        self,
        record: models.Model,
        source: Source,
        *,
        reliability: str,
        field_name: str = "",
        quote: str = "",
        speaker: Person | None = None,
        reported_on: datetime.date | None = None,
        note: str = "",
    ) -> Citation:
        citation, _ = self.ensure(
            Citation,
            {
                "source": source,
                "content_type": ContentType.objects.get_for_model(record),
                "object_id": str(record.pk),
                "field_name": field_name,
            },
            {"reliability": reliability, "quote": quote, "speaker": speaker, "reported_on": reported_on, "note": note},
        )
        return citation


def _differs(record: models.Model, name: str, wanted: Any) -> bool:
    field = record._meta.get_field(name)
    if field.is_relation:
        # Compare keys, not instances: no query per foreign key.
        return getattr(record, field.attname) != (wanted.pk if wanted is not None else None)
    return getattr(record, name) != wanted


@transaction.atomic
def load_demo(*, on_record: RecordCallback | None = None) -> DemoLoad:
    """Load (or re-load) the demo case in one transaction; returns what was done per model."""
    load = DemoLoad(on_record=on_record)
    countries = {code: Country.objects.get(pk=code) for code in ("RUS", "TJK", "KGZ")}
    orgs = _organisations(load, countries)
    people = _people(load, countries, orgs)
    sources = _sources(load, orgs)
    visits = _visits(load, countries, people, sources)
    _topics(load, countries, visits, sources)
    _agreement(load, countries, sources)
    _trade_claims(load, countries, people, sources)
    return load


def _organisations(load: DemoLoad, countries: dict[str, Country]) -> dict[str, Organisation]:
    rus, tjk = countries["RUS"], countries["TJK"]
    Kind = Organisation.Kind
    specs = {
        "asia-plus": dict(name="Asia-Plus", kind=Kind.NEWS_OUTLET, country=tjk, url="https://asiaplustj.info"),
        "eurasianet": dict(name="EurasiaNet", kind=Kind.NEWS_OUTLET, country=None, url="https://eurasianet.org"),
        "tajik-government": dict(name="Government of the Republic of Tajikistan", kind=Kind.GOVERNMENT, country=tjk),
        "kremlin": dict(
            name="Presidential Executive Office",
            abbreviation="Kremlin",
            kind=Kind.HEAD_OF_STATE_OFFICE,
            country=rus,
            url="http://kremlin.ru",
        ),
        "russian-government": dict(
            name="Government of the Russian Federation", kind=Kind.GOVERNMENT, country=rus, url="http://government.ru"
        ),
        "tajik-medt": dict(
            name="Ministry of Economic Development and Trade",
            kind=Kind.MINISTRY,
            country=tjk,
            parent="tajik-government",
            url="https://medt.tj",
        ),
        "tajik-russian-commission": dict(
            name="Tajik-Russian Intergovernmental Commission for Trade and Economic Cooperation",
            kind=Kind.COMMISSION,
            country=None,
        ),
        "eaeu": dict(
            name="Eurasian Economic Union",
            abbreviation="EAEU",
            kind=Kind.BLOC,
            country=None,
            url="http://www.eaeunion.org",
        ),
    }
    orgs = {}
    for key, spec in specs.items():
        parent = spec.pop("parent", None)
        values = {"abbreviation": "", "url": "", **spec, "parent": orgs[parent] if parent else None}
        orgs[key], _ = load.ensure(Organisation, {"external_id": f"{DEMO}:{key}"}, values)
    return orgs


def _people(load: DemoLoad, countries: dict[str, Country], orgs: dict[str, Organisation]) -> dict[str, Person]:
    """The people in the report, each with the post they held at the time."""
    rus, tjk = countries["RUS"], countries["TJK"]
    specs = {
        "putin": dict(
            name="Vladimir Putin",
            sort_name="Putin, Vladimir",
            country=rus,
            post=dict(title="President", start_date=datetime.date(2012, 5, 7), start_precision=DAY),
        ),
        "rahmon": dict(
            name="Emomali Rahmon",
            sort_name="Rahmon, Emomali",
            country=tjk,
            post=dict(title="President", start_date=datetime.date(1994, 11, 1), start_precision=MONTH),
        ),
        "peskov": dict(
            name="Dmitry Peskov",
            sort_name="Peskov, Dmitry",
            country=rus,
            post=dict(
                title="Press Secretary of the President",
                organisation=orgs["kremlin"],
                start_date=datetime.date(2012, 5, 1),
                start_precision=MONTH,
            ),
        ),
        # The report calls him deputy prime minister; he was First Deputy Prime Minister
        # through both Putin's 2008 and Medvedev's 2012 governments.
        "shuvalov": dict(
            name="Igor Shuvalov",
            sort_name="Shuvalov, Igor",
            country=rus,
            post=dict(
                title="First Deputy Prime Minister",
                organisation=orgs["russian-government"],
                start_date=datetime.date(2008, 5, 1),
                start_precision=MONTH,
                end_date=datetime.date(2018, 5, 1),
                end_precision=MONTH,
            ),
        ),
        # In office when he spoke on 31 January 2017; when he took it up is not recorded here.
        "hikmatullozoda": dict(
            name="Nematullo Hikmatullozoda",
            sort_name="Hikmatullozoda, Nematullo",
            country=tjk,
            post=dict(title="Minister", organisation=orgs["tajik-medt"]),
        ),
    }
    no_dates = dict(organisation=None, start_date=None, start_precision=DAY, end_date=None, end_precision=DAY)
    people = {}
    for key, spec in specs.items():
        post = {**no_dates, **spec.pop("post")}
        person, _ = load.ensure(Person, {"external_id": f"{DEMO}:{key}"}, spec)
        title = post.pop("title")
        load.ensure(Position, {"person": person, "title": title}, {**post, "country": spec["country"]})
        people[key] = person
    # He dropped the Russian -ov ending in 2007; older reports use the former name.
    for alias in ("Emomali Rakhmonov", "Emomali Rahmonov"):
        load.ensure(PersonAlias, {"person": people["rahmon"], "name": alias}, {"kind": PersonAlias.Kind.FORMER})
    return people


def _sources(load: DemoLoad, orgs: dict[str, Organisation]) -> dict[str, Source]:
    asia_plus, _ = load.ensure(
        Source,
        {"external_id": f"{DEMO}:asia-plus-2017-02-putin-dushanbe"},
        {
            "title": "Russian president expected in Dushanbe on 28 February; Tajik-Russian trade fell in 2016",
            "kind": Source.Kind.NEWS_REPORT,
            "outlet": orgs["asia-plus"],
            "published_on": REPORT_DATE,
            "published_precision": MONTH,
            "language": "en",
        },
    )
    eurasianet, _ = load.ensure(
        Source,
        {"external_id": f"{DEMO}:eurasianet-2017-02-putin-tajikistan"},
        {
            "title": "What the Russian president's visit may mean for Tajikistan",
            "kind": Source.Kind.ANALYSIS,
            "outlet": orgs["eurasianet"],
            "published_on": REPORT_DATE,
            "published_precision": MONTH,
            "language": "en",
        },
    )
    return {"asia-plus": asia_plus, "eurasianet": eurasianet}


def _ensure_visit(
    load: DemoLoad, external_id: str, values: dict[str, Any], *, on_create: dict[str, Any]
) -> tuple[Visit, bool]:
    return load.ensure(Visit, {"external_source": DEMO, "external_id": external_id}, values, on_create=on_create)


def _visits(
    load: DemoLoad, countries: dict[str, Country], people: dict[str, Person], sources: dict[str, Source]
) -> dict[str, Visit]:
    rus, tjk, kgz = countries["RUS"], countries["TJK"], countries["KGZ"]
    asia_plus = sources["asia-plus"]
    Grade = Citation.Reliability

    tour, _ = load.ensure(
        Tour,
        {"title": "Vladimir Putin's Central Asia tour, February 2017"},
        {
            "traveller": people["putin"],
            "summary": "The Kremlin's press secretary said the Russian president would soon travel to "
            "Tajikistan and Kyrgyzstan.",
        },
    )
    load.cite(tour, asia_plus, reliability=Grade.NAMED_OFFICIAL, speaker=people["peskov"])

    dushanbe, created = _ensure_visit(
        load,
        "putin-dushanbe-2017-02",
        {
            "visitor": people["putin"],
            "visitor_country": rus,
            "host_country": tjk,
            "locale": "Dushanbe",
            "kind": Visit.Kind.OFFICIAL,
            "level": Visit.Level.HEAD,
            "tour": tour,
            "summary": "Official visit by the Russian president, reported by a Tajik government source for "
            "28 February. Talks with President Rahmon were expected to take up Eurasian Economic Union "
            "membership and the Ayni airfield, and cooperation agreements were to be signed.",
        },
        # As the report knew it: one day, 28 February, announced.
        on_create={"start_date": datetime.date(2017, 2, 28), "start_precision": DAY, "status": Visit.Status.ANNOUNCED},
    )
    citation = load.cite(dushanbe, asia_plus, reliability=Grade.ANONYMOUS_SOURCE)
    _initial_visit_status(load, dushanbe, created, on=REPORT_DATE, precision=MONTH, citation=citation)
    if dushanbe.status == Visit.Status.ANNOUNCED:
        change = change_visit_status(
            visit=dushanbe,
            to_status=Visit.Status.COMPLETED,
            on=datetime.date(2017, 2, 28),
            new_start_date=datetime.date(2017, 2, 27),
            new_end_date=datetime.date(2017, 2, 28),
            note="The visit took place on 27-28 February 2017, starting a day earlier than first reported.",
        )
        load.count(VisitStatusChange, DemoLoad.CREATED, change)
    else:
        load.count(VisitStatusChange, DemoLoad.PRESENT, dushanbe.status_changes.last())

    bishkek, created = _ensure_visit(
        load,
        "putin-bishkek-2017-02",
        {
            "visitor": people["putin"],
            "visitor_country": rus,
            "host_country": kgz,
            "locale": "Bishkek",
            "level": Visit.Level.HEAD,
            "tour": tour,
            "summary": "The Kyrgyz leg of the Central Asia tour, announced by the Kremlin without a date.",
        },
        # It took place on 28 February 2017; the report knew only that it was coming.
        on_create={"start_date": REPORT_DATE, "start_precision": MONTH, "status": Visit.Status.ANNOUNCED},
    )
    citation = load.cite(bishkek, asia_plus, reliability=Grade.NAMED_OFFICIAL, speaker=people["peskov"])
    _initial_visit_status(load, bishkek, created, on=REPORT_DATE, precision=MONTH, citation=citation)

    groundwork, created = _ensure_visit(
        load,
        "shuvalov-dushanbe-2017-01-27",
        {
            "visitor": people["shuvalov"],
            "visitor_country": rus,
            "host_country": tjk,
            "locale": "Dushanbe",
            "kind": Visit.Kind.WORKING,
            "level": Visit.Level.DEPUTY,
            "prepares": dushanbe,
            "summary": "Prepared the Russian president's visit while attending the 14th session of the "
            "Tajik-Russian intergovernmental commission for trade and economic cooperation. The "
            "published agenda ran from trade and investment to energy, education, science and "
            "migration; the session's real business was the aviation dispute.",
        },
        on_create={"start_date": datetime.date(2017, 1, 27), "start_precision": DAY, "status": Visit.Status.COMPLETED},
    )
    citation = load.cite(groundwork, asia_plus, reliability=Grade.MEDIA_REPORT)
    _initial_visit_status(load, groundwork, created, on=datetime.date(2017, 1, 27), precision=DAY, citation=citation)
    load.ensure(Participant, {"visit": groundwork, "person": people["shuvalov"]}, {"role": "head of delegation"})

    return {"dushanbe": dushanbe, "bishkek": bishkek, "groundwork": groundwork}


def _initial_visit_status(
    load: DemoLoad, visit: Visit, created: bool, *, on: datetime.date, precision: str, citation: Citation
) -> None:
    """A new visit's first history row; an existing visit already has one."""
    if created:
        change = record_initial_visit_status(visit=visit, on=on, precision=precision, citation=citation)
        load.count(VisitStatusChange, DemoLoad.CREATED, change)
    else:
        load.count(VisitStatusChange, DemoLoad.PRESENT, visit.status_changes.first())


def _topics(
    load: DemoLoad, countries: dict[str, Country], visits: dict[str, Visit], sources: dict[str, Source]
) -> None:
    pair = [countries["RUS"], countries["TJK"]]
    asia_plus, eurasianet = sources["asia-plus"], sources["eurasianet"]
    Grade, Expect = Citation.Reliability, AgendaItem.Expectation

    def topic(slug: str, title: str, description: str, grade: str) -> NegotiationTopic:
        record, _ = load.ensure(
            NegotiationTopic,
            {"slug": slug},
            {"title": title, "description": description, "status": NegotiationTopic.Status.OPEN},
            m2m={"countries": pair},
        )
        load.cite(record, asia_plus, reliability=grade)
        return record

    def agenda(visit: Visit, record: NegotiationTopic, expectation: str, note: str, grade: str) -> None:
        item, _ = load.ensure(AgendaItem, {"visit": visit, "topic": record}, {"expectation": expectation, "note": note})
        load.cite(item, asia_plus, reliability=grade)

    eaeu = topic(
        "tajikistan-eaeu-accession",
        "Tajikistan's accession to the Eurasian Economic Union",
        "Whether Tajikistan joins the Russian-led Eurasian Economic Union.",
        Grade.ANALYST_ESTIMATE,
    )
    ayni = topic(
        "ayni-airfield-lease",
        "Lease of the Ayni military airfield",
        "Russia's interest in leasing Tajikistan's Ayni military airfield, a regional-security question.",
        Grade.ANALYST_ESTIMATE,
    )
    # Open, not progressing: the commission met to settle it, but the report gives no outcome.
    aviation = topic(
        "tajik-russian-aviation-dispute",
        "Aviation dispute between Tajikistan and Russia",
        "A dispute over air services between the two countries, unresolved since late 2016.",
        Grade.MEDIA_REPORT,
    )

    agenda(
        visits["groundwork"],
        aviation,
        Expect.DISCUSSED,
        "The main business of the commission's 14th session.",
        Grade.MEDIA_REPORT,
    )
    agenda(
        visits["dushanbe"],
        eaeu,
        Expect.EXPECTED,
        "Local experts expected membership to be one of the main subjects of the presidents' talks.",
        Grade.ANALYST_ESTIMATE,
    )
    agenda(
        visits["dushanbe"],
        ayni,
        Expect.EXPECTED,
        "Expected to come up under regional security, probably raised by the Russian side.",
        Grade.ANALYST_ESTIMATE,
    )

    stance, _ = load.ensure(
        TopicStance,
        {"topic": eaeu, "country": countries["TJK"], "as_of": REPORT_DATE},
        {
            "stance": TopicStance.Stance.UNDECIDED,
            "as_of_precision": MONTH,
            "note": "Tajik officials said they were still studying membership and weighing its costs and benefits.",
        },
    )
    load.cite(stance, asia_plus, reliability=Grade.MEDIA_REPORT)
    stance, _ = load.ensure(
        TopicStance,
        {"topic": eaeu, "country": countries["RUS"], "as_of": REPORT_DATE},
        {
            "stance": TopicStance.Stance.SUPPORTS,
            "as_of_precision": MONTH,
            "note": "Moscow is read as wanting to bind Tajikistan firmly into its economic and political orbit.",
        },
    )
    load.cite(stance, eurasianet, reliability=Grade.ANALYST_ESTIMATE)


def _agreement(load: DemoLoad, countries: dict[str, Country], sources: dict[str, Source]) -> None:
    agreement, created = load.ensure(
        Agreement,
        {"external_source": DEMO, "external_id": "putin-dushanbe-2017-02-cooperation-agreements"},
        {
            "title": "Cooperation agreements to be signed during the Russian president's visit",
            "kind": Agreement.Kind.INTERGOVERNMENTAL,
            "summary": "Several cooperation agreements were expected to be signed in Dushanbe during the visit; "
            "EurasiaNet thought they might be minor trade and cultural ones. One record until the "
            "individual agreements are known.",
        },
        on_create={"status": Agreement.Status.PROPOSED, "proposed_on": REPORT_DATE, "proposed_precision": MONTH},
    )
    for code in ("RUS", "TJK"):
        load.ensure(AgreementParty, {"agreement": agreement, "country": countries[code]})
    reported = load.cite(agreement, sources["asia-plus"], reliability=Citation.Reliability.MEDIA_REPORT)
    load.cite(agreement, sources["eurasianet"], reliability=Citation.Reliability.ANALYST_ESTIMATE)
    if created:
        change = record_initial_agreement_status(
            agreement=agreement, on=REPORT_DATE, precision=MONTH, citation=reported
        )
        load.count(AgreementStatusChange, DemoLoad.CREATED, change)
    else:
        load.count(AgreementStatusChange, DemoLoad.PRESENT, agreement.status_changes.first())


def _trade_claims(
    load: DemoLoad, countries: dict[str, Country], people: dict[str, Person], sources: dict[str, Source]
) -> None:
    minister = people["hikmatullozoda"]
    Metric, Unit, Qualifier = TradeClaim.Metric, TradeClaim.Unit, TradeClaim.Qualifier
    specs = [
        (
            Metric.TURNOVER,
            Decimal("1000000000"),
            Unit.USD,
            Qualifier.MORE_THAN,
            "Two-way trade with Russia in 2016.",
            "little more than one billion U.S. dollars",
        ),
        (
            Metric.YOY_CHANGE,
            Decimal("-6.3"),
            Unit.PERCENT,
            Qualifier.EXACT,
            "Two-way trade with Russia in 2016 against 2015.",
            "6.3 percent less than in 2015",
        ),
        (
            Metric.PARTNER_SHARE,
            Decimal("26.4"),
            Unit.PERCENT,
            Qualifier.EXACT,
            "Russia's share of Tajikistan's external trade turnover in 2016.",
            "26.4 percent",
        ),
    ]
    for metric, value, unit, qualifier, note, quote in specs:
        claim, _ = load.ensure(
            TradeClaim,
            {
                "reporter": countries["TJK"],
                "partner": countries["RUS"],
                "year": 2016,
                "month": None,
                "metric": metric,
                "stated_by": minister,
            },
            {"value": value, "unit": unit, "qualifier": qualifier, "note": f"{note} Stated to reporters in Dushanbe."},
        )
        load.cite(
            claim,
            sources["asia-plus"],
            reliability=Citation.Reliability.NAMED_OFFICIAL,
            field_name="value",
            quote=quote,
            speaker=minister,
            reported_on=MINISTER_SPOKE_ON,
        )
