"""A visit created in the admin or through the API before issue 16 began its status history on
the day it was typed in. Its first row gets the best date known (core.status_repair): the
visit's start (under way) or end (completed), else the date of the row's source, else the
earliest of the visit's sources. Imported visits are dated by their import and not touched."""

from django.db import migrations

from core.status_repair import repair_first_status_dates


def visit_own_date(visit, status):
    if status == "completed":
        if visit.end_date:
            return visit.end_date, visit.end_precision, "its end"
        return visit.start_date, visit.start_precision, "its start"
    if status == "under_way":
        return visit.start_date, visit.start_precision, "its start"
    return None


def repair(apps, schema_editor):
    repair_first_status_dates(
        apps, app_label="visits", record_model="Visit", record_field="visit", own_date=visit_own_date
    )


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("directory", "0004_citation_speaker_organisation"),
        ("visits", "0003_agenda_outcome_count_status_history_audit"),
    ]

    # Reversed, the rows keep their repaired dates: the old ones were the day of typing.
    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
