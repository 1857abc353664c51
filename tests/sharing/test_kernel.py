"""The need-to-know kernel on its smallest shared item (``tests.sharedtestapp.Note``).

An item comes from one organisation; it reaches another only through an audience row written
when the team's protocol allowed it, and only while that row is in effect. The filter (SQL) and
the check (one object) must agree for every person and item.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from icommit.access import Action, can, require
from icommit.access.facts import facts_for
from icommit.access.registry import policy_for
from icommit.access.roles import TeamRole
from icommit.accounts.models import User
from icommit.core.exceptions import Conflict, Forbidden, NotFound, ValidationFailed
from icommit.core.models import AuditEvent
from icommit.sharing.audience import audience_end, basis_record, basis_withdraw, share
from icommit.sharing.items import may_see, visible_items
from icommit.sharing.services import protocol_row_create, protocol_row_update
from icommit.stakeholders.models import Organisation
from icommit.stakeholders.sectors import Sector
from icommit.teams.models import Team, TeamMembership, TeamOrganisation
from tests.factories import OrganisationFactory, TeamFactory, UserFactory, member_of
from tests.sharedtestapp.models import Note, NoteAudience

pytestmark = pytest.mark.django_db

CATEGORY = "identity"


@dataclass
class Kernel:
    team: Team
    exit: Organisation  # where the notes come from (no role profile: secrecy assumed)
    youth: Organisation  # receives "always"
    police: Organisation  # receives "with consent" (security actor)
    housing: Organisation  # in the team, no protocol row
    outsider: Organisation  # not in the team
    counsellor: User  # exit
    youth_worker: User
    officer: User
    housing_worker: User
    coordinator: User  # coordinator of the team, from housing


def _row(k: Kernel, to: Organisation, rule: str, source: str = "") -> int:
    row = protocol_row_create(
        actor=k.coordinator,
        team=k.team,
        values={
            "from_organisation_id": k.exit.pk,
            "to_organisation_id": to.pk,
            "category": CATEGORY,
            "rule": rule,
            "legal_source": source,
        },
    )
    return row.pk


@pytest.fixture
def k() -> Kernel:
    team = TeamFactory(name="Kernel team")
    orgs = {
        "exit": OrganisationFactory(name="Exit", sector=Sector.EXIT_COUNSELLING),
        "youth": OrganisationFactory(name="Youth", sector=Sector.YOUTH_WELFARE),
        "police": OrganisationFactory(name="Police", sector=Sector.POLICE),
        "housing": OrganisationFactory(name="Housing", sector=Sector.HOUSING),
        "outsider": OrganisationFactory(name="Outsider", sector=Sector.SCHOOL),
    }
    for key in ("exit", "youth", "police", "housing"):
        TeamOrganisation.objects.create(team=team, organisation=orgs[key])
    people = {}
    for name, org in [
        ("counsellor", "exit"),
        ("youth_worker", "youth"),
        ("officer", "police"),
        ("housing_worker", "housing"),
        ("coordinator", "housing"),
    ]:
        people[name] = UserFactory()
        member_of(people[name], orgs[org])
    TeamMembership.objects.create(
        team=team,
        user=people["coordinator"],
        organisation=orgs["housing"],
        role=TeamRole.COORDINATOR,
    )
    kernel = Kernel(team, **orgs, **people)
    with transaction.atomic():
        _row(kernel, kernel.youth, "always", "Test statute § 1")
        _row(kernel, kernel.police, "consent")
    return kernel


def _note(k: Kernel, text: str = "A fact") -> Note:
    return Note.objects.create(
        team=k.team, origin_organisation=k.exit, category=CATEGORY, text=text
    )


def _seen_by(user: User, note: Note) -> bool:
    """Filter and check together; they must agree."""
    by_filter = visible_items(user, Note.objects.all()).filter(pk=note.pk).exists()
    assert may_see(user, note) is by_filter
    assert can(user, Action.SHARED_VIEW, note) is by_filter
    return by_filter


def test_an_item_is_seen_by_its_origin_only_until_it_is_shared(k: Kernel) -> None:
    note = _note(k)
    assert _seen_by(k.counsellor, note)
    for user in (k.youth_worker, k.officer, k.housing_worker, k.coordinator):
        assert not _seen_by(user, note)


def test_an_always_share_records_the_decision_and_reaches_that_organisation_only(k: Kernel) -> None:
    note = _note(k)
    with transaction.atomic():
        row = share(actor=k.counsellor, item=note, organisation=k.youth, purpose="Support plan")
    assert (row.rule, row.legal_source, row.basis_id) == ("always", "Test statute § 1", None)
    assert row.protocol_version == 2 and row.protocol_row_id is not None
    assert _seen_by(k.youth_worker, note)
    assert not _seen_by(k.officer, note)
    # the coordinator's team role reaches nothing: only an organisation's share does
    assert not _seen_by(k.coordinator, note)
    event = AuditEvent.objects.filter(action="sharing.item.shared").get()
    assert (event.object_id, event.team_id) == (str(note.pk), k.team.pk)


def test_consent_is_needed_where_the_protocol_says_so_and_its_withdrawal_ends_the_share(
    k: Kernel,
) -> None:
    note = _note(k)
    with pytest.raises(ValidationFailed) as refused, transaction.atomic():
        share(actor=k.counsellor, item=note, organisation=k.police, purpose="Risk review")
    assert "basis" in refused.value.details
    assert not NoteAudience.objects.exists()
    with transaction.atomic():
        consent = basis_record(
            actor=k.counsellor,
            team=k.team,
            organisation=k.exit,
            kind="consent",
            description="Client agreed in writing on 1 December",
        )
        share(
            actor=k.counsellor,
            item=note,
            organisation=k.police,
            purpose="Risk review",
            basis=consent,
        )
    assert _seen_by(k.officer, note)
    with transaction.atomic():
        ended = basis_withdraw(actor=k.counsellor, basis=consent, note="Client withdrew")
    assert ended == 1
    assert not _seen_by(k.officer, note)
    assert NoteAudience.objects.get().ended_at is not None
    # a withdrawn basis carries no new share either
    with pytest.raises(ValidationFailed), transaction.atomic():
        share(actor=k.counsellor, item=note, organisation=k.police, purpose="Again", basis=consent)


def test_no_row_or_a_never_row_refuses_and_stores_nothing(k: Kernel) -> None:
    note = _note(k)
    with pytest.raises(Conflict), transaction.atomic():
        share(actor=k.counsellor, item=note, organisation=k.housing, purpose="Housing")
    with pytest.raises(ValidationFailed) as outside, transaction.atomic():
        share(actor=k.counsellor, item=note, organisation=k.outsider, purpose="School")
    assert "organisation" in outside.value.details
    with transaction.atomic():
        _row(k, k.housing, "never")
    with pytest.raises(Conflict), transaction.atomic():
        share(actor=k.counsellor, item=note, organisation=k.housing, purpose="Housing")
    assert not NoteAudience.objects.exists()
    assert not AuditEvent.objects.filter(action="sharing.item.shared").exists()


def test_a_share_is_fixed_when_decided_and_a_later_protocol_change_does_not_touch_it(
    k: Kernel,
) -> None:
    note, other = _note(k), _note(k, "Another fact")
    with transaction.atomic():
        share(actor=k.counsellor, item=note, organisation=k.youth, purpose="Support plan")
    row = k.team.protocol_rows.get(to_organisation=k.youth)
    with transaction.atomic():
        protocol_row_update(
            actor=k.coordinator,
            row=row,
            values={
                "from_organisation_id": k.exit.pk,
                "to_organisation_id": k.youth.pk,
                "category": CATEGORY,
                "rule": "never",
            },
        )
    assert _seen_by(k.youth_worker, note)
    assert NoteAudience.objects.get().rule == "always"
    with pytest.raises(Conflict), transaction.atomic():
        share(actor=k.counsellor, item=other, organisation=k.youth, purpose="Support plan")


def test_a_share_ends_on_its_date_or_when_the_origin_ends_it(k: Kernel) -> None:
    dated, ended = _note(k), _note(k, "Ended")
    soon = timezone.now() + datetime.timedelta(days=1)
    with transaction.atomic():
        share(actor=k.counsellor, item=dated, organisation=k.youth, purpose="Plan", ends_at=soon)
        row = share(actor=k.counsellor, item=ended, organisation=k.youth, purpose="Plan")
    assert _seen_by(k.youth_worker, dated)
    NoteAudience.objects.filter(item=dated).update(ends_at=timezone.now())  # the day has come
    assert not _seen_by(k.youth_worker, dated)
    with pytest.raises(NotFound), transaction.atomic():  # the receiver cannot end it
        audience_end(actor=k.officer, row=row)
    with pytest.raises(Forbidden), transaction.atomic():  # nor can the receiver
        audience_end(actor=k.youth_worker, row=row)
    with transaction.atomic():
        audience_end(actor=k.counsellor, row=row)
    assert not _seen_by(k.youth_worker, ended)
    with pytest.raises(ValidationFailed), transaction.atomic():
        share(
            actor=k.counsellor,
            item=dated,
            organisation=k.housing,
            purpose="x",
            ends_at=soon.replace(year=2000),
        )


def test_a_receiver_may_not_pass_the_item_on_and_outsiders_do_not_learn_it_exists(
    k: Kernel,
) -> None:
    note = _note(k)
    with transaction.atomic():
        share(actor=k.counsellor, item=note, organisation=k.youth, purpose="Plan")
    with pytest.raises(Forbidden), transaction.atomic():
        share(actor=k.youth_worker, item=note, organisation=k.police, purpose="Passing on")
    with pytest.raises(NotFound):
        require(k.officer, Action.SHARED_SHARE, note)


def test_an_unconfirmed_member_of_a_receiving_organisation_sees_nothing(k: Kernel) -> None:
    note = _note(k)
    with transaction.atomic():
        share(actor=k.counsellor, item=note, organisation=k.youth, purpose="Plan")
    newcomer = member_of(UserFactory(), k.youth, confirmed=False).user
    assert not _seen_by(newcomer, note)


def test_only_the_holding_organisation_records_and_withdraws_its_basis(k: Kernel) -> None:
    with pytest.raises(Forbidden), transaction.atomic():
        basis_record(
            actor=k.officer, team=k.team, organisation=k.exit, kind="consent", description="x"
        )
    with pytest.raises(ValidationFailed) as no_statute, transaction.atomic():
        basis_record(
            actor=k.counsellor,
            team=k.team,
            organisation=k.exit,
            kind="legal_basis",
            description="Court order",
        )
    assert "legal_source" in no_statute.value.details
    with transaction.atomic():
        basis = basis_record(
            actor=k.counsellor, team=k.team, organisation=k.exit, kind="consent", description="y"
        )
    with pytest.raises(Forbidden), transaction.atomic():
        basis_withdraw(actor=k.officer, basis=basis)
    with transaction.atomic():
        basis_withdraw(actor=k.counsellor, basis=basis)
    with pytest.raises(Conflict), transaction.atomic():  # once withdrawn, it stays withdrawn
        basis_withdraw(actor=k.counsellor, basis=basis)


def test_the_filter_and_the_check_agree_for_everyone_and_every_item(k: Kernel) -> None:
    notes = [_note(k, f"Fact {n}") for n in range(6)]
    with transaction.atomic():
        consent = basis_record(
            actor=k.counsellor, team=k.team, organisation=k.exit, kind="consent", description="c"
        )
        share(actor=k.counsellor, item=notes[0], organisation=k.youth, purpose="p")
        share(actor=k.counsellor, item=notes[1], organisation=k.police, purpose="p", basis=consent)
        share(actor=k.counsellor, item=notes[2], organisation=k.youth, purpose="p")
        audience_end(actor=k.counsellor, row=NoteAudience.objects.get(item=notes[2]))
    people = [k.counsellor, k.youth_worker, k.officer, k.housing_worker, k.coordinator]
    seen = {(u.pk, n.pk) for u in people for n in notes if _seen_by(u, n)}
    expected = {(k.counsellor.pk, n.pk) for n in notes}
    expected |= {(k.youth_worker.pk, notes[0].pk), (k.officer.pk, notes[1].pk)}
    assert seen == expected


def test_listing_visible_items_is_one_query_however_many_items_and_shares(k: Kernel) -> None:
    def count() -> int:
        user = User.objects.get(pk=k.youth_worker.pk)
        facts_for(user)  # the person's facts are read once per request, before any list
        with CaptureQueriesContext(connection) as queries:
            list(visible_items(user, Note.objects.all()))
        return len(queries)

    with transaction.atomic():
        share(actor=k.counsellor, item=_note(k), organisation=k.youth, purpose="p")
    few = count()
    with transaction.atomic():
        for n in range(20):
            share(actor=k.counsellor, item=_note(k, f"n{n}"), organisation=k.youth, purpose="p")
    assert count() == few == 1


def test_policies_are_looked_up_by_action_and_model() -> None:
    policy = policy_for(Action.SHARED_VIEW, Note)
    assert policy.model is Note
    assert policy_for(Action.TEAM_VIEW, Team).model is Team
