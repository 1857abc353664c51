"""The matrix shows each organisation's duties separately, each with whom it informs (issue 12).

"Youth welfare: report yes" must never be readable as "the youth office informs the police":
the per-organisation view and the PDF list the distinct duties of version-2 profiles.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests import jobs
from tests.stakeholders.conftest import Circle

pytestmark = pytest.mark.usefixtures("v2_content")

YOUTH_DUTIES: list[dict[str, Any]] = [
    {
        "code": "child_protection_assessment",
        "applies": True,
        "statute": "§ 8a SGB VIII",
        "note": "With skilled staff.",
    },
    {"code": "legality_principle", "applies": False, "statute": "", "note": ""},
    {
        "code": "child_protection_notice_permission",
        "applies": True,
        "statute": "§ 4 KKG",
        "note": "",
    },
]


@pytest.fixture
def team(circle: Circle) -> Circle:
    circle.profile(
        "youth",
        content_version=2,
        duties=YOUTH_DUTIES,
        secrecy_roles=[
            {"role": "Social workers", "kind": "professional", "statute": "§ 203(1) StGB"}
        ],
    )
    circle.profile("police")  # still version 1
    return circle


def test_the_organisation_view_lists_each_duty_with_whom_it_informs(
    team: Circle, client_for
) -> None:  # type: ignore[no-untyped-def]
    w = team.world
    url = reverse("transparency:matrix", args=[w.team.pk])
    response = client_for(w.member).get(url, {"organisation": team.youth.pk})
    focus = response.context["focus"]
    assert [(d.code, d.applies, d.informs) for d in focus.duties] == [
        ("child_protection_assessment", True, "the family court where needed"),
        ("legality_principle", False, "the public prosecutor"),
        ("child_protection_notice_permission", True, "the youth welfare office"),
    ]
    html = " ".join(response.content.decode().split())
    assert "Legal duties of Youth Office" in html
    assert (
        "<strong>Assess a risk to a child&#x27;s welfare</strong>: applies — informs the family "
        "court where needed (§ 8a SGB VIII; country law DE)"
    ) in html
    assert "<strong>Investigate offences (legality principle)</strong>: does not apply" in html
    assert (
        "<strong>May inform youth welfare</strong>: permitted — informs the youth welfare" in html
    )
    assert "<strong>Social workers</strong>: Professional secrecy (§ 203(1) StGB)" in html
    assert "does not apply — informs" not in html
    assert "Duty to report" not in html


def test_a_version_1_profile_says_its_duties_are_not_split_yet(team: Circle, client_for) -> None:  # type: ignore[no-untyped-def]
    w = team.world
    url = reverse("transparency:matrix", args=[w.team.pk])
    response = client_for(w.member).get(url, {"organisation": w.police.pk})
    html = " ".join(response.content.decode().split())
    assert response.context["focus"].duties == []
    assert "still in version 1: its duties are not yet split" in html
    assert "<strong>Duty of care</strong>: yes" in html


def test_the_pdf_lists_every_duty_of_every_organisation(team: Circle, client_for) -> None:  # type: ignore[no-untyped-def]
    w = team.world
    client = client_for(w.member)
    job = jobs.start(client, reverse("transparency:matrix_pdf", args=[w.team.pk]))
    data, _disposition = jobs.download(client, job)
    text = jobs.pdf_text(data).replace("\u2010 ", "")
    start = text.find("Legal duties and secrecy, per organisation")
    section = text[start : text.find("Needs and offers", start)]
    assert start >= 0
    youth = section[section.find("Youth Office") :]
    for phrase in (
        "Assess a risk to a child's welfare: applies — informs the family court where needed",
        "(§ 8a SGB VIII; country law DE)",
        "Investigate offences (legality principle): does not apply May inform",
        "May inform youth welfare: permitted — informs the youth welfare office (§ 4 KKG",
        "Social workers: Professional secrecy (§ 203(1) StGB)",
    ):
        assert phrase in youth, (phrase, youth[:600])
    for name in ("Clinic", "Exit NGO", "Housing Co", "Municipality", "Police", "Youth Office"):
        assert name in section
    assert "still in version 1" in section  # the police profile
    assert "No role profile yet." in section  # the organisations without one
