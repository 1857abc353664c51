"""Fixtures named for situations: a team with a coordinator, a member, an outsider and an admin."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import translation

from icommit.access.roles import PlatformRole, TeamRole
from icommit.accounts.models import User
from icommit.stakeholders.models import Organisation
from icommit.stakeholders.sectors import Sector
from icommit.teams.models import Team
from tests.factories import (
    OrganisationFactory,
    TeamFactory,
    UserFactory,
    grant,
    member_of,
    team_member,
)


@dataclass
class World:
    team: Team
    other_team: Team
    municipality: Organisation
    police: Organisation
    coordinator: User
    member: User
    observer: User
    outsider: User
    admin: User
    other_coordinator: User


@pytest.fixture(autouse=True)
def language_reset() -> Iterator[None]:
    """A test that switches the language (a page remembers a person's choice) must not leave it
    switched for the next test in the same worker."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def own_checkpoint_folder(settings, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    """Each test signs its audit chain into a folder of its own: a checkpoint left by another
    test's (rolled back) chain would otherwise read as a rewritten chain."""
    settings.CHECKPOINT_DIR = tmp_path_factory.mktemp("checkpoints")


# --- the whole demo, built once per module (tests/demo/test_demo.py) ---------------------------
@pytest.fixture(scope="module")
def demo_db(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """Demo City, built once for the module as `make run` builds it (the demo command with
    ICOMMIT_DEMO=1), inside a transaction rolled back when the module is done; each test's own
    atomic block nests inside it and is rolled back at the test's end, so every test starts from
    the freshly built demo. Yields the folder the command signed the demo's audit chain into (each
    test still signs into a folder of its own, see ``own_checkpoint_folder``). Access facts are
    cached on user objects: tests fetch their users anew (``User.objects.get``)."""
    folder = tmp_path_factory.mktemp("demo-checkpoints")
    with django_db_blocker.unblock(), transaction.atomic():
        with (
            override_settings(DEMO=True, CHECKPOINT_DIR=folder),
            translation.override(django_settings.LANGUAGE_CODE),
        ):
            call_command("demo", verbosity=0)
        yield folder
        transaction.set_rollback(True)


# --- end of the demo block ----------------------------------------------------------------------


@pytest.fixture
def world(db: None) -> World:
    municipality = OrganisationFactory(name="Municipality", sector=Sector.MUNICIPALITY)
    police = OrganisationFactory(name="Police", sector=Sector.POLICE)
    team = TeamFactory(name="Alpha MSC")
    other_team = TeamFactory(name="Beta MSC")
    coordinator = UserFactory(email="coordinator@test.org", full_name="Cora Coordinator")
    member_of(coordinator, municipality, admin=True)
    team_member(team, coordinator, municipality, TeamRole.COORDINATOR)
    member = UserFactory(email="member@test.org", full_name="Max Member")
    member_of(member, police, admin=True)
    team_member(team, member, police, TeamRole.MEMBER)
    observer = UserFactory(email="observer@test.org", full_name="Olga Observer")
    team_member(team, observer, police, TeamRole.OBSERVER)
    other_coordinator = UserFactory(email="beta@test.org", full_name="Bea Beta")
    team_member(other_team, other_coordinator, municipality, TeamRole.COORDINATOR)
    outsider = UserFactory(email="outsider@test.org", full_name="Otto Outsider")
    admin = grant(
        UserFactory(email="admin@test.org", full_name="Ada Admin"), PlatformRole.ADMINISTRATOR
    )
    return World(
        team,
        other_team,
        municipality,
        police,
        coordinator,
        member,
        observer,
        outsider,
        admin,
        other_coordinator,
    )


def verified_client(user: User) -> Client:
    """A client logged in as the user with a second factor verified, as after a real login."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(
        user=user, confirmed=True
    ).first() or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_for(db: None):
    return verified_client
