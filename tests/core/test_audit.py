"""The audit log: appended in the service's transaction, chained, gap-free, append-only."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError

from icommit.core import audit
from icommit.core.models import AuditDetail, AuditEvent
from icommit.stakeholders.services import organisation_create
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError):
        audit.record(actor=None, action="x.y")


@pytest.mark.django_db
def test_events_form_a_gap_free_chain_with_details_apart() -> None:
    user = UserFactory()
    with transaction.atomic():
        first = audit.record(actor=user, action="a.one", changes={"name": ["old", "new"]})
        second = audit.record(actor=user, action="a.two", object_type="x", object_id=7)
    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    assert first.hash == audit.event_hash(first)
    assert first.change_hmac and "new" not in first.change_hmac
    assert AuditDetail.objects.get(event=first).data == {"name": ["old", "new"]}
    assert not AuditDetail.objects.filter(event=second).exists()


@pytest.mark.django_db
def test_a_failed_service_leaves_no_event() -> None:
    from icommit.access.roles import PlatformRole
    from icommit.core.exceptions import IcommitError
    from tests.factories import grant

    admin = grant(UserFactory(), PlatformRole.ADMINISTRATOR)
    before = AuditEvent.objects.count()
    with pytest.raises(IcommitError):
        organisation_create(actor=admin, name="X", country="Germany", city="Y", sector="police")
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "statement", ["UPDATE core_auditevent SET action = 'forged'", "DELETE FROM core_auditevent"]
)
def test_the_database_rejects_changes_to_audit_rows(statement: str) -> None:
    user = UserFactory()
    with transaction.atomic():
        audit.record(actor=user, action="a.one")
    with (
        pytest.raises((IntegrityError, DatabaseError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.filter(action="a.one").exists()
