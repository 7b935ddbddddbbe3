"""UN Comtrade figures: the API's CSV and the classic bulk CSV, one dataset ("comtrade").

Both formats give a figure the same external key, built from what makes it one figure in
Chancery (period, reporter, partner, flow, goods), so a figure imported from either format,
or under two Comtrade codes for one country, is one row.
"""

from imports.importer import RowError, SkipRow
from trade.importers.base import FLOW_CODES, TradeCsvImporter, parse_flow, parse_value, parse_year
from trade.models import TOTAL, TradeFlow

ANNUAL = "52"  # refMonth of an annual figure
# UN Comtrade's convention for primaryValue (Comtrade Plus data dictionary, after IMTS 2010 ch. 4): FOB outward, CIF inward.
VALUATIONS = {
    TradeFlow.Flow.EXPORT: TradeFlow.Valuation.FOB,
    TradeFlow.Flow.RE_EXPORT: TradeFlow.Valuation.FOB,
    TradeFlow.Flow.IMPORT: TradeFlow.Valuation.CIF,
    TradeFlow.Flow.RE_IMPORT: TradeFlow.Valuation.CIF,
}


def comtrade_key(*, year: int, month: int | None, reporter: str, partner: str, flow: str, commodity: str) -> str:
    """e.g. 'A/2021/52/RUS/TJK/X/TOTAL' (frequency/year/month/reporter/partner/flow/goods)."""
    return f"{'M' if month else 'A'}/{year}/{month or ANNUAL}/{reporter}/{partner}/{FLOW_CODES[flow]}/{commodity}"


def parse_month(raw: str) -> int:
    raw = raw.strip()
    if not (raw.isdigit() and 1 <= int(raw) <= 12):
        raise RowError(f"month {raw!r} is not 1-12")
    return int(raw)


def skip_breakdowns(row: dict[str, str], breakdowns: tuple[tuple[str, str, frozenset[str]], ...]) -> None:
    """Chancery keeps totals; a figure for one mode of transport (say) is skipped, not stored as the total."""
    for column, label, totals in breakdowns:
        if row.get(column, "").strip().upper() not in totals:
            raise SkipRow(f"broken down by {label}")


class ComtradeApiImporter(TradeCsvImporter):
    """The CSV the Comtrade API (and comtradeapicall) writes; fuller downloads add columns."""

    format_name = "comtrade-api"
    description = "a UN Comtrade API CSV"
    scope = {"dataset": "comtrade"}
    marker_columns = frozenset({"freqCode", "reporterCode", "partnerCode"})
    required_columns = (
        "freqCode",
        "refYear",
        "refMonth",
        "reporterCode",
        "partnerCode",
        ("flowCode", "flowDesc"),
        ("cmdCode", "cmdDesc"),
        "primaryValue",
    )
    breakdowns = (
        ("partner2Code", "second partner", frozenset({"", "0"})),
        ("customsCode", "customs procedure", frozenset({"", "C00"})),
        ("motCode", "mode of transport", frozenset({"", "0"})),
    )

    def build(self, row: dict[str, str]):
        skip_breakdowns(row, self.breakdowns)
        reporter = self.countries.comtrade(
            row["reporterCode"], row.get("reporterISO", ""), row.get("reporterDesc", ""), role="reporter"
        )
        partner = self.countries.comtrade(
            row["partnerCode"], row.get("partnerISO", ""), row.get("partnerDesc", ""), role="partner"
        )
        year = parse_year(row["refYear"], what="refYear")
        month = self.month(row["freqCode"], row["refMonth"])
        flow = parse_flow(row.get("flowCode") or row.get("flowDesc", ""))
        commodity = self.commodity(row)
        value = parse_value(row["primaryValue"])
        key = comtrade_key(year=year, month=month, reporter=reporter, partner=partner, flow=flow, commodity=commodity)
        return self.figure(
            key=key,
            reporter=reporter,
            partner=partner,
            year=year,
            month=month,
            flow=flow,
            commodity=commodity,
            value=value,
            valuation=VALUATIONS[flow],
        )

    @staticmethod
    def month(freq: str, raw: str) -> int | None:
        freq = freq.strip().upper()
        if freq == "A":
            if raw.strip() != ANNUAL:
                raise RowError(f"refMonth {raw.strip()!r} with freqCode A (an annual figure has refMonth 52)")
            return None
        if freq == "M":
            return parse_month(raw)
        raise RowError(f"freqCode {freq!r} is neither A (annual) nor M (monthly)")

    @staticmethod
    def commodity(row: dict[str, str]) -> str:
        code = row.get("cmdCode", "").strip()
        if code:
            return TOTAL if code.upper() == TOTAL else code
        description = row.get("cmdDesc", "").strip()
        if description.lower() == "all commodities":
            return TOTAL
        raise RowError(f"commodity {description!r} has no code (the file has no cmdCode column)")


class ComtradeBulkImporter(TradeCsvImporter):
    """The classic Comtrade bulk CSV (also the legacy API's): 'Reporter Code', 'Trade Value (US$)'..."""

    format_name = "comtrade-bulk"
    description = "a classic UN Comtrade bulk CSV"
    scope = {"dataset": "comtrade"}
    marker_columns = frozenset({"Reporter Code", "Partner Code", "Trade Value (US$)"})
    required_columns = (
        "Period",
        "Reporter Code",
        "Partner Code",
        ("Trade Flow Code", "Trade Flow"),
        "Commodity Code",
        "Trade Value (US$)",
    )
    breakdowns = (
        ("2nd Partner Code", "second partner", frozenset({"", "0"})),
        ("Customs Proc. Code", "customs procedure", frozenset({"", "C00"})),
        ("Mode of Transport Code", "mode of transport", frozenset({"", "0"})),
    )
    # The classic files number their flows.
    FLOW_NUMBERS = {
        "1": TradeFlow.Flow.IMPORT,
        "2": TradeFlow.Flow.EXPORT,
        "3": TradeFlow.Flow.RE_EXPORT,
        "4": TradeFlow.Flow.RE_IMPORT,
    }

    def build(self, row: dict[str, str]):
        skip_breakdowns(row, self.breakdowns)
        reporter = self.countries.comtrade(
            row["Reporter Code"], row.get("Reporter ISO", ""), row.get("Reporter", ""), role="reporter"
        )
        partner = self.countries.comtrade(
            row["Partner Code"], row.get("Partner ISO", ""), row.get("Partner", ""), role="partner"
        )
        year, month = self.period(row["Period"])
        flow = self.flow(row)
        commodity = row["Commodity Code"].strip()
        if not commodity:
            raise RowError("Commodity Code is missing")
        commodity = TOTAL if commodity.upper() == TOTAL else commodity
        value = parse_value(row["Trade Value (US$)"])
        key = comtrade_key(year=year, month=month, reporter=reporter, partner=partner, flow=flow, commodity=commodity)
        return self.figure(
            key=key,
            reporter=reporter,
            partner=partner,
            year=year,
            month=month,
            flow=flow,
            commodity=commodity,
            value=value,
            valuation=VALUATIONS[flow],
        )

    @staticmethod
    def period(raw: str) -> tuple[int, int | None]:
        """'2021' is the year 2021; '202103' is March 2021."""
        raw = raw.strip()
        if len(raw) == 4:
            return parse_year(raw, what="Period"), None
        if len(raw) == 6:
            return parse_year(raw[:4], what="Period"), parse_month(raw[4:])
        raise RowError(f"Period {raw!r} is neither YYYY nor YYYYMM")

    def flow(self, row: dict[str, str]) -> str:
        code = row.get("Trade Flow Code", "").strip()
        if code in self.FLOW_NUMBERS:
            return self.FLOW_NUMBERS[code]
        return parse_flow(code or row.get("Trade Flow", ""))
