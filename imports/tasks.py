from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils.module_loading import import_string

from imports import liveness
from imports.importer import FileRefused
from imports.models import ImportRun
from imports.runner import run_import

# A run in one of these is (still) to be run; any other has an outcome.
TO_RUN = (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING, ImportRun.Status.STOPPED)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def run_import_task(run_id: int) -> str:
    """Run an import an editor queued from the admin.

    Safe to run again: the import is one transaction, so a worker that died mid-run left
    nothing behind (its run is "running", or "stopped" once found) and the run is done again;
    a run that finished is not repeated, nor one another process is running.
    """
    run = ImportRun.objects.get(pk=run_id)
    if run.status not in TO_RUN:
        return run.status
    options = {"release": run.release} if run.release else {}
    importer = import_string(settings.CHANCERY_IMPORTERS[run.importer])(user=run.user, **options)
    try:
        run_import(importer, [Path(run.upload.path)], dry_run=run.dry_run, run=run, skip_bad_rows=run.skip_bad_rows)
    except FileRefused:
        pass  # recorded on the run, which the editor is looking at
    except liveness.RunHeldElsewhere:
        pass  # the same run delivered twice: the other process finishes it
    return ImportRun.objects.values_list("status", flat=True).get(pk=run_id)


@shared_task
def stop_abandoned_runs() -> int:
    """Beat's sweep (imports 0003): runs whose process ended are marked stopped."""
    return len(liveness.stop_abandoned())
