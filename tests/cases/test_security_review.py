"""What a hostile review of the cases app found, held closed.

- Only a provision chosen from the country content can be a statutory duty; typed text never is,
  and a provision the sender's sector may not use, or that does not cover the category, is
  refused.
- A share made on a consent ends when the consent does.
- The team's history shows no case activity (a referral matching a client included).
- What people write about a client (reasons, purposes, notes on decisions) is encrypted.
- A re-referral of a case with a lead goes back to the lead's case managers only.
- Earlier referrals are matched within the team only.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from icommit.access import Action, can
from icommit.access.roles import TeamRole
from icommit.cases import selectors, services
from icommit.cases.models import MatchNotice, NoteAudience
from icommit.cases.process import process
from icommit.core.exceptions import ValidationFailed
from tests.cases.conftest import TODAY, CaseWorld
from tests.conftest import verified_client
from tests.factories import TeamFactory, UserFactory, team_member

pytestmark = pytest.mark.django_db


def _share(cw: CaseWorld, case, note, orgs, **values):  # type: ignore[no-untyped-def]
    data = {
        "actor": cw.counsellor,
        "case": case,
        "item": note,
        "organisations": orgs,
        "purpose": "p",
        "basis": "statute",
        "client_informed": True,
        "reason": "written reason",
    }
    data.update(values)
    return services.item_share(**data)


def test_typed_duty_text_is_only_a_permission_and_does_not_pass_never(cw: CaseWorld) -> None:
    case = cw.working()
    services.participant_add(actor=cw.manager, case=case, organisation=cw.school, reason="r")
    note = cw.note(case, secrecy="professional")
    with pytest.raises(ValidationFailed):  # the protocol says never, and the text is no duty
        _share(cw, case, note, [cw.school], statute="§ 8a SGB VIII")
    assert not selectors.notes_for(user=cw.teacher, case=case).exists()


def test_a_provision_the_sender_may_not_use_is_refused(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case)
    with pytest.raises(ValidationFailed) as refused:  # § 8a binds youth welfare, not exit work
        _share(cw, case, note, [cw.youth], statute_code="de_sgb8_8a")
    assert "statute" in refused.value.details
    with pytest.raises(ValidationFailed):  # no such provision
        _share(cw, case, note, [cw.youth], statute_code="xx_nothing")


def test_a_duty_chosen_from_the_content_passes_the_protocol_with_a_reason(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case, category="offence")  # no protocol row for offence data at all
    decision = _share(cw, case, note, [cw.police], statute_code="de_stgb_138")
    assert decision.statute == "§ 138 StGB" and decision.statute_code == "de_stgb_138"
    assert selectors.notes_for(user=cw.officer, case=case).filter(pk=note.pk).exists()
    with pytest.raises(ValidationFailed):  # but not without a written reason
        _share(
            cw,
            case,
            cw.note(case, category="offence"),
            [cw.police],
            statute_code="de_stgb_138",
            reason="",
        )


def test_a_share_on_a_consent_ends_when_the_consent_does(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case)
    consent = services.consent_record(
        actor=cw.counsellor,
        case=case,
        kind="sharing",
        organisation=cw.exit,
        recipients=[cw.police],
        categories=["situation"],
        purpose="coordinate",
        given_by="client",
        form="written",
        given_on=TODAY(),
        valid_until=TODAY(),
    )
    decision = services.item_share(
        actor=cw.counsellor,
        case=case,
        item=note,
        organisations=[cw.police],
        purpose="p",
        basis="consent",
        consent=consent,
        client_informed=True,
    )
    row = NoteAudience.objects.get(decision=decision)
    end = timezone.make_aware(datetime.datetime.combine(TODAY(), datetime.time.min))
    assert row.ends_at == end + datetime.timedelta(days=1)
    NoteAudience.objects.filter(pk=row.pk).update(ends_at=timezone.now() - datetime.timedelta(1))
    assert not selectors.notes_for(user=cw.officer, case=case).filter(pk=note.pk).exists()


def test_the_team_history_shows_no_case_activity(cw: CaseWorld) -> None:
    case = cw.working(name="Max Muster", birth_date="2005-03-01")
    cw.referral(
        actor=cw.coordinator, organisation=cw.housing, name="Max Muster", birth_date="2005-03-01"
    )
    assert MatchNotice.objects.filter(case=case).exists()
    page = verified_client(cw.coordinator).get(reverse("teams:history", args=[cw.team.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    for label in ("A new referral may concern", "Referred a person", "Recorded who a client is"):
        assert label not in body


def test_what_people_write_about_the_client_is_encrypted(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case)
    services.item_share(
        actor=cw.counsellor,
        case=case,
        item=note,
        organisations=[cw.youth],
        purpose="SECRET-PURPOSE",
        basis="danger",
        reason="SECRET-REASON",
        client_informed=False,
        not_informed_reason="SECRET-WHY-NOT",
    )
    services.restriction_request(actor=cw.counsellor, case=case, reason="SECRET-RESTRICT")
    with connection.cursor() as cursor:
        for table in ("cases_sharedecision", "cases_restrictionrequest", "sharing_basis"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (fixed table names)
            text = repr(cursor.fetchall())
            assert "SECRET" not in text, table


def test_a_re_referral_goes_back_to_the_lead_only(cw: CaseWorld) -> None:
    case = cw.working(name="Max Muster", birth_date="2005-03-01")
    services.case_move(actor=cw.manager, case=case, target="closed", code=_code("closed"))
    services.case_move(actor=cw.manager, case=case, target="referred")
    case.refresh_from_db()
    rival = UserFactory()
    team_member(cw.team, rival, cw.police, TeamRole.CASE_MANAGER)
    assert not can(rival, Action.CASE_TRIAGE, case)
    assert case not in selectors.referrals_to_triage(user=rival, team=cw.team)
    assert can(cw.manager, Action.CASE_TRIAGE, case)
    with pytest.raises(ValidationFailed):
        services.triage_decide(
            actor=cw.manager,
            case=case,
            outcome="accepted",
            lead_organisation=cw.youth,
            case_manager=cw.youth_worker,
            purpose="p",
        )


def test_earlier_referrals_are_matched_within_the_team_only(cw: CaseWorld) -> None:
    case = cw.working(name="Max Muster", birth_date="2005-03-01")
    other = TeamFactory(name="Other team")
    person = UserFactory()
    team_member(other, person, cw.school, TeamRole.MEMBER)
    services.referral_create(
        actor=person,
        team=other,
        organisation=cw.school,
        concern="c",
        gender="male",
        age_band="18_20",
        phenomenon="vrwe",
        setting="community",
        name="Max Muster",
        birth_date="2005-03-01",
    )
    assert not MatchNotice.objects.filter(case=case).exists()


def _code(stage: str) -> str:
    return process().exit_codes[stage][0].code


def test_the_triage_page_marks_a_re_referral(cw: CaseWorld) -> None:
    case = cw.working()
    services.case_move(actor=cw.manager, case=case, target="closed", code=_code("closed"))
    services.case_move(actor=cw.manager, case=case, target="referred")
    page = verified_client(cw.manager).get(reverse("cases:triage", args=[cw.team.pk, case.pk]))
    assert "re-referral" in page.content.decode()
    fresh = cw.referral()
    page = verified_client(cw.manager).get(reverse("cases:triage", args=[cw.team.pk, fresh.pk]))
    assert "re-referral" not in page.content.decode()
