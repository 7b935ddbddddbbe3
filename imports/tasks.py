from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils.module_loading import import_string

from imports.importer import FileRefused
from imports.models import ImportRun
from imports.runner import run_import


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def run_import_task(run_id: int) -> str:
    """Run an import an editor queued from the admin.

    Safe to run again: the import is one transaction, so a worker that died mid-run left
    nothing behind, and a run that already finished is not repeated.
    """
    run = ImportRun.objects.get(pk=run_id)
    if run.status not in (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING):
        return run.status
    importer = import_string(settings.CHANCERY_IMPORTERS[run.importer])(user=run.user)
    try:
        run_import(importer, [Path(run.upload.path)], dry_run=run.dry_run, run=run)
    except FileRefused:
        pass  # recorded on the run, which the editor is looking at
    return ImportRun.objects.values_list("status", flat=True).get(pk=run_id)
