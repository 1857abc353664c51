"""The case formulation's form and its values (review finding on the formulation): every rating
starts empty, reads "0 none … 3 severe" (concern) and "0 none … 3 strong" (resource) plus
unknown, and the religion resource offers "not applicable" as the instrument does; the service
and the API accept not applicable there and refuse it elsewhere, naming the field."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from icommit.analysis import services
from icommit.analysis.models import Formulation
from icommit.core.exceptions import ValidationFailed
from tests.analysis.conftest import AnalysisWorld
from tests.conftest import verified_client


def _url(aw: AnalysisWorld, name: str) -> str:
    return reverse(f"analysis:{name}", args=[aw.case.team_id, aw.case.pk])


def _options(page: str, name: str) -> list[tuple[str, str, bool]]:
    """(value, label, checked) of each radio button named ``name``."""
    found = []
    for tag, label in re.findall(
        rf'(<input type="radio" name="{name}"[^>]*>)\s*(.*?)\s*</label>', page, flags=re.S
    ):
        value = re.search(r'value="([^"]*)"', tag)
        found.append((value.group(1) if value else "", label.strip(), " checked" in tag))
    return found


def test_every_rating_starts_empty_with_short_labels(aw: AnalysisWorld) -> None:
    page = verified_client(aw.cw.manager).get(_url(aw, "formulation_new")).content.decode()
    concern = _options(page, "family_concern")
    resource = _options(page, "family_resource")
    assert [(v, label) for v, label, _c in concern] == [
        ("0", "0 none"),
        ("1", "1 minor"),
        ("2", "2 moderate"),
        ("3", "3 severe"),
        ("unknown", "Unknown"),
    ]
    assert [(v, label) for v, label, _c in resource] == [
        ("0", "0 none"),
        ("1", "1 some"),
        ("2", "2 good"),
        ("3", "3 strong"),
        ("unknown", "Unknown"),
    ]
    assert " checked" not in "".join(re.findall(r'<input type="radio"[^>]*>', page))
    religion = _options(page, "religion_resource")
    assert [v for v, _l, _c in religion] == ["0", "1", "2", "3", "unknown", "not_applicable"]
    assert religion[-1][1].startswith("Not applicable")
    assert "not_applicable" not in [v for v, _l, _c in _options(page, "religion_concern")]


def test_a_new_version_starts_from_what_was_agreed_before(aw: AnalysisWorld) -> None:
    services.formulation_agree(
        actor=aw.cw.manager,
        analysis=aw.analysis,
        data={
            "domains": {"family": {"concern": 2}, "religion": {"resource": "not_applicable"}},
            "summary": "First.",
        },
    )
    page = verified_client(aw.cw.manager).get(_url(aw, "formulation_new")).content.decode()
    assert [v for v, _l, checked in _options(page, "family_concern") if checked] == ["2"]
    assert not any(checked for _v, _l, checked in _options(page, "family_resource"))
    chosen = [v for v, _l, checked in _options(page, "religion_resource") if checked]
    assert chosen == ["not_applicable"]


def test_the_form_records_not_applicable_for_the_religion_resource(aw: AnalysisWorld) -> None:
    client = verified_client(aw.cw.manager)
    data = {"summary": "Faith plays no part.", "religion_concern": "0"}
    response = client.post(
        _url(aw, "formulation_new"), {**data, "religion_resource": "not_applicable"}
    )
    assert response.status_code == 302
    formulation = Formulation.objects.get()
    assert formulation.content["domains"]["religion"]["resource"] == "not_applicable"
    assert "n/a" in client.get(response["Location"]).content.decode()
    refused = client.post(
        _url(aw, "formulation_new"), {**data, "family_resource": "not_applicable"}
    )
    assert refused.status_code == 422
    assert Formulation.objects.count() == 1


@pytest.mark.parametrize(
    ("domain", "scale"), [("family", "resource"), ("religion", "concern"), ("peers", "concern")]
)
def test_the_service_refuses_not_applicable_where_the_instrument_does_not_offer_it(
    aw: AnalysisWorld, domain: str, scale: str
) -> None:
    data: dict[str, Any] = {
        "domains": {domain: {scale: "not_applicable"}},
        "summary": "Tried.",
    }
    with pytest.raises(ValidationFailed) as refused:
        services.formulation_agree(actor=aw.cw.manager, analysis=aw.analysis, data=data)
    details = refused.value.details
    assert list(details) == [f"{domain}_{scale}"]
    assert "Not applicable is not an option" in str(details[f"{domain}_{scale}"])
    assert not Formulation.objects.exists()


def test_the_api_accepts_not_applicable_for_religion_only(aw: AnalysisWorld) -> None:
    client = verified_client(aw.cw.manager)
    base = f"/api/v1/teams/{aw.case.team_id}/cases/{aw.case.pk}/analysis/{aw.analysis.pk}"
    ok = client.post(
        f"{base}/formulations",
        {
            "summary": "Agreed.",
            "domains": {"religion": {"concern": 0, "resource": "not_applicable"}},
        },
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["content"]["domains"]["religion"] == {
        "concern": 0,
        "resource": "not_applicable",
        "note": "",
    }
    refused = client.post(
        f"{base}/formulations",
        {"summary": "Agreed.", "domains": {"work": {"resource": "not_applicable"}}},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert "work_resource" in refused.json()["details"]
    assert Formulation.objects.count() == 1
