"""The case world of tests/cases with assessments on top: police (taking part) has an
administrator who designated its officer as risk assessor; the protocol lets police send risk
references to exit counselling (the lead) and exit counselling send track entries to youth."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction

from icommit.accounts.models import User
from icommit.assessments import services
from icommit.assessments.models import RiskAssessor, RiskReference, TrackEntry
from icommit.cases import services as cases
from icommit.cases.models import Case
from icommit.sharing.services import protocol_row_create
from tests.cases.conftest import CaseWorld, cw  # noqa: F401 (the fixture)
from tests.factories import UserFactory, member_of

TODAY = datetime.date.today


@dataclass
class World:
    cw: CaseWorld
    case: Case
    police_admin: User
    assessor: RiskAssessor

    def risk(
        self,
        *,
        level: str = "moderate",
        days_ago: int = 10,
        review_in: int = 80,
        summary: str = "Meet in pairs.",
    ) -> RiskReference:
        with transaction.atomic():
            return services.risk_record(
                actor=self.cw.officer,
                case=self.case,
                organisation=self.cw.police,
                instrument="VERA-2R",
                assessed_on=TODAY() - datetime.timedelta(days=days_ago),
                level=level,
                summary=summary,
                next_review=TODAY()
                - datetime.timedelta(days=days_ago)
                + datetime.timedelta(days=review_in),
            )

    def track(
        self,
        *,
        actor: User | None = None,
        org: Any = None,
        track: str = "disengagement",
        stage: str = "distancing",
        rationale: str = "Left the group chat.",
        days_ago: int = 0,
    ) -> TrackEntry:
        with transaction.atomic():
            return services.track_record(
                actor=actor or self.cw.counsellor,
                case=self.case,
                organisation=org or self.cw.exit,
                track=track,
                stage=stage,
                on=TODAY() - datetime.timedelta(days=days_ago),
                rationale=rationale,
            )

    def share(self, item: Any, to: Any, actor: User | None = None) -> Any:
        with transaction.atomic():
            return cases.item_share(
                actor=actor
                or (self.cw.officer if isinstance(item, RiskReference) else self.cw.manager),
                case=self.case,
                item=item,
                organisations=[to],
                purpose="Needs to know",
                basis="protocol",
                client_informed=True,
            )


@pytest.fixture
def aw(cw: CaseWorld) -> World:  # noqa: F811
    police_admin = UserFactory()
    member_of(police_admin, cw.police, admin=True)
    with transaction.atomic():
        case = cw.working()
        for values in (
            {
                "from_organisation_id": cw.police.pk,
                "to_organisation_id": cw.exit.pk,
                "category": "risk",
            },
            {
                "from_organisation_id": cw.exit.pk,
                "to_organisation_id": cw.youth.pk,
                "category": "offence",
            },
            {
                "from_organisation_id": cw.exit.pk,
                "to_organisation_id": cw.youth.pk,
                "category": "ideology",
            },
        ):
            protocol_row_create(
                actor=cw.coordinator,
                team=cw.team,
                values={**values, "rule": "always", "legal_source": "Test statute § 1"},
            )
        assessor = services.assessor_designate(
            actor=police_admin, organisation=cw.police, user=cw.officer
        )
    return World(cw, case, police_admin, assessor)
