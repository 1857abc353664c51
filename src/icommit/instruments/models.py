"""Instruments, their immutable published versions, and answer sets to a version.

Invariant: a version row is written once, with the hash of its canonical definition, and never
changed; every answer set points at the version it answered. Answer sets carry no time, and no
person beyond an optional owner key: which app owns one (a diagnostics round, a case analysis)
links it from its side. An owned answer set is sealed with its owner's subject key, so destroying
that key erases it; only ``instruments.services`` writes or deletes answer sets (decision 0013).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from icommit.core.fields import EncryptedJSONField
from icommit.core.models import SubjectKey
from icommit.instruments.engine import definition_from_dict


class Kind(models.TextChoices):
    DIAGNOSTICS = "diagnostics", _("Team diagnostics")
    SOCIAL_DIAGNOSTICS = "social_diagnostics", _("Social Diagnostics")
    KNOWLEDGE_CHECK = "knowledge_check", _("Knowledge check")
    RUBRIC = "rubric", _("Review rubric")
    SURVEY = "survey", _("Survey")


class Origin(models.TextChoices):
    SHIPPED = "shipped", _("Shipped with icommit")
    IMPORTED = "imported", _("Imported")


class Instrument(models.Model):
    key = models.SlugField(_("key"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class InstrumentVersion(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    definition = models.JSONField()
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    source_name = models.CharField(_("file"), max_length=200, blank=True, default="")
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["instrument__key", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="instrument_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id}/v{self.number}"

    @property
    def parsed(self) -> Any:
        """The engine's frozen definition of this version (parsed once per instance)."""
        cached = self.__dict__.get("_parsed")
        if cached is None:
            cached = self.__dict__["_parsed"] = definition_from_dict(self.definition)
        return cached


class OwnedJSONField(EncryptedJSONField):
    """Encrypted JSON sealed with the subject key its row names in ``owner`` (a key id
    attribute), or with the platform key when the row has no owner.

    ``EncryptedField(subject=...)`` refuses a row whose subject is empty, which is right for a
    client's data; an answer set without an owner is normal (diagnostics, decision 0009).
    """

    def __init__(self, *args: Any, owner: str, **kwargs: Any) -> None:
        self.owner = owner
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["owner"] = self.owner
        return name, path, args, kwargs

    def _subject(self, instance: models.Model) -> Any:
        return getattr(instance, self.owner)  # None: the platform key


class Response(models.Model):
    """One answer set to one version; encrypted at rest, with no time on it.

    ``owner_key`` is set when the answers are about one person (a client's case analysis, a
    learner's work): they are then sealed with that person's key, and erasing the person
    (destroying the key) erases them in every copy, backups included. Anonymous answer sets
    (diagnostics) have none and use the platform key.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="+")
    # a destroyed key keeps its row (crypto-shredding), so nothing ever needs to delete it
    owner_key = models.ForeignKey(
        SubjectKey, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answers = OwnedJSONField(default=dict, owner="owner_key_id")
    submitted = models.BooleanField(default=False)

    def __str__(self) -> str:
        return str(self.id)


class ResponseScore(models.Model):
    """A submitted answer set's score in one domain (0–100), so aggregates run in SQL.

    Scores are plain columns, not sealed: erasing the answer set's owner deletes them
    (``responses_erase_owner``), and so does every discard. The key is random, like the answer
    set's: a counting key would number the rows in the order people submitted.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="scores")
    domain = models.CharField(max_length=60)
    score = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "domain"], name="response_score_once")
        ]
