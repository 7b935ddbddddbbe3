"""The IMF names crosswalk (trade.importers.imf_names) against every name in the 224 DOTS workbooks.

data/imf-dots/names.csv is written by scripts/dots_names.py from the full published set: each
reporter (B4) and partner (column B) name there must be a country of the Country table or a
known aggregate, so no figure of the full set is rejected for its name.
"""

import csv

import pytest

from directory.models import Country
from tests.data import IMF_DOTS
from trade.importers.imf_names import IMF_AGGREGATES, IMF_NAMES, WORLD, normalise

pytestmark = pytest.mark.django_db


def listed_names() -> dict[str, dict[str, str]]:
    with open(IMF_DOTS / "names.csv", newline="", encoding="utf-8") as handle:
        return {row["name"]: row for row in csv.DictReader(handle)}


def test_the_list_covers_the_full_set():
    names = listed_names()

    assert len(names) == 244
    assert sum(int(row["reporter_workbooks"]) for row in names.values()) == 224
    assert {"World", "Tajikistan, Rep. of", "USSR", "Kosovo, Rep. of"} <= set(names)


def test_every_name_in_the_workbooks_is_a_country_or_a_known_aggregate():
    codes = set(Country.objects.values_list("alpha3", flat=True))

    unresolved = [name for name in listed_names() if name not in IMF_AGGREGATES and IMF_NAMES.get(name) not in codes]

    assert unresolved == []


def test_the_crosswalk_has_no_name_the_workbooks_do_not_use_and_no_name_twice():
    names = set(listed_names())

    assert set(IMF_NAMES) | IMF_AGGREGATES == names
    assert not set(IMF_NAMES) & IMF_AGGREGATES
    assert all(normalise(name) == name for name in names)


def test_no_two_current_names_share_a_country():
    by_code: dict[str, list[str]] = {}
    for name, code in IMF_NAMES.items():
        by_code.setdefault(code, []).append(name)

    # North Yemen (to 1989) and the Republic of Yemen (from 1990) never have figures for one year
    assert {code: names for code, names in by_code.items() if len(names) > 1} == {
        "YEM": ["Yemen Arab Rep.", "Yemen, Rep. of"]
    }


def test_former_states_map_to_their_withdrawn_codes():
    former = {
        "USSR": "SUN",
        "Yugoslavia": "YUG",
        "Czechoslovakia": "CSK",
        "Eastern Germany": "DDR",
        "Serbia and Montenegro": "SCG",
        "Yemen, People's Dem. Rep. of": "YMD",
        "Netherlands Antilles": "ANT",
    }

    assert {name: IMF_NAMES[name] for name in former} == former
    kinds = dict(Country.objects.filter(alpha3__in=former.values()).values_list("alpha3", "kind"))
    assert kinds == dict.fromkeys(former.values(), Country.Kind.HISTORICAL)
    assert IMF_NAMES["Kosovo, Rep. of"] == "XKX"
    assert IMF_NAMES[WORLD] == Country.WORLD


def test_groups_and_unallocated_areas_are_aggregates():
    for name in (
        "Advanced Economies",
        "Euro Area",
        "Other Countries not included elsewhere",
        "Emerging Market and Developing Economies by Source of Export Earnings: Fuel",
        "Belgium-Luxembourg",
        "South African Common Customs Area (SACCA)",
    ):
        assert name in IMF_AGGREGATES
        assert name not in IMF_NAMES
