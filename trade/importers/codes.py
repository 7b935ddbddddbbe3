"""Reporter and partner codes as Comtrade and the IMF write them, mapped to our countries.

Files are imported without Comtrade's or the IMF's code tables, so what those tables say
that ISO does not is kept here, in short explicit tables. Groups of countries and
"not elsewhere specified" areas are not countries: their figures are skipped and counted,
never stored. A code that is neither a country nor a known group is an error in the row.
"""

from functools import cached_property

from directory.models import Country
from imports.importer import RowError, SkipRow

NOT_A_COUNTRY = "not a country (group or nes area)"

# Comtrade's own M49 codes for countries whose ISO numeric differs or which ISO does not code.
COMTRADE_COUNTRIES = {
    "251": "FRA",  # France including Monaco (ISO 250)
    "490": "TWN",  # "Other Asia, nes": where the UN, which does not list Taiwan, puts Taiwan's
    #                trade. As a partner it may also hold a little trade with unspecified Asian areas.
    "579": "NOR",  # Norway excluding Svalbard and Jan Mayen (ISO 578)
    "699": "IND",  # India (ISO 356)
    "757": "CHE",  # Switzerland including Liechtenstein (ISO 756)
    "841": "USA",  # USA and Puerto Rico, until 1980
    "842": "USA",  # USA including Puerto Rico and the US Virgin Islands (ISO 840)
    "412": "XKX",  # Kosovo, written "_KS"
}

# Comtrade codes for groups of countries and areas that are not countries (from Comtrade's
# partner and reporter tables). Checked before the ISO column: 492 is "Europe EU, nes" in
# Comtrade although its ISO column says MCO (Monaco is counted in France, 251).
COMTRADE_AREAS = frozenset(
    {
        "97",
        "711",
        "975",  # European Union, Southern African Customs Union (until 1999), ASEAN
        "129",
        "221",
        "290",
        "471",
        "472",
        "473",
        "492",
        "527",
        "568",
        "577",
        "636",
        "637",
        "697",
        "879",
        "899",  # "..., nes"
        "837",
        "838",
        "839",  # bunkers, free zones, special categories
    }
)
COMTRADE_WORLD = "0"

# The IMF's aggregates and "not allocated" areas (from its area code list).
IMF_AREAS = frozenset(
    {
        "1C_080",
        "1C_092",
        "1C_198",
        "1C_440",
        "1C_903",
        "A10",
        "A109",
        "B0",
        "E1",
        "E19",
        "F1",
        "F19",
        "F6",
        "F97",
        "F979",
        "R1",
        "R14",
        "S19",
        "U2",
        "X88",
        "XR29",
        "XR43",
        "XR99",
        "XS25",
        "XS5",
        "_X",
    }
)
# Former states the IMF keeps under codes of its own ("CS" is Serbia and Montenegro to the
# IMF, but also Czechoslovakia's old ISO code).
IMF_COUNTRIES = {
    "1C_459": "YMD",
    "1C_958": "VDR",
    "CS": "SCG",
    "CSH": "CSK",
    "DE2": "DDR",
    "SUH": "SUN",
    "YUC": "YUG",
}
IMF_WORLD = "W00"


class CountryCodes:
    """Every country's alpha-3, alpha-2 and numeric code, loaded in one query on first use.

    Where a current state and a former one share an alpha-2 or numeric code, the current
    state has it; a code shared only by former states is ambiguous and not used.
    """

    @cached_property
    def _tables(self) -> tuple[set[str], dict[str, str], dict[str, str]]:
        """(alpha-3 codes, alpha-2 to alpha-3, numeric to alpha-3)."""
        alpha3s: set[str] = set()
        by_alpha2: dict[str, str] = {}
        by_numeric: dict[str, str] = {}
        states: set[str] = set()
        ambiguous: list[tuple[dict[str, str], str]] = []
        rows = Country.objects.exclude(kind=Country.Kind.AGGREGATE).values_list("alpha3", "alpha2", "numeric", "kind")
        # Current states first, so they claim their codes before former states can.
        for alpha3, alpha2, numeric, kind in sorted(rows, key=lambda row: row[3] != Country.Kind.STATE):
            alpha3s.add(alpha3)
            if kind == Country.Kind.STATE:
                states.add(alpha3)
            for index, code in ((by_alpha2, alpha2), (by_numeric, numeric)):
                if not code:
                    continue
                holder = index.setdefault(code, alpha3)
                if holder != alpha3 and holder not in states:
                    ambiguous.append((index, code))
        for index, code in ambiguous:
            index.pop(code, None)
        return alpha3s, by_alpha2, by_numeric

    def comtrade(self, code: str, iso: str, name: str, *, role: str) -> str:
        """The alpha-3 for a Comtrade reporter or partner, from its M49 code and ISO column; the name only explains an error."""
        code, iso = code.strip(), iso.strip().upper()
        if code == COMTRADE_WORLD or iso in (Country.WORLD, "WLD"):
            return self._world(role)
        if code in COMTRADE_AREAS:
            raise SkipRow(NOT_A_COUNTRY)
        alpha3s, _, by_numeric = self._tables
        for alpha3 in (COMTRADE_COUNTRIES.get(code), iso):
            if alpha3 in alpha3s:
                return alpha3
        if code.isdigit() and (alpha3 := by_numeric.get(code.zfill(3))):
            return alpha3
        described = f" ({name.strip()})" if name.strip() else ""
        raise RowError(f"unknown {role} code {iso or code!r}{described}")

    def imf(self, code: str, *, role: str) -> str:
        """The alpha-3 for an IMF area code (ISO alpha-2, or the IMF's own)."""
        code = code.strip().upper()
        if code == IMF_WORLD:
            return self._world(role)
        if code in IMF_AREAS:
            raise SkipRow(NOT_A_COUNTRY)
        alpha3s, by_alpha2, _ = self._tables
        alpha3 = IMF_COUNTRIES.get(code) or by_alpha2.get(code)
        if alpha3 in alpha3s:
            return alpha3
        raise RowError(f"unknown {role} code {code!r}")

    @staticmethod
    def _world(role: str) -> str:
        # The world is a partner (a reporter's total); as a reporter it is an aggregate.
        if role == "reporter":
            raise SkipRow(NOT_A_COUNTRY)
        return Country.WORLD
