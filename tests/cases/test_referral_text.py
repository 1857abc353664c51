"""The referral text: case managers read it while triaging, then the lead organisation; the
referring organisation and the other participants never see it on the case page or in the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.cases.conftest import CaseWorld
from tests.cases.test_api import Api, _url
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

CONCERN = "Shares right-wing propaganda in class"


def test_the_lead_reads_the_referral_and_the_other_participants_do_not(cw: CaseWorld) -> None:
    case = cw.working()
    page = reverse("cases:case", args=[cw.team.pk, case.pk])
    assert CONCERN in verified_client(cw.counsellor).get(page).content.decode()
    for user in (cw.youth_worker, cw.officer, cw.housing_worker):
        response = verified_client(user).get(page)
        assert response.status_code == 200
        assert CONCERN not in response.content.decode()
    assert Api(cw.manager).get(_url(cw, case)).json()["concern"].startswith(CONCERN)
    assert Api(cw.officer).get(_url(cw, case)).json()["concern"] is None
    assert Api(cw.youth_worker).get(_url(cw, case)).json()["concern"] is None


def test_case_managers_read_it_while_triaging_and_the_referrer_never(cw: CaseWorld) -> None:
    case = cw.referral()
    triage = reverse("cases:triage", args=[cw.team.pk, case.pk])
    assert CONCERN in verified_client(cw.manager).get(triage).content.decode()
    status = reverse("cases:status", args=[cw.team.pk, case.pk])
    assert CONCERN not in verified_client(cw.teacher).get(status).content.decode()
    assert Api(cw.teacher).get(_url(cw, case)).status_code in (403, 404)
