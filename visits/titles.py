"""Titles that open a visitor's name in the sources ("President", "Deputy Prime Minister"), and the level of visit each makes."""

from visits.models import Visit

# Titles that open a visitor's text, mapped to the level of the visit.
_HEAD = Visit.Level.HEAD


_DEPUTY = Visit.Level.DEPUTY


_MINISTER = Visit.Level.MINISTER


_OFFICIAL = Visit.Level.OFFICIAL


TITLE_LEVELS = {
    "President": _HEAD,
    "Prime Minister": _HEAD,
    "King": _HEAD,
    "Queen": _HEAD,
    "Emperor": _HEAD,
    "Empress": _HEAD,
    "Chancellor": _HEAD,
    "Shah": _HEAD,
    "Sultan": _HEAD,
    "Emir": _HEAD,
    "Amir": _HEAD,
    "Grand Duke": _HEAD,
    "Grand Duchess": _HEAD,
    "Prince": _HEAD,
    "Princess": _HEAD,
    "Premier": _HEAD,
    "Governor General": _HEAD,
    "Governor-General": _HEAD,
    "Chairman": _HEAD,
    "General Secretary": _HEAD,
    "First Secretary": _HEAD,
    "Taoiseach": _HEAD,
    "Pope": _HEAD,
    "Regent": _HEAD,
    "Captain Regent": _HEAD,
    "Sheikh": _HEAD,
    "Head of State": _HEAD,
    "Chief of State": _HEAD,
    "State Counsellor": _HEAD,
    "Junta Member": _HEAD,
    "General": _HEAD,
    "Brigadier General": _HEAD,
    "Lieutenant General": _HEAD,
    "Crown Prince": _DEPUTY,
    "Vice President": _DEPUTY,
    "Deputy Prime Minister": _DEPUTY,
    "First Deputy Prime Minister": _DEPUTY,
    "Vice Premier": _DEPUTY,
    "Foreign Minister": _MINISTER,
    "Minister": _MINISTER,
    "Secretary General": _OFFICIAL,
    "Secretary-General": _OFFICIAL,
}
