"""The case flow end to end at the service level: referral, triage, notes, sharing, consent."""

from __future__ import annotations

import pytest

from icommit.access import Action, can
from icommit.cases import selectors, services
from icommit.core.exceptions import ValidationFailed
from tests.cases.conftest import TODAY, CaseWorld

pytestmark = pytest.mark.django_db


def _sees(user, case, note) -> bool:  # type: ignore[no-untyped-def]
    return selectors.notes_for(user=user, case=case).filter(pk=note.pk).exists()


def test_share_with_the_case_team_then_add_police_police_sees_nothing(cw: CaseWorld) -> None:
    case = cw.accepted()
    services.participant_add(actor=cw.manager, case=case, organisation=cw.youth, reason="r")
    note = cw.note(case)
    services.item_share(
        actor=cw.counsellor,
        case=case,
        item=note,
        organisations=[cw.youth],
        purpose="plan support",
        basis="protocol",
        client_informed=True,
    )
    services.participant_add(actor=cw.manager, case=case, organisation=cw.police, reason="r")
    assert _sees(cw.youth_worker, case, note)
    assert not _sees(cw.officer, case, note)
    assert can(cw.officer, Action.CASE_VIEW, case)
    assert not can(cw.coordinator, Action.CASE_VIEW, case)


def test_secret_note_needs_a_release_then_withdrawal_ends_it(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case, secrecy="professional")
    with pytest.raises(ValidationFailed):
        services.item_share(
            actor=cw.counsellor,
            case=case,
            item=note,
            organisations=[cw.youth],
            purpose="p",
            basis="protocol",
            client_informed=True,
        )
    release = services.consent_record(
        actor=cw.counsellor,
        case=case,
        kind="release",
        organisation=cw.exit,
        professional="Exit counsellor",
        recipients=[cw.youth, cw.police],
        categories=["situation"],
        purpose="coordinate support",
        given_by="client",
        form="written",
        given_on=TODAY(),
    )
    services.item_share(
        actor=cw.counsellor,
        case=case,
        item=note,
        organisations=[cw.youth, cw.police],
        purpose="p",
        basis="consent",
        consent=release,
        client_informed=True,
    )
    assert _sees(cw.youth_worker, case, note)
    assert _sees(cw.officer, case, note)
    decisions = services.consent_withdraw(actor=cw.counsellor, consent=release)
    assert len(decisions) == 1
    assert not _sees(cw.youth_worker, case, note)
    assert not _sees(cw.officer, case, note)


def test_identity_stays_with_the_lead(cw: CaseWorld) -> None:
    case = cw.working(name="Max Muster", birth_date="2006-03-01")
    assert selectors.identity_for(user=cw.manager, case=case) is not None
    assert selectors.identity_for(user=cw.teacher, case=case) is None
    assert selectors.identity_for(user=cw.youth_worker, case=case) is None
    again = cw.referral(name="max  muster", birth_date="2006-03-01")
    assert again.pk != case.pk
    assert selectors.match_notices(case=case)
    found = services.identity_search(actor=cw.manager, team=cw.team, name="Max Muster")
    assert [c.pk for c in found] == [case.pk]
    assert services.identity_search(actor=cw.youth_worker, team=cw.team, name="Max Muster") == []
