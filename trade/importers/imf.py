"""IMF Direction of Trade Statistics (dataset "imf-dots"): annual goods exports and imports."""

from imports.importer import RowError
from trade.importers.base import TradeCsvImporter, parse_value, parse_year
from trade.models import TOTAL, TradeFlow

# The indicators Chancery keeps; DOTS also has imports FOB, which would be a second import
# figure for the same reporter, partner and year.
INDICATORS = {"TXG_FOB_USD": TradeFlow.Flow.EXPORT, "TMG_CIF_USD": TradeFlow.Flow.IMPORT}
VALUATIONS = {"TXG_FOB_USD": TradeFlow.Valuation.FOB, "TMG_CIF_USD": TradeFlow.Valuation.CIF}


class ImfDotsImporter(TradeCsvImporter):
    format_name = "imf"
    description = "an IMF Direction of Trade Statistics CSV"
    scope = {"dataset": "imf-dots"}
    marker_columns = frozenset({"REF_AREA", "COUNTERPART_AREA", "INDICATOR"})
    required_columns = ("FREQ", "REF_AREA", "INDICATOR", "COUNTERPART_AREA", "value", "year")

    def build(self, row: dict[str, str]):
        reporter = self.countries.imf(row["REF_AREA"], role="reporter")
        partner = self.countries.imf(row["COUNTERPART_AREA"], role="partner")
        freq = row["FREQ"].strip().upper()
        if freq != "A":
            raise RowError(f"FREQ {freq!r}: only annual (A) IMF figures are imported")
        indicator = row["INDICATOR"].strip().upper()
        if indicator not in INDICATORS:
            raise RowError(f"indicator {indicator!r} is not imported (expected {' or '.join(INDICATORS)})")
        year = parse_year(row["year"])
        value = parse_value(row["value"])
        return self.figure(
            key=f"A/{year}/{reporter}/{partner}/{indicator}",  # e.g. 'A/2021/RUS/W00/TXG_FOB_USD'
            reporter=reporter,
            partner=partner,
            year=year,
            month=None,
            flow=INDICATORS[indicator],
            commodity=TOTAL,
            value=value,
            valuation=VALUATIONS[indicator],
        )
