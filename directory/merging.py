"""Merging duplicates: two people (or organisations, or sources) that turn out to be one.

Every reference to the duplicate moves to the survivor, found from the model's own relations
so a relation added later is moved too; a row that would then repeat one the survivor
already has (the same person twice on one visit) is dropped as redundant. The duplicate's
name is kept as an alias, its external id passes to the survivor when the survivor has none
(so importers keep finding the record), and the audit history records the merge on both.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from directory.models import Citation, Organisation, Person, PersonAlias, Source

MERGEABLE = (Person, Organisation, Source)


def _move_foreign_keys(relation, duplicate, survivor) -> int:
    related_model = relation.related_model
    field = relation.field
    rows = related_model._default_manager.filter(**{field.name: duplicate})
    moved = 0
    for row in rows:
        setattr(row, field.name, survivor)
        try:
            with transaction.atomic():
                row.save(update_fields=[field.name])
            moved += 1
        except IntegrityError:
            # The survivor already has this row (same alias, same visit): the copy goes.
            row.delete()
    return moved


def _move_many_to_many(relation, duplicate, survivor) -> int:
    through = relation.through
    source_field = relation.field.m2m_reverse_field_name()
    links = through._default_manager.filter(**{source_field: duplicate})
    owner_field = relation.field.m2m_field_name()
    already = set(
        through._default_manager.filter(**{source_field: survivor}).values_list(f"{owner_field}_id", flat=True)
    )
    moved = 0
    for link in links:
        if getattr(link, f"{owner_field}_id") in already:
            link.delete()
        else:
            setattr(link, source_field, survivor)
            link.save()
            moved += 1
    return moved


def _move_citations(duplicate, survivor) -> int:
    content_type = ContentType.objects.get_for_model(type(duplicate))
    moved = 0
    for citation in Citation.objects.filter(content_type=content_type, object_id=str(duplicate.pk)):
        citation.object_id = str(survivor.pk)
        try:
            with transaction.atomic():
                citation.save(update_fields=["object_id", "version", "updated_at"])
            moved += 1
        except IntegrityError:
            citation.delete()
    return moved


@transaction.atomic
def merge_records(*, survivor: models.Model, duplicate: models.Model, user=None) -> dict[str, int]:
    """Fold `duplicate` into `survivor`; returns how many references moved, per relation."""
    model = type(survivor)
    if model not in MERGEABLE or type(duplicate) is not model:
        raise ValidationError("Only two people, two organisations or two sources can be merged.")
    if survivor.pk == duplicate.pk:
        raise ValidationError("A record cannot be merged into itself.")
    survivor = model._default_manager.select_for_update().get(pk=survivor.pk)
    duplicate = model._default_manager.select_for_update().get(pk=duplicate.pk)

    moved: dict[str, int] = {}
    for relation in model._meta.related_objects:
        name = f"{relation.related_model._meta.label}.{relation.field.name}"
        if relation.related_model._meta.label.startswith(
            "simple_history"
        ) or relation.related_model.__name__.startswith("Historical"):
            continue  # the audit history keeps naming the record it was about
        if relation.many_to_many:
            moved[name] = _move_many_to_many(relation, duplicate, survivor)
        elif relation.one_to_many or relation.one_to_one:
            moved[name] = _move_foreign_keys(relation, duplicate, survivor)
    moved["citations"] = _move_citations(duplicate, survivor)

    note = f"Merged {duplicate} (#{duplicate.pk}) into this record."
    if isinstance(survivor, Person):
        PersonAlias.objects.get_or_create(
            person=survivor, name=duplicate.name, defaults={"kind": PersonAlias.Kind.SPELLING}
        )
    if getattr(duplicate, "external_id", "") and not getattr(survivor, "external_id", ""):
        survivor.external_id = duplicate.external_id
        duplicate.external_id = ""
        duplicate.save(update_fields=["external_id"])
    survivor._change_reason = note
    if user is not None:
        survivor._history_user = user
        duplicate._history_user = user
    survivor.save()
    duplicate._change_reason = f"Merged into {survivor} (#{survivor.pk})."
    duplicate.delete()
    return {name: count for name, count in moved.items() if count}
