"""The stored-values rule (core/values.py): its two validators, and that every content model's
date and text fields carry them, so a field added tomorrow is held to the rule or fails here."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, URLValidator

from core.fields import parse_imprecise_date
from core.values import guarded_fields, validate_amount, validate_text, validate_year
from tests.factories import VisitFactory
from visits.models import Visit

# Rows the refresh machinery writes for itself (runs, batches, repairs, the outbox): no editor,
# client or importer writes them, and they show no record's text.
BOOKKEEPING = {"timelines.RefreshRun", "timelines.RefreshBatch", "timelines.TimelineRepair", "timelines.TimelineOutbox"}


def content_models():
    return [
        model
        for label in settings.CHANCERY_CONTENT_APPS
        for model in apps.get_app_config(label).get_models()
        if not model._meta.model_name.startswith("historical") and model._meta.label not in BOOKKEEPING
    ]


def test_every_date_and_text_field_of_every_content_model_carries_the_rule():
    missing = [
        f"{model._meta.label}.{name}"
        for model in content_models()
        for name, validators in guarded_fields(model).items()
        if not all(v in model._meta.get_field(name).validators for v in validators)
    ]
    assert not missing, f"fields without the stored-values rule (guard_stored_values in models.py): {missing}"


def test_the_walk_finds_the_fields_it_is_meant_to_find():
    found = {f"{model._meta.label}.{name}" for model in content_models() for name in guarded_fields(model)}
    assert {"visits.Visit.summary", "visits.Visit.start_date", "directory.Citation.quote"} <= found
    assert {"agreements.DraftVersion.text", "visits.VisitStatusChange.changed_on", "directory.Source.url"} <= found
    assert {"trade.TradeFlow.value_usd", "trade.TradeClaim.value"} <= found
    # Choices are closed lists already; the clock's timestamps are not typed by anyone.
    assert not {"visits.Visit.status", "visits.Visit.start_precision", "visits.Visit.created_at"} & found
    assert validate_year in Visit._meta.get_field("start_date").validators
    # The field's own validators stay beside the rule's (a CharField's length, a URL's form).
    assert MaxLengthValidator(200) in Visit._meta.get_field("locale").validators
    assert any(
        isinstance(v, URLValidator) for v in apps.get_model("directory", "Source")._meta.get_field("url").validators
    )
    assert validate_year in apps.get_model("trade", "TradeClaim")._meta.get_field("year").validators


@pytest.mark.parametrize(
    "text",
    [
        "",
        "tab\there",
        "lines\nand\r\nmore",
        "\u202eebmahsuD",
        "e\u0301 a\u0308\u0323",
        "🇹🇯🤝🇷🇺 👨‍👩‍👧",
        "\u2028\u00a0\ufffd",
    ],
)
def test_text_with_tabs_line_breaks_and_any_character_of_a_language_is_kept(text):
    validate_text(text)


@pytest.mark.parametrize(
    "character",
    ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x80", "\x85", "\x9f", "\ud800", "\udfff"]
    + ["\ufdd0", "\ufdef", "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff"],
)
def test_a_control_character_surrogate_or_noncharacter_is_refused_by_its_code_and_place(character):
    with pytest.raises(ValidationError) as refused:
        validate_text(f"Talks{character}on water")
    assert refused.value.code == "control_character"
    assert f"U+{ord(character):04X} at position 6" in refused.value.messages[0]


@pytest.mark.parametrize("value", [datetime.date(1000, 1, 1), datetime.date(2999, 12, 31), 1000, 2999, None])
def test_years_from_1000_to_2999_are_kept(value):
    validate_year(value)


@pytest.mark.parametrize("value", [datetime.date(999, 12, 31), datetime.date(3000, 1, 1), datetime.date.max, 0, 9999])
def test_a_year_before_1000_or_after_2999_is_refused(value):
    with pytest.raises(ValidationError, match="outside the years Chancery records") as refused:
        validate_year(value)
    assert refused.value.code == "year_out_of_range"


@pytest.mark.parametrize(
    "amount", ["0", "0.0001", "-0.0001", "99999999999.9999", "999999999999999", "1E+14", "-99999999999.9999"]
)
def test_amounts_of_up_to_15_significant_digits_under_10_to_the_15_are_kept(amount):
    validate_amount(Decimal(amount))


@pytest.mark.parametrize(
    "amount", ["999999999999999.9", "1000000000000000", "1E+15", "9999999999999999.9999", "0.1234567890123456"]
)
def test_an_amount_a_database_would_not_give_back_exactly_is_refused(amount):
    with pytest.raises(ValidationError, match="15 significant digits") as refused:
        validate_amount(Decimal(amount))
    assert refused.value.code == "amount_out_of_range"


@pytest.mark.parametrize(
    ("typed", "date", "precision"),
    [
        ("1000", datetime.date(1000, 1, 1), "year"),
        ("c. 1000", datetime.date(1000, 1, 1), "approximate"),
        ("2999-12", datetime.date(2999, 12, 1), "month"),
        ("2999-12-31", datetime.date(2999, 12, 31), "day"),
    ],
)
def test_the_page_forms_take_the_same_years_as_the_models(typed, date, precision):
    assert parse_imprecise_date(typed) == (date, precision)


@pytest.mark.parametrize("typed", ["0999", "0999-12-31", "3000", "3000-01"])
def test_the_page_forms_refuse_the_years_the_models_refuse(typed):
    with pytest.raises(ValueError, match="outside the years Chancery records"):
        parse_imprecise_date(typed)


@pytest.mark.django_db
def test_full_clean_names_each_field_that_breaks_the_rule():
    visit = VisitFactory.build(summary="Talks\x0bon water", locale="Dushan\x85be", start_date=datetime.date(3000, 1, 1))
    visit.end_date = None
    with pytest.raises(ValidationError) as refused:
        visit.full_clean(exclude=["visitor"])
    assert {"summary", "locale", "start_date"} <= set(refused.value.message_dict)
