"""The oracle for case sharing: a hand-written truth table, not computed from the code.

Each row is one scenario on a fresh case world (tests/cases/conftest.py): exit counselling
leads the case and records a note of category "health" with the row's secrecy; the team's
protocol has the row's rule for health data from exit counselling to the receiving
organisation (or no row); the receiving organisation is the police (a security actor) or the
youth office (not one). Then, in this order:

1. participation: the receiver is added to the case ("yes", "left" = added, then left before
   the share, "left_after" = added, left after the share) or never ("no");
2. consent, recorded by exit counselling for the client, then used as the basis where the row
   says "consent": "none", "release" (release from confidentiality covering health data and
   the receiver), "release_other_category" (covers situation data only), "release_other_org"
   (names the housing association, not the receiver), "sharing" / "sharing_other_category"
   (a GDPR consent to share), "agreement" (agreement to take part in support only),
   "withdrawn" (a covering release, withdrawn before the share), "withdrawn_after" (a
   covering release, withdrawn after the share);
3. basis the counsellor names: "protocol", "consent", "statute" (§ 34 StGB), "statute_blank"
   (no statute named), "danger" (imminent danger, with a written reason), "danger_blank";
4. audience: "not_shared" (nobody shares), "shared", "ended" (shared, then the decision is
   ended), "expired" (shared with an expiry that has since passed).

Expected: (a) whether ``services.item_share`` succeeds (None where nobody tries), and (b)
whether a member of the receiving organisation reads the note afterwards, asked three ways
that must agree: ``selectors.notes_for``, ``sharing.items.may_see`` and ``can(SHARED_VIEW)``.

The rules the expectations come from (DOMAIN.md "Rules icommit enforces in code", issue 13):
nothing goes to an organisation not taking part now; the protocol's "never" and a missing row
refuse everything but imminent danger with a written reason; "with consent" needs a consent
or release covering category and recipient, "with a recorded legal basis" a named statute;
rule 4: a note by someone bound by professional secrecy (or social-data protection) leaves
the organisation only with a release covering category and recipient, or a statute — towards
anyone, security actor or not, and "always" does not lift it; official secrecy is not a bar
where a transmission is allowed; an agreement to take part is never a basis for sharing. And
one rule of the team's protocol (sharing.decision): exit counselling has no role profile, so
it counts as bound by secrecy, and "always" from it towards a security actor counts as "with
consent" — so the police never receive anything on the protocol alone.
"""

from __future__ import annotations

import datetime
import inspect
from typing import NamedTuple

import pytest
from django.utils import timezone

from icommit.access import Action, can
from icommit.access.facts import forget
from icommit.cases import selectors, services
from icommit.cases.content import legal_basis
from icommit.cases.models import Case, Consent, NoteAudience, ShareDecision
from icommit.core.exceptions import Conflict, Forbidden, ValidationFailed
from icommit.sharing.items import may_see
from icommit.sharing.services import protocol_row_create
from icommit.stakeholders.models import Organisation
from tests.cases.conftest import TODAY, CaseWorld

pytestmark = pytest.mark.django_db

CATEGORY = "health"
OK, NO, UNTRIED = True, False, None
SEES, BLIND = True, False


class Row(NamedTuple):
    receiver: str  # "security" (police) or "other" (youth office)
    participation: str  # yes / no / left / left_after
    consent: str
    basis: str
    audience: str  # not_shared / shared / ended / expired
    secrecy: str  # none / professional / official / social_data
    protocol: str  # always / consent / legal_basis / never / none (no row)
    allowed: bool | None
    reads: bool


# fmt: off
# receiver, participation, consent, basis, audience, secrecy, protocol -> allowed, reads
TABLE: list[Row] = [
    # --- "always", not a security actor: the protocol is enough unless secrecy binds -------
    Row("other", "yes", "none", "protocol", "shared", "none", "always", OK, SEES),
    Row("other", "yes", "none", "protocol", "shared", "official", "always", OK, SEES),
    Row("other", "yes", "none", "protocol", "shared", "professional", "always", NO, BLIND),
    Row("other", "yes", "none", "protocol", "shared", "social_data", "always", NO, BLIND),
    Row("other", "yes", "none", "protocol", "not_shared", "none", "always", UNTRIED, BLIND),
    Row("other", "yes", "release", "consent", "shared", "professional", "always", OK, SEES),
    Row("other", "yes", "release", "consent", "shared", "social_data", "always", OK, SEES),
    Row("other", "yes", "sharing", "consent", "shared", "professional", "always", NO, BLIND),
    Row("other", "yes", "sharing", "consent", "shared", "none", "always", OK, SEES),
    Row("other", "yes", "release_other_org", "consent", "shared", "professional", "always", NO, BLIND),  # noqa: E501
    Row("other", "yes", "release_other_category", "consent", "shared", "professional", "always", NO, BLIND),  # noqa: E501
    Row("other", "yes", "agreement", "consent", "shared", "professional", "always", NO, BLIND),
    Row("other", "yes", "agreement", "consent", "shared", "none", "always", NO, BLIND),
    Row("other", "yes", "none", "statute", "shared", "professional", "always", OK, SEES),
    Row("other", "yes", "none", "statute_blank", "shared", "professional", "always", NO, BLIND),
    Row("other", "yes", "none", "consent", "shared", "none", "always", NO, BLIND),
    # participation, end and expiry
    Row("other", "no", "none", "protocol", "shared", "none", "always", NO, BLIND),
    Row("other", "no", "none", "protocol", "not_shared", "none", "always", UNTRIED, BLIND),
    Row("other", "left", "none", "protocol", "shared", "none", "always", NO, BLIND),
    Row("other", "left_after", "none", "protocol", "shared", "none", "always", OK, BLIND),
    Row("other", "yes", "none", "protocol", "ended", "none", "always", OK, BLIND),
    Row("other", "yes", "none", "protocol", "expired", "none", "always", OK, BLIND),
    Row("other", "yes", "withdrawn_after", "consent", "shared", "professional", "always", OK, BLIND),  # noqa: E501
    # --- "always" towards the police: counts as "with consent" (exit counselling is bound) -
    Row("security", "yes", "none", "protocol", "shared", "none", "always", NO, BLIND),
    Row("security", "yes", "none", "protocol", "shared", "official", "always", NO, BLIND),
    Row("security", "yes", "sharing", "consent", "shared", "none", "always", OK, SEES),
    Row("security", "yes", "release", "consent", "shared", "professional", "always", OK, SEES),
    Row("security", "yes", "sharing", "consent", "shared", "professional", "always", NO, BLIND),
    Row("security", "yes", "none", "statute", "shared", "professional", "always", NO, BLIND),
    Row("security", "yes", "withdrawn", "consent", "shared", "professional", "always", NO, BLIND),
    Row("security", "yes", "none", "protocol", "not_shared", "professional", "always", UNTRIED, BLIND),  # noqa: E501
    Row("security", "left", "none", "danger", "shared", "none", "always", NO, BLIND),
    # --- "with consent" --------------------------------------------------------------------
    Row("other", "yes", "sharing", "consent", "shared", "none", "consent", OK, SEES),
    Row("other", "yes", "release", "consent", "shared", "none", "consent", OK, SEES),
    Row("other", "yes", "release", "consent", "shared", "official", "consent", OK, SEES),
    Row("other", "yes", "release_other_category", "consent", "shared", "none", "consent", NO, BLIND),  # noqa: E501
    Row("other", "yes", "release_other_org", "consent", "shared", "none", "consent", NO, BLIND),
    Row("other", "yes", "agreement", "consent", "shared", "none", "consent", NO, BLIND),
    Row("other", "yes", "withdrawn", "consent", "shared", "none", "consent", NO, BLIND),
    Row("other", "yes", "withdrawn_after", "consent", "shared", "none", "consent", OK, BLIND),
    Row("other", "yes", "none", "consent", "shared", "none", "consent", NO, BLIND),
    Row("other", "yes", "none", "protocol", "shared", "none", "consent", NO, BLIND),
    Row("other", "yes", "none", "statute", "shared", "none", "consent", NO, BLIND),
    Row("other", "yes", "sharing", "consent", "shared", "professional", "consent", NO, BLIND),
    Row("security", "yes", "sharing", "consent", "shared", "none", "consent", OK, SEES),
    Row("security", "yes", "sharing", "consent", "shared", "official", "consent", OK, SEES),
    Row("security", "yes", "release", "consent", "shared", "professional", "consent", OK, SEES),
    Row("security", "yes", "sharing", "consent", "shared", "professional", "consent", NO, BLIND),
    Row("security", "yes", "release_other_category", "consent", "shared", "professional", "consent", NO, BLIND),  # noqa: E501
    Row("security", "yes", "sharing_other_category", "consent", "shared", "none", "consent", NO, BLIND),  # noqa: E501
    Row("security", "yes", "agreement", "consent", "shared", "none", "consent", NO, BLIND),
    Row("security", "yes", "withdrawn_after", "consent", "shared", "professional", "consent", OK, BLIND),  # noqa: E501
    Row("security", "yes", "release", "consent", "ended", "professional", "consent", OK, BLIND),
    Row("security", "yes", "release", "consent", "expired", "professional", "consent", OK, BLIND),
    Row("security", "no", "release", "consent", "shared", "professional", "consent", NO, BLIND),
    Row("security", "left_after", "release", "consent", "shared", "none", "consent", OK, BLIND),
    Row("security", "yes", "release", "consent", "not_shared", "none", "consent", UNTRIED, BLIND),
    # --- "with a recorded legal basis" -----------------------------------------------------
    Row("other", "yes", "none", "statute", "shared", "none", "legal_basis", OK, SEES),
    Row("other", "yes", "none", "statute", "shared", "professional", "legal_basis", OK, SEES),
    Row("other", "yes", "release", "consent", "shared", "professional", "legal_basis", NO, BLIND),
    Row("other", "yes", "none", "protocol", "shared", "none", "legal_basis", NO, BLIND),
    Row("other", "left", "none", "statute", "shared", "none", "legal_basis", NO, BLIND),
    Row("security", "yes", "none", "statute", "shared", "professional", "legal_basis", OK, SEES),
    Row("security", "yes", "none", "statute", "shared", "official", "legal_basis", OK, SEES),
    Row("security", "yes", "none", "statute_blank", "shared", "none", "legal_basis", NO, BLIND),
    Row("security", "yes", "none", "protocol", "shared", "none", "legal_basis", NO, BLIND),
    Row("security", "yes", "sharing", "consent", "shared", "none", "legal_basis", NO, BLIND),
    Row("security", "yes", "none", "statute", "expired", "none", "legal_basis", OK, BLIND),
    Row("security", "yes", "none", "statute", "ended", "professional", "legal_basis", OK, BLIND),
    Row("security", "left_after", "none", "statute", "shared", "official", "legal_basis", OK, BLIND),  # noqa: E501
    # --- "never": refused, except imminent danger -------------------------------------------
    Row("other", "yes", "release", "consent", "shared", "professional", "never", NO, BLIND),
    Row("other", "yes", "sharing", "consent", "shared", "official", "never", NO, BLIND),
    Row("other", "yes", "none", "protocol", "shared", "none", "never", NO, BLIND),
    Row("security", "yes", "none", "statute", "shared", "none", "never", NO, BLIND),
    Row("security", "yes", "none", "danger", "shared", "professional", "never", OK, SEES),
    Row("security", "yes", "none", "danger_blank", "shared", "professional", "never", NO, BLIND),
    Row("security", "no", "none", "danger", "shared", "none", "never", NO, BLIND),
    Row("security", "yes", "none", "protocol", "not_shared", "none", "never", UNTRIED, BLIND),
    # --- no row: nothing agreed, nothing flows, except imminent danger ----------------------
    Row("security", "yes", "release", "consent", "shared", "none", "none", NO, BLIND),
    Row("security", "yes", "none", "statute", "shared", "professional", "none", NO, BLIND),
    Row("security", "yes", "none", "danger", "shared", "professional", "none", OK, SEES),
    Row("security", "yes", "none", "danger", "ended", "professional", "none", OK, BLIND),
    Row("other", "yes", "none", "protocol", "shared", "none", "none", NO, BLIND),
    Row("other", "yes", "sharing", "consent", "shared", "official", "none", NO, BLIND),
    Row("other", "yes", "none", "danger", "shared", "none", "none", OK, SEES),
    Row("other", "yes", "none", "danger", "expired", "official", "none", OK, BLIND),
    Row("other", "no", "none", "danger", "shared", "professional", "none", NO, BLIND),
]
# fmt: on


def test_the_table_covers_every_value_of_every_dimension() -> None:
    assert len(TABLE) >= 60
    values = {
        "receiver": {"security", "other"},
        "participation": {"yes", "no", "left", "left_after"},
        "consent": {
            "none",
            "release",
            "release_other_category",
            "release_other_org",
            "sharing",
            "sharing_other_category",
            "agreement",
            "withdrawn",
            "withdrawn_after",
        },
        "basis": {"protocol", "consent", "statute", "statute_blank", "danger", "danger_blank"},
        "audience": {"not_shared", "shared", "ended", "expired"},
        "secrecy": {"none", "professional", "official", "social_data"},
        "protocol": {"always", "consent", "legal_basis", "never", "none"},
    }
    for name, wanted in values.items():
        assert {getattr(r, name) for r in TABLE} == wanted, name
    # both outcomes for each receiver kind and each secrecy, and no row twice
    for kind in ("security", "other"):
        assert {r.reads for r in TABLE if r.receiver == kind} == {True, False}
    for secrecy in ("none", "professional", "official"):
        assert {r.reads for r in TABLE if r.secrecy == secrecy} == {True, False}
    assert len(set(TABLE)) == len(TABLE)
    # a row that cannot be read when its share succeeded says why (ended, expired, left, gone)
    for r in TABLE:
        if r.allowed and not r.reads:
            assert (
                r.audience in ("ended", "expired")
                or r.participation == "left_after"
                or (r.consent == "withdrawn_after")
            ), r


def _consent(cw: CaseWorld, case: Case, row: Row, receiver: Organisation) -> Consent | None:
    kind = {
        "release": "release",
        "release_other_category": "release",
        "release_other_org": "release",
        "withdrawn": "release",
        "withdrawn_after": "release",
        "sharing": "sharing",
        "sharing_other_category": "sharing",
        "agreement": "participation",
    }.get(row.consent)
    if kind is None:
        return None
    recipients = [cw.housing if row.consent == "release_other_org" else receiver]
    categories = ["situation"] if row.consent.endswith("other_category") else [CATEGORY]
    consent = services.consent_record(
        actor=cw.counsellor,
        case=case,
        kind=kind,
        organisation=cw.exit,
        professional="Exit counsellor" if kind == "release" else "",
        recipients=recipients if kind != "participation" else [],
        categories=categories if kind != "participation" else [],
        purpose="Coordinate support",
        given_by="client",
        form="written",
        given_on=TODAY(),
    )
    if row.consent == "withdrawn":
        services.consent_withdraw(actor=cw.counsellor, consent=consent)
        consent.refresh_from_db()
    return consent


def run(cw: CaseWorld, row: Row) -> tuple[bool | None, dict[str, bool]]:
    """Play the row; return whether the share succeeded and what the three checks say."""
    security = row.receiver == "security"
    receiver = cw.police if security else cw.youth
    reader = cw.officer if security else cw.youth_worker
    assert receiver.is_security is security
    case = cw.accepted()
    if row.protocol != "none":
        cw.row(receiver, CATEGORY, row.protocol, "§ 1 Test statute")
    if row.participation != "no":
        services.participant_add(actor=cw.manager, case=case, organisation=receiver, reason="r")
    if row.participation == "left":
        services.participant_remove(
            actor=cw.manager, case=case, organisation=receiver, reason="done"
        )
    note = cw.note(case, secrecy=row.secrecy, category=CATEGORY, text="Medication and therapy")
    consent = _consent(cw, case, row, receiver)
    allowed: bool | None = None
    if row.audience != "not_shared":
        basis = row.basis.removesuffix("_blank")
        try:
            decision = services.item_share(
                actor=cw.counsellor,
                case=case,
                item=note,
                organisations=[receiver],
                purpose="Coordinate support",
                basis=basis,
                consent=consent if basis == "consent" else None,
                statute="§ 34 StGB" if row.basis == "statute" else "",
                reason="Announced an attack tomorrow" if row.basis == "danger" else "",
                client_informed=True,
                ends_at=timezone.now() + datetime.timedelta(hours=1)
                if row.audience == "expired"
                else None,
            )
        except (ValidationFailed, Conflict, Forbidden):
            allowed = False
        else:
            allowed = True
            if row.audience == "ended":
                services.decision_end(actor=cw.counsellor, decision=decision)
            if row.audience == "expired":
                past = timezone.now() - datetime.timedelta(minutes=1)
                ShareDecision.objects.filter(pk=decision.pk).update(ends_at=past)
                NoteAudience.objects.filter(decision=decision).update(ends_at=past)
            if row.consent == "withdrawn_after":
                assert consent is not None
                services.consent_withdraw(actor=cw.counsellor, consent=consent)
            if row.participation == "left_after":
                services.participant_remove(
                    actor=cw.manager, case=case, organisation=receiver, reason="done"
                )
    forget(reader)
    checks = {
        "notes_for": selectors.notes_for(user=reader, case=case).filter(pk=note.pk).exists(),
        "may_see": may_see(reader, note),
        "can": can(reader, Action.SHARED_VIEW, note),
    }
    # the origin always reads its own note; the coordinator (housing) never by role
    assert may_see(cw.counsellor, note)
    assert not may_see(cw.coordinator, note)
    return allowed, checks


def _id(row: Row) -> str:
    return "-".join(row[:7])


@pytest.mark.parametrize("row", TABLE, ids=_id)
def test_the_code_agrees_with_the_oracle(cw: CaseWorld, row: Row) -> None:
    allowed, checks = run(cw, row)
    assert allowed is row.allowed, f"share: got {allowed}, table says {row.allowed}"
    assert set(checks.values()) == {row.reads}, f"reads: got {checks}, table says {row.reads}"


# --- a second table: items of a security actor, and statutory duties ---------------------------


class Flow(NamedTuple):
    origin: str  # "exit" (exit counselling) or "police" (a security actor)
    receiver: str  # "youth" or "police"
    category: str
    basis: str  # protocol / sharing / release / statute / danger / duty / duty_no_reason /
    #             permission (a provision from the country content that allows, not obliges)
    secrecy: str
    protocol: str
    audience: str  # shared / ended
    allowed: bool
    reads: bool


#: provisions of the German content: § 8a(4) SGB VIII (a duty exit counselling has for health
#: data, among others), § 138 StGB (a duty to report planned offences, risk data), § 4 KKG
#: (allows exit counselling to inform youth welfare about a child at risk)
CODES = {
    "exit": {"duty": "de_sgb8_8a_4", "permission": "de_kkg_4"},
    "police": {"duty": "de_stgb_138"},
}

# fmt: off
FLOWS: list[Flow] = [
    # items of the police (Directive 2016/680) never leave on consent, whatever the protocol
    Flow("police", "youth", "risk", "protocol", "none", "always", "shared", OK, SEES),
    Flow("police", "youth", "risk", "sharing", "none", "always", "shared", NO, BLIND),
    Flow("police", "youth", "risk", "sharing", "none", "consent", "shared", NO, BLIND),
    Flow("police", "youth", "risk", "release", "none", "consent", "shared", NO, BLIND),
    Flow("police", "youth", "risk", "statute", "official", "legal_basis", "shared", OK, SEES),
    Flow("police", "youth", "risk", "danger", "none", "never", "shared", OK, SEES),
    Flow("police", "youth", "risk", "duty", "none", "none", "shared", OK, SEES),
    Flow("police", "youth", "risk", "duty", "none", "never", "ended", OK, BLIND),
    # a statutory duty passes the protocol and secrecy, with a written reason
    Flow("exit", "police", "health", "duty", "professional", "never", "shared", OK, SEES),
    Flow("exit", "police", "health", "duty", "professional", "none", "shared", OK, SEES),
    Flow("exit", "youth", "health", "duty", "social_data", "consent", "shared", OK, SEES),
    Flow("exit", "police", "health", "duty_no_reason", "professional", "never", "shared", NO, BLIND),  # noqa: E501
    Flow("exit", "police", "health", "duty", "none", "none", "ended", OK, BLIND),
    # a provision that only allows does not pass a missing row or "never"
    Flow("exit", "youth", "health", "permission", "none", "none", "shared", NO, BLIND),
    Flow("exit", "youth", "health", "permission", "none", "never", "shared", NO, BLIND),
    Flow("exit", "youth", "health", "permission", "professional", "legal_basis", "shared", OK, SEES),  # noqa: E501
]
# fmt: on


def _statute(code: str) -> dict[str, str]:
    """The provision chosen from the content, as item_share takes it."""
    if "statute_code" in inspect.signature(services.item_share).parameters:
        return {"statute_code": code}
    found = legal_basis(code)
    assert found is not None
    return {"statute": found.statute}


def flow(cw: CaseWorld, row: Flow) -> tuple[bool, dict[str, bool]]:
    origin, receiver = getattr(cw, row.origin), getattr(cw, row.receiver)
    author = cw.counsellor if row.origin == "exit" else cw.officer
    reader = cw.youth_worker if row.receiver == "youth" else cw.officer
    case = cw.working()
    if row.protocol != "none":
        protocol_row_create(
            actor=cw.coordinator,
            team=cw.team,
            values={
                "from_organisation_id": origin.pk,
                "to_organisation_id": receiver.pk,
                "category": row.category,
                "rule": row.protocol,
                "legal_source": "§ 1 Test statute",
            },
        )
    note = services.note_create(
        actor=author,
        case=case,
        organisation=origin,
        title="Note",
        text="Recorded",
        category=row.category,
        secrecy=row.secrecy,
    )
    values: dict[str, object] = {"basis": row.basis}
    if row.basis in ("sharing", "release"):
        values = {
            "basis": "consent",
            "consent": services.consent_record(
                actor=author,
                case=case,
                kind=row.basis,
                organisation=origin,
                professional="Officer" if row.basis == "release" else "",
                recipients=[receiver],
                categories=[row.category],
                purpose="Coordinate support",
                given_by="client",
                form="written",
                given_on=TODAY(),
            ),
        }
    elif row.basis == "statute":
        values["statute"] = "§ 1 Test statute"
    elif row.basis == "danger":
        values["reason"] = "Named a target"
    elif row.basis.startswith(("duty", "permission")):
        values = {"basis": "statute", **_statute(CODES[row.origin][row.basis.split("_")[0]])}
        if row.basis != "duty_no_reason":
            values["reason"] = "The law obliges us to tell them"
    try:
        decision = services.item_share(
            actor=author,
            case=case,
            item=note,
            organisations=[receiver],
            purpose="Coordinate support",
            client_informed=True,
            **values,  # type: ignore[arg-type]
        )
    except (ValidationFailed, Conflict, Forbidden):
        allowed = False
    else:
        allowed = True
        if row.audience == "ended":
            services.decision_end(actor=author, decision=decision)
    forget(reader)
    return allowed, {
        "notes_for": selectors.notes_for(user=reader, case=case).filter(pk=note.pk).exists(),
        "may_see": may_see(reader, note),
        "can": can(reader, Action.SHARED_VIEW, note),
    }


def test_the_second_table_covers_its_values() -> None:
    assert {r.basis for r in FLOWS} >= {"protocol", "sharing", "release", "statute", "danger"}
    assert {r.basis for r in FLOWS} >= {"duty", "duty_no_reason", "permission"}
    assert {r.origin for r in FLOWS} == {"exit", "police"}
    assert len(set(FLOWS)) == len(FLOWS)


@pytest.mark.parametrize("row", FLOWS, ids=lambda r: "-".join(r[:7]))
def test_the_code_agrees_with_the_second_table(cw: CaseWorld, row: Flow) -> None:
    allowed, checks = flow(cw, row)
    assert allowed is row.allowed, f"share: got {allowed}, table says {row.allowed}"
    assert set(checks.values()) == {row.reads}, f"reads: got {checks}, table says {row.reads}"
