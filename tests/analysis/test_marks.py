"""A rating that is no number says why, on the pages and in the API (review P9/P12): religion's
resource "not applicable" reads n/a, never unknown; a domain a perspective did not rate reads
"not rated", apart from the answer "unknown"; a domain the formulation left open reads "not
agreed"."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from django.urls import reverse
from django.utils.html import escape

from icommit.analysis import services
from icommit.analysis.models import Perspective
from tests.analysis import sdx
from tests.analysis.conftest import AnalysisWorld
from tests.conftest import verified_client


def _url(aw: AnalysisWorld, name: str, *extra: Any) -> str:
    return reverse(f"analysis:{name}", args=[aw.case.team_id, aw.case.pk, *extra])


def _row(page: str, title: str) -> str:
    """The text of the table row whose header is ``title`` (tags dropped)."""
    for row in re.findall(r"<tr[^>]*>.*?</tr>", page, flags=re.S):
        if re.search(rf'<th scope="row"[^>]*>{re.escape(escape(title))}', row):
            return " ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split())
    raise AssertionError(f"no row {title!r}")


def _title(aw: AnalysisWorld, domain: str) -> str:
    return services.domain_titles(aw.analysis.version, "en")[domain]


def _youth_with_religion_na_and_no_safety(aw: AnalysisWorld) -> None:
    answers = sdx.answers({"family": ("unknown", 2), "religion": (0, "not_applicable")})
    del answers["safety"]
    perspective = services.perspective_create(
        actor=aw.cw.youth_worker,
        analysis=aw.analysis,
        organisation=aw.cw.youth,
        viewpoint="organisation",
        answers=answers,
    )
    services.perspective_submit(actor=aw.cw.youth_worker, perspective=perspective)


def test_the_grid_page_shows_n_a_unknown_and_not_rated_apart(aw: AnalysisWorld) -> None:
    _youth_with_religion_na_and_no_safety(aw)
    page = verified_client(aw.cw.youth_worker).get(_url(aw, "grid", aw.analysis.pk))
    assert page.status_code == 200
    text = page.content.decode()
    religion = _row(text, _title(aw, "religion"))
    assert "Concern 0" in religion and "Resource n/a" in religion
    assert "unknown" not in religion
    family = _row(text, _title(aw, "family"))
    assert "Concern unknown" in family and "Resource 2" in family
    safety = _row(text, _title(aw, "safety"))
    assert "Concern not rated" in safety and "Resource not rated" in safety
    assert "unknown" not in safety


def test_the_api_grid_names_n_a_and_not_rated(aw: AnalysisWorld) -> None:
    _youth_with_religion_na_and_no_safety(aw)
    client = verified_client(aw.cw.youth_worker)
    base = f"/api/v1/teams/{aw.case.team_id}/cases/{aw.case.pk}/analysis"
    body = client.get(f"{base}/{aw.analysis.pk}/grid").json()
    cells = {row["domain"]: row["cells"][0] for row in body["rows"]}
    assert (cells["religion"]["concern"], cells["religion"]["resource"]) == (0, "not_applicable")
    assert cells["family"]["concern"] == "unknown"
    assert (cells["safety"]["concern"], cells["safety"]["resource"]) == ("not_rated", "not_rated")


def test_the_perspective_page_shows_n_a_and_not_rated(aw: AnalysisWorld) -> None:
    _youth_with_religion_na_and_no_safety(aw)
    item = Perspective.objects.get()
    client = verified_client(aw.cw.youth_worker)
    page = client.get(_url(aw, "perspective", item.pk)).content.decode()
    religion = _row(page, _title(aw, "religion"))
    assert "n/a" in religion and "unknown" not in religion and "not_applicable" not in religion
    assert "not rated" in _row(page, _title(aw, "safety"))


def test_a_domain_the_formulation_left_open_reads_not_agreed(aw: AnalysisWorld) -> None:
    client = verified_client(aw.cw.manager)
    data = {"summary": "Family first.", "family_concern": "3", "peers_concern": "unknown"}
    response = client.post(_url(aw, "formulation_new"), data)
    assert response.status_code == 302
    formulation = services.latest_formulation(aw.analysis)
    assert formulation is not None
    domains = formulation.content["domains"]
    assert (domains["family"]["resource"], domains["housing"]["concern"]) == (None, None)
    assert domains["peers"]["concern"] == "unknown"
    page = client.get(response["Location"]).content.decode()
    family = _row(page, _title(aw, "family"))
    assert family.startswith(f"{_title(aw, 'family')} 3 not agreed")
    assert _row(page, _title(aw, "peers")).startswith(f"{_title(aw, 'peers')} unknown not agreed")
    assert "unknown" not in _row(page, _title(aw, "housing"))
    # the API leaves a rating out the same way
    base = f"/api/v1/teams/{aw.case.team_id}/cases/{aw.case.pk}/analysis/{aw.analysis.pk}"
    answer = client.post(
        f"{base}/formulations",
        {"summary": "Again.", "domains": {"family": {"concern": 2}}},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["content"]["domains"]["family"]["resource"] is None
