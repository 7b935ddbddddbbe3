"""The ORM's way of writing an import batch: the portable path, for importers not written in SQL.

Each record is compared with its row in Python, validated as a model, and created or updated
through the ORM and django-simple-history, so every change is in the audit history. It is what
imports.runner falls back to for importers without `upsert_in_sql`, and the reference the
set-based paths are tested against (tests/imports/test_staged.py).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from imports.importer import Pending


def write_with_orm(runner, batch: list[Pending]) -> list[Any]:
    """The batch through the ORM and simple_history; returns the pks of the rows created or updated."""
    importer = runner.importer
    model = importer.model
    existing = importer.existing(p.key for p in batch)
    to_create: list[tuple[models.Model, Pending]] = []
    to_update: list[tuple[models.Model, Pending]] = []
    changed_fields: set[str] = set()
    for pending in batch:
        values = {**importer.scope, **pending.values}
        current = existing.get(pending.key)
        if current is None:
            obj = model(**values)
            try:
                validate(obj)
            except ValidationError as exc:
                runner.reject(pending.file, pending.line, validation_message(exc))
                continue
            to_create.append((obj, pending))
            continue
        differing = {
            name: value
            for name, value in values.items()
            if name not in importer.create_only_fields and differs(getattr(current, name), value)
        }
        if not differing:
            runner.tally.unchanged += 1
            continue
        for name, value in differing.items():
            setattr(current, name, value)
        try:
            validate(current)
        except ValidationError as exc:
            current.refresh_from_db()
            runner.reject(pending.file, pending.line, validation_message(exc))
            continue
        if hasattr(current, "version"):
            current.version += 1
            differing["version"] = current.version
        if hasattr(current, "updated_at"):
            current.updated_at = timezone.now()
            differing["updated_at"] = current.updated_at
        changed_fields |= differing.keys()
        to_update.append((current, pending))

    reason = runner.change_reason()
    if to_create:
        created = bulk_create_with_history(
            [obj for obj, _ in to_create],
            model,
            batch_size=runner.batch_size,
            default_user=importer.user,
            default_change_reason=reason,
        )
        to_create = list(zip(created, (p for _, p in to_create), strict=False))
        runner.tally.created += len(to_create)
    if to_update:
        bulk_update_with_history(
            [obj for obj, _ in to_update],
            model,
            sorted(changed_fields),
            batch_size=runner.batch_size,
            default_user=importer.user,
            default_change_reason=reason,
        )
        runner.tally.updated += len(to_update)
    importer.after_save(to_create, to_update)
    return [obj.pk for obj, _ in to_create + to_update]


def validate(obj: models.Model) -> None:
    """Field and model validation without a query per foreign key.

    Importers map codes to rows they have already looked up, so re-checking each foreign key
    against the database would only multiply the queries by the batch size.
    """
    foreign_keys = [f.name for f in obj._meta.concrete_fields if f.is_relation]
    obj.clean_fields(exclude=foreign_keys)
    obj.clean()


def differs(current: Any, new: Any) -> bool:
    return current != new


def validation_message(exc: ValidationError) -> str:
    message_dict = getattr(exc, "message_dict", None)
    if message_dict:
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in message_dict.items())
    return " ".join(getattr(exc, "messages", [str(exc)]))
