"""Starting analyses, recording and submitting perspectives, agreeing formulations: access, audit,
validation, and that nothing of a perspective stands in a plain column."""

from __future__ import annotations

import pytest
from django.db import connection

from icommit.analysis import services
from icommit.analysis.models import Analysis, Perspective
from icommit.cases import kinds
from icommit.core.audit import AuditEvent
from icommit.core.exceptions import Conflict, Forbidden, ValidationFailed
from icommit.instruments.models import Response, ResponseScore
from tests.analysis import sdx
from tests.analysis.conftest import AnalysisWorld


def test_the_lead_case_manager_starts_analyses_and_a_later_one_needs_a_reason(
    aw: AnalysisWorld,
) -> None:
    assert aw.analysis.number == 1
    assert aw.analysis.version.instrument.key == "social-diagnostics"
    with pytest.raises(ValidationFailed) as exc:
        services.analysis_open(actor=aw.cw.manager, case=aw.case)
    assert "reason" in exc.value.details
    second = services.analysis_open(actor=aw.cw.manager, case=aw.case, reason="Review in May")
    assert second.number == 2
    assert second.reason == "Review in May"
    with pytest.raises(Forbidden):
        services.analysis_open(actor=aw.cw.youth_worker, case=aw.case, reason="x")
    assert Analysis.objects.filter(case=aw.case).count() == 2
    event = AuditEvent.objects.filter(action="analysis.opened").last()
    assert event is not None and event.object_id == str(aw.case.pk)


def test_a_draft_is_saved_incomplete_and_seen_by_its_organisation_only(
    aw: AnalysisWorld,
) -> None:
    draft = services.perspective_create(
        actor=aw.cw.youth_worker,
        analysis=aw.analysis,
        organisation=aw.cw.youth,
        viewpoint="organisation",
        answers={"family": {"concern": 2}},
    )
    assert draft.status == "draft"
    assert draft.response_id is None
    assert services.answers_of(draft) == {"family": {"concern": 2}}
    # the category is the family domain's
    assert draft.category == "family"
    with pytest.raises(ValidationFailed):
        services.perspective_submit(actor=aw.cw.youth_worker, perspective=draft)
    assert Perspective.objects.get(pk=draft.pk).status == "draft"


def test_invalid_answers_name_the_item_and_nothing_changes(aw: AnalysisWorld) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.perspective_create(
            actor=aw.cw.youth_worker,
            analysis=aw.analysis,
            organisation=aw.cw.youth,
            viewpoint="organisation",
            answers={"family": {"concern": 7}},
        )
    assert "family" in exc.value.details
    assert not Perspective.objects.exists()


def test_one_perspective_per_organisation_and_viewpoint(aw: AnalysisWorld) -> None:
    aw.perspective(aw.cw.youth, submit=False)
    aw.perspective(aw.cw.youth, viewpoint="client", submit=False)
    with pytest.raises(Conflict):
        aw.perspective(aw.cw.youth, submit=False)


def test_only_members_of_a_participating_organisation_record_for_it(aw: AnalysisWorld) -> None:
    with pytest.raises(ValidationFailed):
        services.perspective_create(
            actor=aw.cw.youth_worker,
            analysis=aw.analysis,
            organisation=aw.cw.exit,
            viewpoint="organisation",
        )
    with pytest.raises((Forbidden, ValidationFailed)):
        services.perspective_create(
            actor=aw.cw.teacher,  # the school referred the case and takes no part
            analysis=aw.analysis,
            organisation=aw.cw.school,
            viewpoint="organisation",
        )
    youth = aw.perspective(aw.cw.youth, submit=False)
    with pytest.raises(Forbidden):
        services.perspective_save(actor=aw.cw.officer, perspective=youth, answers={})


def test_submitting_stores_the_answer_set_through_the_engine_sealed_and_unscored(
    aw: AnalysisWorld,
) -> None:
    perspective = aw.perspective(aw.cw.youth, {"family": (2, 1), "ideology": (3, 0)})
    assert perspective.status == "submitted"
    response = Response.objects.get(pk=perspective.response_id)
    assert response.owner_key_id == aw.case.client.subject_key_id
    assert response.answers["family"]["concern"] == 2
    assert not ResponseScore.objects.filter(response=response).exists()
    assert perspective.draft is None
    # the category: the most sensitive of the domains' categories (offence is Art. 10)
    assert perspective.category == "offence"
    kind = kinds.of(perspective)
    assert {"family", "health", "ideology", "offence"} <= set(kind.categories_of(perspective))
    # no rating or rationale in any plain column of the perspective or the answer set
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM analysis_perspective")
        plain = repr(cursor.fetchall())
        cursor.execute("SELECT * FROM instruments_response")
        plain += repr(cursor.fetchall())
    assert "Reason for family" not in plain
    assert "rationale" not in plain


def test_changing_a_submitted_perspective_replaces_its_answer_set_and_is_audited(
    aw: AnalysisWorld,
) -> None:
    perspective = aw.perspective(aw.cw.youth, {"family": (2, 1)})
    first = perspective.response_id
    changed = services.perspective_submit(
        actor=aw.cw.youth_worker,
        perspective=perspective,
        answers=sdx.answers({"family": (0, 3)}),
    )
    assert changed.response_id != first
    assert not Response.objects.filter(pk=first).exists()
    assert services.answers_of(changed)["family"]["concern"] == 0
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("analysis.perspective_submitted") == 1
    assert actions.count("analysis.perspective_changed") == 1
    with pytest.raises(Conflict):
        services.perspective_save(actor=aw.cw.youth_worker, perspective=changed, answers={})


def test_audit_details_hold_no_rating_or_words(aw: AnalysisWorld) -> None:
    aw.perspective(aw.cw.youth, {"family": (2, 1)})
    for event in AuditEvent.objects.filter(action__startswith="analysis."):
        detail = repr(getattr(event, "changes", "")) + repr(event.__dict__)
        assert "Reason for family" not in detail


def test_an_earlier_analysis_is_read_only(aw: AnalysisWorld) -> None:
    draft = aw.perspective(aw.cw.youth, submit=False)
    services.analysis_open(actor=aw.cw.manager, case=aw.case, reason="Review")
    with pytest.raises(Conflict):
        services.perspective_save(actor=aw.cw.youth_worker, perspective=draft, answers={})
    with pytest.raises(Conflict):
        aw.perspective(aw.cw.police, submit=False)


def test_formulations_are_versioned_items_of_the_lead(aw: AnalysisWorld) -> None:
    data = {
        "domains": {"family": {"concern": 2, "resource": 3, "note": "Mother supports."}},
        "summary": "Agreed: family is the main resource.",
        "tasks": [{"service": "Youth office", "task": "Family sessions"}],
    }
    first = services.formulation_agree(actor=aw.cw.manager, analysis=aw.analysis, data=data)
    assert first.number == 1 and first.previous is None
    assert first.origin_organisation_id == aw.cw.exit.pk
    assert first.content["domains"]["family"] == {
        "concern": 2,
        "resource": 3,
        "note": "Mother supports.",
    }
    # a domain the participants did not agree on is not agreed, not "unknown"
    assert first.content["domains"]["peers"] == {"concern": None, "resource": None, "note": ""}
    second = services.formulation_agree(
        actor=aw.cw.manager, analysis=aw.analysis, data={**data, "summary": "Changed."}
    )
    assert (second.number, second.previous_id) == (2, first.pk)
    with pytest.raises(Forbidden):
        services.formulation_agree(actor=aw.cw.youth_worker, analysis=aw.analysis, data=data)
    with pytest.raises(ValidationFailed) as exc:
        services.formulation_agree(
            actor=aw.cw.manager,
            analysis=aw.analysis,
            data={"domains": {"family": {"concern": 5}}, "summary": "x"},
        )
    assert "family_concern" in exc.value.details
    with pytest.raises(ValidationFailed):
        services.formulation_agree(actor=aw.cw.manager, analysis=aw.analysis, data={})
