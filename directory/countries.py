"""The country list from ISO 3166 (through pycountry), with names people actually use.

`sync_countries` is idempotent: the data migration runs it on a new database, and running it
again after a pycountry upgrade updates names and adds codes without touching references.
"""

import datetime

import pycountry

# Where ISO's short name is not what analysts or our sources write.
COMMON_NAMES = {
    "RUS": "Russia",
    "FSM": "Micronesia",
    "COD": "Democratic Republic of the Congo",
    "COG": "Republic of the Congo",
    "SUN": "Soviet Union",
    "YUG": "Yugoslavia",
    "CSK": "Czechoslovakia",
    "DDR": "East Germany",
    "BYS": "Byelorussian SSR",
    "BUR": "Burma",
    "YMD": "South Yemen",
    "VDR": "North Vietnam",
    "ZAR": "Zaire",
    "HVO": "Upper Volta",
    "RHO": "Southern Rhodesia",
    "TMP": "East Timor",
}


# Entities that Chancery's sources name and ISO 3166 does not code. They take codes from the
# user-assigned X range (XKX for Kosovo is the one the EU and IMF use).
UNCODED = [
    {"alpha3": "XKX", "alpha2": "XK", "name": "Kosovo", "official_name": "Republic of Kosovo", "kind": "state"},
    {
        "alpha3": "XHI",
        "alpha2": "",
        "name": "Hawaii",
        "official_name": "Kingdom, then Republic, of Hawaii",
        "kind": "historical",
        "withdrawn_on": datetime.date(1898, 8, 12),  # annexed by the United States
    },
]


def _withdrawal_date(raw: str | None) -> datetime.date | None:
    if not raw:
        return None
    if len(raw) == 4:
        return datetime.date(int(raw), 1, 1)
    return datetime.date.fromisoformat(raw)


def country_rows() -> list[dict]:
    rows = []
    current = set()
    for c in pycountry.countries:
        current.add(c.alpha_3)
        rows.append(
            {
                "alpha3": c.alpha_3,
                "alpha2": c.alpha_2,
                "numeric": c.numeric,
                "name": COMMON_NAMES.get(c.alpha_3) or getattr(c, "common_name", None) or c.name,
                "official_name": getattr(c, "official_name", "") or c.name,
                "kind": "state",
                "withdrawn_on": None,
            }
        )
    for h in pycountry.historic_countries:
        if h.alpha_3 in current:  # a code ISO withdrew and then reassigned
            continue
        rows.append(
            {
                "alpha3": h.alpha_3,
                "alpha2": getattr(h, "alpha_2", "") or "",
                "numeric": getattr(h, "numeric", "") or "",
                "name": COMMON_NAMES.get(h.alpha_3, h.name),
                "official_name": h.name,
                "kind": "historical",
                "withdrawn_on": _withdrawal_date(getattr(h, "withdrawal_date", None)),
            }
        )
    for row in UNCODED:
        rows.append({"numeric": "", "withdrawn_on": None, **row})
    rows.append(
        {
            "alpha3": "W00",
            "alpha2": "",
            "numeric": "",
            "name": "World",
            "official_name": "World (all partners)",
            "kind": "aggregate",
            "withdrawn_on": None,
        }
    )
    return rows


def sync_countries(country_model) -> tuple[int, int]:
    """Create or update every country; returns (created, updated)."""
    created = updated = 0
    for row in country_rows():
        alpha3 = row.pop("alpha3")
        _, was_created = country_model.objects.update_or_create(alpha3=alpha3, defaults=row)
        created += was_created
        updated += not was_created
    return created, updated
