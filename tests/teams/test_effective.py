"""``TeamMembership.objects.effective()``: which team memberships give rights now.

The manager is one join (issue 11); these cases pin down that it finds exactly the rows the
rule names (active membership of an active user, for a live organisation in which the user's
membership is confirmed and not ended), with no duplicates, as the correlated subquery it
replaced did.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils import timezone

from icommit.access.roles import TeamRole
from icommit.accounts.models import User
from icommit.stakeholders.models import OrganisationMembership
from icommit.teams.models import TeamMembership
from tests.factories import OrganisationFactory, TeamFactory, UserFactory, member_of, team_member


def _by_subquery() -> set[int]:
    """The rule as it was written before the join: a correlated ``EXISTS``."""
    confirmed = OrganisationMembership.objects.active().filter(
        user_id=OuterRef("user_id"), organisation_id=OuterRef("organisation_id")
    )
    return set(
        TeamMembership.objects.filter(ended_at__isnull=True, user__is_active=True)
        .filter(Exists(confirmed))
        .values_list("pk", flat=True)
    )


def test_effective_finds_exactly_the_memberships_that_give_rights(db: None) -> None:
    team, other_team = TeamFactory(), TeamFactory()
    org, other_org, archived = (OrganisationFactory() for _ in range(3))
    now = timezone.now()

    def person() -> User:
        return UserFactory()

    counted = team_member(team, person(), org, TeamRole.COORDINATOR)
    # the same person in a second team for the same organisation: two rows, no duplicates
    twice = person()
    in_first = team_member(team, twice, org)
    in_second = team_member(other_team, twice, org)
    unconfirmed = team_member(team, person(), org, confirmed=False)
    ended_team = team_member(team, person(), org)
    TeamMembership.objects.filter(pk=ended_team.pk).update(ended_at=now)
    ended_org = team_member(team, person(), org)
    OrganisationMembership.objects.filter(user=ended_org.user).update(ended_at=now)
    inactive = team_member(team, person(), org)
    inactive.user.is_active = False
    inactive.user.save(update_fields=["is_active"])
    in_archived = team_member(team, person(), archived)
    archived.archived_at = now
    archived.save(update_fields=["archived_at"])
    # confirmed in another organisation only: sitting for `org` gives nothing
    elsewhere = person()
    member_of(elsewhere, other_org)
    wrong_org = team_member(team, elsewhere, org, confirmed=False)
    # an old, ended but confirmed membership in the organisation does not count either
    ended_then_rejoined = person()
    old = member_of(ended_then_rejoined, org)
    OrganisationMembership.objects.filter(pk=old.pk).update(ended_at=now)
    rejoined = team_member(team, ended_then_rejoined, org, confirmed=False)

    found = list(TeamMembership.objects.effective().values_list("pk", flat=True))
    assert len(found) == len(set(found))  # the join adds no duplicates
    assert set(found) == {counted.pk, in_first.pk, in_second.pk}
    assert set(found) == _by_subquery()
    left_out = [unconfirmed, ended_team, ended_org, inactive, in_archived, wrong_org, rejoined]
    assert not {m.pk for m in left_out} & set(found)
    assert TeamMembership.objects.effective().filter(team=team).count() == 2
    assert dict(
        TeamMembership.objects.effective().filter(user=twice).values_list("team_id", "role")
    ) == {team.pk: TeamRole.MEMBER.value, other_team.pk: TeamRole.MEMBER.value}
