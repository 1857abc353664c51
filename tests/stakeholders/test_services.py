"""Organisations: created by administrators, flags changed with a reason, members confirmed."""

from __future__ import annotations

import pytest

from icommit.access import Action, can
from icommit.access.roles import PlatformRole
from icommit.accounts.services import user_get_or_create
from icommit.core.exceptions import Conflict, Forbidden, ValidationFailed
from icommit.core.models import AuditDetail, AuditEvent, OutboxMessage
from icommit.stakeholders import services
from icommit.stakeholders.models import OrganisationMembership
from tests.conftest import World
from tests.factories import UserFactory, grant, member_of


def test_a_new_organisation_takes_its_flags_from_the_sector(world: World) -> None:
    police = services.organisation_create(
        actor=world.admin, name="State Police", country="de", city="Kiel", sector="police"
    )
    ngo = services.organisation_create(
        actor=world.admin, name="Exit NGO", country="DE", city="Kiel", sector="exit_counselling"
    )
    assert (police.is_security, police.is_state, police.country) == (True, True, "DE")
    assert (ngo.is_security, ngo.is_state) == (False, False)
    event = AuditEvent.objects.get(action="organisation.create", object_id=str(police.pk))
    assert event.actor == world.admin


def test_a_bad_country_code_is_named_and_nothing_is_created(world: World) -> None:
    with pytest.raises(ValidationFailed) as err:
        services.organisation_create(
            actor=world.admin, name="X", country="Germany", city="K", sector="police"
        )
    assert "country" in err.value.details


def test_only_platform_administrators_create_organisations(world: World) -> None:
    with pytest.raises(Forbidden):
        services.organisation_create(
            actor=world.coordinator, name="X", country="DE", city="K", sector="police"
        )


def test_changing_a_flag_needs_an_administrator_and_a_reason_and_is_audited(world: World) -> None:
    with pytest.raises(Forbidden):
        services.organisation_set_flags(
            actor=world.coordinator,
            organisation=world.police,
            is_security=False,
            is_state=True,
            reason="x",
        )
    with pytest.raises(ValidationFailed):
        services.organisation_set_flags(
            actor=world.admin,
            organisation=world.police,
            is_security=False,
            is_state=True,
            reason=" ",
        )
    services.organisation_set_flags(
        actor=world.admin,
        organisation=world.police,
        is_security=False,
        is_state=True,
        reason="Mandate moved",
    )
    world.police.refresh_from_db()
    assert world.police.is_security is False
    event = AuditEvent.objects.get(action="organisation.set_flags")
    assert event.purpose == ""  # typed text goes to the sealed detail, never into the chain
    assert AuditDetail.objects.get(event=event).data == {
        "is_security": [True, False],
        "reason": "Mandate moved",
    }


def test_an_organisation_administrator_edits_only_their_own_organisation(world: World) -> None:
    services.organisation_update(
        actor=world.coordinator,
        organisation=world.municipality,
        name="City Hall",
        country="DE",
        city="Testcity",
        sector="municipality",
    )
    assert world.municipality.name == "City Hall"
    with pytest.raises(Forbidden):
        services.organisation_update(
            actor=world.coordinator,
            organisation=world.police,
            name="Mine",
            country="DE",
            city="T",
            sector="police",
        )


def test_rights_start_only_after_the_organisation_confirms(world: World) -> None:
    newcomer = grant(UserFactory(), PlatformRole.TEAM_FOUNDER)
    membership = services.membership_request(actor=newcomer, organisation=world.police)
    assert not can(newcomer, Action.TEAM_CREATE)
    with pytest.raises(Forbidden):
        services.membership_confirm(actor=world.coordinator, membership=membership)
    services.membership_confirm(actor=world.member, membership=membership)
    assert can(newcomer, Action.TEAM_CREATE)
    with pytest.raises(Conflict):
        services.membership_confirm(actor=world.member, membership=membership)


def test_ending_a_membership_keeps_the_record_and_ends_rights(world: World) -> None:
    membership = OrganisationMembership.objects.get(user=world.observer, organisation=world.police)
    services.membership_end(actor=world.member, membership=membership)
    membership.refresh_from_db()
    assert membership.ended_at is not None
    assert not can(world.observer, Action.TEAM_VIEW, world.team)


def test_the_last_administrator_cannot_remove_themselves(world: World) -> None:
    membership = OrganisationMembership.objects.get(user=world.member, organisation=world.police)
    with pytest.raises(Conflict):
        services.membership_end(actor=world.member, membership=membership)


def test_a_platform_administrator_appoints_an_organisation_administrator(world: World) -> None:
    person = UserFactory()
    services.membership_add(
        actor=world.admin, organisation=world.police, user=person, is_org_admin=True
    )
    assert can(person, Action.ORGANISATION_MANAGE_MEMBERS, world.police)
    with pytest.raises(Forbidden):
        services.membership_add(actor=world.admin, organisation=world.police, user=UserFactory())


def test_dpo_has_no_organisation_rights(world: World) -> None:
    dpo = grant(UserFactory(), PlatformRole.DPO)
    assert not can(dpo, Action.ORGANISATION_EDIT, world.police)
    assert can(dpo, Action.AUDIT_VIEW)


# --- adding a person tells the other administrators --------------------------------------------


def _mail_to(email: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(to=email).order_by("pk"))


def test_adding_a_person_tells_the_other_administrators_who_and_by_whom(world: World) -> None:
    colleague = UserFactory(email="second-admin@test.org", language="de")
    member_of(colleague, world.police, admin=True)
    former = UserFactory(email="former-admin@test.org")
    services.membership_end(
        actor=world.member, membership=member_of(former, world.police, admin=True)
    )
    asleep = UserFactory(email="asleep-admin@test.org", is_active=False)
    member_of(asleep, world.police, admin=True)
    OutboxMessage.objects.all().delete()

    person, created = user_get_or_create(
        actor=world.member, email="Puppet@Example.NET", full_name="Pat Puppet"
    )
    membership = services.membership_add(actor=world.member, organisation=world.police, user=person)

    assert created
    [notice] = _mail_to(colleague.email)
    assert "Pat Puppet <puppet@example.net>" in notice.body
    assert "Max Member <member@test.org>" in notice.body
    assert "Police" in notice.subject
    assert notice.body.endswith(f"/organisations/{world.police.pk}/")
    # Only the other, current administrators: not the actor, nor former or inactive ones, and
    # the added person gets only their own set-password mail.
    assert _mail_to(world.member.email) == []
    assert _mail_to(former.email) == []
    assert _mail_to(asleep.email) == []
    assert [m.subject for m in _mail_to("puppet@example.net")] == ["Your icommit account"]
    detail = AuditDetail.objects.get(
        event__action="organisation.member_add", event__object_id=str(membership.pk)
    )
    assert detail.data["notified_admins"] == [colleague.pk]


def test_no_notice_when_the_adder_is_the_only_administrator(world: World) -> None:
    OutboxMessage.objects.all().delete()
    services.membership_add(actor=world.member, organisation=world.police, user=UserFactory())
    assert not OutboxMessage.objects.exists()


def test_appointing_an_administrator_says_so_in_the_notice(world: World) -> None:
    OutboxMessage.objects.all().delete()
    services.membership_add(
        actor=world.admin, organisation=world.police, user=UserFactory(), is_org_admin=True
    )
    [notice] = _mail_to(world.member.email)
    assert "as an organisation administrator" in notice.body
