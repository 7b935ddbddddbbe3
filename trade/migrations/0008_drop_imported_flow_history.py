"""Imported figures are no longer audited row by row (FlowRevision records what a later release
changes; the import run records who loaded which file): drop the history rows imports wrote.
A figure's current state is its row; the history rows an editor's hand edits wrote are kept."""

from django.db import migrations
from django.db.models import Q

# What imports.runner wrote as the change reason: the importer's ("import"), with its run.
IMPORTED = Q(history_change_reason="import") | Q(history_change_reason__startswith="import (import run ")


def drop_imported_history(apps, schema_editor):
    apps.get_model("trade", "HistoricalTradeFlow").objects.filter(IMPORTED).delete()


class Migration(migrations.Migration):
    dependencies = [("trade", "0007_flow_revisions")]

    # Not reversible in content: the rows dropped were copies of states the import runs replaced.
    operations = [migrations.RunPython(drop_imported_history, migrations.RunPython.noop, elidable=True)]
