"""Reads of privacy operations: the retention page, export requests a person may see, the
assembled export document and the record of processing activities (GDPR Art. 30)."""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from icommit.access import Action, can, get_visible, visible
from icommit.access.facts import facts_for
from icommit.accounts.models import User
from icommit.cases.content import GENERAL, legal_bases
from icommit.cases.models import Case
from icommit.core.exceptions import NotFound
from icommit.core.jobs import result_path
from icommit.core.models import Job
from icommit.dataprotection import registry, services
from icommit.dataprotection.content import retention
from icommit.dataprotection.models import (
    AnswerState,
    ExportAnswer,
    ExportRequest,
    RetentionPeriod,
    RetentionRun,
)
from icommit.dataprotection.services import parts_for
from icommit.sharing.models import ProtocolRow
from icommit.stakeholders.content import content
from icommit.stakeholders.models import Organisation
from icommit.stakeholders.sectors import Sector
from icommit.teams.models import Team, TeamOrganisation


@dataclass(frozen=True)
class PeriodRow:
    code: str
    label: str
    guidance: str
    months: int | None
    set_at: Any
    special: str


def period_rows() -> list[PeriodRow]:
    """Every category of the retention content with the operator's period (None: not set)."""
    language = get_language() or "en"
    set_ = {p.category: p for p in RetentionPeriod.objects.all()}
    known = content().data_categories
    rows = []
    for code, entry in retention().categories.items():
        period = set_.get(code)
        rows.append(
            PeriodRow(
                code=code,
                label=entry.label_in(language),
                guidance=entry.guidance_in(language),
                months=period.months if period else None,
                set_at=period.set_at if period else None,
                special=known[code].special if code in known else "none",
            )
        )
    return rows


def runs(limit: int = 10) -> list[RetentionRun]:
    return list(RetentionRun.objects.all()[:limit])


def run_get(pk: Any) -> RetentionRun:
    try:
        return RetentionRun.objects.get(pk=pk)
    except (RetentionRun.DoesNotExist, ValueError, TypeError, ValidationError):
        raise NotFound() from None


# --- the jobs of the pages: dry run, erasure, recording a request (review finding S6) --------

#: The kinds whose progress and result the privacy job page shows.
PAGE_JOBS = (services.DRY_RUN_JOB, services.ERASE_JOB, services.EXPORT_REQUEST_JOB)


def job_get(*, user: User, pk: Any) -> Job:
    """One of the user's own jobs of the privacy pages, or NotFound."""
    return get_visible(user, Action.JOB_VIEW, Job.objects.filter(kind__in=PAGE_JOBS), pk=pk)


def _job_data(job: Job) -> dict[str, Any] | None:
    if job.status != Job.Status.DONE or not job.result_path:
        return None
    try:
        data = json.loads(result_path(job).read_bytes())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def job_result(*, user: User, job: Job) -> dict[str, Any] | None:
    """What a finished job of the privacy pages found, if the user may see it now (access is
    checked again, not remembered): the dry run's listing, the erasure's summary, or the request
    recorded. None while it runs, when it failed, or when the user lost the right to it."""
    data = _job_data(job)
    if data is None:
        return None
    if job.kind == services.DRY_RUN_JOB:
        return data if can(user, Action.DATAPROTECTION_RETENTION) else None
    if job.kind == services.ERASE_JOB:
        return data if can(user, Action.DATAPROTECTION_ERASE) else None
    if job.kind == services.EXPORT_REQUEST_JOB:
        request = export_request_by_pk(data.get("request"))
        if request is None or not can(user, Action.DATAPROTECTION_EXPORT_VIEW, request):
            return None
        return data
    return None


def erasure_summary(counts: dict[str, Any]) -> list[tuple[str, int]]:
    """An erasure's counts as (what, how many) rows: each app's kinds of row, in order."""
    rows: list[tuple[str, int]] = []
    for key, value in counts.items():
        if isinstance(value, dict):
            rows += [(f"{key} · {kind}", n) for kind, n in value.items() if isinstance(n, int)]
        elif isinstance(value, int):
            rows.append((key, value))
    return rows


# --- exports --------


def exports_for(*, user: User) -> QuerySet[ExportRequest]:
    """The export requests the user may see: their lead organisation's and those their
    organisation holds a part of, newest first."""
    return (
        visible(user, Action.DATAPROTECTION_EXPORT_VIEW, ExportRequest.objects.all())
        .select_related("case", "team", "lead_organisation")
        .prefetch_related("answers__organisation")
        .order_by("-recorded_at", "-pk")
    )


def exports_overseen(*, user: User) -> QuerySet[ExportRequest]:
    """Every export request of every team for the data-protection officer, newest first, with
    the number of answers waiting, released and restricted (counted in SQL); the case, the team
    and the client's pseudonym come along, nothing else of the client."""
    answers = {
        "waiting": AnswerState.WAITING,
        "released": AnswerState.RELEASED,
        "restricted": AnswerState.RESTRICTED,
    }
    return (
        visible(user, Action.DATAPROTECTION_EXPORT_OVERSEE, ExportRequest.objects.all())
        .select_related("case", "team", "client")
        .annotate(
            **{
                name: Count("answers", filter=Q(answers__state=state))
                for name, state in answers.items()
            }
        )
        .order_by("-recorded_at", "-pk")
    )


def answer_due(asked_on: datetime.date) -> datetime.date:
    """The day an export request must be answered by: one month after the client asked
    (Art. 12(3) GDPR; the extension by two further months is the controller's to state)."""
    return services.add_months(asked_on, 1)


def answer_overdue(request: Any) -> bool:
    """Whether a request of ``exports_overseen`` is still unanswered after its due day."""
    return bool(request.waiting) and answer_due(request.asked_on) < timezone.localdate()


def cases_to_request(*, user: User, limit: int = 50) -> list[Case]:
    """Cases for which the user may record a client's request for a copy (their lead cases)."""
    qs = visible(user, Action.DATAPROTECTION_EXPORT_REQUEST, Case.objects.select_related("team"))
    return list(qs.order_by("team__name", "number")[:limit])


def export_of_case(*, user: User, case: Case, pk: Any) -> ExportRequest:
    """One export request of ``case`` (404 if there is none; the caller checks the action)."""
    try:
        return ExportRequest.objects.select_related("case", "client", "team").get(case=case, pk=pk)
    except (ExportRequest.DoesNotExist, ValueError, TypeError, ValidationError):
        raise NotFound() from None


def export_request_by_pk(pk: Any) -> ExportRequest | None:
    """An export request by id, with its case and client, or None (the caller checks access)."""
    try:
        return (
            ExportRequest.objects.select_related(
                "case", "case__client", "client", "client__subject_key", "team"
            )
            .filter(pk=pk)
            .first()
        )
    except (ValueError, TypeError, ValidationError):
        return None


def exports_of_case(*, user: User, case: Case) -> list[ExportRequest]:
    return list(
        visible(user, Action.DATAPROTECTION_EXPORT_VIEW, ExportRequest.objects.filter(case=case))
        .prefetch_related("answers__organisation")
        .order_by("-recorded_at")
    )


def case_by_number(*, team_id: Any, number: str) -> Case | None:
    """The case of a team with this number (the DPO's erasure is confirmed by the number)."""
    return (
        Case.objects.select_related("client", "client__subject_key")
        .filter(team_id=team_id, number=number.strip())
        .first()
    )


def teams_for_erasure() -> QuerySet[Team]:
    """Every team, by name: the DPO's erasure finds a case by its team and number."""
    return Team.objects.order_by("name")


def answering_organisation(*, user: User, request: ExportRequest, pk: Any) -> Organisation | None:
    """The user's own organisation with this id among those asked to answer ``request``."""
    for answer in own_answers(user=user, request=request):
        if str(answer.organisation_id) == str(pk):
            return answer.organisation
    return None


def other_cases_of_client(case: Case) -> list[Case]:
    """The client's other cases, which an erasure of the client takes along."""
    return list(
        Case.objects.filter(client_id=case.client_id).exclude(pk=case.pk).order_by("number")
    )


def answers_of(request: ExportRequest) -> list[ExportAnswer]:
    return list(request.answers.select_related("organisation").order_by("organisation__name"))


def others_count(*, user: User, request: ExportRequest) -> dict[str, int]:
    """How many other organisations still have to answer and how many have answered, without
    naming them: that an organisation holds a part says it recorded something about the client,
    which may not have been shared with the viewer (security review S3)."""
    org_ids = facts_for(user).org_ids
    others = [a for a in answers_of(request) if a.organisation_id not in org_ids]
    waiting = sum(1 for a in others if a.state == "waiting")
    return {"waiting": waiting, "answered": len(others) - waiting}


def own_answers(*, user: User, request: ExportRequest) -> list[ExportAnswer]:
    """The answers the user gives for their own organisations (waiting or given)."""
    org_ids = facts_for(user).org_ids
    return [a for a in answers_of(request) if a.organisation_id in org_ids]


def reader_organisations(*, user: User, request: ExportRequest) -> list[Organisation]:
    """The organisations of the user for which they may prepare the export file: the lead (its
    own parts and those released to it) and each organisation of theirs that holds a part."""
    org_ids = facts_for(user).org_ids
    ids = {a.organisation_id for a in request.answers.all() if a.organisation_id in org_ids}
    if request.lead_organisation_id in org_ids:
        ids.add(request.lead_organisation_id)
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def export_document(request: ExportRequest, organisation_id: int) -> dict[str, Any]:
    """The export as ``organisation_id`` opens it: JSON-safe, organisations and days only."""

    language = get_language() or "en"
    categories = retention().categories
    names = dict(Organisation.objects.values_list("pk", "name"))
    parts = sorted(
        parts_for(request, organisation_id),
        key=lambda p: (names.get(p.origin_organisation_id, ""), p.created_at),
    )
    by_org: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for part in parts:
        label = categories[part.category].label_in(language) if part.category in categories else ""
        by_org[names.get(part.origin_organisation_id, "")].append(
            {
                "kind": part.kind,
                "title": part.title,
                "category": part.category,
                "category_label": label,
                "recorded_on": timezone.localtime(part.created_at).date().isoformat(),
                "data": part.data,
                "accesses": [
                    {
                        "organisation": a.organisation,
                        "on": timezone.localtime(a.at).date().isoformat(),
                        "what": a.what,
                        "purpose": a.purpose,
                        "basis": a.basis,
                    }
                    for a in sorted(part.accesses, key=lambda a: a.at)
                ],
            }
        )
    return {
        "title": _("Copy of the data held about you"),
        "case": request.case.number,
        "pseudonym": request.client.pseudonym,
        "asked_on": request.asked_on.isoformat(),
        "prepared_on": timezone.localdate().isoformat(),
        "prepared_for": names.get(organisation_id, ""),
        "organisations": [{"organisation": org, "items": items} for org, items in by_org.items()],
    }


# --- the record of processing activities (Art. 30 GDPR) --------


def processing_record() -> dict[str, Any]:
    """The record of processing activities, generated from the configuration (JSON-safe)."""
    language = get_language() or "en"
    content_ = retention()
    set_ = dict(RetentionPeriod.objects.values_list("category", "months"))
    known = content().data_categories
    categories = [
        {
            "code": code,
            "label": entry.label_in(language),
            "special": known[code].special if code in known else "none",
            "retention_months": set_.get(code),
        }
        for code, entry in content_.categories.items()
    ]
    sector_labels = dict(Sector.choices)
    recipients: dict[str, set[str]] = defaultdict(set)
    live = TeamOrganisation.objects.filter(ended_at__isnull=True, team__archived_at__isnull=True)
    for sector, name in live.values_list("organisation__sector", "organisation__name"):
        recipients[str(sector_labels.get(sector, sector))].add(name)
    countries = sorted(
        set(Team.objects.filter(archived_at__isnull=True).values_list("country", flat=True))
    )
    bases = []
    for country in countries or [GENERAL]:
        for basis in legal_bases(country):
            entry = {
                "country": basis.country,
                "statute": basis.statute,
                "label": basis.label.get(language) or basis.label.get("en", ""),
            }
            if entry not in bases:
                bases.append(entry)
    protocol_sources = sorted(
        set(ProtocolRow.objects.exclude(legal_source="").values_list("legal_source", flat=True))
    )
    return {
        "title": _("Record of processing activities (Art. 30 GDPR)"),
        "prepared_on": timezone.localdate().isoformat(),
        "purposes": [p.label_in(language) for p in content_.purposes],
        "data_subjects": [
            _("People supported or referred (clients), under a pseudonym"),
            _("Relatives and contact persons of clients"),
            _("Staff of the participating organisations (accounts, access and audit logs)"),
        ],
        "categories": categories,
        "recipients": [
            {"sector": sector, "organisations": sorted(names)}
            for sector, names in sorted(recipients.items())
        ],
        "legal_bases": {
            "gdpr": [
                _(
                    "Consent or a release from confidentiality, recorded per case (Art. 6(1)(a), "
                    "Art. 9(2)(a) GDPR)"
                ),
                _(
                    "A task in the public interest or official authority laid down in law "
                    "(Art. 6(1)(e), (3) GDPR), named per sharing decision"
                ),
                _("Vital interests, in imminent danger (Art. 6(1)(d), Art. 9(2)(c) GDPR)"),
            ],
            "statutes": bases,
            "protocol_sources": protocol_sources,
        },
        "retention": {
            "set": dict(sorted(set_.items())),
            "not_set": [c["code"] for c in categories if c["retention_months"] is None],
        },
        "apps": [
            {"key": data.key, "label": str(data.label), "lines": list(data.processing)}
            for data in registry.registered()
        ],
        "measures": [
            _(
                "Each client's data are encrypted with a key of their own (AES-GCM); erasure "
                "destroys the key."
            ),
            _(
                "Items are seen only by their origin organisation and the organisations a "
                "recorded sharing decision names."
            ),
            _(
                "Every change and every opening of case data is written to a hash-chained audit "
                "log that can be verified."
            ),
        ],
    }
