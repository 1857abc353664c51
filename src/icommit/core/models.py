"""Shared kernel models: the audit log, the mail outbox, background jobs, the instance marker.

The audit tables are append-only: services add events in their own transaction and nothing
updates or deletes them (database triggers enforce it, see the migrations).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Instance(models.Model):
    """One row describing this installation; ``is_demo`` marks a database of demo data."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="instance_singleton")]


class AuditHead(models.Model):
    """The chain's head, locked by every append so that appends never fork the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)


class AuditEvent(models.Model):
    """One entry of the hash-chained audit log; values live in ``AuditDetail``, not here.

    ``version`` names the rule its hash follows (``icommit.core.audit.chained_fields``): 1 chains
    a keyed digest of the values (``change_hmac``), 2 the SHA-256 of the sealed detail row
    (``detail_hash``) and the version itself.
    """

    version = models.PositiveSmallIntegerField()
    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=80)
    purpose = models.CharField(max_length=200, blank=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    team_id = models.BigIntegerField(null=True, blank=True)
    change_hmac = models.CharField(max_length=64, blank=True)
    detail_hash = models.CharField(max_length=64, blank=True, default="")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "at"]),
            models.Index(fields=["action", "at"]),
            models.Index(fields=["team_id", "at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditDetail(models.Model):
    """Old and new values of an event, kept apart from the chain and sealed (AES-GCM).

    The values are bound to their event and sealed with the platform key or, for data about a
    person, with that person's subject key: destroying the key erases them, while the row and
    the chain stay verifiable (from version 2 the chain holds the SHA-256 of ``sealed``).
    """

    event = models.OneToOneField(AuditEvent, on_delete=models.PROTECT, related_name="detail")
    sealed = models.TextField()

    @property
    def data(self) -> Any:
        """The values, opened with their key (raises KeyDestroyed once erased)."""
        import json

        # crypto imports this module (SubjectKey), so it cannot be imported at the top
        from icommit.core import crypto  # crypto imports this module: a real cycle

        event = self.event
        if event.version >= 2:
            raw = crypto.decrypt(self.sealed, model="core.auditevent", field="detail", pk=event.seq)
        else:
            raw = crypto.decrypt(self.sealed, model="core.auditdetail", field="data", pk=event.pk)
        return json.loads(raw)


class OutboxMessage(models.Model):
    """A mail waiting to be sent; the state machine makes a re-run never send twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]


class Job(models.Model):
    """Long work a user started: its progress, and the file it produced."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=60)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    result_name = models.CharField(max_length=200, blank=True)
    result_path = models.CharField(max_length=300, blank=True)
    result_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


class SubjectKey(models.Model):
    """The data key of one data subject (a client), wrapped by a master key.

    ``icommit.core.crypto`` alone reads and writes it. Destroying it empties ``wrapped_key``,
    which makes every value encrypted with it unreadable wherever it is stored.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    #: nonce || AES-GCM(key-wrap key derived from the master key, data key); empty once destroyed
    wrapped_key = models.BinaryField(max_length=60, editable=False)
    master_key_id = models.CharField(max_length=32, blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["master_key_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(destroyed_at__isnull=True) | models.Q(master_key_id=""),
                name="subjectkey_destroyed_keeps_no_key",
            )
        ]

    def __str__(self) -> str:
        return f"subject key {self.id}"


class ChainVerification(models.Model):
    """The outcome of one verification of the whole audit chain (``core.verification``).

    Written once when a verification ends, by the daily schedule or a person ("Verify now");
    the audit page shows the newest. ``problem`` is the first finding, in the
    words of ``checkpoints.verify_chain`` (technical English, for the administrators).
    """

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("the daily schedule")
        PERSON = "person", _("a person")

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    #: The last event the walk reached: the chain was checked from #1 up to here.
    up_to_seq = models.PositiveBigIntegerField(default=0)
    events = models.PositiveBigIntegerField(default=0)
    checkpoints = models.PositiveIntegerField(default=0)
    ok = models.BooleanField()
    problem_count = models.PositiveIntegerField(default=0)
    problem = models.CharField(max_length=500, blank=True)
    erased = models.PositiveBigIntegerField(default=0)
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["finished_at"])]

    def __str__(self) -> str:
        return f"chain verification up to #{self.up_to_seq}: {'ok' if self.ok else 'failed'}"
