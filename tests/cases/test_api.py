"""The cases API: the same services and policy as the pages, errors in the common format.

The property under test besides each endpoint: no answer holds an item the caller may not read
(a note not shared with the caller's organisation, a case it does not take part in, a ledger
line it neither took nor received), and identity fields reach no organisation other than the
lead unless identity was shared with it.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icommit.accounts.models import User
from icommit.accounts.tokens import token_create
from icommit.cases import services
from icommit.cases.models import (
    AccessEntry,
    Case,
    CaseNote,
    Consent,
    MatchNotice,
    RestrictionRequest,
)
from icommit.cases.process import process
from tests.cases.conftest import TODAY, CaseWorld

pytestmark = pytest.mark.django_db

NAME = "Maximilian Mustermann"
BIRTH = "2005-04-03"


class Api:
    """A client that sends a personal bearer token of the user (write scope unless told)."""

    def __init__(self, user: User, scope: str = "write") -> None:
        _token, clear = token_create(actor=user, name="test", scope=scope)
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {clear}"}

    def call(self, method: str, url: str, body: object = None) -> Any:
        kwargs: dict[str, Any] = {"content_type": "application/json", **self.headers}
        if body is not None:
            kwargs["data"] = json.dumps(body)
        return getattr(self.client, method)(url, **kwargs)

    def get(self, url: str) -> Any:
        return self.call("get", url)

    def post(self, url: str, body: object = None) -> Any:
        return self.call("post", url, body if body is not None else {})


def _base(cw: CaseWorld) -> str:
    return f"/api/v1/teams/{cw.team.pk}/cases"


def _url(cw: CaseWorld, case: Case, rest: str = "") -> str:
    return f"{_base(cw)}/{case.pk}{rest}"


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def _error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["message"]
    if code is not None:
        assert body["code"] == code
    return body


def _items(response: Any) -> list[dict[str, Any]]:
    body = _ok(response)
    return body["items"] if isinstance(body, dict) else body


def _share_body(item: Any, *orgs: Any, **values: Any) -> dict[str, Any]:
    kind = "note" if isinstance(item, CaseNote) else "identity"
    return {
        "item_kind": kind,
        "item_id": str(item.pk),
        "organisation_ids": [o.pk for o in orgs],
        "purpose": "coordinate support",
        "basis": "protocol",
        "client_informed": True,
        **values,
    }


def _release(cw: CaseWorld, case: Case, *orgs: Any, categories: list[str]) -> Consent:
    return services.consent_record(
        actor=cw.counsellor,
        case=case,
        kind="release",
        organisation=cw.exit,
        professional="Exit counsellor",
        recipients=list(orgs),
        categories=categories,
        purpose="coordinate support",
        given_by="client",
        form="written",
        given_on=TODAY(),
    )


# --- referrals and triage -------------------------------------------------------------------------


REFERRAL = {
    "concern": "Talks about joining a group.",
    "gender": "male",
    "age_band": "18_20",
    "phenomenon": "vrwe",
    "setting": "community",
}


def test_a_referrer_sees_only_number_stage_and_date_of_its_referral(cw: CaseWorld) -> None:
    teacher = Api(cw.teacher)
    body = _ok(
        teacher.post(
            _base(cw) + "/referrals",
            {**REFERRAL, "name": NAME, "birth_date": BIRTH, "contact": "0151 000"},
        ),
        201,
    )
    assert set(body) == {"id", "number", "stage", "referred_at"}
    assert body["stage"] == "referred"
    case = Case.objects.get(pk=body["id"])
    assert case.referring_organisation == cw.school
    sent = _items(teacher.get(_base(cw) + "/referrals/sent"))
    assert [set(row) for row in sent] == [{"id", "number", "stage", "referred_at"}]
    assert sent[0]["id"] == str(case.pk)
    # the referring organisation does not open the case, and the case list holds nothing
    _error(teacher.get(_url(cw, case)), 403, "forbidden")
    _error(teacher.get(_url(cw, case, "/identity")), 403, "forbidden")
    assert _items(teacher.get(_base(cw))) == []
    # others' sent lists do not hold it
    assert _items(Api(cw.officer).get(_base(cw) + "/referrals/sent")) == []


def test_a_referral_with_bad_input_names_the_field_and_creates_nothing(cw: CaseWorld) -> None:
    teacher = Api(cw.teacher)
    body = _error(
        teacher.post(_base(cw) + "/referrals", {**REFERRAL, "gender": "x"}), 422, "invalid"
    )
    assert set(body["details"]) == {"gender"}
    family = {**REFERRAL, "family_only": True, "name": NAME}
    body = _error(teacher.post(_base(cw) + "/referrals", family), 422, "invalid")
    assert set(body["details"]) == {"name"}
    assert not Case.objects.exists()


def test_case_managers_triage_referrals_and_others_cannot(cw: CaseWorld) -> None:
    case = cw.referral(name=NAME, birth_date=BIRTH)
    manager = Api(cw.manager)
    [row] = _items(manager.get(_base(cw) + "/referrals"))
    assert row["id"] == str(case.pk) and row["concern"].startswith("Shares right-wing")
    assert row["referring_organisation"]["id"] == cw.school.pk
    assert NAME not in json.dumps(row)  # triage reads the concern, not who the person is
    _error(Api(cw.coordinator).get(_base(cw) + "/referrals"), 403, "forbidden")
    _error(Api(cw.counsellor).get(_base(cw) + "/referrals"), 403, "forbidden")
    # accepting needs a lead organisation of the team
    body = _error(
        manager.post(_url(cw, case, "/triage"), {"outcome": "accepted", "purpose": "p"}), 422
    )
    assert set(body["details"]) == {"lead_organisation_id"}
    body = _error(
        manager.post(
            _url(cw, case, "/triage"),
            {
                "outcome": "accepted",
                "purpose": "p",
                "lead_organisation_id": cw.exit.pk,
                "case_manager_id": cw.officer.pk,
            },
        ),
        422,
    )
    assert set(body["details"]) == {"case_manager_id"}
    accepted = _ok(
        manager.post(
            _url(cw, case, "/triage"),
            {
                "outcome": "accepted",
                "purpose": "Support leaving the scene",
                "lead_organisation_id": cw.exit.pk,
                "case_manager_id": cw.manager.pk,
                "answers": {"several_domains": True},
            },
        )
    )
    assert accepted["stage"] == "accepted"
    assert accepted["lead_organisation"] == {"id": cw.exit.pk, "name": "Exit counselling"}
    assert accepted["case_manager"]["id"] == cw.manager.pk
    case.refresh_from_db()
    assert case.triage_answers == {"several_domains": True}
    assert _items(manager.get(_base(cw) + "/referrals")) == []
    # the referrer sees the new stage only
    [sent] = _items(Api(cw.teacher).get(_base(cw) + "/referrals/sent"))
    assert sent["stage"] == "accepted"


def test_a_referral_is_rejected_with_an_exit_code(cw: CaseWorld) -> None:
    case = cw.referral()
    manager = Api(cw.manager)
    body = _error(manager.post(_url(cw, case, "/triage"), {"outcome": "rejected"}), 422)
    assert set(body["details"]) == {"code"}
    code = process().exit_codes["rejected"][0].code
    rejected = _ok(manager.post(_url(cw, case, "/triage"), {"outcome": "rejected", "code": code}))
    assert rejected["stage"] == "rejected" and rejected["lead_organisation"] is None


# --- the case list and the case -------------------------------------------------------------------


def test_the_case_list_holds_only_cases_the_organisation_takes_part_in(cw: CaseWorld) -> None:
    working = cw.working(name=NAME, birth_date=BIRTH)
    other = cw.accepted()  # exit only
    manager_rows = _items(Api(cw.manager).get(_base(cw)))
    assert {r["id"] for r in manager_rows} == {str(working.pk), str(other.pk)}
    row = next(r for r in manager_rows if r["id"] == str(working.pk))
    assert set(row) == {
        "id",
        "number",
        "pseudonym",
        "stage",
        "lead_organisation",
        "case_manager",
        "purpose",
        "family_only",
        "next_review",
        "transition",
    }
    assert row["pseudonym"] == working.client.pseudonym and row["stage"] == "accepted"
    officer_rows = _items(Api(cw.officer).get(_base(cw)))
    assert [r["id"] for r in officer_rows] == [str(working.pk)]
    assert NAME not in json.dumps(manager_rows) and BIRTH not in json.dumps(officer_rows)
    # a coordinator reads no case by being coordinator: only through housing's participation
    coordinator = Api(cw.coordinator)
    assert [r["id"] for r in _items(coordinator.get(_base(cw)))] == [str(working.pk)]
    for path in ("", "/notes", "/ledger", "/consents", "/identity"):
        _error(coordinator.get(_url(cw, other, path)), 404, "not_found")
    # the stage filter, and pagination
    assert _items(Api(cw.manager).get(_base(cw) + "?stage=plan_active")) == []
    assert len(_items(Api(cw.manager).get(_base(cw) + "?stage=accepted&limit=1"))) == 1
    _error(Api(cw.manager).get(_base(cw) + "?stage=nonsense"), 422, "invalid")
    # a case is found only under its own team
    _error(Api(cw.manager).get(f"/api/v1/teams/0/cases/{working.pk}"), 404)


def test_the_case_has_its_header_participants_and_history_and_is_logged(
    cw: CaseWorld,
) -> None:
    case = cw.working(name=NAME, birth_date=BIRTH)
    body = _ok(Api(cw.officer).get(_url(cw, case)))
    assert body["number"] == case.number and body["purpose"] == "Support leaving the scene"
    assert [p["organisation"]["id"] for p in body["participants"]] == [
        cw.exit.pk,
        cw.youth.pk,
        cw.police.pk,
        cw.housing.pk,
    ]
    assert [h["to_stage"] for h in body["stage_history"]] == ["referred", "triage", "accepted"]
    assert (body["age_band"], body["is_minor"], body["restricted"]) == ("18_20", False, False)
    assert NAME not in json.dumps(body) and BIRTH not in json.dumps(body)
    assert AccessEntry.objects.filter(case=case, user=cw.officer, what="case").count() == 1


def test_the_case_manager_moves_and_updates_the_case(cw: CaseWorld) -> None:
    case = cw.accepted()
    manager = Api(cw.manager)
    moved = _ok(manager.post(_url(cw, case, "/move"), {"stage": "information_gathering"}))
    assert moved["stage"] == "information_gathering"
    assert moved["stage_history"][-1]["from_stage"] == "accepted"
    # a move the process does not allow is a conflict, with the reason, and changes nothing
    body = _error(manager.post(_url(cw, case, "/move"), {"stage": "aftercare"}), 409, "conflict")
    assert "cannot move" in body["message"]
    body = _error(manager.post(_url(cw, case, "/move"), {"stage": "closed"}), 422, "invalid")
    assert set(body["details"]) == {"code"}
    case.refresh_from_db()
    assert case.stage == "information_gathering"
    # only the case's manager moves it
    _error(Api(cw.counsellor).post(_url(cw, case, "/move"), {"stage": "assessment"}), 403)
    review = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    release = (timezone.localdate() + datetime.timedelta(days=200)).isoformat()
    updated = _ok(
        manager.call(
            "patch",
            _url(cw, case),
            {"next_review": review, "transition": {"kind": "release", "date": release}},
        )
    )
    assert updated["next_review"] == review
    assert updated["transition"] == {"kind": "release", "date": release}
    assert updated["purpose"] == "Support leaving the scene"  # not sent, not changed
    body = _error(manager.call("patch", _url(cw, case), {"purpose": ""}), 422, "invalid")
    assert set(body["details"]) == {"purpose"}
    body = _error(manager.call("patch", _url(cw, case), {"next_review": "soon"}), 422)
    assert set(body["details"]) == {"next_review"}
    case.refresh_from_db()
    assert case.purpose == "Support leaving the scene" and str(case.next_review) == review
    cleared = _ok(manager.call("patch", _url(cw, case), {"transition": None}))
    assert cleared["transition"] is None and cleared["next_review"] == review


def test_participants_join_and_leave_and_the_case_is_transferred(cw: CaseWorld) -> None:
    case = cw.accepted(name=NAME, birth_date=BIRTH)
    manager = Api(cw.manager)
    body = _error(
        manager.post(_url(cw, case, "/participants"), {"organisation_id": 0, "reason": "r"}),
        422,
    )
    assert set(body["details"]) == {"organisation_id"}
    row = _ok(
        manager.post(
            _url(cw, case, "/participants"), {"organisation_id": cw.youth.pk, "reason": "minor"}
        ),
        201,
    )
    assert row["organisation"]["id"] == cw.youth.pk and row["reason"] == "minor"
    _error(
        manager.post(
            _url(cw, case, "/participants"), {"organisation_id": cw.youth.pk, "reason": "again"}
        ),
        409,
        "conflict",
    )
    note = cw.note(case)
    _ok(manager.post(_url(cw, case, "/shares"), _share_body(note, cw.youth)), 201)
    left = _ok(manager.call("delete", _url(cw, case, f"/participants/{cw.youth.pk}?reason=done")))
    assert left == {"shares_ended": 1}
    _error(Api(cw.youth_worker).get(_url(cw, case)), 404)
    _error(manager.call("delete", _url(cw, case, f"/participants/{cw.exit.pk}?reason=x")), 409)
    # transfer to the youth office (back in the case as its lead)
    transfer = _ok(
        manager.post(
            _url(cw, case, "/transfer"),
            {
                "to_organisation_id": cw.youth.pk,
                "reason": "the youth office takes over",
                "case_manager_id": cw.youth_worker.pk,
            },
        ),
        201,
    )
    assert transfer["to_organisation"]["id"] == cw.youth.pk
    assert transfer["carried"]["identity"] is True
    identity = _ok(Api(cw.youth_worker).get(_url(cw, case, "/identity")))
    assert identity["name"] == NAME and identity["origin_organisation"]["id"] == cw.youth.pk
    # the former lead keeps its own note, and holds the identity no more
    _error(manager.get(_url(cw, case, "/identity")), 404)
    assert [n["id"] for n in _items(manager.get(_url(cw, case, "/notes")))] == [str(note.pk)]


# --- identity -------------------------------------------------------------------------------------


def test_identity_reaches_only_the_lead_unless_shared(cw: CaseWorld) -> None:
    case = cw.working(name=NAME, birth_date=BIRTH)
    manager, officer = Api(cw.manager), Api(cw.officer)
    body = _ok(manager.get(_url(cw, case, "/identity")))
    assert (body["name"], body["birth_date"], body["audience"]) == (NAME, BIRTH, [])
    assert AccessEntry.objects.filter(case=case, what="identity", user=cw.manager).exists()
    for user in (cw.officer, cw.youth_worker, cw.housing_worker):
        _error(Api(user).get(_url(cw, case, "/identity")), 404, "not_found")
    _error(Api(cw.teacher).get(_url(cw, case, "/identity")), 403)
    _error(Api(cw.coordinator).get(_url(cw, case, "/identity")), 404)
    # nothing else the officer may read carries identity fields
    for path in ("", "/notes", "/ledger", "/consents"):
        text = officer.get(_url(cw, case, path)).content.decode()
        assert NAME not in text and BIRTH not in text, path
    assert NAME not in officer.get(_base(cw)).content.decode()
    # only the lead records it
    _error(Api(cw.youth_worker).call("put", _url(cw, case, "/identity"), {"name": "X"}), 403)
    put = _ok(
        manager.call(
            "put",
            _url(cw, case, "/identity"),
            {"name": NAME, "birth_date": BIRTH, "address": "Main Street 1"},
        )
    )
    assert put["address"] == "Main Street 1"
    # shared with the police on a consent covering identity: the officer reads it, nobody else
    consent = services.consent_record(
        actor=cw.counsellor,
        case=case,
        kind="sharing",
        organisation=cw.exit,
        recipients=[cw.police],
        categories=["identity"],
        purpose="protect the client",
        given_by="client",
        form="written",
        given_on=TODAY(),
    )
    identity_id = put["id"]
    decision = _ok(
        manager.post(
            _url(cw, case, "/shares"),
            {
                "item_kind": "identity",
                "item_id": identity_id,
                "organisation_ids": [cw.police.pk],
                "purpose": "protect the client",
                "basis": "consent",
                "consent_id": str(consent.pk),
                "client_informed": True,
            },
        ),
        201,
    )
    assert decision["item_kind"] == "identity"
    assert _ok(officer.get(_url(cw, case, "/identity")))["name"] == NAME
    _error(Api(cw.youth_worker).get(_url(cw, case, "/identity")), 404)
    # a recipient cannot pass it on
    _error(
        officer.post(_url(cw, case, "/shares"), _share_body_identity(identity_id, cw.youth)),
        403,
    )


def _share_body_identity(identity_id: str, *orgs: Any) -> dict[str, Any]:
    return {
        "item_kind": "identity",
        "item_id": identity_id,
        "organisation_ids": [o.pk for o in orgs],
        "purpose": "p",
        "basis": "protocol",
        "client_informed": True,
    }


def test_search_finds_only_clients_the_organisation_holds_as_lead(cw: CaseWorld) -> None:
    case = cw.working(name=NAME, birth_date=BIRTH)
    search = _base(cw) + "/search"
    found = _ok(Api(cw.manager).post(search, {"name": NAME, "birth_date": BIRTH}))
    assert [r["id"] for r in found] == [str(case.pk)]
    assert NAME not in json.dumps(found)
    assert [r["id"] for r in _ok(Api(cw.counsellor).post(search, {"name": NAME}))] == [str(case.pk)]
    for user in (cw.officer, cw.youth_worker, cw.teacher, cw.coordinator):
        assert _ok(Api(user).post(search, {"name": NAME})) == [], user
    body = _error(Api(cw.manager).post(search, {"name": ""}), 422, "invalid")
    assert set(body["details"]) == {"name"}
    # the name never stands in a URL: a GET is not a search
    assert Api(cw.manager).get(search + "?name=" + NAME).status_code == 405


# --- notes, sharing, the ledger -------------------------------------------------------------------


def test_notes_reach_only_their_audience(cw: CaseWorld) -> None:
    case = cw.working()
    counsellor, youth, officer = Api(cw.counsellor), Api(cw.youth_worker), Api(cw.officer)
    created = _ok(
        counsellor.post(
            _url(cw, case, "/notes"),
            {
                "title": "First talk",
                "text": "He wants out.",
                "category": "situation",
                "secrecy": "none",
            },
        ),
        201,
    )
    assert created["origin_organisation"]["id"] == cw.exit.pk and created["audience"] == []
    note_id = created["id"]
    # the default audience is the own organisation
    assert [n["id"] for n in _items(counsellor.get(_url(cw, case, "/notes")))] == [note_id]
    for api in (youth, officer):
        assert _items(api.get(_url(cw, case, "/notes"))) == []
        _error(api.get(_url(cw, case, f"/notes/{note_id}")), 404, "not_found")
    # shared with the case team as it is now (youth, on the protocol); police is not named
    decision = _ok(
        counsellor.post(_url(cw, case, "/shares"), _share_body(CaseNote.objects.get(), cw.youth)),
        201,
    )
    assert [o["id"] for o in decision["organisations"]] == [cw.youth.pk]
    assert decision["basis"] == "protocol" and decision["decided_by"]["id"] == cw.counsellor.pk
    assert [n["id"] for n in _items(youth.get(_url(cw, case, "/notes")))] == [note_id]
    read = _ok(youth.get(_url(cw, case, f"/notes/{note_id}")))
    assert read["text"] == "He wants out." and [a["id"] for a in read["audience"]] == [cw.youth.pk]
    assert AccessEntry.objects.filter(case=case, user=cw.youth_worker, what="note").count() == 1
    # police without a share sees no note, no ledger line, and cannot read it by id
    assert _items(officer.get(_url(cw, case, "/notes"))) == []
    assert _items(officer.get(_url(cw, case, "/ledger"))) == []
    _error(officer.get(_url(cw, case, f"/notes/{note_id}")), 404)
    assert "He wants out." not in officer.get(_url(cw, case)).content.decode()
    # the ledger: the sharer's and the recipient's organisations see the decision
    assert [d["id"] for d in _items(counsellor.get(_url(cw, case, "/ledger")))] == [decision["id"]]
    assert [d["id"] for d in _items(youth.get(_url(cw, case, "/ledger")))] == [decision["id"]]
    # a recipient cannot pass it on
    _error(
        youth.post(_url(cw, case, "/shares"), _share_body(CaseNote.objects.get(), cw.housing)),
        403,
    )
    # the protocol refuses police without consent: 422 naming the field, nothing is shared
    body = _error(
        counsellor.post(_url(cw, case, "/shares"), _share_body(CaseNote.objects.get(), cw.police)),
        422,
        "invalid",
    )
    assert set(body["details"]) == {"organisation_ids"}
    assert _items(officer.get(_url(cw, case, "/notes"))) == []
    # ending the decision narrows the audience again
    ended = _ok(counsellor.post(_url(cw, case, f"/shares/{decision['id']}/end")))
    assert ended == {"ended": 1}
    assert _items(youth.get(_url(cw, case, "/notes"))) == []
    _error(counsellor.post(_url(cw, case, f"/shares/{decision['id']}/end")), 409, "conflict")


def test_a_note_with_bad_input_names_the_field(cw: CaseWorld) -> None:
    case = cw.working()
    counsellor = Api(cw.counsellor)
    note = {"title": "T", "text": "x", "category": "identity", "secrecy": "none"}
    body = _error(counsellor.post(_url(cw, case, "/notes"), note), 422, "invalid")
    assert set(body["details"]) == {"category"}
    body = _error(
        counsellor.post(_url(cw, case, "/notes"), {**note, "category": "situation", "title": ""}),
        422,
    )
    assert set(body["details"]) == {"title"}
    body = _error(counsellor.post(_url(cw, case, "/notes"), {"title": "T", "text": "x"}), 422)
    assert set(body["details"]) == {"category", "secrecy"}
    assert not CaseNote.objects.exists()
    # a participant of the case that is not the caller's: refused
    body = _error(
        counsellor.post(
            _url(cw, case, "/notes"),
            {**note, "category": "situation", "organisation_id": cw.youth.pk},
        ),
        422,
    )
    assert set(body["details"]) == {"organisation_id"}


def test_a_secret_note_needs_a_release_and_withdrawal_ends_the_share(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case, secrecy="professional", text="Talked about his father.")
    counsellor, officer = Api(cw.counsellor), Api(cw.officer)
    body = _error(counsellor.post(_url(cw, case, "/shares"), _share_body(note, cw.youth)), 422)
    assert "secrecy" in body["details"]["organisation_ids"][0]
    consent = _ok(
        counsellor.post(
            _url(cw, case, "/consents"),
            {
                "kind": "release",
                "purpose": "coordinate support",
                "professional": "Exit counsellor",
                "recipient_ids": [cw.youth.pk, cw.police.pk],
                "categories": ["situation"],
                "given_by": "client",
                "form": "written",
                "given_on": TODAY().isoformat(),
            },
        ),
        201,
    )
    assert consent["kind"] == "release" and consent["active"] is True
    assert {r["id"] for r in consent["recipients"]} == {cw.youth.pk, cw.police.pk}
    listed = _ok(officer.get(_url(cw, case, "/consents")))
    assert [c["id"] for c in listed] == [consent["id"]]
    decision = _ok(
        counsellor.post(
            _url(cw, case, "/shares"),
            _share_body(note, cw.youth, cw.police, basis="consent", consent_id=consent["id"]),
        ),
        201,
    )
    assert decision["consent_id"] == consent["id"]
    assert [n["id"] for n in _items(officer.get(_url(cw, case, "/notes")))] == [str(note.pk)]
    # only the organisation it was given to records the withdrawal
    _error(officer.post(_url(cw, case, f"/consents/{consent['id']}/withdraw"), {}), 403)
    withdrawn = _ok(
        counsellor.post(
            _url(cw, case, f"/consents/{consent['id']}/withdraw"), {"note": "client asked"}
        )
    )
    assert withdrawn["consent"]["active"] is False
    [under] = withdrawn["shared_under_it"]
    assert under["id"] == decision["id"] and under["item_id"] == str(note.pk)
    assert {o["id"] for o in under["organisations"]} == {cw.youth.pk, cw.police.pk}
    assert _items(officer.get(_url(cw, case, "/notes"))) == []
    assert _items(Api(cw.youth_worker).get(_url(cw, case, "/notes"))) == []
    _error(counsellor.post(_url(cw, case, f"/consents/{consent['id']}/withdraw"), {}), 409)
    # and no further share rests on it
    body = _error(
        counsellor.post(
            _url(cw, case, "/shares"),
            _share_body(note, cw.youth, basis="consent", consent_id=consent["id"]),
        ),
        422,
    )
    assert set(body["details"]) == {"organisation_ids"}


def test_a_consent_with_bad_input_names_the_field(cw: CaseWorld) -> None:
    case = cw.working()
    counsellor = Api(cw.counsellor)
    base = {
        "kind": "sharing",
        "purpose": "p",
        "recipient_ids": [cw.youth.pk],
        "categories": ["situation"],
        "given_by": "client",
        "form": "other",
        "given_on": TODAY().isoformat(),
    }
    body = _error(counsellor.post(_url(cw, case, "/consents"), base), 422)
    assert set(body["details"]) == {"form_reason"}
    body = _error(
        counsellor.post(
            _url(cw, case, "/consents"), {**base, "form": "written", "recipient_ids": [0]}
        ),
        422,
    )
    assert set(body["details"]) == {"recipient_ids"}
    body = _error(
        counsellor.post(
            _url(cw, case, "/consents"), {**base, "form": "written", "recipient_ids": []}
        ),
        422,
    )
    assert set(body["details"]) == {"recipient_ids"}
    assert not Consent.objects.exists()


def test_imminent_danger_is_confirmed_by_a_second_person(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case, secrecy="professional", text="He named a target.")
    counsellor, manager = Api(cw.counsellor), Api(cw.manager)
    body = _error(
        counsellor.post(_url(cw, case, "/shares"), _share_body(note, cw.police, basis="danger")),
        422,
    )
    assert set(body["details"]) == {"organisation_ids"}
    decision = _ok(
        counsellor.post(
            _url(cw, case, "/shares"),
            _share_body(note, cw.police, basis="danger", reason="He named a target for tomorrow."),
        ),
        201,
    )
    assert decision["confirmed_at"] is None
    assert [n["id"] for n in _items(Api(cw.officer).get(_url(cw, case, "/notes")))] == [
        str(note.pk)
    ]
    _error(counsellor.post(_url(cw, case, f"/shares/{decision['id']}/confirm")), 403)
    _error(Api(cw.officer).post(_url(cw, case, f"/shares/{decision['id']}/confirm")), 403)
    confirmed = _ok(manager.post(_url(cw, case, f"/shares/{decision['id']}/confirm")))
    assert confirmed["confirmed_at"] is not None
    _error(manager.post(_url(cw, case, f"/shares/{decision['id']}/confirm")), 409, "conflict")
    # a decision the caller's organisation neither took nor received is not found
    _error(Api(cw.housing_worker).post(_url(cw, case, f"/shares/{decision['id']}/end")), 404)


def test_a_restriction_request_is_recorded(cw: CaseWorld) -> None:
    case = cw.working()
    body = _ok(
        Api(cw.counsellor).post(
            _url(cw, case, "/restriction-requests"), {"reason": "The client disputes a note."}
        ),
        201,
    )
    assert str(RestrictionRequest.objects.get().pk) == body["id"]
    body = _error(
        Api(cw.counsellor).post(_url(cw, case, "/restriction-requests"), {"reason": ""}), 422
    )
    assert set(body["details"]) == {"reason"}
    other = cw.accepted()  # housing takes no part: its coordinator does not find the case
    _error(Api(cw.coordinator).post(_url(cw, other, "/restriction-requests"), {"reason": "r"}), 404)


# --- tokens ---------------------------------------------------------------------------------------


def test_a_read_token_reads_but_cannot_write(cw: CaseWorld) -> None:
    case = cw.working()
    reader = Api(cw.manager, scope="read")
    assert _items(reader.get(_base(cw)))[0]["id"] == str(case.pk)
    writes = [
        ("post", _base(cw) + "/referrals", REFERRAL),
        ("post", _url(cw, case, "/move"), {"stage": "information_gathering"}),
        ("patch", _url(cw, case), {"purpose": "changed"}),
        ("post", _url(cw, case, "/notes"), {"title": "t", "text": "x", "category": "situation"}),
        ("post", _url(cw, case, "/restriction-requests"), {"reason": "r"}),
        ("delete", _url(cw, case, f"/participants/{cw.police.pk}?reason=r"), None),
    ]
    for method, url, body in writes:
        _error(reader.call(method, url, body), 403, "token_read_only")
    case.refresh_from_db()
    assert (case.stage, case.purpose) == ("accepted", "Support leaving the scene")
    assert Case.objects.count() == 1 and not CaseNote.objects.exists()
    assert not RestrictionRequest.objects.exists()


def test_without_a_token_nothing_is_answered(cw: CaseWorld) -> None:
    case = cw.working()
    _error(Client().get(_url(cw, case)), 401, "unauthenticated")


# --- properties -----------------------------------------------------------------------------------

#: (organisation attribute, a person of it) of the case world; school does not take part.
_READERS = [
    ("exit", "counsellor"),
    ("youth", "youth_worker"),
    ("police", "officer"),
    ("housing", "housing_worker"),
    ("housing", "coordinator"),
    ("school", "teacher"),
]
_RECIPIENTS = ["youth", "police", "housing", "school"]

_note_plan = st.fixed_dictionaries(
    {
        "secrecy": st.sampled_from(["none", "professional"]),
        "category": st.sampled_from(["situation", "family"]),
        "shares": st.lists(
            st.tuples(
                st.lists(st.sampled_from(_RECIPIENTS), min_size=1, max_size=2, unique=True),
                st.booleans(),  # end the decision again
            ),
            max_size=2,
        ),
    }
)


@settings(
    max_examples=8,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=st.lists(_note_plan, min_size=1, max_size=3))
def test_no_answer_holds_a_note_or_identity_the_caller_may_not_read(
    cw: CaseWorld, plan: list[dict[str, Any]]
) -> None:
    """The oracle is not ``visible()``: a note is readable by its own organisation and by the
    organisations named in a decision the API accepted and that was not ended; the identity
    only by the lead (exit). Every list, single read and ledger is compared with it."""
    case = cw.working(name=NAME, birth_date=BIRTH)
    counsellor = Api(cw.counsellor)
    audience: dict[str, set[str]] = {}
    decided: dict[int, tuple[set[str], bool]] = {}  # decision -> (its recipients, still live)
    for step in plan:
        note = _ok(
            counsellor.post(
                _url(cw, case, "/notes"),
                {
                    "title": "T",
                    "text": "x",
                    "category": step["category"],
                    "secrecy": step["secrecy"],
                },
            ),
            201,
        )
        readers = audience.setdefault(note["id"], {"exit"})
        for names, end in step["shares"]:
            orgs = [getattr(cw, n) for n in names]
            body = {
                "item_kind": "note",
                "item_id": note["id"],
                "organisation_ids": [o.pk for o in orgs],
                "purpose": "p",
                "basis": "protocol",
                "client_informed": True,
            }
            response = counsellor.post(_url(cw, case, "/shares"), body)
            if response.status_code in (409, 422):
                # refused as a whole (by the rules, or already shared with one of them now):
                # nobody new reads it
                assert response.status_code == 422 or readers & set(names), (plan, names)
                continue
            decision = _ok(response, 201)
            decided[decision["id"]] = (set(names), not end)
            if end:
                _ok(counsellor.post(_url(cw, case, f"/shares/{decision['id']}/end")))
            else:
                readers.update(names)
    for org, person in _READERS:
        api = Api(getattr(cw, person))
        expected = {n for n, r in audience.items() if org in r}
        notes = api.get(_url(cw, case, "/notes"))
        if org == "school":  # the referrer opens nothing of the case
            assert notes.status_code == 403
            continue
        assert {n["id"] for n in _items(notes)} == expected, (person, plan)
        for note_id in audience:
            status = api.get(_url(cw, case, f"/notes/{note_id}")).status_code
            assert status == (200 if note_id in expected else 404), (person, note_id)
        # the origin sees every decision it took; a recipient only those that share with it now
        ledger = {d["id"] for d in _items(api.get(_url(cw, case, "/ledger")))}
        assert ledger == {
            d for d, (names, live) in decided.items() if org == "exit" or (org in names and live)
        }, (person, plan)
        identity = api.get(_url(cw, case, "/identity")).status_code
        assert identity == (200 if org == "exit" else 404), person
        for path in ("", "/notes", "/ledger", "/consents"):
            text = api.get(_url(cw, case, path)).content.decode()
            assert org == "exit" or (NAME not in text and BIRTH not in text), (person, path)
        listed = api.get(_base(cw)).content.decode()
        assert NAME not in listed and BIRTH not in listed


def test_the_case_list_takes_the_same_queries_for_few_and_more_cases(cw: CaseWorld) -> None:
    manager = Api(cw.manager)
    for _ in range(2):
        cw.working()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _items(manager.get(_base(cw)))
        return len(queries)

    count()  # the first request also records the token's use
    few = count()
    for _ in range(4):
        cw.working()
    assert count() == few


# --- access log, timeline, documents, match notices, share requests, relatives, capacity ----------


def test_the_access_log_lists_who_opened_what(cw: CaseWorld) -> None:
    case = cw.working()
    _ok(Api(cw.officer).get(_url(cw, case)))
    lines = _items(Api(cw.manager).get(_url(cw, case, "/access-log")))
    assert (lines[0]["user"], lines[0]["what"], lines[0]["item_id"]) == (
        str(cw.officer),
        "case",
        None,
    )
    _error(Api(cw.youth_worker).get(_url(cw, cw.accepted(), "/access-log")), 404)
    _error(Api(cw.officer).get(_url(cw, case, "/access-log")), 403)


def test_the_timeline_holds_only_what_the_caller_may_see(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case, text="secret text")
    entries = _ok(Api(cw.counsellor).get(_url(cw, case, "/timeline")))
    kinds = [e["kind"] for e in entries]
    assert kinds.count("stage") == 3 and kinds.count("note") == 1
    noted = next(e for e in entries if e["kind"] == "note")
    assert noted["note"] == {
        "id": str(note.pk),
        "title": "Conversation",
        "origin_organisation": {"id": cw.exit.pk, "name": cw.exit.name},
    }
    assert entries[0]["stage"]["to_stage"] == "referred"
    officer = _ok(Api(cw.officer).get(_url(cw, case, "/timeline")))
    assert [e["kind"] for e in officer] == ["stage", "stage", "stage"]
    assert "secret text" not in json.dumps(entries)
    _error(Api(cw.youth_worker).get(_url(cw, cw.accepted(), "/timeline")), 404)
    _error(Api(cw.teacher).get(_url(cw, case, "/timeline")), 403)


def test_a_note_document_is_an_attachment_for_its_readers_only(cw: CaseWorld) -> None:
    case = cw.working()
    note = services.note_create(
        actor=cw.counsellor,
        case=case,
        organisation=cw.exit,
        title="Plan",
        text="x",
        category="situation",
        secrecy="none",
        document=b"%PDF-1.4 plan",
        document_name="plan.pdf",
        document_type="application/pdf",
    )
    response = Api(cw.counsellor).get(_url(cw, case, f"/notes/{note.pk}/document"))
    assert response.status_code == 200
    assert response.content == b"%PDF-1.4 plan"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert AccessEntry.objects.filter(case=case, what="document", item_id=note.pk).exists()
    plain = cw.note(case)
    _error(Api(cw.counsellor).get(_url(cw, case, f"/notes/{plain.pk}/document")), 404)
    _error(Api(cw.officer).get(_url(cw, case, f"/notes/{note.pk}/document")), 404)
    _error(Api(cw.teacher).get(_url(cw, case, f"/notes/{note.pk}/document")), 403)


def test_the_case_manager_sees_match_notices_and_marks_them_seen(cw: CaseWorld) -> None:
    case = cw.working()
    notice = MatchNotice.objects.create(case=case)
    manager = Api(cw.manager)
    assert [n["id"] for n in _ok(manager.get(_url(cw, case, "/match-notices")))] == [notice.pk]
    _error(Api(cw.counsellor).get(_url(cw, case, "/match-notices")), 403)
    _error(Api(cw.counsellor).post(_url(cw, case, f"/match-notices/{notice.pk}/seen")), 403)
    seen = _ok(manager.post(_url(cw, case, f"/match-notices/{notice.pk}/seen")))
    assert seen["seen_at"] is not None
    assert _ok(manager.get(_url(cw, case, "/match-notices"))) == []
    other = cw.accepted()
    _error(Api(cw.youth_worker).get(_url(cw, other, "/match-notices")), 404)
    _error(Api(cw.youth_worker).post(_url(cw, other, f"/match-notices/{notice.pk}/seen")), 404)
    _error(manager.post(_url(cw, other, f"/match-notices/{notice.pk}/seen")), 404)


def test_a_recipient_asks_the_origin_to_share_further(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case)
    services.item_share(
        actor=cw.counsellor,
        case=case,
        item=note,
        organisations=[cw.youth],
        purpose="coordinate support",
        basis="protocol",
        client_informed=True,
    )
    url = _url(cw, case, f"/notes/{note.pk}/share-requests")
    body = {"to_organisation_id": cw.housing.pk, "reason": "They plan the flat"}
    made = _ok(Api(cw.youth_worker).post(url, body), 201)
    assert made["to_organisation"]["id"] == cw.housing.pk
    assert made["requesting_organisation"]["id"] == cw.youth.pk
    waiting = _ok(Api(cw.counsellor).get(_url(cw, case, "/share-requests")))
    assert [(r["id"], r["reason"]) for r in waiting] == [(made["id"], "They plan the flat")]
    assert _ok(Api(cw.youth_worker).get(_url(cw, case, "/share-requests"))) == []
    _error(Api(cw.officer).post(url, body), 404)  # not shared with the police
    _error(Api(cw.teacher).post(url, body), 403)
    _error(Api(cw.teacher).get(_url(cw, case, "/share-requests")), 403)
    other = cw.accepted()
    _error(Api(cw.youth_worker).get(_url(cw, other, "/share-requests")), 404)


def test_the_lead_records_relatives_and_capacity(cw: CaseWorld) -> None:
    case = cw.working(age_band="14_17")
    relative = {"relation": "mother", "name": "Erika Mustermann", "is_guardian": True}
    body = _ok(Api(cw.counsellor).post(_url(cw, case, "/identity/relatives"), relative), 201)
    assert (body["relation"], body["name"], body["is_guardian"]) == (
        "mother",
        "Erika Mustermann",
        True,
    )
    _error(Api(cw.officer).post(_url(cw, case, "/identity/relatives"), relative), 403)
    capacity = {"capacity": True, "note": "Understands the consequences"}
    set_ = _ok(Api(cw.counsellor).call("put", _url(cw, case, "/capacity"), capacity))
    assert set_ == capacity
    _error(Api(cw.officer).call("put", _url(cw, case, "/capacity"), capacity), 403)
    adult = cw.accepted()
    _error(Api(cw.counsellor).call("put", _url(cw, adult, "/capacity"), capacity), 409)
    _error(Api(cw.youth_worker).post(_url(cw, adult, "/identity/relatives"), relative), 404)
    _error(Api(cw.youth_worker).call("put", _url(cw, adult, "/capacity"), capacity), 404)
