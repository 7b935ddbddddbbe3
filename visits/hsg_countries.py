"""The Office of the Historian's country ids, resolved with its own tables (data/hsg/gsh).

`countries/*.xml` lists every id the Office's datasets use, with an ISO 3166-1 alpha-2 code
(not always a real one: 'xa'..'xl' are the Office's own) and a label; `territories/*.xml`
lists the states and dependencies behind them, with the years each existed and what preceded
and succeeded it. An id (or a conventional short name such as "Congo (Kinshasa)") resolves in
two steps:

1. to the country it names today, or at its end for a state that is gone: an operator's alias
   (`--country-alias ID=ISO3`), then ALIASES, the id's ISO code, its label or its territory's
   names matched against Chancery's country names (ours, pycountry's, its historical ones);
2. for the record's date, back through the territory's predecessors to the one that existed
   then. A predecessor with a withdrawn code of its own (SUN, CSK, DDR, YUG, SCG, YMD, VDR,
   BUR, DHY, HVO, RHO, TMP, ...) gives that code; one without is the same state under an
   earlier form and keeps the code (West Germany stays DEU, the Yemen Arab Republic YEM,
   South Vietnam VNM: ISO kept their codes for the unified states).

The tables give years only; where a state ended within a year, ENDED_ON gives the day.
"""

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

import pycountry
from django.conf import settings
from django.utils.text import slugify
from lxml import etree

from directory.models import Country

GSH = settings.DATA_DIR / "hsg" / "gsh"
EARLIEST, TODAY = -100_000, 9999  # years for an empty valid-since and for "still exists"

# Ids and conventional short names whose tables lead to no code, or to the wrong one.
ALIASES = {
    "burma": "MMR",  # the Office keeps Burma's name for Myanmar; its iso2 'bu' is the withdrawn code
    "cook-islands": "COK",  # iso2 'cw' is Curacao's code
    "estonia": "EST",  # iso2 'ew' is no code
    "korea": "KOR",  # the Office's 'Korea' (iso2 'xb'); its files use it for the Republic of Korea
    "macau": "MAC",  # ISO spells it Macao
    "palestinian-authority": "PSE",
    "west-bank": "PSE",
    "somoa": "WSM",  # the Office's typo for Samoa
    "bahamas-the": "BHS",  # State Department short names: "Bahamas, The", "Gambia, The"
    "gambia-the": "GMB",
    "burma-myanmar": "MMR",
    "cabo-verde": "CPV",
    "macedonia-the-former-yugoslav-republic-of": "MKD",
    "vatican-city": "VAT",
    "yemen-aden": "YMD",  # "Yemen (Aden)": the People's Democratic Republic of Yemen
    "yemen-sanaa": "YEM",  # "Yemen (Sanaa)": the Yemen Arab Republic, whose code unified Yemen kept
    "ussr": "SUN",
    "germany-east": "DDR",  # "Germany, East" / "Germany, West"
    "germany-west": "DEU",
    # Territories ISO codes under another name.
    "falkland-islands-islas-malvinas": "FLK",
    "french-southern-and-antarctic-lands": "ATF",
    "pitcairn-islands": "PCN",
    "saint-martin": "MAF",
    "sint-maarten": "SXM",
    "svalbard": "SJM",
    "jan-mayen": "SJM",
    **dict.fromkeys(
        ("baker-island", "howland-island", "jarvis-island", "johnston-atoll", "kingman-reef", "navassa-island"),
        "UMI",
    ),
    "palmyra-atoll": "UMI",
    "midway-islands": "UMI",
    "wake-island": "UMI",
}
# States with no ISO code of their own, taken as the coded state that continued them (never
# applied to another id's history: Syria in 1960 stays Syria).
UNCODED = {
    "congo-free-state": "COD",  # 1885-1908, then the Belgian Congo
    "parma": "ITA",  # Duchy of Parma, united with Italy in 1860
    "two-sicilies": "ITA",  # Kingdom of the Two Sicilies, 1816-1861
    "texas": "USA",  # Republic of Texas, annexed in 1845
    "united-arab-republic": "EGY",  # Egypt kept the name until 1971
    "vietnam-south": "VNM",  # ISO's VN was the Republic of Vietnam's code before 1976
}
# The territory a country id stands for, where neither its id nor its label names one.
TERRITORY_OF = {
    "congo-democratic-republic": "congo-kinshasa",
    "congo-republic": "congo-brazzaville",
}
# Territories with a withdrawn code their names do not match.
TERRITORY_CODES = {
    "burma-1962": "BUR",  # Burma's code until it was renamed Myanmar
    "socialist-republic-of-union-of-burma-1988": "BUR",
    "socialist-federal-republic-of-yugoslavia-1992": "YUG",
    "federal-republic-of-yugoslavia-2003": "YUG",  # ISO kept YU for it until 2003
    "southern-yemen-1990": "YMD",
    "french-territory-of-afars-and-issas-1977": "AFI",
    "gilbert-and-ellice-islands-1975": "GEL",
    "trust-territory-of-pacific-islands-1986": "PCI",  # "People’s Democratic Republic of Yemen"
    "rhodesia-1979": "RHO",  # ISO's RH covered Rhodesia until 1980
    "zimbabwe-rhodesia-1980": "RHO",
}
# The day a territory ended, for a record in its last year (its successors begin that day).
ENDED_ON = {
    "soviet-union-1991": datetime.date(1991, 12, 26),
    "east-germany-1990": datetime.date(1990, 10, 3),
    "west-germany-1990": datetime.date(1990, 10, 3),
    "czechoslovakia-1993": datetime.date(1993, 1, 1),
    "socialist-federal-republic-of-yugoslavia-1992": datetime.date(1992, 4, 27),
    "federal-republic-of-yugoslavia-2003": datetime.date(2003, 2, 4),
    "serbia-and-montenegro-2006": datetime.date(2006, 6, 3),
    "northern-yemen-1990": datetime.date(1990, 5, 22),
    "southern-yemen-1990": datetime.date(1990, 5, 22),
    "north-vietnam-1975": datetime.date(1976, 7, 2),
    "south-vietnam-1975": datetime.date(1976, 7, 2),
    "socialist-republic-of-union-of-burma-1988": datetime.date(1989, 6, 18),  # renamed Myanmar
    "dahomey-1975": datetime.date(1975, 11, 30),
    "upper-volta-1984": datetime.date(1984, 8, 4),
    "zimbabwe-rhodesia-1980": datetime.date(1980, 4, 18),
    "east-timor-2002": datetime.date(2002, 5, 20),
    "new-hebrides-1980": datetime.date(1980, 7, 30),
    "french-territory-of-afars-and-issas-1977": datetime.date(1977, 6, 27),
    "trust-territory-of-pacific-islands-1986": datetime.date(1986, 11, 3),  # compacts of free association
}
# The day a state began that split from one that went on (Kosovo from Serbia, ...).
BEGAN_ON = {
    "finland": datetime.date(1917, 12, 6),
    "kosovo": datetime.date(2008, 2, 17),
    "mauritania": datetime.date(1960, 11, 28),
    "norway": datetime.date(1905, 6, 7),
    "panama": datetime.date(1903, 11, 3),
    "seychelles": datetime.date(1976, 6, 29),
    "south-sudan": datetime.date(2011, 7, 9),
    "swaziland": datetime.date(1968, 9, 6),
}
# Renamings inside one territory of the tables: (first day, first day after, code).
RENAMED = {
    "congo-kinshasa": [(datetime.date(1971, 10, 27), datetime.date(1997, 5, 17), "ZAR")],  # Zaire
}


class UnknownCountry(LookupError):
    pass


@dataclass(frozen=True)
class Territory:
    id: str
    kind: str  # type-of-territory: independent-state, dependency-or-area-of-special-sovereignty
    names: tuple[str, ...]
    since: int
    until: int
    predecessors: tuple[str, ...]
    successors: tuple[str, ...]

    @property
    def ends(self) -> datetime.date:
        """The first day it no longer existed (a year's precision unless ENDED_ON knows the day)."""
        return ENDED_ON.get(self.id) or datetime.date(min(self.until, TODAY - 1) + 1, 1, 1)


def parse(path: Path):
    """One gsh file, parsed as untrusted XML: no entities, no DTD, no network."""
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    return etree.parse(str(path), parser).getroot()


def _year(text: str | None, default: int) -> int:
    text = (text or "").strip()
    return int(text) if re.fullmatch(r"-?\d{1,4}", text) else default


def read_tables(gsh: Path = GSH) -> tuple[dict[str, tuple[str, str]], dict[str, Territory]]:
    """({country id: (iso2, label)}, {territory id: Territory}) from the gsh folder."""
    countries = {}
    for path in sorted((gsh / "countries").glob("*.xml")):
        root = parse(path)
        countries[_text(root, "id")] = (_text(root, "iso2").upper(), _text(root, "label"))
    territories = {}
    for path in sorted((gsh / "territories").glob("*.xml")):
        root = parse(path)
        ident = _text(root, "id")
        suffix = re.search(r"-(\d{4})$", ident)
        territories[ident] = Territory(
            id=ident,
            kind=_text(root, "type-of-territory"),
            names=tuple(filter(None, (_text(root, "short-form-name"), _text(root, "long-form-name")))),
            since=_year(root.findtext("valid-since"), EARLIEST),
            until=_year(root.findtext("valid-until"), int(suffix[1]) if suffix else TODAY),
            predecessors=tuple(p.text.strip() for p in root.iter("predecessor") if p.text and p.text.strip()),
            successors=tuple(s.text.strip() for s in root.iter("successor") if s.text and s.text.strip()),
        )
    return countries, territories


def _text(root, tag: str) -> str:
    return " ".join((root.findtext(tag) or "").split())


def key(text: str) -> str:
    """'Congo (Kinshasa)' -> 'congo-kinshasa', 'Côte d’Ivoire' -> 'cote-divoire': ids and names alike."""
    return slugify(text.replace("’", "").replace("'", ""))


def country_names(countries: dict[str, Country]) -> dict[str, str]:
    """Chancery's countries by the slug of every name we and pycountry know them by."""
    index: dict[str, str] = {}
    for code, country in countries.items():
        if country.kind == Country.Kind.AGGREGATE:
            continue  # World is no country an id names
        for name in (country.name, country.official_name):
            if name:
                index.setdefault(key(name), code)
    for entry in (*pycountry.countries, *pycountry.historic_countries):
        if entry.alpha_3 in countries and countries[entry.alpha_3].kind != Country.Kind.AGGREGATE:
            for attribute in ("common_name", "name", "official_name"):
                if name := getattr(entry, attribute, None):
                    index.setdefault(key(name), entry.alpha_3)
    return index


class HsgCountries:
    """The crosswalk for one run: the tables and the country list are read once, here."""

    def __init__(self, aliases: dict[str, str] | None = None, gsh: Path = GSH):
        self.countries = {c.pk: c for c in Country.objects.all()}
        self.aliases = {key(ident): code.strip().upper() for ident, code in (aliases or {}).items()}
        if unknown := sorted({code for code in self.aliases.values() if code not in self.countries}):
            raise UnknownCountry(f"not a country code Chancery knows: {', '.join(unknown)}")
        self.by_name = country_names(self.countries)
        self.table, self.territories = read_tables(gsh)
        territory_names: dict[str, list[str]] = {}
        for territory in sorted(self.territories.values(), key=lambda t: (t.until != TODAY, t.id)):
            for name in dict.fromkeys(key(name) for name in territory.names):
                territory_names.setdefault(name, []).append(territory.id)
        # Conventional short names used as ids: a country's label, else a territory's name.
        self.by_label = {name: ids[0] for name, ids in territory_names.items()}
        self.by_label.update({key(label): ident for ident, (_, label) in self.table.items()})

        self.by_alpha2: dict[str, str] = {}  # current codes first, else a withdrawn one
        for country in sorted(self.countries.values(), key=lambda c: c.kind == Country.Kind.STATE):
            if country.alpha2:
                self.by_alpha2[country.alpha2] = country.pk
        self.country_code = {ident: self._country_code(ident) for ident in self.table}
        self.territory_of: dict[str, str] = {}
        self.own_code: dict[str, str] = {}
        for ident, (_, label) in self.table.items():
            named = territory_names.get(key(label), [])
            territory = TERRITORY_OF.get(ident) or (ident if ident in self.territories else None)
            territory = territory or (named[0] if len(named) == 1 else None)
            if territory and ident not in UNCODED and (code := self.country_code[ident]):
                self.territory_of[ident] = territory
                self.own_code.setdefault(territory, code)
        for territory in self.territories.values():
            if territory.id not in self.own_code and (code := self._withdrawn_code(territory)):
                self.own_code[territory.id] = code
        self.starts = self._starts()

    def _country_code(self, ident: str) -> str | None:
        """A gsh country id's code today (or at its end, for a state that is gone)."""
        if code := ALIASES.get(ident) or UNCODED.get(ident):
            return code
        iso2, label = self.table[ident]
        current = self.by_alpha2.get(iso2)
        if current and self.countries[current].kind == Country.Kind.STATE:
            return current
        return self.by_name.get(key(label)) or self.by_name.get(ident) or current

    def _withdrawn_code(self, territory: Territory) -> str | None:
        """A territory's own withdrawn code (TERRITORY_CODES, or a name a withdrawn state has)."""
        if territory.id in TERRITORY_CODES:
            return TERRITORY_CODES[territory.id]
        if territory.until == TODAY:
            return None  # still there: a withdrawn code that shares its name is not its own
        for name in territory.names:
            code = self.by_name.get(key(name))
            if code and self.countries[code].kind != Country.Kind.STATE:
                return code
        return None

    def _starts(self) -> dict[str, datetime.date]:
        """Each territory's first day: 1 January of its first year, or the day its predecessor ended."""
        starts = {}
        for territory in self.territories.values():
            start = BEGAN_ON.get(territory.id) or datetime.date(max(territory.since, 1), 1, 1)
            for ident in territory.predecessors:
                ended = ENDED_ON.get(ident)
                if ended and ended.year >= territory.since:
                    start = max(start, ended)
            starts[territory.id] = start
        return starts

    def territory_code(self, ident: str) -> str | None:
        """The code of a territory named as an id: its own, else by its names, else the state it became."""
        seen = set()
        while ident not in seen:
            seen.add(ident)
            territory = self.territories[ident]
            for code in (self.own_code.get(ident), *(self.by_name.get(key(name)) for name in territory.names)):
                if code:
                    return code
            if not territory.successors or territory.successors[0] not in self.territories:
                return None
            ident = territory.successors[0]
        return None

    # --- resolving ------------------------------------------------------------------------
    def resolve(self, raw: str | None, on: datetime.date | None = None) -> Country:
        """The country an id names on a date; UnknownCountry says why not."""
        ident = key(raw or "")
        if not ident:
            raise UnknownCountry("the country id is missing")
        if ident in self.aliases:
            return self.countries[self.aliases[ident]]
        if ident not in self.table and ident not in self.territories and ident not in ALIASES:
            ident = self.by_label.get(ident, ident)
        if ident in self.table:
            code, territory = self.country_code[ident], self.territory_of.get(ident)
        elif ident in ALIASES:
            code, territory = ALIASES[ident], None
        elif ident in self.territories:
            code, territory = self.territory_code(ident), ident
        else:
            code, territory = self.by_name.get(ident), None
        if code is None:
            raise UnknownCountry(
                f"unknown country id {raw!r}: not in the Office of the Historian's tables (data/hsg/gsh) nor a "
                "name Chancery knows; resolve it with --country-alias ID=ISO3"
            )
        if on is not None and territory is not None:
            code = self.code_on(territory, code, on)
        return self.countries[code]

    def code_on(self, territory: str, code: str, on: datetime.date) -> str:
        """`code` for a record dated `on`: back from `territory` to the state that existed that day."""
        current, seen = self.territories[territory], set()
        while on < self.starts[current.id] and current.id not in seen:
            seen.add(current.id)
            earlier = [self.territories[p] for p in current.predecessors if p in self.territories]
            if not earlier:
                break
            existing = [t for t in earlier if self.starts[t.id] <= on < t.ends]
            # The one that existed then, else the latest before; of several, the one that
            # continues the state (no code of its own, or the same one).
            continues = lambda t: self.own_code.get(t.id, code) == code  # noqa: E731, B023
            if existing:
                current = max(existing, key=continues)
            else:
                current = max(earlier, key=lambda t: (t.ends, continues(t)))
            code = self.own_code.get(current.id, code)
        for first, after, renamed in RENAMED.get(current.id, ()):
            if first <= on < after:
                return renamed
        return code
