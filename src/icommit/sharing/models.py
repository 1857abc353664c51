"""A team's sharing protocol: what may flow from an organisation or sector to another, per data
category. The tables were created by ``stakeholders`` and keep their names (moved in issue 10)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icommit.core.text import SHORT, TITLE
from icommit.sharing.decision import RULE_LABELS
from icommit.stakeholders.models import Organisation
from icommit.stakeholders.sectors import Sector

# --- the sharing protocol of a team -----------------------------------------------------------

RULE_CHOICES = [(rule.value, label) for rule, label in RULE_LABELS.items()]


class SharingProtocol(models.Model):
    """A team's sharing protocol: a version number that grows with every change of a row."""

    team = models.OneToOneField(
        "teams.Team", on_delete=models.PROTECT, related_name="sharing_protocol"
    )
    version = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(null=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        db_table = "stakeholders_sharingprotocol"


class ProtocolRow(models.Model):
    """What may flow from an organisation or sector to another, for one data category."""

    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="protocol_rows")
    from_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_sector = models.CharField(max_length=30, choices=Sector.choices, blank=True)
    to_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_sector = models.CharField(max_length=30, choices=Sector.choices, blank=True)
    category = models.CharField(_("data category"), max_length=40)
    rule = models.CharField(_("rule"), max_length=20, choices=RULE_CHOICES)
    legal_source = models.CharField(_("legal source"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=SHORT)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        db_table = "stakeholders_protocolrow"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(from_organisation__isnull=False, from_sector="")
                    | models.Q(from_organisation__isnull=True) & ~models.Q(from_sector="")
                ),
                name="protocol_row_from_one",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(to_organisation__isnull=False, to_sector="")
                    | models.Q(to_organisation__isnull=True) & ~models.Q(to_sector="")
                ),
                name="protocol_row_to_one",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.rule}"


# --- the need-to-know kernel: shared items, their audiences and the bases they rest on --------


class BasisKind(models.TextChoices):
    CONSENT = "consent", _("consent")
    LEGAL_BASIS = "legal_basis", _("recorded legal basis")


class Basis(models.Model):
    """What a share rests on besides the protocol: a consent or a recorded legal basis.

    Withdrawing it ends, at once, every audience row that rests on it.
    """

    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="+")
    #: The organisation that holds it (the consent was given to it, or it invokes the law).
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=BasisKind.choices)
    description = models.CharField(_("description"), max_length=TITLE)
    legal_source = models.CharField(_("legal source"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_note = models.TextField(_("note"), blank=True, max_length=SHORT)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"


class SharedItem(models.Model):
    """Any piece of information that moves between organisations only as the law allows.

    A concrete item names an audience model (a subclass of ``AudienceRow`` with
    ``item = ForeignKey(<item>, related_name="audience")``) and registers both with
    ``sharing.items.register``; every read goes through ``sharing.items.visible_items`` or the
    registered policy, every share through ``sharing.audience.share``.
    """

    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="+")
    origin_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    #: A data category code of the content catalogue (``data_categories.yaml``).
    category = models.CharField(_("data category"), max_length=40)

    class Meta:
        abstract = True


#: The key each concrete audience model declares to its item (``related_name="audience"``).
ITEM_FIELD = "item"


class AudienceQuerySet(models.QuerySet["AudienceRow"]):
    def live(self, now: datetime.datetime | None = None) -> AudienceQuerySet:
        """Rows in effect: not ended, not past their end, their basis not withdrawn."""
        return self.filter(live_q(now))

    def of(self, item: Any) -> AudienceQuerySet:
        """Rows of one item (an instance, or ``OuterRef("pk")`` inside a subquery)."""
        return self.filter(**{ITEM_FIELD: item})


def live_q(now: datetime.datetime | None = None, prefix: str = "") -> models.Q:
    """The condition for an audience row in effect (``prefix`` reaches it from another model)."""
    now = now or timezone.now()
    return (
        models.Q(**{f"{prefix}ended_at__isnull": True})
        & (
            models.Q(**{f"{prefix}ends_at__isnull": True})
            | models.Q(**{f"{prefix}ends_at__gt": now})
        )
        & (
            models.Q(**{f"{prefix}basis__isnull": True})
            | models.Q(**{f"{prefix}basis__withdrawn_at__isnull": True})
        )
    )


class AudienceRow(models.Model):
    """One organisation an item was shared with, fixed when the sharing decision was taken.

    It records the rule the team's protocol gave then (and the protocol's version and row), the
    legal source, and the basis (consent, legal basis) it rests on; a later change of the
    protocol does not change it. It ends on its own date, when someone ends it, or when its
    basis is withdrawn.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    rule = models.CharField(_("rule"), max_length=20, choices=RULE_CHOICES)
    protocol_version = models.PositiveIntegerField()
    #: The protocol row the decision rested on (an id, not a key: rows may later be removed).
    protocol_row_id = models.PositiveIntegerField(null=True)
    legal_source = models.CharField(_("legal source"), max_length=300, blank=True)
    basis = models.ForeignKey(Basis, null=True, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=TITLE)
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = AudienceQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["pk"]
