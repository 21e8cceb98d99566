"""The one way an update service writes a change to a row: model_update.

After HackSoft's Django-Styleguide-Example (styleguide_example/common/services.py, model_update):
the service names the fields it may change, and only those that actually changed are validated
and written. So an edit never rewrites columns it did not touch (two edits of different fields
of one row cannot undo each other), a value the model refuses is refused before it is stored,
and the service learns what changed, which is what decides its side effects (a plan revision,
a refreshed effect summary...).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import models
from django.utils import timezone

M = TypeVar("M", bound=models.Model)


def _pk(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def model_update(*, instance: M, fields: Iterable[str], data: Mapping[str, Any],
                 auto_updated_at: bool = True) -> tuple[M, list[str]]:
    """Set each name of ``fields`` that ``data`` holds and whose value differs; returns
    (instance, the names of the fields that changed, in the order of ``fields``).

    - Names in ``fields`` missing from ``data`` are skipped; keys of ``data`` not in ``fields``
      are ignored (the caller's list is the contract). A name that is not a field of the model
      is a programming error (ValueError).
    - The changed fields, and only they, are checked with full_clean (their validators, choices,
      the constraints they take part in): django.core.exceptions.ValidationError, nothing saved.
    - Then the row is saved with update_fields = the changed fields (plus ``updated_at`` if the
      model has one and ``auto_updated_at``). Nothing changed: no query is written, nothing saved.
    - Many-to-many fields are compared as sets of primary keys and changed by adding and
      removing the difference, after the row is saved; changing only them still moves
      ``updated_at`` (what ETags follow).
    """
    model_fields = {field.name: field for field in instance._meta.get_fields()}
    changed: list[str] = []
    scalar_changed: list[str] = []
    m2m_changes: list[tuple[str, set, set]] = []
    for name in fields:
        field = model_fields.get(name)
        if field is None or not (field.concrete or field.many_to_many) or field.auto_created:
            raise ValueError(f"{name} is not a field of {type(instance).__name__} that can be updated.")
        if name not in data:
            continue
        value = data[name]
        if field.many_to_many:
            current = set(getattr(instance, name).values_list("pk", flat=True))
            wanted = {_pk(item) for item in value}
            if current != wanted:
                m2m_changes.append((name, current - wanted, wanted - current))
                changed.append(name)
            continue
        if field.is_relation:
            differs = getattr(instance, field.attname) != _pk(value)
        else:
            differs = getattr(instance, name) != value
        if differs:
            setattr(instance, name, value)
            scalar_changed.append(name)
            changed.append(name)
    if not changed:
        return instance, changed
    if scalar_changed:
        instance.full_clean(exclude=[f.name for f in instance._meta.concrete_fields if f.name not in scalar_changed])
    update_fields = list(scalar_changed)
    if auto_updated_at and "updated_at" in model_fields and "updated_at" not in update_fields:
        instance.updated_at = timezone.now()
        update_fields.append("updated_at")
    if update_fields:
        instance.save(update_fields=update_fields)
    for name, removed, added in m2m_changes:
        manager = getattr(instance, name)
        if removed:
            manager.remove(*removed)
        if added:
            manager.add(*added)
    return instance, changed
