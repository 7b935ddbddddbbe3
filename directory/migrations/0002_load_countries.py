from django.db import migrations


def load_countries(apps, schema_editor):
    from directory.countries import sync_countries

    sync_countries(apps.get_model("directory", "Country"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    # Reversing leaves the rows: other tables may already point at them.
    operations = [migrations.RunPython(load_countries, migrations.RunPython.noop)]
