"""Writes of the need-to-know kernel: share an item, end a share, record and withdraw a basis.

``share`` takes the sharing decision once, when the item is shared: the team's protocol is
asked (``sharing.decision.decide``) for the item's category from its origin to the receiving
organisation, and the answer is written into the audience row with the protocol's version, the
row it came from, the legal source and the basis. "With consent" needs a consent basis, "with
a recorded legal basis" a legal basis, "never" and no agreed row refuse. A later change of the
protocol does not touch rows already written; withdrawing a basis ends every row resting on it.
Each write checks access and records its audit event in the same transaction.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from icommit.access import Action, require
from icommit.access.facts import facts_for
from icommit.accounts.models import User
from icommit.core import audit
from icommit.core.exceptions import Conflict, Forbidden, ValidationFailed
from icommit.core.text import SHORT, TITLE
from icommit.core.text import clean as clean_text
from icommit.sharing.decision import SharingRule
from icommit.sharing.items import audience_model, audience_models
from icommit.sharing.models import (
    ITEM_FIELD,
    AudienceRow,
    Basis,
    BasisKind,
    SharedItem,
    SharingProtocol,
)
from icommit.sharing.selectors import sharing_decision
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team, TeamOrganisation

#: The kind of basis each rule needs; "always" needs none beyond the protocol's legal source.
_NEEDS_BASIS = {
    SharingRule.CONSENT: BasisKind.CONSENT,
    SharingRule.LEGAL_BASIS: BasisKind.LEGAL_BASIS,
}


def _participates(team: Team, organisation: Organisation) -> bool:
    return TeamOrganisation.objects.filter(
        team=team, organisation=organisation, ended_at__isnull=True
    ).exists()


@transaction.atomic
def basis_record(
    *,
    actor: User,
    team: Team,
    organisation: Organisation,
    kind: str,
    description: str,
    legal_source: str = "",
    subject: Any = None,
) -> Basis:
    """Record a consent or a legal basis held by ``organisation`` (the actor's own)."""
    require(actor, Action.BASIS_RECORD)
    if organisation.pk not in facts_for(actor).org_ids:
        raise Forbidden(_("You may record a basis only for your own organisation."))
    if not _participates(team, organisation):
        raise ValidationFailed.field(
            "organisation", _("This organisation does not take part in the team.")
        )
    if kind not in BasisKind.values:
        raise ValidationFailed.field("kind", _("Choose consent or a recorded legal basis."))
    description = clean_text(description.strip(), field="description", max_length=TITLE)
    if not description:
        raise ValidationFailed.field("description", _("Say what the basis is."))
    legal_source = clean_text(legal_source.strip(), field="legal_source", max_length=300)
    if kind == BasisKind.LEGAL_BASIS and not legal_source:
        raise ValidationFailed.field("legal_source", _("Name the statute this basis rests on."))
    basis = Basis.objects.create(
        team=team,
        organisation=organisation,
        kind=kind,
        description=description,
        legal_source=legal_source,
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        action="sharing.basis.recorded",
        obj=basis,
        team_id=team.pk,
        changes={"kind": kind, "description": description, "legal_source": legal_source},
        subject=subject,
    )
    return basis


@transaction.atomic
def basis_withdraw(*, actor: User, basis: Basis, note: str = "", subject: Any = None) -> int:
    """Withdraw a basis: every audience row resting on it ends now. Returns how many ended."""
    require(actor, Action.BASIS_WITHDRAW, basis)
    basis = Basis.objects.select_for_update().get(pk=basis.pk)
    if basis.withdrawn_at is not None:
        raise Conflict(_("This basis has already been withdrawn."))
    now = timezone.now()
    basis.withdrawn_at, basis.withdrawn_by = now, actor
    basis.withdrawal_note = clean_text(note.strip(), field="note", max_length=SHORT)
    basis.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note"])
    ended = 0
    for model in audience_models():
        ended += model.objects.filter(basis=basis, ended_at__isnull=True).update(
            ended_at=now, ended_by=actor
        )
    audit.record(
        actor=actor,
        action="sharing.basis.withdrawn",
        obj=basis,
        team_id=basis.team_id,
        changes={"ended_rows": ended, "note": basis.withdrawal_note},
        subject=subject,
    )
    return ended


@transaction.atomic
def share(
    *,
    actor: User,
    item: SharedItem,
    organisation: Organisation,
    purpose: str,
    basis: Basis | None = None,
    ends_at: datetime.datetime | None = None,
    exception: bool = False,
    extra: dict[str, Any] | None = None,
    subject: Any = None,
) -> AudienceRow:
    """Share ``item`` with ``organisation`` if the team's protocol allows it, and record why.

    ``exception``: a recorded legal exception (imminent danger) that does not ask the protocol;
    it needs a legal basis and is written with the rule "with a recorded legal basis".
    ``extra``: further fields of the concrete audience model (e.g. the app's decision record).
    ``subject``: the data subject's key that seals the audit details (the purpose) if any.
    """
    require(actor, Action.SHARED_SHARE, item)
    model = audience_model(type(item))
    team = item.team
    if basis is not None:  # as stored now, locked: a withdrawal racing this share wins
        basis = Basis.objects.select_for_update().get(pk=basis.pk)
    if organisation.pk == item.origin_organisation_id:
        raise ValidationFailed.field(
            "organisation", _("The item already belongs to this organisation.")
        )
    if not _participates(team, organisation):
        raise ValidationFailed.field(
            "organisation", _("This organisation does not take part in the team.")
        )
    purpose = clean_text(purpose.strip(), field="purpose", max_length=TITLE)
    if not purpose:
        raise ValidationFailed.field("purpose", _("Say why this organisation needs to know."))
    if ends_at is not None and ends_at <= timezone.now():
        raise ValidationFailed.field("ends_at", _("The end must lie in the future."))
    if model.objects.live().of(item).filter(organisation=organisation).exists():
        raise Conflict(_("The item is already shared with this organisation."))
    if exception:
        if basis is None or basis.kind != BasisKind.LEGAL_BASIS:
            raise ValidationFailed.field(
                "basis", _("A legal exception needs a recorded legal basis; choose it.")
            )
        rule, row_id, row_source = SharingRule.LEGAL_BASIS, None, ""
    else:
        rule, row_id, row_source = _protocol_rule(team, item, organisation, basis)
    if basis is not None:
        if basis.team_id != team.pk or basis.organisation_id != item.origin_organisation_id:
            raise ValidationFailed.field(
                "basis", _("Choose a basis your organisation recorded in this team.")
            )
        if basis.withdrawn_at is not None:
            raise ValidationFailed.field("basis", _("This basis has been withdrawn."))
    head = SharingProtocol.objects.filter(team=team).first()
    row = model.objects.create(
        **{ITEM_FIELD: item},
        **(extra or {}),
        organisation=organisation,
        rule=rule.value,
        protocol_version=head.version if head is not None else 0,
        protocol_row_id=row_id,
        legal_source=(basis.legal_source if basis is not None and basis.legal_source else "")
        or row_source,
        basis=basis,
        purpose=purpose,
        decided_by=actor,
        ends_at=ends_at,
    )
    audit.record(
        actor=actor,
        action="sharing.item.shared",
        obj=item,
        team_id=team.pk,
        changes=_row_changes(row),
        subject=subject,
    )
    return row


def _protocol_rule(
    team: Team, item: SharedItem, organisation: Organisation, basis: Basis | None
) -> tuple[SharingRule, int | None, str]:
    """The protocol's rule for this flow, refusing what it does not allow."""
    decision = sharing_decision(
        team=team,
        sender=item.origin_organisation,
        receiver=organisation,
        category=item.category,
    )
    if decision.row is None:
        raise Conflict(
            _(
                "The team's protocol has no row for this flow; nothing may be shared until one "
                "is agreed."
            )
        )
    if decision.rule == SharingRule.NEVER:
        raise Conflict(
            _("The team's protocol says this information never goes to this organisation.")
        )
    needed = _NEEDS_BASIS.get(decision.rule)
    if needed is not None and (basis is None or basis.kind != needed):
        raise ValidationFailed.field(
            "basis",
            _("The protocol allows this only with consent; choose the consent it rests on.")
            if needed == BasisKind.CONSENT
            else _("The protocol allows this only with a recorded legal basis; choose it."),
        )
    return decision.rule, decision.row.id, decision.row.legal_source


def _row_changes(row: AudienceRow) -> dict[str, Any]:
    return {
        "organisation": row.organisation_id,
        "rule": row.rule,
        "protocol_version": row.protocol_version,
        "protocol_row": row.protocol_row_id,
        "basis": row.basis_id,
        "purpose": row.purpose,
        "ends_at": row.ends_at.isoformat() if row.ends_at else None,
    }


@transaction.atomic
def audience_end(*, actor: User, row: AudienceRow) -> AudienceRow:
    """End one share now (the organisation the item comes from decides)."""
    item = getattr(row, ITEM_FIELD)
    require(actor, Action.SHARED_END, item)
    row = type(row).objects.select_for_update().get(pk=row.pk)
    if row.ended_at is not None:
        raise Conflict(_("This share has already ended."))
    row.ended_at, row.ended_by = timezone.now(), actor
    row.save(update_fields=["ended_at", "ended_by"])
    audit.record(
        actor=actor,
        action="sharing.item.share_ended",
        obj=item,
        team_id=item.team_id,
        changes={"organisation": row.organisation_id},
    )
    return row
