"""A case of the cases world (exit counselling leads; youth office, police and housing take part)
with a first analysis on the shipped Social Diagnostics instrument (or, while it is not shipped,
one of the same shape), and helpers to record, submit and share perspectives."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction

from icommit.accounts.models import User
from icommit.analysis import services
from icommit.analysis.content import INSTRUMENT_KEY, domain_categories
from icommit.analysis.models import Analysis, Perspective
from icommit.cases import kinds
from icommit.cases import services as cases
from icommit.cases.models import Case
from icommit.instruments.engine import definition_from_dict
from icommit.instruments.models import InstrumentVersion
from icommit.instruments.services import version_store
from icommit.sharing.models import ProtocolRow
from icommit.sharing.services import protocol_row_create
from icommit.stakeholders.models import Organisation
from tests.analysis import sdx
from tests.cases.conftest import CaseWorld, cw  # noqa: F401 (the cases world fixture)


@pytest.fixture
def sdx_version(db: None) -> InstrumentVersion:
    """The newest published Social Diagnostics version (the shipped one once it is shipped)."""
    found = (
        InstrumentVersion.objects.filter(instrument__key=INSTRUMENT_KEY).order_by("-number").first()
    )
    if found is not None:
        return found
    version, _created = version_store(
        actor=None, definition=definition_from_dict(sdx.definition()), origin="shipped"
    )
    return version


@dataclass
class AnalysisWorld:
    cw: CaseWorld
    case: Case
    analysis: Analysis

    def author(self, organisation: Organisation) -> User:
        return {
            self.cw.exit.pk: self.cw.counsellor,
            self.cw.youth.pk: self.cw.youth_worker,
            self.cw.police.pk: self.cw.officer,
            self.cw.housing.pk: self.cw.housing_worker,
        }[organisation.pk]

    def perspective(
        self,
        organisation: Organisation,
        ratings: dict[str, tuple[Any, Any]] | None = None,
        *,
        viewpoint: str = "organisation",
        analysis: Analysis | None = None,
        submit: bool = True,
        **answer_options: Any,
    ) -> Perspective:
        actor = self.author(organisation)
        perspective = services.perspective_create(
            actor=actor,
            analysis=analysis or self.analysis,
            organisation=organisation,
            viewpoint=viewpoint,
            answers=sdx.answers(ratings, **answer_options),
        )
        if submit:
            perspective = services.perspective_submit(actor=actor, perspective=perspective)
        return perspective

    def share(self, item: Any, *to: Organisation, actor: User | None = None) -> None:
        """Share an item through the cases rule book, on protocol rows "always" for every
        category the instrument's domains hold."""
        sender = item.origin_organisation
        for organisation in to:
            for category in {c.category for c in domain_categories().values()} | {"situation"}:
                if not ProtocolRow.objects.filter(
                    team=self.case.team,
                    from_organisation=sender,
                    to_organisation=organisation,
                    category=category,
                ).exists():
                    protocol_row_create(
                        actor=self.cw.coordinator,
                        team=self.case.team,
                        values={
                            "from_organisation_id": sender.pk,
                            "to_organisation_id": organisation.pk,
                            "category": category,
                            "rule": "always",
                            "legal_source": "Test statute § 1",
                        },
                    )
        if actor is None:
            actor = self.author(sender) if sender.pk != self.cw.exit.pk else self.cw.manager
        consent = None
        if any(o.is_security for o in to):
            # the protocol's "always" asks for consent towards a security actor from an
            # organisation bound by secrecy: a release from confidentiality covering it all
            consent = cases.consent_record(
                actor=actor,
                case=self.case,
                kind="release",
                organisation=sender,
                professional="Social worker",
                recipients=list(to),
                categories=sorted(kinds.of(item).categories_of(item)),
                purpose="Coordinate support",
                given_by="client",
                form="written",
                given_on=datetime.date.today(),
            )
        cases.item_share(
            actor=actor,
            case=self.case,
            item=item,
            organisations=list(to),
            purpose="Case conference preparation",
            basis="consent" if consent else "protocol",
            consent=consent,
            client_informed=True,
        )


@pytest.fixture
def aw(cw: CaseWorld, sdx_version: InstrumentVersion) -> AnalysisWorld:  # noqa: F811
    with transaction.atomic():
        case = cw.working()
        analysis = services.analysis_open(actor=cw.manager, case=case)
    return AnalysisWorld(cw, case, analysis)
