"""Fixes after the reviews: a draft perspective is not shared; a changed perspective's shares are
checked against the rule book again and the user told which ended; perspectives are deleted with
their answer sets through their kind."""

from __future__ import annotations

import pytest
from django.test import Client

from icommit.accounts.tokens import token_create
from icommit.analysis import services
from icommit.analysis.models import Perspective
from icommit.cases import kinds
from icommit.cases import services as cases
from icommit.core.exceptions import ValidationFailed
from icommit.instruments.models import Response
from icommit.sharing.items import may_see
from icommit.sharing.models import ProtocolRow
from tests.analysis import sdx
from tests.analysis.conftest import AnalysisWorld


def test_a_draft_perspective_cannot_be_shared(aw: AnalysisWorld) -> None:
    draft = aw.perspective(aw.cw.youth, {"family": (2, 1)}, submit=False)
    with pytest.raises(ValidationFailed) as refused:
        aw.share(draft, aw.cw.exit)
    assert "Submit the perspective before sharing it." in str(
        refused.value.details or refused.value
    )
    assert not may_see(aw.cw.counsellor, draft)


def _withdraw_protocol(aw: AnalysisWorld) -> None:
    # the protocol no longer lets youth's data go to exit counselling
    ProtocolRow.objects.filter(
        team=aw.case.team, from_organisation=aw.cw.youth, to_organisation=aw.cw.exit
    ).delete()


def test_resubmitting_a_shared_perspective_ends_shares_that_no_longer_pass(
    aw: AnalysisWorld,
) -> None:
    youth = aw.perspective(aw.cw.youth, {"family": (2, 1)})
    aw.share(youth, aw.cw.exit)
    assert may_see(aw.cw.counsellor, youth)
    _withdraw_protocol(aw)
    changed = services.perspective_submit(
        actor=aw.cw.youth_worker, perspective=youth, answers=sdx.answers({"family": (0, 3)})
    )
    assert changed.shares_ended == (aw.cw.exit.name,)
    assert not may_see(aw.cw.counsellor, Perspective.objects.get(pk=youth.pk))


def test_the_api_names_the_organisations_whose_shares_ended(aw: AnalysisWorld) -> None:
    youth = aw.perspective(aw.cw.youth, {"family": (2, 1)})
    aw.share(youth, aw.cw.exit)
    _withdraw_protocol(aw)
    _token, clear = token_create(actor=aw.cw.youth_worker, name="test", scope="write")
    base = f"/api/v1/teams/{aw.case.team_id}/cases/{aw.case.pk}/analysis"
    answer = Client().post(
        f"{base}/perspectives/{youth.pk}/submit",
        {"answers": sdx.answers({"family": (0, 3)})},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {clear}",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["shares_ended"] == [aw.cw.exit.name]


def test_perspectives_are_deleted_through_their_kind_with_their_answer_sets(
    aw: AnalysisWorld,
) -> None:
    youth = aw.perspective(aw.cw.youth, {"family": (2, 1)})
    aw.perspective(aw.cw.police, submit=False)
    aw.share(youth, aw.cw.exit)
    owner = aw.case.client.subject_key_id
    assert Response.objects.filter(owner_key_id=owner).exists()
    gone = kinds.delete_items(kinds.get("perspective"), Perspective.objects.filter(case=aw.case))
    assert gone == 2
    assert not Perspective.objects.exists()
    assert not Response.objects.filter(owner_key_id=owner).exists()
    # the case's other records stay
    assert cases.participant_ids(aw.case)


def test_opening_another_organisations_perspective_or_formulation_is_logged(
    aw: AnalysisWorld,
) -> None:
    from django.urls import reverse

    from icommit.analysis.models import Formulation
    from icommit.cases.models import AccessEntry
    from tests.conftest import verified_client

    youth = aw.perspective(aw.cw.youth, {"family": (2, 1)})
    aw.share(youth, aw.cw.exit)
    formulation: Formulation = services.formulation_agree(
        actor=aw.cw.manager, analysis=aw.analysis, data={"summary": "Family first."}
    )
    aw.share(formulation, aw.cw.youth)
    args = [aw.case.team_id, aw.case.pk]
    # its own organisation reading it leaves no entry
    own = verified_client(aw.cw.youth_worker)
    assert own.get(reverse("analysis:perspective", args=[*args, youth.pk])).status_code == 200
    assert not AccessEntry.objects.filter(what="perspective").exists()
    other = verified_client(aw.cw.counsellor)
    assert other.get(reverse("analysis:perspective", args=[*args, youth.pk])).status_code == 200
    assert AccessEntry.objects.filter(
        user=aw.cw.counsellor, what="perspective", item_id=youth.pk
    ).exists()
    page = own.get(reverse("analysis:formulation", args=[*args, formulation.pk]))
    assert page.status_code == 200
    assert AccessEntry.objects.filter(
        user=aw.cw.youth_worker, what="formulation", item_id=formulation.pk
    ).exists()


def test_the_reason_of_a_new_analysis_is_shown_to_the_lead_organisation_only(
    aw: AnalysisWorld,
) -> None:
    from django.urls import reverse

    from tests.conftest import verified_client

    services.analysis_open(actor=aw.cw.manager, case=aw.case, reason="Review after relapse")
    url = reverse("analysis:overview", args=[aw.case.team_id, aw.case.pk])
    lead = verified_client(aw.cw.manager).get(url)
    assert "Review after relapse" in lead.content.decode()
    other = verified_client(aw.cw.youth_worker).get(url)
    assert other.status_code == 200
    assert "Review after relapse" not in other.content.decode()


def test_the_perspective_form_says_unknown_is_a_task_not_a_middle_value(
    aw: AnalysisWorld,
) -> None:
    from django.urls import reverse

    from tests.conftest import verified_client

    url = reverse("analysis:perspective_new", args=[aw.case.team_id, aw.case.pk, "organisation"])
    page = verified_client(aw.cw.youth_worker).get(url).content.decode()
    assert "it is not a middle value, it is a task to find out." in page
