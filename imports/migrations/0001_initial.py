"""ImportRun moves from the kernel (app label "chancery") to the import framework's app.

Only Django's idea of where the model lives changes: the table stays `chancery_importrun`
with its rows (created by chancery 0001 on a new database), and the content type is
relabelled so that permissions already given (editors' add/view) and their groups keep it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def relabel_content_type(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    if not content_types.objects.filter(app_label="imports", model="importrun").exists():
        content_types.objects.filter(app_label="chancery", model="importrun").update(app_label="imports")


def restore_content_type(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    if not content_types.objects.filter(app_label="chancery", model="importrun").exists():
        content_types.objects.filter(app_label="imports", model="importrun").update(app_label="chancery")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("chancery", "0003_idempotency_key"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('importer', models.CharField(help_text="e.g. 'hsg-travels', 'trade'.", max_length=40)),
                        ('format', models.CharField(blank=True, help_text='The detected file format.', max_length=40)),
                        ('files', models.TextField(help_text='The file names, one per line.')),
                        ('upload', models.FileField(blank=True, help_text='A file uploaded in the admin.', upload_to='imports/%Y/%m/')),
                        ('dry_run', models.BooleanField(default=False)),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('succeeded', 'Succeeded'), ('refused', 'Refused (file not what it claims)'), ('failed', 'Failed')], default='queued', max_length=10)),
                        ('message', models.TextField(blank=True)),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('rows_read', models.PositiveIntegerField(default=0)),
                        ('created', models.PositiveIntegerField(default=0)),
                        ('updated', models.PositiveIntegerField(default=0)),
                        ('unchanged', models.PositiveIntegerField(default=0)),
                        ('rejected', models.PositiveIntegerField(default=0)),
                        ('extra_counts', models.JSONField(blank=True, default=dict, help_text='Related records created, e.g. people.')),
                        ('errors', models.JSONField(blank=True, default=list, help_text='The first 500 row errors.')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='import_runs', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'chancery_importrun',
                        'ordering': ['-created_at'],
                        'indexes': [models.Index(fields=['importer', '-created_at'], name='importrun_importer_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_type, restore_content_type),
    ]
