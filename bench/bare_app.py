"""The API benchmarks' baseline: a bare WSGI app, no Django, running the same SQL as the app.

It answers the two read endpoints the benchmarks hit, with the same SQL the Django views
send (see bench/bench_api.py, which checks before measuring that both give the same JSON):

    /api/v1/trade/flows/?reporter=RUS&page_size=100[&cursor=...]   a keyset page
    /api/v1/trade/series/?a=TJK&b=RUS                              a pair's series

What it leaves out is what the app adds: token authentication, rate limiting, filter
validation, content negotiation, middleware and serializers. One psycopg2 connection per
worker thread, kept open (the app keeps its connections for DATABASE_CONN_MAX_AGE), JSON by
orjson. Serve it with the app's gunicorn settings:

    BARE_DATABASE_URL=postgres://... gunicorn --chdir bench bare_app:application --workers 2 --no-control-socket
"""

import base64
import os
import threading
from collections import defaultdict
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode

import orjson
import psycopg2

DATABASE_URL = os.environ.get("BARE_DATABASE_URL", "")
MAX_PAGE_SIZE = 1000
FLOW_LABELS = {"export": "Export", "import": "Import", "re_export": "Re-export", "re_import": "Re-import"}
VALUATION_LABELS = {"": "", "fob": "FOB", "cif": "CIF"}

# The Django views' SQL, word for word (bench_api.py compares them before measuring).
FLOW_COLUMNS = (
    "id",
    "reporter_id",
    "partner_id",
    "year",
    "month",
    "flow",
    "commodity_code",
    "value_usd",
    "valuation",
    "estimated",
    "dataset",
    "release",
    "source_id",
    "updated_at",
)
FLOW_SELECT = (
    "SELECT " + ", ".join(f'"trade_tradeflow"."{c}" AS "{c}"' for c in FLOW_COLUMNS) + ' FROM "trade_tradeflow"'
)

SERIES_FLOWS_SQL = (
    'SELECT "trade_tradeflow"."dataset" AS "dataset", "trade_tradeflow"."year" AS "year", '
    '"trade_tradeflow"."month" AS "month", "trade_tradeflow"."reporter_id" AS "reporter", '
    '"trade_tradeflow"."partner_id" AS "partner", "trade_tradeflow"."flow" AS "flow", '
    '"trade_tradeflow"."valuation" AS "valuation", "trade_tradeflow"."estimated" AS "estimated", '
    '"directory_source"."title" AS "source__title", SUM("trade_tradeflow"."value_usd") AS "value" '
    'FROM "trade_tradeflow" LEFT OUTER JOIN "directory_source" ON ("trade_tradeflow"."source_id" = "directory_source"."id") '
    'WHERE ("trade_tradeflow"."commodity_code" = %s AND "trade_tradeflow"."flow" IN (\'export\', \'import\') '
    'AND "trade_tradeflow"."month" IS NULL AND "trade_tradeflow"."partner_id" IN (%s, %s, \'W00\') '
    'AND "trade_tradeflow"."reporter_id" IN (%s, %s)) GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9'
)
CLAIM_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "version",
    "reporter_id",
    "partner_id",
    "year",
    "month",
    "metric",
    "value",
    "unit",
    "qualifier",
    "stated_by_id",
    "stated_by_organisation_id",
    "note",
)
PERSON_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "version",
    "name",
    "sort_name",
    "country_id",
    "birth_date",
    "summary",
    "external_id",
)
ORGANISATION_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "version",
    "name",
    "abbreviation",
    "kind",
    "country_id",
    "parent_id",
    "url",
    "external_id",
)
SERIES_CLAIMS_SQL = (
    "SELECT "
    + ", ".join(f'"trade_tradeclaim"."{c}"' for c in CLAIM_COLUMNS)
    + ", "
    + ", ".join(f'"directory_person"."{c}"' for c in PERSON_COLUMNS)
    + ", "
    + ", ".join(f'"directory_organisation"."{c}"' for c in ORGANISATION_COLUMNS)
    + ' FROM "trade_tradeclaim" INNER JOIN "directory_country" ON ("trade_tradeclaim"."partner_id" = "directory_country"."alpha3") '
    'INNER JOIN "directory_country" T3 ON ("trade_tradeclaim"."reporter_id" = T3."alpha3") '
    'LEFT OUTER JOIN "directory_person" ON ("trade_tradeclaim"."stated_by_id" = "directory_person"."id") '
    'LEFT OUTER JOIN "directory_organisation" ON ("trade_tradeclaim"."stated_by_organisation_id" = "directory_organisation"."id") '
    'WHERE ((("trade_tradeclaim"."partner_id" = %s AND "trade_tradeclaim"."reporter_id" = %s) '
    'OR ("trade_tradeclaim"."partner_id" = %s AND "trade_tradeclaim"."reporter_id" = %s)) '
    'AND "trade_tradeclaim"."month" IS NULL) '
    'ORDER BY T3."name" ASC, "directory_country"."name" ASC, "trade_tradeclaim"."year" ASC, "trade_tradeclaim"."metric" ASC'
)
METRIC_LABELS = {
    "turnover": "Turnover (exports + imports)",
    "exports": "Exports",
    "imports": "Imports",
    "yoy_change": "Year-on-year change",
    "partner_share": "Partner's share of total turnover",
}
QUALIFIER_LABELS = {"exact": "Exactly", "about": "About", "more_than": "A little over", "less_than": "A little under"}

# One connection per thread, as Django keeps them: under the Makefile's gthread workers a
# connection shared by a worker's threads would run their queries one at a time.
_local = threading.local()


def cursor():
    connection = getattr(_local, "connection", None)
    if connection is None or connection.closed:
        connection = _local.connection = psycopg2.connect(DATABASE_URL, options="-c timezone=UTC")
        connection.autocommit = True
    return connection.cursor()


def respond(start_response, status: str, body: bytes, content_type: str = "application/json"):
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    params = dict(parse_qsl(environ.get("QUERY_STRING", "")))
    try:
        if path == "/api/v1/trade/flows/":
            body = flows_page(environ, params)
        elif path == "/api/v1/trade/series/":
            body = series(params["a"].upper(), params["b"].upper())
        else:
            return respond(start_response, "404 Not Found", b'{"error":"not found"}')
    except (KeyError, ValueError) as exc:
        return respond(start_response, "400 Bad Request", orjson.dumps({"error": str(exc)}))
    return respond(start_response, "200 OK", body)


# --- flows: a keyset page ------------------------------------------------------------------------
def flows_query(params: dict) -> tuple[str, list, int]:
    """The SQL of a keyset page, its parameters and the page size."""
    size = min(int(params.get("page_size", 100)), MAX_PAGE_SIZE)
    where, args = [], []
    if "reporter" in params:
        where.append('"trade_tradeflow"."reporter_id" = %s')
        args.append(params["reporter"].upper())
    if "cursor" in params:
        payload = orjson.loads(base64.urlsafe_b64decode(params["cursor"].encode()))
        if payload["o"] != ["id"]:
            raise ValueError("cursor ordering")
        where.append('"trade_tradeflow"."id" > %s')
        args.append(int(payload["v"][0]))
    condition = " AND ".join(where)
    if len(where) > 1:
        condition = f"({condition})"
    sql = FLOW_SELECT + (f" WHERE {condition}" if where else "") + " ORDER BY 1 ASC LIMIT %s"
    return sql, [*args, size + 1], size


def flow_json(r: tuple) -> dict:
    return {
        "id": r[0],
        "reporter": r[1],
        "partner": r[2],
        "year": r[3],
        "month": r[4],
        "flow": r[5],
        "commodity_code": r[6],
        "value_usd": str(r[7]),
        "valuation": r[8],
        "estimated": r[9],
        "dataset": r[10],
        "release": r[11],
        "source": r[12],
        "updated_at": r[13],
        "flow_label": FLOW_LABELS[r[5]],
        "valuation_label": VALUATION_LABELS[r[8]],
    }


def flows_page(environ, params: dict) -> bytes:
    with cursor() as cur:
        return orjson.dumps(flows_result(cur, environ, params), option=orjson.OPT_UTC_Z)


def flows_result(cur, environ, params: dict) -> dict:
    """The page as a dict, read through `cur` (bench/layers passes a Django cursor)."""
    sql, args, size = flows_query(params)
    cur.execute(sql, args)
    rows = cur.fetchall()
    results = [flow_json(r) for r in rows[:size]]
    next_link = None
    if len(rows) > size:
        cursor_value = base64.urlsafe_b64encode(orjson.dumps({"o": ["id"], "v": [rows[size - 1][0]]})).decode()
        query = dict(params, cursor=cursor_value)
        next_link = f"http://{environ.get('HTTP_HOST', '')}{environ['PATH_INFO']}?{urlencode(sorted(query.items()))}"
    return {"next": next_link, "results": results}


# --- series: a pair's figures per period ---------------------------------------------------------
# trade/series.py, step for step, on tuples and dicts (the app's one default: all goods, annual,
# the dataset with the most periods for the pair, ties to PREFERENCE).
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
WORLD = "W00"
CITATIONS = {"imf-dots": "Source: IMF, Direction of Trade Statistics (DOTS)", "comtrade": "Source: UN Comtrade"}
PUBLISHERS = {"imf-dots": "the IMF", "comtrade": "UN Comtrade"}
PREFERENCE = ("imf-dots", "comtrade")
# claim metric -> (the speaker's field, the mirror's field)
CLAIM_FIELDS = {
    "turnover": ("turnover", "turnover"),
    "exports": ("exports_to_partner", "imports_from_partner"),
    "imports": ("imports_from_partner", "exports_to_partner"),
}


def _pct(numerator, denominator):
    if numerator is None or not denominator:
        return None
    return (numerator / denominator * HUNDRED).quantize(CENT)


def _text(value):
    return None if value is None else str(value)


def _citation(dataset):
    return None if dataset is None else CITATIONS.get(dataset, f"Source: {dataset}")


def _mark(*figures):
    """(value, valuation, estimated) figures -> their mark; None where one is missing."""
    if not figures or any(f is None for f in figures):
        return None
    valuations = {f[1] for f in figures}
    valuation = "" if "" in valuations else valuations.pop() if len(valuations) == 1 else "mixed"
    return {"valuation": valuation, "estimated": any(f[2] for f in figures)}


def _sum(*figures):
    return None if any(f is None for f in figures) else sum((f[0] for f in figures), Decimal(0))


def series(a: str, b: str, commodity: str = "TOTAL") -> bytes:
    by_dataset = defaultdict(lambda: defaultdict(dict))
    sources_by_dataset = defaultdict(lambda: defaultdict(set))
    with cursor() as cur:
        cur.execute(SERIES_FLOWS_SQL, [commodity, a, b, a, b])
        for dataset, year, month, reporter, partner, flow, valuation, estimated, title, value in cur.fetchall():
            key, figure = (reporter, partner, flow), (value.quantize(CENT), valuation, estimated)
            known = by_dataset[dataset][year, month].get(key)
            if known is not None:
                merged = _mark(known, figure)
                figure = (known[0] + figure[0], merged["valuation"], merged["estimated"])
            by_dataset[dataset][year, month][key] = figure
            if title:
                sources_by_dataset[dataset][(year, month), reporter].add(title)
        cur.execute(SERIES_CLAIMS_SQL, [b, a, a, b])
        claims = defaultdict(list)
        person_name = len(CLAIM_COLUMNS) + PERSON_COLUMNS.index("name")
        organisation_name = len(CLAIM_COLUMNS) + len(PERSON_COLUMNS) + ORGANISATION_COLUMNS.index("name")
        for row in cur.fetchall():
            claim = dict(zip(CLAIM_COLUMNS, row, strict=False))
            claim["stated_by"] = row[person_name] if claim["stated_by_id"] else row[organisation_name]
            claims[claim["year"], claim["month"]].append(claim)
    available = []
    for name, periods in by_dataset.items():
        years = [p[0] for p, values in periods.items() if any(key[1] in (a, b) for key in values)]
        if years:
            available.append(
                {"dataset": name, "citation": _citation(name), "periods": len(years)}
                | {"first_year": min(years), "last_year": max(years)}
            )
    available.sort(
        key=lambda d: (-d["periods"], PREFERENCE.index(d["dataset"]) if d["dataset"] in PREFERENCE else 2, d["dataset"])
    )
    dataset = available[0]["dataset"] if available else None
    figures = by_dataset.get(dataset, {})
    shown = sorted(set(figures) | set(claims), key=lambda p: (p[0], p[1] or 0))
    contexts = {dataset: _contexts(figures, sources_by_dataset.get(dataset, {}), shown, a, b)}
    for other in (d["dataset"] for d in available if d["dataset"] != dataset):
        contexts[other] = _contexts(by_dataset[other], sources_by_dataset[other], sorted(by_dataset[other]), a, b)
    periods = []
    for period in shown:
        context = contexts[dataset][period]
        sides, yoy, share = context["sides"], context["yoy"], context["share"]
        periods.append(
            {
                "year": period[0],
                "month": period[1],
                "a_reports": {k: _text(v) if isinstance(v, Decimal) or v is None else v for k, v in sides[a].items()},
                "b_reports": {k: _text(v) if isinstance(v, Decimal) or v is None else v for k, v in sides[b].items()},
                "a_marks": context["marks"][a],
                "b_marks": context["marks"][b],
                "a_turnover_yoy_percent": _text(yoy[a]),
                "b_turnover_yoy_percent": _text(yoy[b]),
                "b_share_of_a_turnover_percent": _text(share[a]),
                "a_share_of_b_turnover_percent": _text(share[b]),
                "claims": [_compared(c, period, contexts) for c in claims.get(period, [])],
            }
        )
    valuations, estimated = {"export": set(), "import": set()}, 0
    for values in figures.values():
        for (_reporter, partner, flow), figure in values.items():
            estimated += figure[2]
            if partner in (a, b):
                valuations[flow].add(figure[1])
    return orjson.dumps(
        {
            "a": a,
            "b": b,
            "dataset": dataset,
            "citation": _citation(dataset),
            "publisher": PUBLISHERS.get(dataset, "the publisher") if dataset else None,
            "frequency": "annual",
            "commodity": commodity,
            "datasets": available,
            "valuations": {"exports": sorted(valuations["export"]), "imports": sorted(valuations["import"])},
            "estimated_figures": estimated,
            "periods": periods,
        }
    )


def _contexts(figures: dict, sources: dict, periods: list, a: str, b: str) -> dict:
    contexts, turnover_of = {}, {}
    for period in periods:
        values = figures.get(period, {})
        sides, marks = {}, {}
        for reporter, partner in ((a, b), (b, a)):
            exports, imports = values.get((reporter, partner, "export")), values.get((reporter, partner, "import"))
            world = values.get((reporter, WORLD, "export")), values.get((reporter, WORLD, "import"))
            sides[reporter] = {
                "reported_by": reporter,
                "exports_to_partner": exports and exports[0],
                "imports_from_partner": imports and imports[0],
                "turnover": _sum(exports, imports),
                "turnover_with_world": _sum(*world),
                "sources": sorted(sources.get((period, reporter), ())),
            }
            marks[reporter] = {
                "exports_to_partner": _mark(exports),
                "imports_from_partner": _mark(imports),
                "turnover": _mark(exports, imports),
                "turnover_with_world": _mark(*world),
            }
            turnover_of[reporter, period] = (sides[reporter]["turnover"], marks[reporter]["turnover"])
        yoy, yoy_estimated = {}, {}
        for reporter in (a, b):
            prior, prior_mark = turnover_of.get((reporter, (period[0] - 1, period[1])), (None, None))
            turnover, mark = turnover_of[reporter, period]
            yoy[reporter] = _pct(turnover - prior, prior) if turnover is not None and prior else None
            yoy_estimated[reporter] = yoy[reporter] is not None and (mark["estimated"] or prior_mark["estimated"])
        share = {r: _pct(sides[r]["turnover"], sides[r]["turnover_with_world"]) for r in (a, b)}
        contexts[period] = {"sides": sides, "marks": marks, "yoy": yoy, "yoy_estimated": yoy_estimated, "share": share}
    return contexts


def _compared(claim: dict, period: tuple, contexts: dict) -> dict:
    compared = None
    for dataset, periods in contexts.items():
        if period not in periods:
            continue
        found = _claim(claim, **periods[period]) | {"citation": _citation(dataset)}
        if found["statistic"] is not None or found["mirror_statistic"] is not None:
            return found
        compared = compared or found
    return compared


def _statistic(metric, reporter, mirror, sides, marks, yoy, yoy_estimated, share):
    if metric in CLAIM_FIELDS:
        field = CLAIM_FIELDS[metric][mirror]
        mark = marks[reporter][field]
        return sides[reporter][field], bool(mark and mark["estimated"])
    if metric == "yoy_change":
        return yoy[reporter], yoy_estimated[reporter]
    if mirror:
        return None, False
    marked = (marks[reporter]["turnover"], marks[reporter]["turnover_with_world"])
    return share[reporter], share[reporter] is not None and any(m["estimated"] for m in marked)


def _claim(claim: dict, **context) -> dict:
    reporter, value, in_usd = claim["reporter_id"], claim["value"], claim["unit"] == "usd"
    other = next(r for r in context["sides"] if r != reporter)
    statistic, estimated = _statistic(claim["metric"], reporter, False, **context)
    mirror, mirror_estimated = _statistic(claim["metric"], other, True, **context)
    gap = None if statistic is None else value - statistic
    mirror_gap = None if mirror is None else value - mirror
    return {
        "id": claim["id"],
        "metric": claim["metric"],
        "metric_label": METRIC_LABELS[claim["metric"]],
        "value": _text(value),
        "unit": claim["unit"],
        "qualifier": claim["qualifier"],
        "qualifier_label": QUALIFIER_LABELS[claim["qualifier"]],
        "stated_by": claim["stated_by"],
        "reported_by": reporter,
        "statistic": _text(statistic),
        "statistic_estimated": estimated,
        "gap": _text(gap),
        "gap_percent": _text(_pct(gap, statistic)) if in_usd else None,
        "mirror_reported_by": other,
        "mirror_statistic": _text(mirror),
        "mirror_statistic_estimated": mirror_estimated,
        "mirror_gap": _text(mirror_gap),
        "mirror_gap_percent": _text(_pct(mirror_gap, mirror)) if in_usd else None,
    }
