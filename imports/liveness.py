"""Which runs still have a process behind them, and what to do with those that do not.

An import is one transaction, so a process that dies mid-run (kill -9, a lost machine, an
out-of-memory kill) stores nothing of it; only its ImportRun still says "running". While a
run runs, its process holds a mark that ends with the process:

* on PostgreSQL, a session advisory lock keyed on the run, which every session sees in
  pg_locks and which the server drops when the session goes, however it goes. It also keeps
  a second process (a task delivered again while the first still runs) off the same run;
* on SQLite, one machine by nature, the host and pid on the run (`worker`).

`stop_abandoned()` marks the runs without one "stopped", saying so; beat calls it every few
minutes (imports.tasks.stop_abandoned_runs), the admin when it shows a running run, and
`manage.py stop_abandoned_imports` on demand. A stopped upload is run again if its task is
delivered again; from the command line, run the command again.
"""

import os
import socket
from contextlib import contextmanager

from django.db import connection
from django.utils import timezone

from imports.models import ImportRun

LOCK_NAMESPACE = 0x494D  # "IM": the first key of pg_advisory_lock(int, int), ours alone


class RunHeldElsewhere(Exception):
    """Another process is running this run."""


def worker_label() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@contextmanager
def held(run: ImportRun):
    """Hold the run's mark while the block runs; RunHeldElsewhere if another process holds it."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, run.pk])
        if not cursor.fetchone()[0]:
            raise RunHeldElsewhere(f"import run #{run.pk} is being run by another process")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, run.pk])


def _alive_here(worker: str) -> bool:
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine's process: not ours to judge
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, someone else's
    return True


def abandoned(runs=None) -> list[ImportRun]:
    """The running runs (of `runs`, default all) that no live process holds."""
    running = list((runs if runs is not None else ImportRun.objects).filter(status=ImportRun.Status.RUNNING))
    if not running:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objsubid = 2 AND granted",
                [LOCK_NAMESPACE],
            )
            held_ids = {int(objid) for (objid,) in cursor.fetchall()}
        return [run for run in running if run.pk not in held_ids]
    return [run for run in running if not _alive_here(run.worker)]


def stop_abandoned(runs=None) -> list[ImportRun]:
    """Mark the abandoned runs stopped, with a message that says what happened; returns them."""
    found = abandoned(runs)
    now = timezone.now()
    for run in found:
        message = (
            f"Stopped: the process running it ({run.worker or 'unknown'}) ended before the run finished "
            f"(found {now:%Y-%m-%d %H:%M} UTC). The import is one transaction, so nothing of it was stored; "
            "run it again."
        )
        # Only if it is still running: a run that finished meanwhile keeps its outcome.
        if ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING).update(
            status=ImportRun.Status.STOPPED, message=message
        ):
            run.status, run.message = ImportRun.Status.STOPPED, message
    return [run for run in found if run.status == ImportRun.Status.STOPPED]
