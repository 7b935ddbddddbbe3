"""Loading the shipped datasets: each through its importer, skipped when its files are unchanged."""

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from datasets.models import DatasetLoad
from datasets.registry import Dataset
from imports.importer import FileRefused
from imports.models import ImportRun
from imports.runner import run_import


@dataclass
class Outcome:
    dataset: Dataset
    files: list[Path]
    run: ImportRun | None = None  # None: skipped as unchanged
    previous: DatasetLoad | None = None
    refused: str = ""


def fingerprint(files: list[Path], base: Path) -> str:
    """SHA-256 over each file's path (relative to base where it can be) and its bytes."""
    digest = hashlib.sha256()
    for path in files:
        try:
            name = path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            name = os.fspath(path.resolve())
        digest.update(name.encode() + b"\0")
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()


def load(dataset: Dataset, files: list[Path], *, force: bool = False, on_progress=None) -> Outcome:
    """Import one dataset's files unless they are exactly those of its last successful load."""
    stamp = fingerprint(files, settings.DATA_DIR)
    previous = DatasetLoad.objects.filter(name=dataset.name).select_related("import_run").first()
    if previous and previous.fingerprint == stamp and not force:
        return Outcome(dataset, files, previous=previous)
    importer = import_string(settings.CHANCERY_IMPORTERS[dataset.importer])()
    try:
        run = run_import(importer, files, on_progress=on_progress)
    except FileRefused as exc:
        return Outcome(dataset, files, previous=previous, refused=str(exc))
    if run.refused:  # the other files were imported; not remembered as loaded, so the next run tries again
        return Outcome(dataset, files, run=run, previous=previous, refused="; ".join(run.refused))
    DatasetLoad.objects.update_or_create(
        name=dataset.name,
        defaults={"fingerprint": stamp, "files": len(files), "import_run": run, "loaded_at": timezone.now()},
    )
    return Outcome(dataset, files, run=run, previous=previous)
