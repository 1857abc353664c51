"""Erasing a client's Social Diagnostics and exporting it: answer sets go through the instruments
service, nothing readable stays; the export names organisations and shares, never staff."""

from __future__ import annotations

from icommit.analysis import services
from icommit.analysis.models import Analysis, Formulation, Perspective
from icommit.dataprotection.registry import registered
from icommit.instruments.models import Response
from tests.analysis.conftest import AnalysisWorld


def _registration():  # type: ignore[no-untyped-def]
    return next(r for r in registered() if r.key == "analysis")


def test_the_export_has_a_part_per_perspective_and_formulation_with_its_shares(
    aw: AnalysisWorld,
) -> None:
    youth = aw.perspective(aw.cw.youth, {"family": (2, 1)})
    aw.share(youth, aw.cw.exit)
    services.formulation_agree(
        actor=aw.cw.manager, analysis=aw.analysis, data={"summary": "Family first."}
    )
    parts = _registration().export(aw.case.client)
    assert [p.kind for p in parts] == ["analysis.perspective", "analysis.formulation"]
    perspective = parts[0]
    assert perspective.origin_organisation_id == aw.cw.youth.pk
    assert perspective.data["answers"]["family"]["concern"] == 2
    assert [(a.organisation, a.what, a.purpose) for a in perspective.accesses] == [
        ("Exit counselling", "shared", "Case conference preparation")
    ]
    assert parts[1].data["summary"] == "Family first."
    assert perspective.shared_with == (aw.cw.exit.pk,)
    assert parts[1].shared_with == ()
    text = repr(parts)
    for person in (aw.cw.youth_worker, aw.cw.manager):
        assert str(person) not in text
        assert person.email not in text


def test_erasure_deletes_everything_through_the_instruments_service(aw: AnalysisWorld) -> None:
    youth = aw.perspective(aw.cw.youth, {"family": (2, 1)})
    aw.perspective(aw.cw.police, submit=False)
    aw.share(youth, aw.cw.exit)
    services.formulation_agree(
        actor=aw.cw.manager, analysis=aw.analysis, data={"summary": "Family first."}
    )
    services.formulation_agree(
        actor=aw.cw.manager, analysis=aw.analysis, data={"summary": "Second version."}
    )
    response_id = youth.response_id
    counts = _registration().erase(aw.case.client, None)
    assert counts == {"analyses": 1, "perspectives": 2, "formulations": 2, "answer_sets": 1}
    assert not Response.objects.filter(pk=response_id).exists()
    assert not Response.objects.filter(owner_key_id=aw.case.client.subject_key_id).exists()
    assert not Perspective.objects.exists()
    assert not Formulation.objects.exists()
    assert not Analysis.objects.exists()
    assert _registration().erase(aw.case.client, None) == {
        "analyses": 0,
        "perspectives": 0,
        "formulations": 0,
        "answer_sets": 0,
    }
