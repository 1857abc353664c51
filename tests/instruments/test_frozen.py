"""A published version is frozen in the database itself, not only by the services."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from icommit.instruments.models import InstrumentVersion


@pytest.mark.django_db
def test_the_database_refuses_to_change_a_published_version() -> None:
    version = InstrumentVersion.objects.get(instrument__key="msc-diagnostics", number=1)
    for change in ({"content_hash": "0" * 64}, {"definition": {"key": "x"}}, {"number": 9}):
        with pytest.raises(DatabaseError), transaction.atomic():
            InstrumentVersion.objects.filter(pk=version.pk).update(**change)
    version.refresh_from_db()
    assert version.number == 1
    assert version.definition["key"] == "msc-diagnostics"


@pytest.mark.django_db
def test_the_shipped_version_matches_its_file() -> None:
    from icommit.instruments.engine import content_hash
    from icommit.instruments.shipped import load_shipped, shipped_files

    for path in shipped_files():
        definition = load_shipped(path)
        stored = InstrumentVersion.objects.get(
            instrument__key=definition.key, number=definition.version
        )
        assert stored.content_hash == content_hash(definition)
