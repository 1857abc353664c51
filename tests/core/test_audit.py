"""The audit log: appended in the service's transaction, chained, gap-free, append-only."""

from __future__ import annotations

import hashlib
from pathlib import Path

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
    assert first.version == second.version == audit.CHAIN_VERSION == 2
    detail = AuditDetail.objects.get(event=first)
    # the chain commits to the sealed row itself, not to a digest of the values
    assert first.detail_hash == hashlib.sha256(detail.sealed.encode()).hexdigest()
    assert (first.change_hmac, second.detail_hash) == ("", "")
    assert detail.data == {"name": ["old", "new"]}
    assert not AuditDetail.objects.filter(event=second).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "purpose",
    [
        "Mandate moved",
        "audit log page",
        "Charter.pdf",
        "needs: more",
        "über",
        ".starts-with-a-dot",
        "line\nbreak",
        "x" * 81,
    ],
)
def test_a_purpose_that_is_not_a_code_is_refused_and_nothing_is_recorded(purpose: str) -> None:
    with pytest.raises(ValueError, match="is not a code"), transaction.atomic():
        audit.record(actor=None, action="a.one", purpose=purpose)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "purpose", ["", "charter.pdf", "organisation_left_team", "transparency.matrix.csv", "x" * 80]
)
def test_a_purpose_code_is_chained_as_given(purpose: str) -> None:
    with transaction.atomic():
        event = audit.record(actor=None, action="a.one", purpose=purpose)
    assert AuditEvent.objects.get(pk=event.pk).purpose == purpose


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
    "statement",
    [
        "UPDATE core_auditevent SET action = 'forged'",
        "DELETE FROM core_auditevent",
        "UPDATE core_auditdetail SET sealed = 'x'",
    ],
)
def test_the_database_rejects_changes_to_audit_rows(statement: str) -> None:
    user = UserFactory()
    with transaction.atomic():
        audit.record(actor=user, action="a.one", changes={"x": 1})
    with (
        pytest.raises((IntegrityError, DatabaseError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.filter(action="a.one").exists()


@pytest.mark.django_db
def test_details_are_sealed_and_erased_with_their_subject_key(tmp_path: Path) -> None:
    from icommit.core import crypto
    from icommit.core.checkpoints import verify_chain

    user = UserFactory()
    key = crypto.subject_key_create()
    with transaction.atomic():
        event = audit.record(
            actor=user, action="case.note", changes={"note": "Lives with his aunt"}, subject=key
        )
    detail = AuditDetail.objects.get(event=event)
    assert "aunt" not in detail.sealed
    assert detail.data == {"note": "Lives with his aunt"}
    crypto.subject_key_destroy(key=key)
    with pytest.raises(crypto.KeyDestroyed):
        AuditDetail.objects.get(event=event).data  # noqa: B018 (reading is the test)
    result = verify_chain(tmp_path, allow_no_checkpoints=True)
    assert result.ok, result.problems
    assert (result.erased, result.erased_seqs) == (1, [event.seq])
