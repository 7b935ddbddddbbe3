"""An agreement created in the admin or through the API before issue 16 began its status
history on the day it was typed in, whatever its "proposed on". Its first row gets the best
date known (core.status_repair): the agreement's own date for that status (proposed, signed,
in force on), else the date of the row's source, else the earliest of the agreement's sources.
Imported agreements are dated by their import and not touched."""

from django.db import migrations

from core.status_repair import repair_first_status_dates

# Agreement.KEY_DATES as it is at this migration: status -> the date field's prefix.
KEY_DATES = {"proposed": "proposed", "signed": "signed", "in_force": "in_force"}


def agreement_own_date(agreement, status):
    prefix = KEY_DATES.get(status)
    day = getattr(agreement, f"{prefix}_on") if prefix else None
    if day is None:
        return None
    return day, getattr(agreement, f"{prefix}_precision"), f"its {prefix.replace('_', ' ')} on"


def repair(apps, schema_editor):
    repair_first_status_dates(
        apps, app_label="agreements", record_model="Agreement", record_field="agreement", own_date=agreement_own_date
    )


class Migration(migrations.Migration):

    dependencies = [
        ("agreements", "0004_expected_at_visit_status_history_audit"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("directory", "0004_citation_speaker_organisation"),
    ]

    # Reversed, the rows keep their repaired dates: the old ones were the day of typing.
    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
