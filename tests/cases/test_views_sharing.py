"""The pages of notes, sharing decisions, consents, the ledger and the DPO's review (views_sharing).

Each test goes through the pages as a user would (posting the forms) and checks what the
services recorded, what the page says, and what other organisations can or cannot read.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from icommit.cases import services
from icommit.cases.models import Case, CaseNote, Consent, NoteAudience, ShareDecision
from tests.cases.conftest import CaseWorld
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def _url(name: str, case: Case, *args: Any) -> str:
    return reverse(f"cases:{name}", args=[case.team_id, case.pk, *args])


def _share_data(cw: CaseWorld, *orgs: Any, **values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "organisations": [str(o.pk) for o in orgs],
        "purpose": "Plan the support together",
        "basis": "protocol",
        "client_informed": "yes",
    }
    data.update(values)
    return data


def _release(cw: CaseWorld, case: Case, *recipients: Any, kind: str = "release") -> Consent:
    return services.consent_record(
        actor=cw.counsellor,
        case=case,
        kind=kind,
        organisation=cw.exit,
        professional="Counsellor" if kind == "release" else "",
        purpose="Joint support",
        given_by="client",
        form="written",
        given_on=datetime.date.today(),
        recipients=list(recipients),
        categories=["situation"],
    )


def _visible_to(user: Any, note: CaseNote) -> bool:
    from icommit.sharing.items import may_see

    return may_see(user, note)


# --- recording a note -----------------------------------------------------------------------------


def test_record_a_note_says_only_the_own_organisation_sees_it(cw: CaseWorld) -> None:
    case = cw.working()
    client = verified_client(cw.counsellor)
    page = client.get(_url("note_add", case))
    assert page.status_code == 200
    assert "Secrecy you were bound by when you learned this" in page.content.decode()
    response = client.post(
        _url("note_add", case),
        {
            "organisation": str(cw.exit.pk),
            "kind": "note",
            "title": "First talk",
            "text": "He wants to leave.",
            "category": "situation",
            "secrecy": "professional",
        },
        follow=True,
    )
    assert response.status_code == 200
    note = CaseNote.objects.get(case=case)
    assert (note.title, note.secrecy, note.origin_organisation_id) == (
        "First talk",
        "professional",
        cw.exit.pk,
    )
    assert "Only your organisation (Exit counselling) sees it" in response.content.decode()
    assert not _visible_to(cw.youth_worker, note)


def test_a_note_without_secrecy_chosen_is_refused_and_nothing_saved(cw: CaseWorld) -> None:
    case = cw.working()
    response = verified_client(cw.counsellor).post(
        _url("note_add", case),
        {"organisation": str(cw.exit.pk), "kind": "note", "title": "T", "text": "x"},
    )
    assert response.status_code == 422
    assert not CaseNote.objects.filter(case=case).exists()


def test_a_document_of_another_type_is_refused(cw: CaseWorld) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = cw.working()
    data = {
        "organisation": str(cw.exit.pk),
        "kind": "document",
        "title": "Letter",
        "category": "situation",
        "secrecy": "none",
    }
    client = verified_client(cw.counsellor)
    bad = SimpleUploadedFile("x.exe", b"MZ\x90\x00\x03\x00\x00\x00", "application/pdf")
    response = client.post(_url("note_add", case), {**data, "document": bad})
    assert response.status_code == 422
    assert "upload a PDF, PNG, JPEG or text file" in response.content.decode()
    good = SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    response = client.post(_url("note_add", case), {**data, "document": good})
    assert response.status_code == 302
    note = CaseNote.objects.get(case=case)
    download = client.get(_url("note_document", case, note.pk))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download.content == b"%PDF-1.4\n%%EOF\n"


# --- sharing --------------------------------------------------------------------------------------


def test_share_with_the_protocol(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case)
    client = verified_client(cw.counsellor)
    page = client.get(_url("share", case, "note", note.pk)).content.decode()
    assert "The team's protocol for this category: always (§ 69 SGB X)" in page
    response = client.post(_url("share", case, "note", note.pk), _share_data(cw, cw.youth))
    assert response.status_code == 302
    assert _visible_to(cw.youth_worker, note)
    assert not _visible_to(cw.officer, note)


def test_the_case_team_leaves_out_security_actors(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case)
    response = verified_client(cw.counsellor).post(
        _url("share", case, "note", note.pk), _share_data(cw, case_team="on")
    )
    assert response.status_code == 302
    decision = ShareDecision.objects.get()
    assert {o.pk for o in decision.organisations.all()} == {cw.youth.pk, cw.housing.pk}
    assert not _visible_to(cw.officer, note)


def test_share_with_consent(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case)
    consent = _release(cw, case, cw.police, kind="sharing")
    response = verified_client(cw.counsellor).post(
        _url("share", case, "note", note.pk),
        _share_data(cw, cw.police, basis="consent", consent=str(consent.pk)),
    )
    assert response.status_code == 302
    assert _visible_to(cw.officer, note)
    assert ShareDecision.objects.get().consent == consent


def test_a_secret_note_without_release_is_refused_and_nothing_shared(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case, secrecy="professional")
    response = verified_client(cw.counsellor).post(
        _url("share", case, "note", note.pk), _share_data(cw, cw.youth)
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Youth office: This was recorded by someone bound by secrecy" in html
    assert not ShareDecision.objects.exists()
    assert not NoteAudience.objects.exists()
    assert not _visible_to(cw.youth_worker, note)


def test_police_cannot_open_an_unshared_note(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case)
    client = verified_client(cw.officer)
    assert client.get(_url("note", case, note.pk)).status_code == 404
    assert client.get(_url("share_request", case, note.pk)).status_code == 404


def test_a_recipient_sees_no_share_link_and_cannot_share(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case)
    services.item_share(
        actor=cw.counsellor,
        case=case,
        item=note,
        organisations=[cw.youth],
        purpose="Plan",
        basis="protocol",
        client_informed=True,
    )
    client = verified_client(cw.youth_worker)
    page = client.get(_url("note", case, note.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert _url("share", case, "note", note.pk) not in html
    assert "Ask to share further" in html
    response = client.post(_url("share", case, "note", note.pk), _share_data(cw, cw.housing))
    assert response.status_code == 403
    assert ShareDecision.objects.count() == 1
    assert not _visible_to(cw.housing_worker, note)
    # it may ask the origin instead
    response = client.post(
        _url("share_request", case, note.pk),
        {"to_organisation": str(cw.housing.pk), "reason": "Housing needs it"},
    )
    assert response.status_code == 302
    manager_page = verified_client(cw.manager).get(_url("case", case)).content.decode()
    assert "Housing needs it" in manager_page


def test_the_ledger_shows_a_decision_to_origin_and_recipient_only(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case)
    verified_client(cw.counsellor).post(
        _url("share", case, "note", note.pk), _share_data(cw, cw.youth, purpose="Plan ahead")
    )
    for user, shown in [(cw.manager, True), (cw.youth_worker, True), (cw.housing_worker, False)]:
        html = verified_client(user).get(_url("ledger", case)).content.decode()
        assert ("Plan ahead" in html) is shown, user


def test_ending_a_share(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case)
    client = verified_client(cw.counsellor)
    client.post(_url("share", case, "note", note.pk), _share_data(cw, cw.youth))
    decision = ShareDecision.objects.get()
    assert (
        verified_client(cw.youth_worker).post(_url("share_end", case, decision.pk)).status_code
        == 403
    )
    assert _visible_to(cw.youth_worker, note)  # a recipient cannot end it
    response = client.post(_url("share_end", case, decision.pk))
    assert response.status_code == 302
    assert not _visible_to(cw.youth_worker, note)
    assert "ended" in client.get(_url("ledger", case)).content.decode()


# --- consent --------------------------------------------------------------------------------------


def _consent_data(cw: CaseWorld, **values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "sharing",
        "organisation": str(cw.exit.pk),
        "recipients": [str(cw.police.pk)],
        "categories": ["situation"],
        "purpose": "Joint support",
        "given_by": "client",
        "form": "written",
        "given_on": datetime.date.today().isoformat(),
    }
    data.update(values)
    return data


def test_a_consent_in_another_form_needs_a_reason(cw: CaseWorld) -> None:
    case = cw.working()
    client = verified_client(cw.counsellor)
    response = client.post(_url("consents", case), _consent_data(cw, form="other"))
    assert response.status_code == 422
    assert "Say why the consent was not given in writing or electronically." in (
        response.content.decode()
    )
    assert not Consent.objects.exists()
    response = client.post(
        _url("consents", case), _consent_data(cw, form="other", form_reason="Said on the phone")
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.form_reason == "Said on the phone"
    assert [o.pk for o in consent.recipients.all()] == [cw.police.pk]


def test_withdrawal_ends_the_share_and_lists_it(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case)
    consent = _release(cw, case, cw.police, kind="sharing")
    client = verified_client(cw.counsellor)
    client.post(
        _url("share", case, "note", note.pk),
        _share_data(cw, cw.police, basis="consent", consent=str(consent.pk)),
    )
    assert _visible_to(cw.officer, note)
    before = client.get(_url("consent_withdraw", case, consent.pk)).content.decode()
    assert "What was shared under it" in before and "Conversation" in before
    response = client.post(_url("consent_withdraw", case, consent.pk), {"note": "By phone"})
    assert response.status_code == 302
    assert not _visible_to(cw.officer, note)
    after = client.get(response["Location"]).content.decode()
    assert "What ended with the withdrawal" in after
    assert "Conversation" in after and "Police" in after


# --- imminent danger ------------------------------------------------------------------------------


def _danger(cw: CaseWorld, case: Case, note: CaseNote) -> ShareDecision:
    response = verified_client(cw.counsellor).post(
        _url("share", case, "note", note.pk),
        _share_data(cw, cw.police, basis="danger", reason="He announced an attack tomorrow."),
    )
    assert response.status_code == 302
    return ShareDecision.objects.get(basis_kind="danger")


def test_a_danger_share_without_reason_is_refused(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case)
    response = verified_client(cw.counsellor).post(
        _url("share", case, "note", note.pk), _share_data(cw, cw.police, basis="danger")
    )
    assert response.status_code == 422
    assert not ShareDecision.objects.exists()


def test_a_danger_share_is_confirmed_by_a_second_person_only(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case)
    decision = _danger(cw, case, note)
    assert _visible_to(cw.officer, note)
    sharer = verified_client(cw.counsellor)
    page = sharer.get(_url("case", case)).content.decode()
    assert "You shared this; another person confirms it." in page
    assert sharer.post(_url("danger_confirm", case, decision.pk)).status_code == 403
    decision.refresh_from_db()
    assert decision.confirmed_at is None
    second = verified_client(cw.manager)
    assert (
        _url("danger_confirm", case, decision.pk) in second.get(_url("case", case)).content.decode()
    )
    assert second.post(_url("danger_confirm", case, decision.pk)).status_code == 302
    decision.refresh_from_db()
    assert decision.confirmed_by == cw.manager


def test_the_dpo_queue_shows_a_danger_share_only_after_24_hours(cw: CaseWorld) -> None:
    case = cw.working()
    decision = _danger(cw, case, cw.note(case))
    dpo = verified_client(cw.dpo)
    queue = reverse("privacy:queue")
    assert "He announced an attack tomorrow." not in dpo.get(queue).content.decode()
    ShareDecision.objects.filter(pk=decision.pk).update(
        decided_at=timezone.now() - datetime.timedelta(hours=25)
    )
    html = dpo.get(queue).content.decode()
    assert "He announced an attack tomorrow." in html and case.number in html
    assert verified_client(cw.manager).get(queue).status_code in (403, 404)
    response = dpo.post(
        reverse("privacy:danger_review", args=[decision.pk]), {"note": "Justified", "end": "on"}
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.reviewed_by == cw.dpo
    assert not NoteAudience.objects.filter(decision=decision, ended_at__isnull=True).exists()


# --- restriction ----------------------------------------------------------------------------------


def test_restriction_granted_by_the_dpo_blocks_sharing(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case)
    response = verified_client(cw.youth_worker).post(
        _url("restriction", case), {"reason": "Contests the accuracy of the referral."}
    )
    assert response.status_code == 302
    dpo = verified_client(cw.dpo)
    assert "Contests the accuracy" in dpo.get(reverse("privacy:queue")).content.decode()
    from icommit.cases.models import RestrictionRequest

    asked = RestrictionRequest.objects.get()
    response = dpo.post(
        reverse("privacy:restriction_decide", args=[asked.pk]), {"decision": "grant"}
    )
    assert response.status_code == 302
    response = verified_client(cw.counsellor).post(
        _url("share", case, "note", note.pk), _share_data(cw, cw.youth)
    )
    assert response.status_code == 422
    assert "Processing of this client" in response.content.decode()
    assert not ShareDecision.objects.exists()
    # the DPO lifts it again
    response = dpo.post(
        reverse("privacy:restriction_lift", args=[case.pk]), {"note": "Accuracy confirmed."}
    )
    assert response.status_code == 302
    case.client.refresh_from_db()
    assert case.client.restricted_at is None


# --- statute, identity, forms to print, access log ------------------------------------------------


def test_share_on_a_statute_from_the_country_content(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case, secrecy="professional")
    client = verified_client(cw.counsellor)
    page = client.get(_url("share", case, "note", note.pk)).content.decode()
    assert 'value="de_kkg_4"' in page  # exit counselling may name § 4 KKG for the situation
    assert 'value="de_sgb8_65_1"' not in page  # youth welfare's own provision is not offered
    assert "Country-specific: check with your organisation" in page
    response = client.post(
        _url("share", case, "note", note.pk),
        _share_data(cw, cw.youth, basis="statute", statute_code="de_kkg_4"),
    )
    assert response.status_code == 302
    decision = ShareDecision.objects.get()
    assert "§ 4 KKG" in decision.statute
    assert _visible_to(cw.youth_worker, note)


def test_a_statute_basis_without_a_provision_is_refused(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case)
    response = verified_client(cw.counsellor).post(
        _url("share", case, "note", note.pk), _share_data(cw, cw.youth, basis="statute")
    )
    assert response.status_code == 422
    assert "Name the statutory provision this share rests on." in response.content.decode()
    assert not ShareDecision.objects.exists()


def test_share_the_identity_with_consent(cw: CaseWorld) -> None:
    from icommit.cases import selectors

    case = cw.working()
    identity = services.identity_set(actor=cw.manager, case=case, name="Max Muster")
    consent = services.consent_record(
        actor=cw.manager,
        case=case,
        kind="sharing",
        organisation=cw.exit,
        purpose="Joint support",
        given_by="client",
        form="written",
        given_on=datetime.date.today(),
        recipients=[cw.youth],
        categories=["identity"],
    )
    assert selectors.identity_for(user=cw.youth_worker, case=case) is None
    client = verified_client(cw.manager)
    assert client.get(_url("share", case, "identity", identity.pk)).status_code == 200
    response = client.post(
        _url("share", case, "identity", identity.pk),
        _share_data(cw, cw.youth, basis="consent", consent=str(consent.pk)),
    )
    assert response.status_code == 302
    assert selectors.identity_for(user=cw.youth_worker, case=case) is not None
    assert (
        verified_client(cw.youth_worker)
        .post(_url("share", case, "identity", identity.pk), _share_data(cw, cw.housing))
        .status_code
        == 403
    )


@pytest.mark.parametrize("audience", ["adult", "minor", "easy"])
def test_the_consent_forms_are_filled_with_the_pseudonym(cw: CaseWorld, audience: str) -> None:
    case = cw.working()
    response = verified_client(cw.counsellor).get(_url("consent_template", case, audience))
    assert response.status_code == 200
    html = response.content.decode()
    assert case.client.pseudonym in html
    assert "{client_pseudonym}" not in html
    assert (
        verified_client(cw.counsellor).get(_url("consent_template", case, "x")).status_code == 404
    )


def test_opening_a_note_and_its_document_is_logged(cw: CaseWorld) -> None:
    from icommit.cases.models import AccessEntry

    case = cw.working()
    note = cw.note(case)
    verified_client(cw.manager).get(_url("note", case, note.pk))
    entry = AccessEntry.objects.get(what="note")
    assert (entry.user, entry.item_id) == (cw.manager, note.pk)
    assert verified_client(cw.manager).get(_url("note_document", case, note.pk)).status_code == 404


def test_the_case_page_lists_consents_apart_and_a_record_link(cw: CaseWorld) -> None:
    case = cw.working()
    _release(cw, case, cw.police)
    html = verified_client(cw.counsellor).get(_url("case", case)).content.decode()
    for title in (
        "Agreement to take part in support",
        "Release from confidentiality",
        "Consent to share (GDPR legal basis)",
    ):
        assert title.lower() in html.lower()
    assert _url("note_add", case) in html
    assert _url("ledger", case) in html


def test_the_dpo_finds_the_review_in_the_navigation(cw: CaseWorld) -> None:
    queue = reverse("privacy:queue")
    home = reverse("web:home")
    assert f'href="{queue}"' in verified_client(cw.dpo).get(home).content.decode()
    assert f'href="{queue}"' not in verified_client(cw.manager).get(home).content.decode()
