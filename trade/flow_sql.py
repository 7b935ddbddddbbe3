"""The flows list's SQL, written out: the one read data users run thousands of times in a row.

`/api/v1/trade/flows/` is a bulk endpoint: a client walks millions of rows a page at a time.
Through the ORM a page cost more to describe than to fetch: django-filter applying a dozen
filters to a queryset, then Django compiling it, took about as long as PostgreSQL took to
find and send the rows (bench/RESULTS.md, "Missed targets"). So the page is read with the
SQL below, built from the filter form's cleaned values; the form (TradeFlowFilter) still
validates every parameter and documents it in the schema, and values pass through the model
fields' own preparation, as a queryset's would.

TradeFlowFilter stays the definition of what each filter means (the CSV export and the detail
view use it): tests/api/test_trade.py runs every filter, alone and combined, both ways and
requires the same rows in the same order.
"""

import functools

from django.db import connection
from django_filters.constants import EMPTY_VALUES

from trade.models import TradeFlow

TABLE = f'"{TradeFlow._meta.db_table}"'
# Every filter flow_conditions() writes SQL for; a test requires TradeFlowFilter to have no other.
FILTERS = frozenset(
    {
        "reporter",
        "partner",
        "pair",
        "country",
        "flow",
        "year",
        "year_from",
        "year_to",
        "month",
        "annual",
        "commodity",
        "dataset",
        "updated_since",
    }
)


@functools.cache
def column(name: str) -> str:
    return f'{TABLE}."{TradeFlow._meta.get_field(name).column}"'


@functools.cache
def _select(fields: tuple[str, ...]) -> str:
    return "SELECT " + ", ".join(f'{column(name)} AS "{name}"' for name in fields) + f" FROM {TABLE}"


def prepared(name: str, value):
    """`value` as the ORM would send it for a lookup on field `name` (an int for a year given
    as 2020.0, a UTC string for a time on SQLite)."""
    return TradeFlow._meta.get_field(name).get_db_prep_value(value, connection, prepared=False)


def flow_conditions(filters: dict) -> tuple[list[str], list]:
    """WHERE conditions and their parameters for TradeFlowFilter's cleaned values.

    A filter given no value is skipped, as django-filter skips it (EMPTY_VALUES).
    """
    given = {name: v for name, v in filters.items() if v not in EMPTY_VALUES}
    if unknown := given.keys() - FILTERS:
        raise ValueError(f"flow_conditions has no SQL for the filters {sorted(unknown)}")
    value = given.get
    where, params = [], []

    def add(sql: str, *values: tuple[str, object]) -> None:
        where.append(sql)
        params.extend(prepared(name, value) for name, value in values)

    reporter, partner = column("reporter_id"), column("partner_id")
    for name, field in (("reporter", "reporter_id"), ("partner", "partner_id")):
        if value(name):
            add(f"{column(field)} = %s", (field, value(name)))
    if value("pair"):
        a, b = value("pair")
        add(
            f"(({reporter} = %s AND {partner} = %s) OR ({reporter} = %s AND {partner} = %s))",
            ("reporter_id", a),
            ("partner_id", b),
            ("reporter_id", b),
            ("partner_id", a),
        )
    if value("country"):
        add(f"({reporter} = %s OR {partner} = %s)", ("reporter_id", value("country")), ("partner_id", value("country")))
    if value("flow"):
        flows = value("flow")
        add(f"{column('flow')} IN ({', '.join(['%s'] * len(flows))})", *(("flow", flow) for flow in flows))
    for name, operator in (("year", "="), ("year_from", ">="), ("year_to", "<=")):
        if value(name) is not None:
            add(f"{column('year')} {operator} %s", ("year", value(name)))
    if value("month") is not None:
        add(f"{column('month')} = %s", ("month", value("month")))
    if value("annual") is not None:
        add(f"{column('month')} IS {'' if value('annual') else 'NOT '}NULL")
    if value("commodity"):
        add(f"{column('commodity_code')} = %s", ("commodity_code", value("commodity")))
    if value("dataset"):
        add(f"{column('dataset')} = %s", ("dataset", value("dataset")))
    if value("updated_since") is not None:
        add(f"{column('updated_at')} >= %s", ("updated_at", value("updated_since")))
    return where, params


def flow_page(fields: list[str], filters: dict, *, descending: bool, after_id, limit: int) -> list[tuple]:
    """Up to `limit` rows of `fields` (the first must be "id") matching `filters`, in id order,
    after the row `after_id` (None for the first page): a keyset page."""
    where, params = flow_conditions(filters)
    if after_id is not None:
        where.append(f"{column('id')} {'<' if descending else '>'} %s")
        params.append(prepared("id", after_id))
    condition = " AND ".join(where)
    fields = tuple(fields)
    sql = (
        _select(fields)
        + (f" WHERE ({condition})" if len(where) > 1 else f" WHERE {condition}" if where else "")
        + f" ORDER BY 1 {'DESC' if descending else 'ASC'} LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        rows = cursor.fetchall()
    converters = _converters(fields)
    if converters:
        rows = [_convert(row, converters) for row in rows]
    return rows


def _converters(fields: tuple[str, ...]) -> list[tuple[int, list, object]]:
    """What the ORM does to each column's raw value on this database: nothing on PostgreSQL
    for these columns; on SQLite, decimals and times arrive as text or floats and are made
    Decimal and aware datetimes."""
    key = (connection.vendor, fields)
    if key not in _CONVERTERS:
        found = []
        for position, name in enumerate(fields):
            field = TradeFlow._meta.get_field(name)
            expression = field.get_col(TradeFlow._meta.db_table)
            functions = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
            if functions:
                found.append((position, functions, expression))
        _CONVERTERS[key] = found
    return _CONVERTERS[key]


def _convert(row: tuple, converters) -> tuple:
    row = list(row)
    for position, functions, expression in converters:
        value = row[position]
        for function in functions:
            value = function(value, expression, connection)
        row[position] = value
    return tuple(row)


_CONVERTERS: dict = {}
