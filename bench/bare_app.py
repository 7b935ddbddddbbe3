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
    'SELECT "trade_tradeflow"."year" AS "year", "trade_tradeflow"."month" AS "month", "trade_tradeflow"."reporter_id" AS "reporter", '
    '"trade_tradeflow"."partner_id" AS "partner", "trade_tradeflow"."flow" AS "flow", "directory_source"."title" AS "source__title", '
    'SUM("trade_tradeflow"."value_usd") AS "value" FROM "trade_tradeflow" LEFT OUTER JOIN "directory_source" '
    'ON ("trade_tradeflow"."source_id" = "directory_source"."id") WHERE ("trade_tradeflow"."commodity_code" = %s '
    'AND "trade_tradeflow"."dataset" = %s AND "trade_tradeflow"."flow" IN (\'export\', \'import\') '
    'AND "trade_tradeflow"."partner_id" IN (%s, %s, \'W00\') AND "trade_tradeflow"."reporter_id" IN (%s, %s)) GROUP BY 1, 2, 3, 4, 5, 6'
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
SERIES_CLAIMS_SQL = (
    "SELECT "
    + ", ".join(f'"trade_tradeclaim"."{c}"' for c in CLAIM_COLUMNS)
    + ", "
    + ", ".join(f'"directory_person"."{c}"' for c in PERSON_COLUMNS)
    + ' FROM "trade_tradeclaim" INNER JOIN "directory_country" ON ("trade_tradeclaim"."partner_id" = "directory_country"."alpha3") '
    'INNER JOIN "directory_country" T3 ON ("trade_tradeclaim"."reporter_id" = T3."alpha3") '
    'LEFT OUTER JOIN "directory_person" ON ("trade_tradeclaim"."stated_by_id" = "directory_person"."id") '
    'WHERE (("trade_tradeclaim"."partner_id" = %s AND "trade_tradeclaim"."reporter_id" = %s) '
    'OR ("trade_tradeclaim"."partner_id" = %s AND "trade_tradeclaim"."reporter_id" = %s)) '
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
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def _pct(numerator, denominator):
    if numerator is None or not denominator:
        return None
    return (numerator / denominator * HUNDRED).quantize(CENT)


def _sum(*values):
    return None if any(v is None for v in values) else sum(values, Decimal(0))


def _text(value):
    return None if value is None else str(value)


def series(a: str, b: str, dataset: str = "comtrade", commodity: str = "TOTAL") -> bytes:
    figures = defaultdict(dict)
    sources = defaultdict(set)
    with cursor() as cur:
        cur.execute(SERIES_FLOWS_SQL, [commodity, dataset, a, b, a, b])
        for year, month, reporter, partner, flow, title, value in cur.fetchall():
            figures[year, month][reporter, partner, flow] = value.quantize(CENT)
            if title:
                sources[(year, month), reporter].add(title)
        cur.execute(SERIES_CLAIMS_SQL, [b, a, a, b])
        claims = defaultdict(list)
        for row in cur.fetchall():
            claim = dict(zip(CLAIM_COLUMNS, row, strict=False))
            claim["stated_by"] = row[len(CLAIM_COLUMNS) + PERSON_COLUMNS.index("name")]
            claims[claim["year"], claim["month"]].append(claim)
    periods = []
    previous = {}
    for period in sorted(set(figures) | set(claims), key=lambda p: (p[0], p[1] or 0)):
        values = figures.get(period, {})
        sides = {}
        for reporter, partner in ((a, b), (b, a)):
            exports = values.get((reporter, partner, "export"))
            imports = values.get((reporter, partner, "import"))
            sides[reporter] = {
                "reported_by": reporter,
                "exports_to_partner": exports,
                "imports_from_partner": imports,
                "turnover": _sum(exports, imports),
                "turnover_with_world": _sum(
                    values.get((reporter, "W00", "export")), values.get((reporter, "W00", "import"))
                ),
                "sources": sorted(sources.get((period, reporter), ())),
            }
        yoy = {}
        for reporter in (a, b):
            turnover = sides[reporter]["turnover"]
            prior_period, prior = previous.get(reporter, (None, None))
            consecutive = prior_period is not None and period[1] == prior_period[1] and period[0] == prior_period[0] + 1
            yoy[reporter] = _pct(turnover - prior, prior) if consecutive and turnover is not None and prior else None
            previous[reporter] = (period, turnover)
        share = {r: _pct(sides[r]["turnover"], sides[r]["turnover_with_world"]) for r in (a, b)}
        periods.append(
            {
                "year": period[0],
                "month": period[1],
                "a_reports": {k: _text(v) if isinstance(v, Decimal) or v is None else v for k, v in sides[a].items()},
                "b_reports": {k: _text(v) if isinstance(v, Decimal) or v is None else v for k, v in sides[b].items()},
                "a_turnover_yoy_percent": _text(yoy[a]),
                "b_turnover_yoy_percent": _text(yoy[b]),
                "b_share_of_a_turnover_percent": _text(share[a]),
                "a_share_of_b_turnover_percent": _text(share[b]),
                "claims": [_claim(c, sides, yoy, share) for c in claims.get(period, [])],
            }
        )
    return orjson.dumps({"a": a, "b": b, "dataset": dataset, "commodity": commodity, "periods": periods})


def _claim(claim: dict, sides, yoy, share) -> dict:
    reporter, metric, value, unit = claim["reporter_id"], claim["metric"], claim["value"], claim["unit"]
    side = sides[reporter]
    statistic = {
        "turnover": side["turnover"],
        "exports": side["exports_to_partner"],
        "imports": side["imports_from_partner"],
        "yoy_change": yoy[reporter],
        "partner_share": share[reporter],
    }[metric]
    gap = None if statistic is None else value - statistic
    return {
        "id": claim["id"],
        "metric": metric,
        "metric_label": METRIC_LABELS[metric],
        "value": _text(value),
        "unit": unit,
        "qualifier": claim["qualifier"],
        "qualifier_label": QUALIFIER_LABELS[claim["qualifier"]],
        "stated_by": claim["stated_by"],
        "reported_by": reporter,
        "statistic": _text(statistic),
        "gap": _text(gap),
        "gap_percent": _text(_pct(gap, statistic)) if unit == "usd" else None,
    }
