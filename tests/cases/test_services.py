"""The case services hold the process and the sharing rules: stages, re-sharing, imminent
danger, expiry, withdrawal, leaving, transfer, family-only cases, minors, restriction, roles."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.utils import timezone

from icommit.access import Action, can, require
from icommit.access.facts import forget
from icommit.accounts.models import User
from icommit.cases import selectors, services
from icommit.cases.models import (
    Case,
    CaseNote,
    Client,
    ClientIdentity,
    ClientKind,
    Consent,
    MatchNotice,
    NoteAudience,
    ShareDecision,
    Transfer,
)
from icommit.cases.process import TRANSITIONS, Stage, process
from icommit.core.exceptions import Conflict, Forbidden, NotFound, ValidationFailed
from icommit.core.models import AuditEvent
from icommit.sharing.items import may_see
from icommit.stakeholders.models import Organisation
from tests.cases.conftest import TODAY, CaseWorld

pytestmark = pytest.mark.django_db

REFUSED = (Conflict, Forbidden, NotFound, ValidationFailed)
#: moves that triage makes (triage_start, triage_decide), not case_move
TRIAGE_MOVES = {
    (Stage.REFERRED, Stage.TRIAGE),
    (Stage.TRIAGE, Stage.ACCEPTED),
    (Stage.TRIAGE, Stage.REJECTED),
    (Stage.TRIAGE, Stage.REDIRECTED),
}
FORBIDDEN = [(a, b) for a, b in itertools.product(Stage, Stage) if b not in TRANSITIONS[a]]
ALLOWED = [(a, b) for a in Stage for b in sorted(TRANSITIONS[a]) if (a, b) not in TRIAGE_MOVES]


def code_for(stage: Stage) -> str:
    codes = process().code_sets.get(stage.value)
    return sorted(codes)[0] if codes else ""


def put(case: Case, stage: Stage) -> Case:
    """Set up a case in a stage (test set-up only: the services move along TRANSITIONS)."""
    Case.objects.filter(pk=case.pk).update(stage=stage.value)
    case.refresh_from_db()
    return case


def moved_events(case: Case) -> int:
    return AuditEvent.objects.filter(action="case.moved", object_id=str(case.pk)).count()


def sees(user: User, case: Case, note: CaseNote) -> bool:
    forget(user)
    found = selectors.notes_for(user=user, case=case).filter(pk=note.pk).exists()
    assert found is may_see(user, note) is can(user, Action.SHARED_VIEW, note)
    return found


def share(
    cw: CaseWorld, case: Case, note: CaseNote, orgs: list[Organisation], **kw: object
) -> ShareDecision:
    values: dict[str, object] = {
        "actor": cw.counsellor,
        "case": case,
        "item": note,
        "organisations": orgs,
        "purpose": "Coordinate support",
        "basis": "protocol",
        "client_informed": True,
    }
    values.update(kw)
    return services.item_share(**values)  # type: ignore[arg-type]


def release(cw: CaseWorld, case: Case, recipients: list[Organisation], cats: list[str]) -> Consent:
    return services.consent_record(
        actor=cw.counsellor,
        case=case,
        kind="release",
        organisation=cw.exit,
        professional="Exit counsellor",
        recipients=recipients,
        categories=cats,
        purpose="Coordinate support",
        given_by="client",
        form="written",
        given_on=TODAY(),
    )


# --- stages ---------------------------------------------------------------------------------


def test_the_lists_of_moves_are_complete() -> None:
    assert len(FORBIDDEN) + len(ALLOWED) + len(TRIAGE_MOVES) == len(Stage) ** 2
    assert len(FORBIDDEN) > 100


def test_every_forbidden_move_is_refused_and_the_stage_stays(cw: CaseWorld) -> None:
    case = cw.accepted()
    before = moved_events(case)
    for here, there in FORBIDDEN:
        put(case, here)
        with pytest.raises(REFUSED):
            services.case_move(actor=cw.manager, case=case, target=there, code=code_for(there))
        if there == Stage.TRIAGE:  # the way triage moves
            with pytest.raises(REFUSED):
                services.triage_start(actor=cw.manager, case=case)
        case.refresh_from_db()
        assert case.stage == here.value, (here, there)
    assert moved_events(case) == before


def test_triage_refuses_forbidden_outcomes_and_stages(cw: CaseWorld) -> None:
    case = cw.accepted()
    for here in Stage:
        if here in (Stage.REFERRED, Stage.TRIAGE):
            continue
        put(case, here)
        for outcome in ("accepted", "rejected", "redirected"):
            with pytest.raises(REFUSED):
                services.triage_decide(
                    actor=cw.manager,
                    case=case,
                    outcome=outcome,
                    code=code_for(Stage(outcome)),
                    lead_organisation=cw.exit,
                    case_manager=cw.manager,
                    purpose="p",
                )
            case.refresh_from_db()
            assert case.stage == here.value
    put(case, Stage.TRIAGE)
    with pytest.raises(ValidationFailed):
        services.triage_decide(actor=cw.manager, case=case, outcome="closed")
    with pytest.raises(REFUSED):
        services.triage_start(actor=cw.manager, case=case)


@pytest.mark.parametrize(("here", "there"), ALLOWED, ids=lambda s: s.value)
def test_every_allowed_move_is_made_and_audited(cw: CaseWorld, here: Stage, there: Stage) -> None:
    case = put(cw.accepted(), here)
    before, changes = moved_events(case), case.stage_changes.count()
    services.case_move(actor=cw.manager, case=case, target=there, code=code_for(there))
    case.refresh_from_db()
    assert case.stage == there.value
    assert moved_events(case) == before + 1
    assert case.stage_changes.count() == changes + 1
    assert case.stage_changes.filter(from_stage=here.value, to_stage=there.value).exists()


def test_triage_moves_are_audited(cw: CaseWorld) -> None:
    for outcome in ("accepted", "rejected", "redirected"):
        case = services.triage_start(actor=cw.manager, case=cw.referral())
        assert moved_events(case) == 1
        services.triage_decide(
            actor=cw.manager,
            case=case,
            outcome=outcome,
            code=code_for(Stage(outcome)),
            lead_organisation=cw.exit,
            case_manager=cw.manager,
            purpose="Support",
        )
        case.refresh_from_db()
        assert case.stage == outcome
        assert moved_events(case) == 2


def test_closing_needs_a_reason_code(cw: CaseWorld) -> None:
    case = cw.accepted()
    with pytest.raises(ValidationFailed):
        services.case_move(actor=cw.manager, case=case, target="closed")
    with pytest.raises(ValidationFailed):
        services.case_move(actor=cw.manager, case=case, target="closed", code="no-such-code")
    case.refresh_from_db()
    assert case.stage == Stage.ACCEPTED.value
    code = code_for(Stage.CLOSED)
    services.case_move(actor=cw.manager, case=case, target="closed", code=code)
    case.refresh_from_db()
    assert (case.stage, case.closed_code) == ("closed", code)


def test_only_the_lead_moves_a_case(cw: CaseWorld) -> None:
    case = cw.working()
    for user in (cw.youth_worker, cw.officer, cw.coordinator, cw.teacher, cw.counsellor):
        with pytest.raises(REFUSED):
            services.case_move(actor=user, case=case, target="information_gathering")
    case.refresh_from_db()
    assert case.stage == Stage.ACCEPTED.value


# --- a recipient never passes information on ----------------------------------------------


def test_a_recipient_cannot_reshare(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case)
    share(cw, case, note, [cw.youth])
    assert sees(cw.youth_worker, case, note)
    assert not can(cw.youth_worker, Action.SHARED_SHARE, note)
    assert not can(cw.youth_worker, Action.SHARED_END, note)
    with pytest.raises(Forbidden):
        require(cw.youth_worker, Action.SHARED_SHARE, note)
    with pytest.raises(Forbidden):
        services.item_share(
            actor=cw.youth_worker,
            case=case,
            item=note,
            organisations=[cw.housing],
            purpose="p",
            basis="protocol",
            client_informed=True,
        )
    assert not sees(cw.housing_worker, case, note)
    # it may ask the origin instead
    request = services.share_request(
        actor=cw.youth_worker, note=note, to_organisation=cw.housing, reason="Housing needs it"
    )
    assert request.to_organisation == cw.housing
    assert list(selectors.share_requests_to(user=cw.counsellor, case=case)) == [request]
    assert not sees(cw.housing_worker, case, note)
    decision = ShareDecision.objects.get(case=case)
    with pytest.raises(Forbidden):
        services.decision_end(actor=cw.youth_worker, decision=decision)


# --- imminent danger -------------------------------------------------------------------------


def danger(
    cw: CaseWorld, case: Case, note: CaseNote, reason: str = "He named a target"
) -> ShareDecision:
    return share(
        cw,
        case,
        note,
        [cw.police],
        basis="danger",
        reason=reason,
        client_informed=False,
        not_informed_reason="Informing him would endanger the target",
    )


def test_imminent_danger_needs_a_reason_and_overrides_secrecy_and_protocol(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case, secrecy="professional", category="ideology")  # no row to the police
    with pytest.raises(ValidationFailed):
        danger(cw, case, note, reason="  ")
    with pytest.raises(ValidationFailed):
        share(cw, case, note, [cw.police])
    decision = danger(cw, case, note)
    assert decision.basis_kind == "danger"
    assert sees(cw.officer, case, note)
    assert not sees(cw.youth_worker, case, note)


def test_danger_confirmed_by_a_second_person_within_24_hours(cw: CaseWorld) -> None:
    case = cw.working()
    decision = danger(cw, case, cw.note(case))
    assert list(selectors.danger_to_confirm(user=cw.manager)) == [decision]
    assert list(selectors.danger_to_confirm(user=cw.counsellor)) == []
    with pytest.raises(Forbidden):
        services.danger_confirm(actor=cw.counsellor, decision=decision)
    with pytest.raises(REFUSED):
        services.danger_confirm(actor=cw.officer, decision=decision)
    confirmed = services.danger_confirm(actor=cw.manager, decision=decision)
    assert confirmed.confirmed_by == cw.manager
    assert AuditEvent.objects.filter(action="case.danger_confirmed").count() == 1
    with pytest.raises(Conflict):
        services.danger_confirm(actor=cw.manager, decision=decision)
    # confirmed in time: never in the DPO's queue, even later
    later = timezone.now() + datetime.timedelta(hours=30)
    assert not ShareDecision.objects.filter(services.dpo_queue_q(later)).exists()


def test_danger_unconfirmed_after_24_hours_goes_to_the_dpo(cw: CaseWorld) -> None:
    case = cw.working()
    decision = danger(cw, case, cw.note(case))
    assert not ShareDecision.objects.filter(services.dpo_queue_q()).exists()
    ShareDecision.objects.filter(pk=decision.pk).update(
        decided_at=timezone.now() - datetime.timedelta(hours=25)
    )
    decision.refresh_from_db()
    with pytest.raises(Conflict):
        services.danger_confirm(actor=cw.manager, decision=decision)
    assert list(ShareDecision.objects.filter(services.dpo_queue_q())) == [decision]
    assert [d.pk for d in selectors.dpo_queue().danger] == [decision.pk]
    assert list(selectors.danger_to_confirm(user=cw.manager)) == []
    with pytest.raises(Forbidden):
        services.danger_review(actor=cw.manager, decision=decision, note="fine")
    services.danger_review(actor=cw.dpo, decision=decision, note="Not justified", end=True)
    assert not ShareDecision.objects.filter(services.dpo_queue_q()).exists()
    assert not sees(cw.officer, case, CaseNote.objects.get(case=case))


# --- expiry, withdrawal, leaving ---------------------------------------------------------------


def test_expiry_narrows_the_audience(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case)
    with pytest.raises(ValidationFailed):
        share(cw, case, note, [cw.youth], ends_at=timezone.now() - datetime.timedelta(hours=1))
    decision = share(
        cw, case, note, [cw.youth], ends_at=timezone.now() + datetime.timedelta(days=7)
    )
    assert sees(cw.youth_worker, case, note)
    past = timezone.now() - datetime.timedelta(seconds=1)
    NoteAudience.objects.filter(decision=decision).update(ends_at=past)
    assert not sees(cw.youth_worker, case, note)
    assert sees(cw.counsellor, case, note)
    # the origin's ledger still says it went there; the recipient's drops it, title and all
    assert decision in selectors.ledger(user=cw.counsellor, case=case)
    assert decision not in selectors.ledger(user=cw.youth_worker, case=case)


def test_withdrawal_ends_every_row_and_lists_the_decisions(cw: CaseWorld) -> None:
    case = cw.working()
    first, second = cw.note(case, secrecy="professional"), cw.note(case)
    consent = release(cw, case, [cw.youth, cw.police], ["situation"])
    d1 = share(cw, case, first, [cw.youth, cw.police], basis="consent", consent=consent)
    d2 = share(cw, case, second, [cw.police], basis="consent", consent=consent)
    d3 = share(cw, case, second, [cw.youth])  # on the protocol: not affected
    assert sees(cw.officer, case, first) and sees(cw.youth_worker, case, first)
    with pytest.raises(REFUSED):
        services.consent_withdraw(actor=cw.youth_worker, consent=consent)
    decisions = services.consent_withdraw(actor=cw.counsellor, consent=consent, note="client")
    assert {d.pk for d in decisions} == {d1.pk, d2.pk}
    assert {o.pk for d in decisions for o in d.organisations.all()} == {cw.youth.pk, cw.police.pk}
    for user, note in ((cw.officer, first), (cw.youth_worker, first), (cw.officer, second)):
        assert not sees(user, case, note)
    assert sees(cw.youth_worker, case, second)
    assert NoteAudience.objects.filter(decision__in=[d1, d2], ended_at__isnull=True).count() == 0
    assert NoteAudience.objects.get(decision=d3).ended_at is None
    # no further sharing on it
    with pytest.raises(ValidationFailed):
        share(cw, case, first, [cw.youth], basis="consent", consent=consent)
    with pytest.raises(Conflict):
        services.consent_withdraw(actor=cw.counsellor, consent=consent)


def test_a_leaving_participant_loses_shares_and_keeps_its_own_notes(cw: CaseWorld) -> None:
    case = cw.working(name="Max Muster", birth_date="2006-03-01")
    theirs = services.note_create(
        actor=cw.youth_worker,
        case=case,
        organisation=cw.youth,
        title="Home visit",
        text="Family is worried",
        category="family",
        secrecy="social_data",
    )
    ours = cw.note(case)
    share(cw, case, ours, [cw.youth])
    identity = selectors.identity_for(user=cw.manager, case=case)
    assert identity is not None
    consent = services.consent_record(
        actor=cw.counsellor,
        case=case,
        kind="sharing",
        organisation=cw.exit,
        recipients=[cw.youth],
        categories=["identity"],
        purpose="Home visits",
        given_by="client",
        form="electronic",
        given_on=TODAY(),
    )
    share(cw, case, identity, [cw.youth], basis="consent", consent=consent)  # type: ignore[arg-type]
    assert selectors.identity_for(user=cw.youth_worker, case=case) is not None
    ended = services.participant_remove(
        actor=cw.manager, case=case, organisation=cw.youth, reason="Help ended"
    )
    assert ended == 2
    forget(cw.youth_worker)
    assert not sees(cw.youth_worker, case, ours)
    assert selectors.identity_for(user=cw.youth_worker, case=case) is None
    assert may_see(cw.youth_worker, theirs)
    assert CaseNote.objects.get(pk=theirs.pk).origin_organisation == cw.youth
    assert not can(cw.youth_worker, Action.CASE_VIEW, case)
    assert case not in selectors.cases_for(user=cw.youth_worker, team=cw.team)
    with pytest.raises(ValidationFailed):
        share(cw, case, ours, [cw.youth])
    with pytest.raises(Conflict):
        services.participant_remove(actor=cw.manager, case=case, organisation=cw.exit, reason="x")


# --- transfer --------------------------------------------------------------------------------


def test_transfer_records_what_went_along_and_the_identity_moves(cw: CaseWorld) -> None:
    case = cw.working(name="Max Muster", birth_date="2006-03-01")
    note = cw.note(case)
    transfer = services.case_transfer(
        actor=cw.manager,
        case=case,
        to_organisation=cw.youth,
        reason="Youth welfare leads now",
        case_manager=cw.youth_worker,
    )
    assert isinstance(transfer, Transfer)
    assert transfer.carried["identity"] is True and transfer.carried["case"] is True
    assert (transfer.from_organisation, transfer.to_organisation) == (cw.exit, cw.youth)
    case.refresh_from_db()
    assert (case.lead_organisation, case.case_manager) == (cw.youth, cw.youth_worker)
    identity = ClientIdentity.objects.get(client=case.client)
    assert identity.origin_organisation == cw.youth
    forget(cw.manager)
    assert selectors.identity_for(user=cw.youth_worker, case=case) is not None
    assert selectors.identity_for(user=cw.manager, case=case) is None
    # the note stays with the organisation that recorded it
    assert may_see(cw.counsellor, note) and not may_see(cw.youth_worker, note)
    assert can(cw.youth_worker, Action.CASE_MANAGE, case)
    assert not can(cw.manager, Action.CASE_MANAGE, case)
    assert AuditEvent.objects.filter(action="case.transferred", object_id=str(case.pk)).exists()


# --- family-only, minors, restriction, roles ----------------------------------------------------


def test_a_family_only_referral_has_no_identity_and_is_never_matched(cw: CaseWorld) -> None:
    with pytest.raises(ValidationFailed):
        cw.referral(family_only=True, name="Max Muster", birth_date="2006-03-01")
    family = cw.accepted(family_only=True)
    assert family.client.kind == ClientKind.THIRD_PARTY
    assert not ClientIdentity.objects.filter(client=family.client).exists()
    with pytest.raises(Conflict):
        services.identity_set(actor=cw.manager, case=family, name="Max Muster")
    assert services.identity_search(actor=cw.manager, team=cw.team, name="Max Muster") == []
    cw.referral(name="Max Muster", birth_date="2006-03-01")
    assert not MatchNotice.objects.filter(case=family).exists()
    assert selectors.match_notices(case=family) == []


def test_a_minors_own_consent_needs_capacity_recorded(cw: CaseWorld) -> None:
    case = cw.accepted(age_band="14_17")
    values: dict[str, object] = {
        "actor": cw.counsellor,
        "case": case,
        "kind": "participation",
        "organisation": cw.exit,
        "purpose": "Support",
        "form": "written",
        "given_on": TODAY(),
    }
    for giver in ("client", "both"):
        with pytest.raises(ValidationFailed):
            services.consent_record(**values, given_by=giver)  # type: ignore[arg-type]
    services.consent_record(**values, given_by="guardian")  # type: ignore[arg-type]
    with pytest.raises(REFUSED):
        services.capacity_set(actor=cw.youth_worker, case=case, capacity=True, note="x")
    with pytest.raises(ValidationFailed):
        services.capacity_set(actor=cw.manager, case=case, capacity=True, note="")
    services.capacity_set(
        actor=cw.manager, case=case, capacity=True, note="Talked with her; she understands"
    )
    case.client.refresh_from_db()
    assert case.client.capacity_to_consent is True
    services.consent_record(**values, given_by="client")  # type: ignore[arg-type]
    services.capacity_set(actor=cw.manager, case=case, capacity=False, note="Reassessed")
    case.client.refresh_from_db()
    with pytest.raises(ValidationFailed):
        services.consent_record(**values, given_by="client")  # type: ignore[arg-type]
    adult = cw.accepted()
    with pytest.raises(Conflict):
        services.capacity_set(actor=cw.manager, case=adult, capacity=True, note="n/a")
    with pytest.raises(ValidationFailed):
        services.consent_record(**{**values, "case": adult}, given_by="guardian")  # type: ignore[arg-type]


def test_restriction_blocks_notes_and_shares_but_not_a_danger_share(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case)
    request = services.restriction_request(
        actor=cw.counsellor, case=case, reason="Client asked to restrict"
    )
    assert request in selectors.dpo_queue().restrictions
    with pytest.raises(Forbidden):
        services.restriction_decide(actor=cw.manager, request=request, grant=True)
    services.restriction_decide(actor=cw.dpo, request=request, grant=True)
    case = Case.objects.select_related("client").get(pk=case.pk)
    assert case.client.is_restricted
    assert request not in selectors.dpo_queue().restrictions
    with pytest.raises(Conflict):
        cw.note(case)
    with pytest.raises(ValidationFailed):
        share(cw, case, note, [cw.youth])
    with pytest.raises(Conflict):
        services.participant_add(actor=cw.manager, case=case, organisation=cw.school, reason="r")
    with pytest.raises(Conflict):
        services.case_move(actor=cw.manager, case=case, target="information_gathering")
    assert not sees(cw.youth_worker, case, note)
    danger(cw, case, note)
    assert sees(cw.officer, case, note)
    services.restriction_lift(actor=cw.dpo, case=case, note="Court decided")
    case = Case.objects.select_related("client").get(pk=case.pk)
    share(cw, case, note, [cw.youth])
    assert sees(cw.youth_worker, case, note)


def test_a_coordinator_by_role_reaches_no_case(cw: CaseWorld) -> None:
    case = cw.accepted()  # housing (the coordinator's organisation) does not take part
    note = cw.note(case)
    for action in (Action.CASE_FIND, Action.CASE_VIEW, Action.CASE_WORK, Action.CASE_MANAGE):
        assert not can(cw.coordinator, action, case), action
    assert not can(cw.coordinator, Action.CASE_ACCESS_LOG, case)
    assert not can(cw.coordinator, Action.CASE_TRIAGE, cw.team)
    assert list(selectors.cases_for(user=cw.coordinator, team=cw.team)) == []
    with pytest.raises(NotFound):
        selectors.case_get(user=cw.coordinator, pk=case.pk)
    assert not may_see(cw.coordinator, note)
    assert list(selectors.notes_for(user=cw.coordinator, case=case)) == []
    with pytest.raises(REFUSED):
        services.note_create(
            actor=cw.coordinator,
            case=case,
            organisation=cw.housing,
            title="t",
            text="x",
            category="situation",
            secrecy="none",
        )
    # through participation, never by role: housing joins, the coordinator sees the case only
    services.participant_add(actor=cw.manager, case=case, organisation=cw.housing, reason="r")
    forget(cw.coordinator)
    assert can(cw.coordinator, Action.CASE_VIEW, case)
    assert not can(cw.coordinator, Action.CASE_MANAGE, case)
    assert not may_see(cw.coordinator, note)
    assert selectors.identity_for(user=cw.coordinator, case=case) is None


def test_the_referrer_sees_the_status_only(cw: CaseWorld) -> None:
    case = cw.accepted(name="Max Muster")
    assert can(cw.teacher, Action.CASE_REFERRAL_STATUS, case)
    assert can(cw.teacher, Action.CASE_FIND, case)
    assert not can(cw.teacher, Action.CASE_VIEW, case)
    assert list(selectors.referrals_sent(user=cw.teacher, team=cw.team)) == [case]
    assert list(selectors.cases_for(user=cw.teacher, team=cw.team)) == []
    assert selectors.identity_for(user=cw.teacher, case=case) is None
    assert Client.objects.get(pk=case.client_id).kind == ClientKind.PERSON
