"""Deterministic benchmark data: the same seed and scale give the same rows, byte for byte.

    python bench/generate.py database --scale 1.0      # into DATABASE_URL (PostgreSQL), through COPY
    python bench/generate.py comtrade-csv --factor 10 OUT.csv
    python bench/generate.py comtrade-csv --monthly --rows 10000000 OUT.csv

`database` fills an empty, migrated Chancery database (countries come from the migrations):

- trade flows: every ordered pair of N countries (N = 200 at scale 1, shrinking with the
  square root of the scale), 25 years (1999-2023), exports and imports, plus each reporter's
  total with World (W00): 2,000,000 rows at scale 1 (3,125,000 from scale 1.6 on, when every
  state is in). `--goods N` adds N HS chapters' figures under each pair's (N=3 at scale 5:
  12,462,500 rows), as a commodity-level release would. Rows are written year by year, reporter
  by reporter, as yearly Comtrade imports would arrive, so a reporter's rows are spread over
  the whole id range as in real use; each carries the external key the Comtrade importer
  would give it. A few stated claims for TJK-RUS sit beside them.
- people (20,000 at scale 1) with one post each; visits (200,000 at scale 1) with their
  status histories, skewed: a dozen pairs (RUS-TJK the busiest) get 30 % of all visits,
  most pairs a handful.
- agreements (20,000 at scale 1), skewed towards the same busy pairs, a tenth of them
  with up to three more parties, each walked along the status machine's main line (about
  100,000 status changes; some abandoned, suspended or terminated), with numbered draft
  versions for those that reached drafting.
- sources (2,000 at scale 1) and citations linking them to visits and agreements (generic:
  content type + object id): most report, a few deny or correct an earlier report, which
  the timeline shows as contradictions.

Rows go in through COPY with explicit ids; the sequences are moved past them afterwards and
the tables analysed, so plans are those of a settled database.

`comtrade-csv` writes a Comtrade API CSV with the real file's columns, `factor` times as
many rows: the real file's rows once per year, for `factor` years ending with 2021, values
scaled per row by a seeded factor. It needs no database. `--monthly` adds, after each year's
annual rows, every row again as a monthly figure for each of the 12 months (13x the rows per
year, each a distinct figure); `--rows N` stops after N data rows, and without `--factor`
takes as many years as N needs. TradeFlow takes years from 1800, so annual rows alone give at
most 222 x 21,338 (4.7M) good rows; ten million distinct figures:

    python bench/generate.py comtrade-csv --monthly --rows 10000000 OUT.csv   # 37 years, 1985-2021
"""

import argparse
import csv
import datetime
import io
import math
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 20170228  # the day of the visit in the demo case
REAL_COMTRADE = Path(os.environ.get("BENCH_DATA_DIR", ROOT / "data")) / "comtrade" / "comtrade_all_exports_2021A.csv"

YEARS = range(1999, 2024)
# Always among the countries, whatever the scale: the demo pair and their neighbours.
CORE_COUNTRIES = ["RUS", "TJK", "KGZ", "KAZ", "UZB", "CHN", "USA", "DEU", "TUR", "IRN", "IND", "GBR", "FRA"]
# Pairs that get most of the visits (either direction), busiest first.
BUSY_PAIRS = [
    ("RUS", "TJK"),
    ("RUS", "KGZ"),
    ("RUS", "KAZ"),
    ("CHN", "RUS"),
    ("USA", "GBR"),
    ("DEU", "FRA"),
    ("CHN", "KAZ"),
    ("TUR", "IRN"),
    ("USA", "DEU"),
    ("IND", "RUS"),
    ("UZB", "TJK"),
    ("KAZ", "KGZ"),
]
STAMP = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)  # created/updated: fixed, so reruns match


# --- COPY plumbing ----------------------------------------------------------------------------
class LineReader(io.RawIOBase):
    """A file whose contents are lines produced on demand: what COPY FROM STDIN reads."""

    def __init__(self, lines):
        self._lines = iter(lines)
        self._buffer = b""

    def readable(self):
        return True

    def read(self, size=-1):
        size = 1 << 16 if size is None or size < 0 else size
        while len(self._buffer) < size:
            chunk = "".join(line for _, line in zip(range(2000), self._lines, strict=False))
            if not chunk:
                break
            self._buffer += chunk.encode()
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


def encode(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def fill_value(field):
    """The value a column not set by the generator gets: what Django would store for a new row."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return STAMP
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if field.blank and field.get_internal_type() in ("CharField", "TextField", "SlugField", "URLField", "EmailField"):
        return ""
    raise SystemExit(f"generate.py: no value for {field.model.__name__}.{field.name}; teach the generator about it")


def copy_rows(cursor, model, columns: list[str], lines, constants: dict | None = None, freeze: bool = False) -> int:
    """COPY rows into model's table and return how many.

    `lines` yields the encoded values of `columns` (attnames), tab-separated, each line ending
    in a newline; `constants` gives further columns one value for every row; any other
    concrete column gets fill_value(), or the database's default for an unlisted primary key.
    `freeze`: the table was emptied in this transaction, so COPY may write the rows frozen
    and all-visible, which spares the VACUUM afterwards a pass over them.
    """
    constants = constants or {}
    listed = set(columns) | set(constants)
    rest = [f for f in model._meta.concrete_fields if f.attname not in listed and not f.primary_key]
    fixed = [(model._meta.get_field(name), value) for name, value in constants.items()] + [
        (f, fill_value(f)) for f in rest
    ]
    suffix = "".join("\t" + encode(value) for _, value in fixed)
    names = [model._meta.get_field(name).column for name in columns] + [f.column for f, _ in fixed]
    counted = 0

    def with_suffix():
        nonlocal counted
        for line in lines:
            counted += 1
            yield line[:-1] + suffix + "\n"

    column_list = ", ".join(f'"{name}"' for name in names)
    options = " WITH (FREEZE)" if freeze else ""
    cursor.copy_expert(f'COPY "{model._meta.db_table}" ({column_list}) FROM STDIN{options}', LineReader(with_suffix()))
    return counted


def without_secondary_indexes(cursor, model):
    """Drop the table's indexes other than its constraints' (primary key...); return a function
    that builds them again. Building an index once after COPY is far cheaper than keeping it
    up to date row by row."""
    table = model._meta.db_table
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, f'"{table}"'],
    )
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')

    def rebuild():
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)

    return rebuild


def move_sequence(cursor, model) -> None:
    table = model._meta.db_table
    cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), COALESCE(MAX(id), 1)) FROM \"{table}\"")


# --- the data ---------------------------------------------------------------------------------
def choose_countries(rng: random.Random, scale: float, available: list[str]) -> list[str]:
    wanted = max(len(CORE_COUNTRIES), min(len(available), round(200 * math.sqrt(scale))))
    others = sorted(set(available) - set(CORE_COUNTRIES))
    return sorted(set(CORE_COUNTRIES) | set(rng.sample(others, wanted - len(CORE_COUNTRIES))))


# HS chapters and the share of a figure each takes, for `--goods N` (the first N): fixed shares,
# drawing nothing from the seed's stream, so the all-goods rows stay the same byte for byte.
GOODS = [("27", 0.30), ("84", 0.15), ("85", 0.12), ("87", 0.08), ("72", 0.05), ("10", 0.04)]


def trade_lines(rng: random.Random, countries: list[str], source_id: int, goods: int = 0):
    """Flows year by year, reporter by reporter; values follow a per-pair size and trend. With
    `goods`, each pair's figure is followed by that many HS chapters' figures (parts of it)."""
    base = {}
    trend = {}
    for reporter in countries:
        for partner in countries:
            if reporter != partner:
                for flow in ("X", "M"):
                    base[reporter, partner, flow] = rng.lognormvariate(17.0, 2.3)
                    trend[reporter, partner, flow] = rng.gauss(0.04, 0.05)
    row_id = 0
    flow_names = {"X": "export", "M": "import"}
    for index, year in enumerate(YEARS):
        for reporter in countries:
            totals = {"X": 0.0, "M": 0.0}
            for partner in countries:
                if partner == reporter:
                    continue
                for flow in ("X", "M"):
                    value = (
                        base[reporter, partner, flow]
                        * (1 + trend[reporter, partner, flow]) ** index
                        * rng.uniform(0.85, 1.15)
                    )
                    totals[flow] += value
                    row_id += 1
                    yield (
                        f"{row_id}\t{reporter}\t{partner}\t{year}\t{flow_names[flow]}\t{value:.2f}\t{source_id}\t"
                        f"A/{year}/52/{reporter}/{partner}/{flow}/TOTAL\tTOTAL\n"
                    )
                    for chapter, share in GOODS[:goods]:
                        row_id += 1
                        yield (
                            f"{row_id}\t{reporter}\t{partner}\t{year}\t{flow_names[flow]}\t{value * share:.2f}\t"
                            f"{source_id}\tA/{year}/52/{reporter}/{partner}/{flow}/{chapter}\t{chapter}\n"
                        )
            for flow in ("X", "M"):
                row_id += 1
                # The countries generated are not the whole world: the rest is a third more.
                yield (
                    f"{row_id}\t{reporter}\tW00\t{year}\t{flow_names[flow]}\t{totals[flow] * 1.35:.2f}\t{source_id}\t"
                    f"A/{year}/52/{reporter}/W00/{flow}/TOTAL\tTOTAL\n"
                )


SYLLABLES = [
    "ka",
    "ri",
    "mo",
    "sa",
    "len",
    "dor",
    "va",
    "mir",
    "to",
    "na",
    "el",
    "bek",
    "shan",
    "ul",
    "ro",
    "zi",
    "an",
    "ov",
]


def person_name(rng: random.Random) -> str:
    first = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    last = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
    return f"{first} {last}"


STATUS_PATH = ["rumoured", "announced", "confirmed", "completed"]
KINDS = ["state", "official", "working", "working", "working", "private", "summit", ""]
LEVELS = ["head", "head", "minister", "minister", "minister", "deputy", "official"]
TITLES = {
    "head": "President",
    "minister": "Minister of Foreign Affairs",
    "deputy": "Deputy Prime Minister",
    "official": "Ambassador",
}


AGREEMENT_KINDS = [
    "intergovernmental",
    "intergovernmental",
    "mou",
    "mou",
    "protocol",
    "treaty",
    "joint_statement",
    "contract",
]
AGREEMENT_SUBJECTS = [
    "trade and economic cooperation",
    "civil aviation",
    "military-technical cooperation",
    "labour migration",
    "energy supply",
    "avoidance of double taxation",
    "mutual protection of investments",
    "customs cooperation",
    "cultural exchange",
    "readmission",
    "lease of an airfield",
    "water resources",
    "visa-free travel",
    "scientific cooperation",
]
# The agreement status machine's main line (agreements/services.py); an agreement walks a prefix of it.
AGREEMENT_MAIN_LINE = ["proposed", "drafting", "negotiating", "initialled", "signed", "ratified", "in_force"]
# How far along the main line agreements get (weights of 1 to 7 statuses): over a third reach
# entry into force, and a history has five changes on average.
AGREEMENT_REACH_WEIGHTS = [8, 10, 12, 8, 10, 14, 38]
DRAFT_PARAGRAPH = (
    "Article {n}. The Parties shall cooperate in the field of {subject} on the basis of equality and mutual benefit, "
    "in accordance with their national legislation and their international obligations."
)


def pick_pair(rng: random.Random, countries: list[str]) -> tuple[str, str]:
    """Two countries in random order: 30 % of the time one of the busy pairs, busiest first."""
    if rng.random() < 0.30:
        # Pair k (from 0) is drawn with probability (k+1)^-1.2 - (k+2)^-1.2: RUS-TJK over half the time.
        pair = BUSY_PAIRS[min(int(rng.paretovariate(1.2)) - 1, len(BUSY_PAIRS) - 1)]
        return pair if rng.random() < 0.5 else pair[::-1]
    first, second = rng.sample(countries, 2)
    return first, second


def generate_agreements(rng: random.Random, scale: float, countries: list[str]) -> dict:
    """Agreements, their parties, status histories and draft versions: {model: (columns, lines)}."""
    from agreements.models import Agreement, AgreementParty, AgreementStatusChange, DraftVersion

    count = max(100, round(20000 * scale))
    agreements, parties, changes, drafts = [], [], [], []
    party_id = change_id = draft_id = 0
    for agreement_id in range(1, count + 1):
        members = set(pick_pair(rng, countries))
        if rng.random() < 0.10:
            members |= set(rng.sample(countries, rng.randint(1, 3)))
        subject = rng.choice(AGREEMENT_SUBJECTS)
        path = AGREEMENT_MAIN_LINE[: rng.choices(range(1, 8), AGREEMENT_REACH_WEIGHTS)[0]]
        if path[-1] != "in_force" and rng.random() < 0.15:
            path.append("abandoned")
        elif path[-1] == "in_force" and rng.random() < 0.06:
            path.append(rng.choice(["suspended", "terminated"]))
        day = datetime.date(1992, 1, 1) + datetime.timedelta(days=rng.randrange(11000))
        dates = {}
        previous = ""
        draft_number = 0
        for to_status in path:
            change_id += 1
            dates[to_status] = day
            changes.append(
                f"{change_id}\t{agreement_id}\t{previous}\t{to_status}\t{day.isoformat()}\t{STAMP.isoformat()}\n"
            )
            if to_status in ("drafting", "negotiating"):
                for _ in range(rng.randint(1, 2)):
                    draft_id += 1
                    draft_number += 1
                    text = "\n\n".join(
                        DRAFT_PARAGRAPH.format(n=n, subject=subject) for n in range(1, rng.randint(3, 7))
                    )
                    drafts.append(
                        f"{draft_id}\t{agreement_id}\t{draft_number}\t{encode(text)}\t{day.isoformat()}T12:00:00+00:00\n"
                    )
            previous = to_status
            day += datetime.timedelta(days=rng.randint(20, 400))
        names = " and ".join(sorted(members))
        agreements.append(
            f"{agreement_id}\tAgreement between {names} on {subject} ({agreement_id})\t{rng.choice(AGREEMENT_KINDS)}\t{path[-1]}\t"
            f"Generated agreement {agreement_id}.\t{encode(dates.get('proposed'))}\t{encode(dates.get('signed'))}\t{encode(dates.get('in_force'))}\n"
        )
        for country in sorted(members):
            party_id += 1
            parties.append(f"{party_id}\t{agreement_id}\t{country}\n")
    return {
        Agreement: (
            ["id", "title", "kind", "status", "summary", "proposed_on", "signed_on", "in_force_on"],
            agreements,
        ),
        AgreementParty: (["id", "agreement_id", "country_id"], parties),
        AgreementStatusChange: (
            ["id", "agreement_id", "from_status", "to_status", "changed_on", "recorded_at"],
            changes,
        ),
        DraftVersion: (["id", "agreement_id", "number", "text", "created_at"], drafts),
    }


OUTLETS = ["Asia-Plus", "TASS", "Interfax", "RIA Novosti", "Reuters", "AKIpress", "Kabar", "Xinhua", "Anadolu", "Trend"]
RELIABILITIES = [
    "official_statement",
    "named_official",
    "anonymous_source",
    "media_report",
    "media_report",
    "analyst_estimate",
]


def source_rows(rng: random.Random, count: int, *, first_id: int) -> tuple[list[str], list[str]]:
    """News reports and statements, ids from first_id: (columns, lines) for copy_rows."""
    lines = []
    for source_id in range(first_id, first_id + count):
        published = datetime.date(1990, 1, 1) + datetime.timedelta(days=rng.randrange(12775))
        kind = rng.choice(
            ["news_report", "news_report", "official_statement", "press_release", "interview", "analysis"]
        )
        outlet = rng.choice(OUTLETS)
        lines.append(
            f"{source_id}\t{outlet}: generated report {source_id}\t{kind}\thttps://example.org/{outlet.lower().replace(' ', '-')}/{source_id}\t"
            f"{published.isoformat()}\t{rng.choice(['en', 'ru', 'tg', 'zh'])}\n"
        )
    return ["id", "title", "kind", "url", "published_on", "language"], lines


def citation_rows(
    rng: random.Random, cited: dict[int, int], *, source_ids: range, people_count: int
) -> tuple[list[str], list[str]]:
    """Citations of records 1..n of each content type ({content type id: n}): (columns, lines).

    Each record gets none to a few sources; 3 % of citations of a record that already has
    one deny or correct it, as an official denying a report does.
    """
    lines = []
    citation_id = 0
    for content_type_id, record_count in cited.items():
        for object_id in range(1, record_count + 1):
            how_many = rng.choices([0, 1, 2, 3], [45, 35, 15, 5])[0]
            reported = datetime.date(1990, 1, 1) + datetime.timedelta(days=rng.randrange(12775))
            for position, source_id in enumerate(rng.sample(source_ids, how_many)):
                citation_id += 1
                stance = rng.choice(["denies", "corrects"]) if position and rng.random() < 0.03 else "reports"
                speaker = rng.randint(1, people_count) if rng.random() < 0.2 else None
                lines.append(
                    f"{citation_id}\t{source_id}\t{content_type_id}\t{object_id}\tGenerated quote {citation_id}\t"
                    f"{reported.isoformat()}\t{rng.choice(RELIABILITIES)}\t{stance}\t{encode(speaker)}\n"
                )
                reported += datetime.timedelta(days=rng.randint(1, 30))
    return [
        "id",
        "source_id",
        "content_type_id",
        "object_id",
        "quote",
        "reported_on",
        "reliability",
        "stance",
        "speaker_id",
    ], lines


def generate_database(scale: float, seed: int, goods: int = 0) -> None:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chancery.settings")
    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from agreements.models import Agreement, AgreementParty, AgreementStatusChange, DraftVersion
    from directory.models import Citation, Country, Person, Position, Source
    from trade.models import FlowRevision, TradeClaim, TradeFlow
    from visits.models import Visit, VisitStatusChange

    if connection.vendor != "postgresql":
        raise SystemExit("generate.py database: DATABASE_URL must point at PostgreSQL (the data goes in through COPY)")
    if TradeFlow.objects.exists() or Visit.objects.exists() or Person.objects.exists():
        raise SystemExit(
            "generate.py database: the database already has flows, visits or people; generate into an empty one"
        )

    rng = random.Random(seed)
    available = list(
        Country.objects.filter(kind=Country.Kind.STATE).order_by("alpha3").values_list("alpha3", flat=True)
    )
    countries = choose_countries(rng, scale, available)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        source = Source.objects.create(
            title="UN Comtrade (generated for benchmarks)",
            kind=Source.Kind.DATASET,
            external_id="dataset:un-comtrade",
            url="https://comtradeplus.un.org/",
            language="en",
        )
        # Empty already; truncating it in this transaction lets COPY write frozen rows. The
        # revisions that point at flows (empty too) are named, not CASCADEd: a table that
        # comes to point at flows one day fails this loudly instead.
        cursor.execute(f'TRUNCATE "{TradeFlow._meta.db_table}", "{FlowRevision._meta.db_table}"')
        rebuild_indexes = without_secondary_indexes(cursor, TradeFlow)
        # Foreign keys checked at the end of the COPY rather than at commit: an index cannot
        # be built while their checks are pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        flows = copy_rows(
            cursor,
            TradeFlow,
            [
                "id",
                "reporter_id",
                "partner_id",
                "year",
                "flow",
                "value_usd",
                "source_id",
                "external_key",
                "commodity_code",
            ],
            trade_lines(rng, countries, source.pk, goods),
            constants={"dataset": "comtrade"},
            freeze=True,
        )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        rebuild_indexes()
        move_sequence(cursor, TradeFlow)
        claim_lines = [
            "\t".join(encode(v) for v in (i, "TJK", "RUS", year, metric, value, unit, qualifier, note)) + "\n"
            for i, (year, metric, value, unit, qualifier, note) in enumerate(
                [
                    (2016, "turnover", Decimal("1000000000"), "usd", "more_than", "a little over USD 1 billion"),
                    (2016, "yoy_change", Decimal("-6.3"), "percent", "exact", "6.3 % less than in 2015"),
                    (
                        2016,
                        "partner_share",
                        Decimal("26.4"),
                        "percent",
                        "exact",
                        "Russia's share of external trade turnover",
                    ),
                    (2021, "turnover", Decimal("1500000000"), "usd", "about", "about USD 1.5 billion"),
                ],
                start=1,
            )
        ]
        copy_rows(
            cursor,
            TradeClaim,
            ["id", "reporter_id", "partner_id", "year", "metric", "value", "unit", "qualifier", "note"],
            claim_lines,
        )
        move_sequence(cursor, TradeClaim)
        print(
            f"generate.py: {flows} trade flows for {len(countries)} countries, {len(YEARS)} years ({time.perf_counter() - started:.1f}s)",
            flush=True,
        )

        people_count = max(100, round(20000 * scale))
        people = []  # (id, country, level)
        person_lines, position_lines = [], []
        for person_id in range(1, people_count + 1):
            country = rng.choice(countries)
            level = rng.choice(LEVELS)
            people.append((person_id, country, level))
            person_lines.append(f"{person_id}\t{encode(person_name(rng))}\t{country}\n")
            start = datetime.date(rng.randint(1985, 2020), rng.randint(1, 12), 1)
            position_lines.append(f"{person_id}\t{person_id}\t{TITLES[level]}\t{country}\t{start.isoformat()}\n")
        copy_rows(cursor, Person, ["id", "name", "country_id"], person_lines)
        copy_rows(cursor, Position, ["id", "person_id", "title", "country_id", "start_date"], position_lines)
        move_sequence(cursor, Person)
        move_sequence(cursor, Position)

        by_country: dict[str, list[int]] = {}
        for person_id, country, _ in people:
            by_country.setdefault(country, []).append(person_id)
        visit_count = max(500, round(200000 * scale))
        today = datetime.date(2024, 1, 1)
        visit_lines, change_lines = [], []
        change_id = 0
        for visit_id in range(1, visit_count + 1):
            visitor_country, host = pick_pair(rng, countries)
            start = datetime.date(1990, 1, 1) + datetime.timedelta(days=rng.randrange(12775))
            end = start + datetime.timedelta(days=rng.randint(0, 4))
            precision = "day" if rng.random() < 0.9 else "month"
            if precision == "month":
                start, end = start.replace(day=1), None
            candidates = by_country.get(visitor_country)
            visitor = rng.choice(candidates) if candidates else None
            if (end or start) >= today:
                path = STATUS_PATH[: rng.randint(1, 3)]
            elif rng.random() < 0.03:
                path = STATUS_PATH[: rng.randint(0, 3)] + ["cancelled"]
            else:
                path = STATUS_PATH[-rng.randint(1, 4) :]
            status = path[-1]
            visit_lines.append(
                f"{visit_id}\t{encode(visitor)}\t{visitor_country}\t{host}\t{start.isoformat()}\t{precision}\t{encode(end)}\t{precision}\t"
                f"{rng.choice(KINDS)}\t{rng.choice(LEVELS)}\t{status}\tGenerated visit {visit_id}.\n"
            )
            previous = ""
            on = start - datetime.timedelta(days=7 * len(path))
            for to_status in path:
                change_id += 1
                on = min(on + datetime.timedelta(days=7), end or start)
                change_lines.append(
                    f"{change_id}\t{visit_id}\t{previous}\t{to_status}\t{on.isoformat()}\t{STAMP.isoformat()}\n"
                )
                previous = to_status
        copy_rows(
            cursor,
            Visit,
            [
                "id",
                "visitor_id",
                "visitor_country_id",
                "host_country_id",
                "start_date",
                "start_precision",
                "end_date",
                "end_precision",
                "kind",
                "level",
                "status",
                "summary",
            ],
            visit_lines,
        )
        copy_rows(
            cursor,
            VisitStatusChange,
            ["id", "visit_id", "from_status", "to_status", "changed_on", "recorded_at"],
            change_lines,
        )
        move_sequence(cursor, Visit)
        move_sequence(cursor, VisitStatusChange)
        print(
            f"generate.py: {people_count} people, {visit_count} visits, {change_id} status changes ({time.perf_counter() - started:.1f}s)",
            flush=True,
        )

        agreements = generate_agreements(rng, scale, countries)
        counts = {model: copy_rows(cursor, model, columns, lines) for model, (columns, lines) in agreements.items()}
        for model in agreements:
            move_sequence(cursor, model)
        print(
            f"generate.py: {counts[Agreement]} agreements, {counts[AgreementParty]} parties, {counts[AgreementStatusChange]} status changes, "
            f"{counts[DraftVersion]} draft versions ({time.perf_counter() - started:.1f}s)",
            flush=True,
        )

        source_count = max(50, round(2000 * scale))
        copy_rows(cursor, Source, *source_rows(rng, source_count, first_id=source.pk + 1))
        move_sequence(cursor, Source)
        cited = {
            ContentType.objects.get_for_model(Visit).pk: visit_count,
            ContentType.objects.get_for_model(Agreement).pk: counts[Agreement],
        }
        citations = copy_rows(
            cursor,
            Citation,
            *citation_rows(
                rng, cited, source_ids=range(source.pk + 1, source.pk + 1 + source_count), people_count=people_count
            ),
        )
        move_sequence(cursor, Citation)
        print(
            f"generate.py: {source_count} sources, {citations} citations ({time.perf_counter() - started:.1f}s)",
            flush=True,
        )

    # After the transaction: VACUUM cannot run inside one. It sets hint bits and the
    # visibility map, as on a settled database; the flows were written frozen and only need
    # their statistics.
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{TradeFlow._meta.db_table}"')
        for model in (
            TradeClaim,
            Person,
            Position,
            Visit,
            VisitStatusChange,
            Agreement,
            AgreementParty,
            AgreementStatusChange,
            DraftVersion,
            Source,
            Citation,
        ):
            cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')
    print(f"generate.py: done, vacuumed and analysed ({time.perf_counter() - started:.1f}s)", flush=True)


COMTRADE_LAST_YEAR = 2021  # the real file's; generated years go back from it
COMTRADE_FIRST_YEAR = 1800  # the earliest TradeFlow accepts (tradeflow_year_plausible)


def read_real_comtrade() -> tuple[list[str], list[list[str]]]:
    with open(REAL_COMTRADE, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, list(reader)


def comtrade_years_for(rows: int, *, monthly: bool) -> int:
    """How many years of the real file (13 periods each if monthly) make at least `rows` rows."""
    _, real = read_real_comtrade()
    return -(-rows // (len(real) * (13 if monthly else 1)))


def generate_comtrade_csv(factor: int, out: Path, seed: int, *, monthly: bool = False, rows: int | None = None) -> int:
    """The real Comtrade API file's rows, once for each of `factor` years up to 2021.

    `monthly`: after a year's annual rows, each row again as a monthly figure for months 1 to
    12 in turn (freqCode M, refMonth 1-12, refPeriodId YYYYMM01), so a year gives 13 times the
    real file's rows, every one a figure of its own. Their values are the annual value's
    twelfth scaled by a second seeded generator, so the annual rows are those of the file
    without `monthly`. `rows`: stop after that many data rows, so the file is the one without
    `rows` cut short: the earliest years come first, and 2021 is the year left incomplete.
    """
    rng = random.Random(seed)
    monthly_rng = random.Random(seed + 1)
    header, real = read_real_comtrade()
    freq_at, month_at = header.index("freqCode"), header.index("refMonth")
    year_at, period_at, value_at = header.index("refYear"), header.index("refPeriodId"), header.index("primaryValue")
    written = 0
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for year in range(COMTRADE_LAST_YEAR - factor + 1, COMTRADE_LAST_YEAR + 1):
            annual = []
            for row in real:
                if rows is not None and written >= rows:
                    return written
                row = list(row)
                row[year_at] = str(year)
                row[period_at] = f"{year}0101"
                if row[value_at]:
                    row[value_at] = f"{float(row[value_at]) * rng.uniform(0.7, 1.1):.2f}"
                writer.writerow(row)
                written += 1
                if monthly:
                    annual.append(row)
            for month in range(1, 13) if monthly else ():
                for row in annual:
                    if rows is not None and written >= rows:
                        return written
                    row = list(row)
                    row[freq_at], row[month_at], row[period_at] = "M", str(month), f"{year}{month:02d}01"
                    if row[value_at]:
                        row[value_at] = f"{float(row[value_at]) / 12 * monthly_rng.uniform(0.8, 1.2):.2f}"
                    writer.writerow(row)
                    written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=SEED)
    commands = parser.add_subparsers(dest="command", required=True)
    database = commands.add_parser("database", help="fill the empty database at DATABASE_URL")
    database.add_argument("--scale", type=float, default=1.0)
    database.add_argument(
        "--goods",
        type=int,
        default=0,
        choices=range(len(GOODS) + 1),
        help="HS chapters' figures under each pair's figure (0: all goods only; 2 at scale 5: 9.35M flows)",
    )
    comtrade = commands.add_parser("comtrade-csv", help="write a Comtrade API CSV FACTOR times the real one")
    comtrade.add_argument("--factor", type=int, help="years of the real file's rows, up to 2021 (default 10)")
    comtrade.add_argument(
        "--monthly", action="store_true", help="after each year's annual rows, each row for months 1-12 (13x per year)"
    )
    comtrade.add_argument(
        "--rows", type=int, help="stop after ROWS data rows; without --factor, as many years as that takes"
    )
    comtrade.add_argument("out", type=Path)
    args = parser.parse_args()
    if args.command == "database":
        if args.scale <= 0:
            parser.error("--scale must be positive")
        generate_database(args.scale, args.seed, args.goods)
    else:
        if args.rows is not None and args.rows < 1:
            parser.error("--rows must be positive")
        factor = args.factor
        if factor is None:
            factor = comtrade_years_for(args.rows, monthly=args.monthly) if args.rows is not None else 10
        first_year = COMTRADE_LAST_YEAR - factor + 1
        if (args.monthly or args.rows is not None) and first_year < COMTRADE_FIRST_YEAR:
            parser.error(
                f"{factor} years would go back to {first_year}, before {COMTRADE_FIRST_YEAR} (the earliest year a "
                f"trade flow may have); ask for fewer rows{'' if args.monthly else ', or --monthly for 13x the rows a year'}"
            )
        if first_year < COMTRADE_FIRST_YEAR:  # what --factor alone always did, kept; the importer rejects those rows
            print(
                f"generate.py: warning: years from {first_year}; those before {COMTRADE_FIRST_YEAR} are rejected on import",
                file=sys.stderr,
            )
        rows = generate_comtrade_csv(factor, args.out, args.seed, monthly=args.monthly, rows=args.rows)
        print(f"generate.py: wrote {rows} rows to {args.out}")
        if args.rows is not None and rows < args.rows:
            print(
                f"generate.py: warning: {factor} years hold only {rows} of the {args.rows} rows asked for",
                file=sys.stderr,
            )


if __name__ == "__main__":
    main()
