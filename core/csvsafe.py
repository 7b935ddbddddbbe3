"""Text cells a spreadsheet would run as a formula: the one rule every CSV Chancery writes follows.

Excel, LibreOffice and Google Sheets read a cell that begins with `=`, `+`, `-` or `@` as a
formula (`=HYPERLINK(...)` is a link that leaks, `@SUM(...)` and `+1+1` are computed), and
may skip a leading tab or carriage return and read what follows as one (OWASP lists all six).
OWASP's advice is followed: such a cell is written with a single quote before it, which a
spreadsheet shows as text and a data tool keeps as part of the value (SECURITY.md).

Only text columns: a column is neutralised by its kind, never by its content, so a number
column keeps `-7.80` (a fall in turnover) as a number. Where Python writes the rows,
`safe_text` applies the rule to each text cell; where the database writes them (PostgreSQL's
`COPY ... TO STDOUT WITH CSV`, and the same query on SQLite), `SafeText` wraps a text column in
SQL, so the database still does the formatting. Both read TRIGGERS.
"""

from django.db import models

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def safe_text(value):
    """`value` as a CSV text cell: after a quote if it begins with a trigger; anything else as it is."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return QUOTE + value
    return value


def is_text_field(field: models.Field) -> bool:
    """A column of text: a CharField or TextField, or a foreign key to one (a country's code)."""
    while field.is_relation and field.target_field is not field:
        field = field.target_field
    return isinstance(field, models.CharField | models.TextField)


def _literal_texts(expression) -> list | None:
    """The values an expression made of literals alone can take (a Value, a Case of Values,
    such as the flows' `estimated` written true/false); None if it reads a column."""
    if isinstance(expression, models.Value):
        return [expression.value]
    if isinstance(expression, models.Case):
        found = [_literal_texts(part) for part in [*(when.result for when in expression.cases), expression.default]]
        return None if None in found else [value for values in found for value in values]
    return None


class SafeText(models.Func):
    """`expression` with the rule applied in SQL:

        CASE WHEN ASCII(x) IN (61, 43, 45, 64, 9, 13) THEN '''' || x ELSE x END

    (UNICODE() on SQLite: both give the code point of the first character; the codes are
    TRIGGERS'.) Resolved against a column that is not text (an id, a year, an amount), or
    against literals none of which begins with a trigger, it is that expression unchanged.
    NULL stays NULL (COPY writes it as an empty field, as before)."""

    arity = 1
    function = "ASCII"

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        resolved = super().resolve_expression(query, allow_joins, reuse, summarize, for_save)
        (source,) = resolved.get_source_expressions()
        if not is_text_field(source.output_field):
            return source
        literals = _literal_texts(source)
        if literals is not None and all(safe_text(value) == value for value in literals):
            return source
        return resolved

    def as_sql(self, compiler, connection, function=None, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        codes = ", ".join(str(ord(trigger)) for trigger in TRIGGERS)
        return (
            f"CASE WHEN {function or self.function}({sql}) IN ({codes}) THEN %s || {sql} ELSE {sql} END",
            (*params, QUOTE, *params),
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="UNICODE", **extra_context)
