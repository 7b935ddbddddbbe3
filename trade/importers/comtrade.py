"""UN Comtrade figures: the API's CSV and the classic bulk CSV, one dataset ("comtrade").

Both formats give a figure the same external key, built from what makes it one figure in
Chancery (period, reporter, partner, flow, goods), so a figure imported from either format,
or under two Comtrade codes for one country, is one row.
"""

from functools import cached_property

from imports.importer import RowError, SkipRow
from imports.staged import Part, StagedFormat
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


def period_key(*, year: int, month: int | None) -> str:
    """'A/2021/52' for the year 2021, 'M/2021/3' for March 2021: the external key's period."""
    return f"{'M' if month else 'A'}/{year}/{month or ANNUAL}"


def comtrade_key(*, year: int, month: int | None, reporter: str, partner: str, flow: str, commodity: str) -> str:
    """e.g. 'A/2021/52/RUS/TJK/X/TOTAL' (frequency/year/month/reporter/partner/flow/goods)."""
    return f"{period_key(year=year, month=month)}/{reporter}/{partner}/{FLOW_CODES[flow]}/{commodity}"


def parse_month(raw: str) -> int:
    raw = raw.strip()
    if not (raw.isdigit() and 1 <= int(raw) <= 12):
        raise RowError(f"month {raw!r} is not 1-12")
    return int(raw)


def total_or(code: str) -> str:
    return TOTAL if code.upper() == TOTAL else code


class ComtradeImporter(TradeCsvImporter, StagedFormat):
    """What both Comtrade CSVs share: a figure is read as parts (imports.staged.Part), in this
    order, each from a few columns the format names, then its value; on PostgreSQL the parts are
    evaluated once per distinct value and the rows mapped in SQL, here or there the same way."""

    scope = {"dataset": "comtrade"}
    # (column, what it breaks down by, the cells that mean "not broken down")
    breakdowns: tuple[tuple[str, str, frozenset[str]], ...]
    reporter_columns: tuple[str, str, str]  # code, ISO code, name
    partner_columns: tuple[str, str, str]
    period_columns: tuple[str, ...]
    flow_columns: tuple[str, str]  # code, name
    commodity_columns: tuple[str, ...]
    value_column: str

    @cached_property
    def staged_parts(self) -> tuple[Part, ...]:
        return (
            Part(tuple(column for column, _, _ in self.breakdowns), self.read_breakdowns),
            Part(self.reporter_columns, self.read_reporter, {"reporter": "text"}),
            Part(self.partner_columns, self.read_partner, {"partner": "text"}),
            Part(self.period_columns, self.read_period, {"year": "integer", "month": "integer", "period": "text"}),
            Part(self.flow_columns, self.read_flow, {"flow": "text", "flow_code": "text", "valuation": "text"}),
            Part(self.commodity_columns, self.read_commodity, {"commodity": "text"}),
        )

    def build(self, row: dict[str, str]):
        got: dict = {}
        for part in self.staged_parts:
            got.update(part.of(row))
        value = parse_value(row[self.value_column])
        return self.figure(
            key=f"{got['period']}/{got['reporter']}/{got['partner']}/{got['flow_code']}/{got['commodity']}",
            reporter=got["reporter"],
            partner=got["partner"],
            year=got["year"],
            month=got["month"],
            flow=got["flow"],
            commodity=got["commodity"],
            value=value,
            valuation=got["valuation"],
        )

    def staged_values(self, out, value: str) -> dict[str, str]:
        """build()'s figure in SQL (TradeFileImporter.figure's fields, the key as build() joins it)."""
        key = " || '/' || ".join(out(name) for name in ("period", "reporter", "partner", "flow_code", "commodity"))
        return {
            "external_key": key,
            "reporter_id": out("reporter"),
            "partner_id": out("partner"),
            "year": out("year"),
            "month": out("month"),
            "flow": out("flow"),
            "commodity_code": out("commodity"),
            "value_usd": value,
            "valuation": out("valuation"),
            "estimated": "false",
            "source_id": "%(source_id)s",
            "release": "%(release)s",
        }

    def staged_python(self, out) -> str:
        return f"{out('reporter')} = {out('partner')}"  # figure() refuses it, with its message

    def staged_params(self) -> dict:
        return {"source_id": self.source.pk, "release": self.release}

    def read_breakdowns(self, *cells: str) -> dict:
        """Chancery keeps totals; a figure for one mode of transport (say) is skipped, not stored as the total."""
        for (_, label, totals), cell in zip(self.breakdowns, cells, strict=True):
            if cell.strip().upper() not in totals:
                raise SkipRow(f"broken down by {label}")
        return {}

    def read_reporter(self, code: str, iso: str, name: str) -> dict:
        return {"reporter": self.countries.comtrade(code, iso, name, role="reporter")}

    def read_partner(self, code: str, iso: str, name: str) -> dict:
        return {"partner": self.countries.comtrade(code, iso, name, role="partner")}

    def read_period(self, *cells: str) -> dict:
        year, month = self.period(*cells)
        return {"year": year, "month": month, "period": period_key(year=year, month=month)}

    def read_flow(self, code: str, name: str) -> dict:
        flow = self.flow(code, name)
        return {"flow": flow, "flow_code": FLOW_CODES[flow], "valuation": VALUATIONS[flow]}

    def read_commodity(self, *cells: str) -> dict:
        return {"commodity": self.commodity(*cells)}

    def period(self, *cells: str) -> tuple[int, int | None]:
        raise NotImplementedError

    def flow(self, code: str, name: str) -> str:
        return parse_flow(code or name)

    def commodity(self, *cells: str) -> str:
        raise NotImplementedError


class ComtradeApiImporter(ComtradeImporter):
    """The CSV the Comtrade API (and comtradeapicall) writes; fuller downloads add columns."""

    format_name = "comtrade-api"
    description = "a UN Comtrade API CSV"
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
    reporter_columns = ("reporterCode", "reporterISO", "reporterDesc")
    partner_columns = ("partnerCode", "partnerISO", "partnerDesc")
    period_columns = ("refYear", "freqCode", "refMonth")
    flow_columns = ("flowCode", "flowDesc")
    commodity_columns = ("cmdCode", "cmdDesc")
    value_column = "primaryValue"

    def period(self, year: str, freq: str, month: str) -> tuple[int, int | None]:
        return parse_year(year, what="refYear"), self.month(freq, month)

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

    def commodity(self, code: str, description: str) -> str:
        code = code.strip()
        if code:
            return total_or(code)
        description = description.strip()
        if description.lower() == "all commodities":
            return TOTAL
        raise RowError(f"commodity {description!r} has no code (the file has no cmdCode column)")


class ComtradeBulkImporter(ComtradeImporter):
    """The classic Comtrade bulk CSV (also the legacy API's): 'Reporter Code', 'Trade Value (US$)'..."""

    format_name = "comtrade-bulk"
    description = "a classic UN Comtrade bulk CSV"
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
    reporter_columns = ("Reporter Code", "Reporter ISO", "Reporter")
    partner_columns = ("Partner Code", "Partner ISO", "Partner")
    period_columns = ("Period",)
    flow_columns = ("Trade Flow Code", "Trade Flow")
    commodity_columns = ("Commodity Code",)
    value_column = "Trade Value (US$)"
    # The classic files number their flows.
    FLOW_NUMBERS = {
        "1": TradeFlow.Flow.IMPORT,
        "2": TradeFlow.Flow.EXPORT,
        "3": TradeFlow.Flow.RE_EXPORT,
        "4": TradeFlow.Flow.RE_IMPORT,
    }

    def period(self, raw: str) -> tuple[int, int | None]:
        """'2021' is the year 2021; '202103' is March 2021."""
        raw = raw.strip()
        if len(raw) == 4:
            return parse_year(raw, what="Period"), None
        if len(raw) == 6:
            return parse_year(raw[:4], what="Period"), parse_month(raw[4:])
        raise RowError(f"Period {raw!r} is neither YYYY nor YYYYMM")

    def flow(self, code: str, name: str) -> str:
        code = code.strip()
        if code in self.FLOW_NUMBERS:
            return self.FLOW_NUMBERS[code]
        return parse_flow(code or name)

    def commodity(self, code: str) -> str:
        code = code.strip()
        if not code:
            raise RowError("Commodity Code is missing")
        return total_or(code)
