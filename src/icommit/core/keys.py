"""Key management: rotate to the newest master key, and report which keys are in use.

Invariant: after ``keys_rotate`` no live subject key and no blind index depends on a master
key other than the newest, so the older ones can leave ICOMMIT_DATA_KEYS. Rotation changes
nothing if a key it needs is missing, and a second run finds nothing left to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Value
from django.db.models.functions import StrIndex, Substr

from icommit.core import audit, crypto
from icommit.core.fields import blind_index_fields, encrypted_fields
from icommit.core.models import SubjectKey

__all__ = ["KeyStatus", "Rotation", "keys_rotate", "keys_status"]


@dataclass(frozen=True)
class Rotation:
    """What one rotation did."""

    master_key_id: str
    rewrapped: int = 0
    indexes_recomputed: int = 0
    indexes_cleared: int = 0


@dataclass(frozen=True)
class KeyStatus:
    """Which master keys are configured and what still depends on each."""

    configured: list[str]
    subject_keys: dict[str, int]
    destroyed: int
    blind_indexes: dict[str, dict[str, int]] = field(default_factory=dict)
    values: dict[str, int] = field(default_factory=dict)

    def in_use(self) -> set[str]:
        used = {key_id for key_id, n in self.subject_keys.items() if n}
        for counts in self.blind_indexes.values():
            used |= {key_id for key_id, n in counts.items() if n}
        return used

    @property
    def missing(self) -> list[str]:
        """Master keys something depends on that ICOMMIT_DATA_KEYS does not hold."""
        return sorted(self.in_use() - set(self.configured))

    @property
    def retirable(self) -> list[str]:
        """Older master keys that nothing depends on any more."""
        return [key_id for key_id in self.configured[1:] if key_id not in self.in_use()]


def _live_keys_missing_master() -> list[str]:
    configured = [key.id for key in crypto.master_keys()]
    rows = (
        SubjectKey.objects.filter(destroyed_at__isnull=True)
        .exclude(master_key_id__in=configured)
        .values_list("master_key_id", flat=True)
        .distinct()
    )
    return sorted(set(rows))


def keys_rotate(*, batch_size: int = 500) -> Rotation:
    """Re-wrap every subject key and recompute every blind index under the newest master key."""
    newest = crypto.current_master_key()
    missing = _live_keys_missing_master()
    if missing:
        raise crypto.UnknownKey(
            missing[0],
            f"Subject keys are wrapped by master key {', '.join(map(repr, missing))}, which "
            f"{crypto.SETTING} does not hold: add it back after the newest key and rotate again.",
        )
    rewrapped = 0
    stale = SubjectKey.objects.filter(destroyed_at__isnull=True).exclude(master_key_id=newest.id)
    last: Any = None
    while True:
        keys = stale if last is None else stale.filter(pk__gt=last)
        ids = list(keys.order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            break
        last = ids[-1]
        with transaction.atomic():
            for key in SubjectKey.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
                rewrapped += crypto.subject_key_rewrap(key=key)

    recomputed = cleared = 0
    for index in blind_index_fields():
        manager = index.model._base_manager
        outdated = manager.filter(**{f"{index.attname}__isnull": False}).exclude(
            **{f"{index.attname}__startswith": f"{newest.id}:"}
        )
        last = None
        while True:
            page = outdated if last is None else outdated.filter(pk__gt=last)
            rows = list(page.order_by("pk").only("pk", index.source, index.attname)[:batch_size])
            if not rows:
                break
            last = rows[-1].pk
            with crypto.key_cache(), transaction.atomic():
                for row in rows:
                    old = getattr(row, index.attname)
                    try:
                        new = index.compute(row)
                    except crypto.KeyDestroyed:
                        new = None  # an erased value keeps no linkable index
                    manager.filter(pk=row.pk, **{index.attname: old}).update(**{index.attname: new})
                    if new is None:
                        cleared += 1
                    else:
                        recomputed += 1

    result = Rotation(newest.id, rewrapped, recomputed, cleared)
    with transaction.atomic():
        audit.record(
            actor=None,
            action="keys.rotate",
            object_type="core.subjectkey",
            changes={
                "master_key": newest.id,
                "rewrapped": rewrapped,
                "recomputed": recomputed,
                "cleared": cleared,
            },
        )
    return result


def keys_status() -> KeyStatus:
    """Count subject keys per master key, destroyed keys, blind indexes and encrypted values."""
    live = (
        SubjectKey.objects.filter(destroyed_at__isnull=True)
        .values("master_key_id")
        .annotate(n=Count("pk"))
        .order_by("master_key_id")
    )
    indexes: dict[str, dict[str, int]] = {}
    for index in blind_index_fields():
        column = F(index.attname)
        rows = (
            index.model._base_manager.filter(**{f"{index.attname}__isnull": False})
            .annotate(key_id=Substr(column, 1, StrIndex(column, Value(":")) - 1))
            .values("key_id")
            .annotate(n=Count("pk"))
            .order_by("key_id")
        )
        label = f"{index.model._meta.label_lower}.{index.name}"
        indexes[label] = {row["key_id"]: row["n"] for row in rows}
    values = {
        f"{f.model._meta.label_lower}.{f.name}": f.model._base_manager.filter(
            **{f"{f.attname}__isnull": False}
        ).count()
        for f in encrypted_fields()
    }
    return KeyStatus(
        configured=[key.id for key in crypto.master_keys()],
        subject_keys={row["master_key_id"]: row["n"] for row in live},
        destroyed=SubjectKey.objects.filter(destroyed_at__isnull=False).count(),
        blind_indexes=indexes,
        values=values,
    )
