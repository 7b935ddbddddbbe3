"""IMF Direction of Trade Statistics (dataset "imf-dots"): goods exports and imports, annual or monthly.

The CSV has a row per figure (FREQ, REF_AREA, INDICATOR, COUNTERPART_AREA, value, year, and
for monthly figures a `month` column); trade.importers.dots reads the same statistics from the
IMF's per-reporter workbooks. Both give a figure the key `imf_key` builds, so a figure read
from a CSV and again from a workbook is one record.
"""

import re

from imports.importer import RowError
from trade.importers.base import TradeCsvImporter, parse_value, parse_year
from trade.models import TOTAL, TradeFlow

# The indicators Chancery keeps; DOTS also has imports FOB, which would be a second import
# figure for the same reporter, partner and year.
INDICATORS = {"TXG_FOB_USD": TradeFlow.Flow.EXPORT, "TMG_CIF_USD": TradeFlow.Flow.IMPORT}
VALUATIONS = {"TXG_FOB_USD": TradeFlow.Valuation.FOB, "TMG_CIF_USD": TradeFlow.Valuation.CIF}
# A month as the `month` column may give it: 1-12 (or 01-12), or the period forms the IMF
# writes: SDMX's TIME_PERIOD '2021-03' and the IMF data portal's '2021M03'.
MONTH_FORMS = re.compile(r"(?:(?P<year>\d{4})(?:-|M))?(?P<month>\d{1,2})")


def imf_key(*, year: int, month: int | None, reporter: str, partner: str, indicator: str) -> str:
    """'A/2021/RUS/W00/TXG_FOB_USD' for a year, 'M/2021/03/RUS/W00/TXG_FOB_USD' for March 2021."""
    if month is None:
        return f"A/{year}/{reporter}/{partner}/{indicator}"
    return f"M/{year}/{month:02d}/{reporter}/{partner}/{indicator}"


def parse_imf_month(raw: str, year: int) -> int:
    raw = raw.strip()
    found = MONTH_FORMS.fullmatch(raw)
    if not found or not 1 <= int(found["month"]) <= 12 or (found["year"] and len(found["month"]) != 2):
        raise RowError(f"month {raw!r} is not 1-12, YYYY-MM or YYYYMmm")
    if found["year"] is not None and int(found["year"]) != year:
        raise RowError(f"month {raw!r} is not in the row's year {year}")
    return int(found["month"])


class ImfDotsImporter(TradeCsvImporter):
    format_name = "imf"
    description = "an IMF Direction of Trade Statistics CSV"
    scope = {"dataset": "imf-dots"}
    marker_columns = frozenset({"REF_AREA", "COUNTERPART_AREA", "INDICATOR"})
    required_columns = ("FREQ", "REF_AREA", "INDICATOR", "COUNTERPART_AREA", "value", "year")

    def build(self, row: dict[str, str]):
        reporter = self.countries.imf(row["REF_AREA"], role="reporter")
        partner = self.countries.imf(row["COUNTERPART_AREA"], role="partner")
        indicator = row["INDICATOR"].strip().upper()
        if indicator not in INDICATORS:
            raise RowError(f"indicator {indicator!r} is not imported (expected {' or '.join(INDICATORS)})")
        year = parse_year(row["year"])
        month = self.month(row, year)
        value = parse_value(row["value"])
        return self.figure(
            key=imf_key(year=year, month=month, reporter=reporter, partner=partner, indicator=indicator),
            reporter=reporter,
            partner=partner,
            year=year,
            month=month,
            flow=INDICATORS[indicator],
            commodity=TOTAL,
            value=value,
            valuation=VALUATIONS[indicator],
        )

    @staticmethod
    def month(row: dict[str, str], year: int) -> int | None:
        freq = row["FREQ"].strip().upper()
        raw = row.get("month")
        if freq == "A":
            if raw and raw.strip():
                raise RowError(f"month {raw.strip()!r} with FREQ A (an annual figure has no month)")
            return None
        if freq == "M":
            if raw is None:
                raise RowError("FREQ M (monthly) but the file has no month column")
            if not raw.strip():
                raise RowError("FREQ M (monthly) but the month is missing")
            return parse_imf_month(raw, year)
        raise RowError(f"FREQ {freq!r}: only annual (A) and monthly (M) IMF figures are imported")
