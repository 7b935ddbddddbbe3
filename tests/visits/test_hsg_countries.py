"""The crosswalk from the Office of the Historian's country ids to Chancery's countries, built
from the Office's own tables (data/hsg/gsh) and checked against every id its files use."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from directory.models import Country
from tests.data import HSG
from visits.hsg_countries import BEGAN_ON, ENDED_ON, HsgCountries, UnknownCountry

pytestmark = pytest.mark.django_db

GSH = HSG / "gsh"
# Territories of the tables that no state's code covers: disputed reefs, sovereign base
# areas, islands of a few years, and the tables' own placeholders ('-TBD').
UNCODED_TERRITORIES = {
    "akrotiri",
    "ashmore-and-cartier-islands",
    "bunker-island-TBD",
    "clipperton-island",
    "coral-sea-islands",
    "dhekelia",
    "federation-of-west-indies-TBD",
    "ile-de-la-passion-TBD",
    "irish-free-state-TBD",
    "new-nantucket-island-1835",
    "paracel-islands",
    "samarang-1802",
    "spitsbergen-1925",
    "spratly-islands",
    "territory-of-papua-and-new-guinea-TBD",
    "trucial-oman-TBD",
    "urundi-TBD",
    "worth-island-1842",
    "zululand-1879",
    "zululand-1910",
}


@pytest.fixture(scope="module")
def crosswalk(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return HsgCountries()


def used_ids():
    """(id, start date, file, line-free) of every record in the shipped files, read with the
    standard library, independently of the importer."""
    for folder, record, tag in (("president-travels", "trip", "country"), ("visits", "visit", "from")):
        for path in sorted((HSG / folder).glob("*.xml")):
            for element in ET.parse(path).getroot().iter(record):
                country = element.find(tag)
                start = datetime.date.fromisoformat(element.findtext("start-date").strip())
                yield country.get("id"), start, path.name


def table_ids(folder):
    return [ET.parse(path).getroot().findtext("id") for path in sorted((GSH / folder).glob("*.xml"))]


def test_every_country_id_the_shipped_files_use_resolves_on_its_records_date(crosswalk):
    records = list(used_ids())
    assert len(records) == 832 + 3264
    unresolved = []
    for ident, start, name in records:
        try:
            crosswalk.resolve(ident, start)
        except UnknownCountry as exc:
            unresolved.append((name, ident, str(exc)))
    assert unresolved == []
    assert len({ident for ident, _, _ in records}) == 205


def test_every_id_of_the_country_tables_resolves_today_and_in_every_decade(crosswalk):
    ids = table_ids("countries")
    assert len(ids) == 215
    for ident in ids:
        for year in (1875, 1905, 1935, 1965, 1985, 1995, 2025):
            assert crosswalk.resolve(ident, datetime.date(year, 6, 1)).pk in crosswalk.countries
        assert crosswalk.resolve(ident).pk in crosswalk.countries


def test_every_territory_of_the_tables_resolves_but_the_few_no_code_covers(crosswalk):
    unresolved = set()
    for ident in table_ids("territories"):
        try:
            crosswalk.resolve(ident)
        except UnknownCountry:
            unresolved.add(ident)
    assert unresolved == UNCODED_TERRITORIES


@pytest.mark.parametrize(
    ("ident", "on", "code"),
    [
        ("russia", "1985-11-19", "SUN"),  # the id the files give the USSR too ("U.S.S.R.")
        ("russia", "1991-07-30", "SUN"),  # Moscow summit: the Soviet Union's last year
        ("russia", "1991-12-26", "RUS"),
        ("russia", "1995-05-09", "RUS"),
        ("soviet-union-1991", "1985-11-19", "SUN"),
        ("ukraine", "1991-08-01", "SUN"),
        ("ukraine", "1994-01-12", "UKR"),
        ("germany", "1985-05-01", "DEU"),  # the Federal Republic kept its code
        ("german-democratic-republic", "1990-06-11", "DDR"),
        ("East Germany", "1980-01-01", "DDR"),
        ("Germany, East", "1980-01-01", "DDR"),
        ("yugoslavia", "1942-07-01", "YUG"),
        ("yugoslavia", "2001-01-01", "YUG"),
        ("serbia", "1995-01-01", "YUG"),
        ("serbia", "2004-01-01", "SCG"),
        ("serbia", "2008-01-01", "SRB"),
        ("montenegro", "1999-01-01", "YUG"),
        ("kosovo", "2001-06-01", "YUG"),
        ("kosovo", "2008-02-16", "SRB"),
        ("kosovo", "2008-02-17", "XKX"),
        ("czechoslovakia", "1943-05-01", "CSK"),
        ("czech-republic", "1990-02-20", "CSK"),
        ("czech-republic", "1993-01-01", "CZE"),
        ("slovakia", "1994-01-01", "SVK"),
        ("yemen", "1985-01-01", "YEM"),  # the Yemen Arab Republic, whose code unified Yemen kept
        ("southern-yemen-1990", "1985-01-01", "YMD"),
        ("Yemen (Aden)", "1980-01-01", "YMD"),
        ("vietnam", "1969-07-30", "VNM"),
        ("north-vietnam-1975", "1969-07-30", "VDR"),
        ("congo-democratic-republic", "1960-07-27", "COD"),
        ("congo-democratic-republic", "1983-08-04", "ZAR"),
        ("congo-democratic-republic", "1997-05-17", "COD"),
        ("Congo (Kinshasa)", "1980-01-01", "ZAR"),
        ("Congo (Kinshasa)", "2005-01-01", "COD"),
        ("Congo (Brazzaville)", "2005-01-01", "COG"),
        ("congo-republic", "1961-01-01", "COG"),
        ("Korea, North", "2000-01-01", "PRK"),
        ("korea-north", "2018-06-12", "PRK"),
        ("korea", "2017-11-07", "KOR"),
        ("burma", "1966-09-08", "BUR"),
        ("burma", "1989-06-18", "MMR"),
        ("burma", "2012-11-19", "MMR"),
        ("benin", "1970-01-01", "DHY"),
        ("burkina-faso", "1980-01-01", "HVO"),
        ("zimbabwe", "1979-07-10", "RHO"),
        ("timor-leste", "1999-01-01", "TMP"),
        ("hawaii", "1874-12-12", "XHI"),
        ("syria", "1960-01-01", "SYR"),
        ("united-arab-republic", "1960-01-01", "EGY"),
        ("vietnam-south", "1960-01-01", "VNM"),
        ("macau", "2000-01-01", "MAC"),
        ("cook-islands", "2000-01-01", "COK"),  # the table's iso2 'cw' is Curacao's
        ("estonia", "2000-01-01", "EST"),  # and 'ew' is no code
        ("netherlands-antilles", "2000-01-01", "ANT"),
        ("somoa", "2022-09-28", "WSM"),
        ("turkiye", "2024-01-01", "TUR"),
        ("czechia", "2024-01-01", "CZE"),
    ],
)
def test_an_id_resolves_to_the_state_that_existed_on_the_date(crosswalk, ident, on, code):
    assert crosswalk.resolve(ident, datetime.date.fromisoformat(on)).pk == code


def test_every_withdrawn_code_it_gives_is_one_the_country_table_has(crosswalk):
    codes = {crosswalk.resolve(ident, on).pk for ident, on, _ in used_ids()}
    historical = set(Country.objects.historical().values_list("pk", flat=True))
    assert codes & historical == {"BUR", "CSK", "DDR", "DHY", "HVO", "RHO", "SUN", "XHI", "YUG", "ZAR"}


def test_every_change_of_state_within_a_year_has_its_day(crosswalk):
    """The tables give years. Where a state became another with a different code within one
    year (since 1870, the records' span), the crosswalk must know the day, or a record of that
    year would be given one or the other by chance."""
    missing = set()
    for later in crosswalk.territories.values():
        if later.kind != "independent-state" or later.since < 1870:
            continue
        code = crosswalk.own_code.get(later.id)
        for ident in later.predecessors:
            earlier = crosswalk.territories[ident]
            earlier_code = crosswalk.own_code.get(ident, code)
            if code and earlier_code != code and earlier.until >= later.since:
                if ident not in ENDED_ON and later.id not in BEGAN_ON:
                    missing.add((later.id, ident))
    assert missing == set()


def test_resolving_reads_nothing_more_from_the_database(crosswalk, django_assert_num_queries):
    with django_assert_num_queries(0):
        for ident, on, _ in used_ids():
            crosswalk.resolve(ident, on)


def test_an_unknown_id_says_what_it_is_and_how_to_resolve_it(crosswalk):
    with pytest.raises(UnknownCountry, match=r"unknown country id 'atlantis'.*--country-alias"):
        crosswalk.resolve("atlantis", datetime.date(2001, 1, 1))
    with pytest.raises(UnknownCountry, match="missing"):
        crosswalk.resolve("  ")


def test_an_operators_alias_comes_first_and_must_name_a_known_country():
    walk = HsgCountries({"atlantis": "grc", "russia": "RUS"})
    assert walk.resolve("Atlantis").pk == "GRC"
    assert walk.resolve("russia", datetime.date(1985, 1, 1)).pk == "RUS"  # as the operator said
    with pytest.raises(UnknownCountry, match="not a country code Chancery knows: ATL"):
        HsgCountries({"atlantis": "ATL"})


def test_the_tables_are_parsed_without_expanding_or_fetching_entities(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    (tmp_path / "countries").mkdir()
    (tmp_path / "territories").mkdir()
    (tmp_path / "countries" / "atlantis.xml").write_text(
        f'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file://{secret}"><!ENTITY g "Greece">]>'
        "<country><id>atlantis</id><iso2></iso2><label>&x;&g;</label></country>"
    )

    walk = HsgCountries(gsh=tmp_path)

    assert "TOP-SECRET" not in walk.table["atlantis"][1]
    with pytest.raises(UnknownCountry):  # "Greece" was not expanded into the label either
        walk.resolve("atlantis")
