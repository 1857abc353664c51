"""Role profiles: versioned, confirmed, and written only by the organisation's own people."""

from __future__ import annotations

import pytest
from django.db import transaction

from icommit.core.exceptions import Conflict, Forbidden, ValidationFailed
from icommit.core.models import AuditDetail, AuditEvent
from icommit.stakeholders import selectors, services
from icommit.stakeholders.models import RoleProfileConfirmation, RoleProfileVersion
from tests.conftest import World
from tests.factories import UserFactory, member_of
from tests.stakeholders.conftest import profile_values


def _save(world: World, actor=None, **overrides):  # type: ignore[no-untyped-def]
    with transaction.atomic():
        return services.role_profile_save(
            actor=actor or world.member,
            organisation=world.police,
            values=profile_values(**overrides),
        )


def test_every_save_makes_a_new_version_and_keeps_the_old_one(world: World) -> None:
    first = services.role_profile_save(
        actor=world.member, organisation=world.police, values=profile_values(), based_on=0
    )
    second = services.role_profile_save(
        actor=world.member,
        organisation=world.police,
        values=profile_values(mandate="Prevent danger."),
        based_on=1,
    )
    assert (first.number, second.number) == (1, 2)
    first.refresh_from_db()
    assert first.mandate == "We help people leave violent groups."
    profile = selectors.role_profile_of(organisation=world.police)
    assert profile is not None and profile.current == second
    assert [v.number for v in selectors.role_profile_versions(organisation=world.police)] == [2, 1]


def test_saving_counts_as_a_confirmation_by_the_author(world: World) -> None:
    version = _save(world)
    profile = selectors.role_profile_of(organisation=world.police)
    assert profile is not None
    assert profile.confirmed_by == world.member
    assert RoleProfileConfirmation.objects.get(version=version).confirmed_by == world.member
    assert selectors.profile_status(profile) == "current"


def test_another_member_confirms_the_current_version(world: World) -> None:
    _save(world)
    colleague = UserFactory(full_name="Cole League")
    member_of(colleague, world.police)
    services.role_profile_confirm(actor=colleague, organisation=world.police, version=1)
    profile = selectors.role_profile_of(organisation=world.police)
    assert profile is not None and profile.confirmed_by == colleague
    assert RoleProfileConfirmation.objects.filter(version=profile.current).count() == 2
    event = AuditEvent.objects.filter(action="organisation.profile_confirm").get()
    assert event.actor == colleague and event.object_id == str(world.police.pk)


def test_confirming_an_older_version_than_the_current_is_refused(world: World) -> None:
    _save(world)
    _save(world, mandate="Changed")
    with pytest.raises(Conflict):
        services.role_profile_confirm(actor=world.member, organisation=world.police, version=1)


def test_there_is_nothing_to_confirm_without_a_profile(world: World) -> None:
    with pytest.raises(Conflict):
        services.role_profile_confirm(actor=world.member, organisation=world.police)


def test_a_save_started_from_an_old_version_is_refused(world: World) -> None:
    _save(world)
    _save(world, mandate="Changed by a colleague")
    with pytest.raises(Conflict) as err:
        services.role_profile_save(
            actor=world.member,
            organisation=world.police,
            values=profile_values(mandate="Mine"),
            based_on=1,
        )
    assert "version 2" in err.value.message
    assert RoleProfileVersion.objects.count() == 2


def test_saving_without_a_change_asks_for_a_confirmation_instead(world: World) -> None:
    _save(world)
    with pytest.raises(ValidationFailed) as err:
        _save(world)
    assert "confirm" in err.value.message


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"mandate": "  "}, "mandate"),
        ({"contact": ""}, "contact"),
        ({"secrecy": "maybe"}, "secrecy"),
        ({"secrecy": "bound", "secrecy_source": ""}, "secrecy_source"),
        ({"needs": [{"code": "telepathy", "text": "x"}]}, "needs"),
        ({"offers": [{"code": "housing"}, {"code": "housing", "text": "again"}]}, "offers"),
        ({"mandate": "x" * 5001}, "mandate"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    world: World, overrides: dict, field: str
) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValidationFailed) as err:
        _save(world, **overrides)
    assert field in err.value.details
    assert not RoleProfileVersion.objects.exists()


def test_empty_item_rows_are_dropped_and_secrecy_source_only_kept_when_bound(
    world: World,
) -> None:
    version = _save(
        world,
        needs=[{"code": "", "text": ""}, {"code": "housing", "text": " Flats "}],
        secrecy_source="Should go",
    )
    assert version.needs == [{"code": "housing", "text": "Flats"}]
    assert version.secrecy_source == ""
    bound = _save(world, secrecy="bound", secrecy_source="§203 StGB")
    assert (bound.is_bound, bound.secrecy_source) == (True, "§203 StGB")


@pytest.mark.parametrize("who", ["coordinator", "admin", "outsider", "other_coordinator"])
def test_only_the_organisations_own_people_write_its_profile(world: World, who: str) -> None:
    # the coordinator of the police's team belongs to the municipality, not to the police
    with pytest.raises(Forbidden):
        _save(world, actor=getattr(world, who))
    assert not RoleProfileVersion.objects.exists()


def test_an_observer_of_the_organisation_who_is_a_confirmed_member_may_write(
    world: World,
) -> None:
    # observers hold a confirmed police membership: the profile belongs to the organisation,
    # not to the team
    version = _save(world, actor=world.observer)
    assert version.created_by == world.observer


def test_a_pending_member_cannot_write_the_profile(world: World) -> None:
    newcomer = UserFactory()
    member_of(newcomer, world.police, confirmed=False)
    with pytest.raises(Forbidden):
        _save(world, actor=newcomer)


def test_the_save_is_audited_with_the_changed_fields(world: World) -> None:
    _save(world, template="")
    _save(world, mandate="New mandate", methods="New methods")
    event = AuditEvent.objects.filter(action="organisation.profile_save").order_by("-seq").first()
    assert event is not None and event.object_id == str(world.police.pk)
    detail = AuditDetail.objects.get(event=event).data
    assert detail["version"] == 2
    assert detail["changed"] == ["mandate", "methods"]


def test_a_first_version_remembers_the_sector_template(world: World) -> None:
    with transaction.atomic():
        version = services.role_profile_save(
            actor=world.member,
            organisation=world.police,
            values=profile_values(),
            template="police",
        )
    assert version.template == "police"
    with pytest.raises(ValidationFailed):
        services.role_profile_save(
            actor=world.member,
            organisation=world.police,
            values=profile_values(mandate="x"),
            template="spies",
        )


def test_a_profile_goes_stale_after_the_configured_age(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    import datetime

    from django.utils import timezone

    _save(world)
    profile = selectors.role_profile_of(organisation=world.police)
    later = timezone.now() + datetime.timedelta(days=31)
    settings.PROFILE_MAX_AGE_DAYS = 30
    assert selectors.profile_status(profile, now=later) == "stale"
    settings.PROFILE_MAX_AGE_DAYS = 60
    assert selectors.profile_status(profile, now=later) == "current"
    assert selectors.profile_status(None) == "missing"


def test_a_need_with_a_control_character_is_refused_and_nothing_is_saved(world: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _save(world, needs=[{"code": "housing", "text": "quietly\x1b[8m hidden"}])
    assert "needs" in caught.value.details
    assert not RoleProfileVersion.objects.exists()
