"""Every write of privacy operations: retention periods and runs, erasure of a client, data-subject
exports and their answers.

Invariants: a category without a period is never removed; a dry run changes nothing but its own
run row; every removal writes an audit event with counts, codes and case numbers, never a client's
values; after ``client_erase`` no value of the client is readable anywhere (the registered apps
erase theirs, cases erases its own rows through ``cases.erasure``, and the client's key is
destroyed).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from icommit.access import Action, require
from icommit.access.facts import facts_for
from icommit.accounts.models import User
from icommit.cases import erasure
from icommit.cases.models import Case, Client
from icommit.cases.process import ENDED
from icommit.core import audit, jobs
from icommit.core.exceptions import Conflict, ValidationFailed
from icommit.core.models import Job
from icommit.core.text import clean as clean_text
from icommit.dataprotection import registry
from icommit.dataprotection.cases_export import cases_export
from icommit.dataprotection.content import retention
from icommit.dataprotection.models import (
    CASE_RECORD,
    AnswerState,
    ErasureReason,
    ExportAnswer,
    ExportRequest,
    RetentionPeriod,
    RetentionRun,
    RunTrigger,
)
from icommit.instruments.services import responses_erase_owner
from icommit.stakeholders.models import Organisation

#: Longest period the page accepts (100 years): anything longer is a typing error.
MAX_MONTHS = 1200
#: Job kinds of this app (registered in plugin).
EXPORT_JOB = "dataprotection.export"
RECORD_JOB = "dataprotection.record"
#: The long work of the pages and the API runs as jobs too (review finding S6): their result is a
#: small JSON file of ids, case numbers and counts that the job page shows.
DRY_RUN_JOB = "dataprotection.dry_run"
ERASE_JOB = "dataprotection.erase"
EXPORT_REQUEST_JOB = "dataprotection.export_request"


def _today() -> datetime.date:
    return timezone.localdate()


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the last day of the month where it has fewer days)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover (28 exists in every month)


# --- periods --------


def periods() -> dict[str, int]:
    """The operator's periods: data category -> months after closure."""
    return dict(RetentionPeriod.objects.values_list("category", "months"))


@transaction.atomic
def period_set(*, actor: User, category: str, months: int | None) -> RetentionPeriod | None:
    """Set (or, with None, unset) how many months after closure a category is kept."""
    require(actor, Action.DATAPROTECTION_RETENTION)
    if category not in retention().categories:
        raise ValidationFailed.field("category", _("Choose a data category from the list."))
    if months is not None and not 0 <= months <= MAX_MONTHS:
        raise ValidationFailed.field(
            "months", _("Give a number of months between 0 and %(max)d.") % {"max": MAX_MONTHS}
        )
    before = RetentionPeriod.objects.filter(category=category).first()
    old = before.months if before else None
    if months is None:
        RetentionPeriod.objects.filter(category=category).delete()
        row = None
    else:
        row, _created = RetentionPeriod.objects.update_or_create(
            category=category,
            defaults={"months": months, "set_by": actor, "set_at": timezone.now()},
        )
    audit.record(
        actor=actor,
        action="dataprotection.period.set",
        object_type="dataprotection.retentionperiod",
        object_id=category,
        changes={"category": category, "months": [old, months]},
    )
    return row


# --- the retention plan and run --------


@dataclass
class RetentionPlan:
    """What a run removes on ``as_of``: clients to erase, and items of expired categories."""

    as_of: datetime.date
    unset: list[str]
    entries: list[dict[str, Any]] = field(default_factory=list)
    erase: list[Client] = field(default_factory=list)
    #: (case, categories whose items go)
    expire: list[tuple[Case, list[str]]] = field(default_factory=list)


def closure_day(case: Case) -> datetime.date:
    """The day a case ended: it was closed, or its referral rejected or redirected (the day it
    moved into that stage)."""
    return timezone.localdate(case.stage_since)


def retention_plan(*, as_of: datetime.date | None = None) -> RetentionPlan:
    """Work out what has expired on ``as_of`` (today), without changing anything.

    A client whose cases have all ended (closed, or the referral rejected or redirected) is erased
    when the case record and every category their items hold have expired on every case; before
    that, the items of each expired category go.
    A client whose processing is restricted (Art. 18 GDPR) is kept and listed.
    """
    as_of = as_of or _today()
    set_ = periods()
    plan = RetentionPlan(as_of, [c for c in retention().categories if c not in set_])
    ended = Case.objects.filter(stage__in=ENDED).values("client_id")
    clients = Client.objects.filter(pk__in=ended, subject_key__destroyed_at__isnull=True)
    for client in clients.order_by("created_at", "pk"):
        cases = list(Case.objects.filter(client=client).select_related("team").order_by("pk"))
        if any(case.stage not in ENDED for case in cases):
            continue
        per_case = []
        for case in cases:
            closed_on = closure_day(case)
            held = erasure.held_categories(case)
            held.setdefault(CASE_RECORD, 0)
            expired = [
                category
                for category in held
                if category in set_ and add_months(closed_on, set_[category]) <= as_of
            ]
            per_case.append((case, closed_on, held, expired))
        everything = all(len(expired) == len(held) for _c, _d, held, expired in per_case)
        for case, closed_on, held, expired in per_case:
            base = {"case": case.number, "team": case.team.name, "closed": closed_on.isoformat()}
            if everything and client.restricted_at is not None:
                plan.entries.append(
                    {**base, "category": "", "action": "kept_restricted", "items": 0}
                )
            elif everything:
                plan.entries.append({**base, "category": "", "action": "erase", "items": 0})
            else:
                items = [c for c in expired if c != CASE_RECORD and held[c]]
                for category in items:
                    plan.entries.append(
                        {**base, "category": category, "action": "delete", "items": held[category]}
                    )
                if items:
                    plan.expire.append((case, items))
        if everything and client.restricted_at is None:
            plan.erase.append(client)
    return plan


def retention_run(
    *,
    actor: User | None,
    dry_run: bool,
    trigger: str = RunTrigger.PAGE,
    as_of: datetime.date | None = None,
) -> RetentionRun:
    """Apply (or, as a dry run, only list) what has expired; audited, one transaction per client."""
    if actor is not None:
        require(actor, Action.DATAPROTECTION_RETENTION)
    plan = retention_plan(as_of=as_of)
    run = RetentionRun.objects.create(
        dry_run=dry_run,
        trigger=trigger,
        by=actor,
        as_of=plan.as_of,
        unset=plan.unset,
        listing=plan.entries,
    )
    counts: Counter[str] = Counter()
    if not dry_run:
        for case, categories in plan.expire:
            with transaction.atomic():
                deleted, kept = erasure.case_items_delete(case, categories=categories)
                audit.record(
                    actor=actor,
                    action="dataprotection.items.expired",
                    obj=case,
                    team_id=case.team_id,
                    purpose="retention",
                    changes={
                        "case": case.number,
                        "categories": categories,
                        "deleted": deleted,
                        "kept": kept,
                    },
                )
            counts.update({f"deleted_{k}": v for k, v in deleted.items()})
            if kept:
                counts["kept_referenced"] += len(kept)
        for client in plan.erase:
            with transaction.atomic():
                erased = _erase(client, actor, reason=ErasureReason.NOT_NEEDED, trigger="retention")
            counts["clients_erased"] += 1
            counts["cases_anonymised"] += erased.get("cases", {}).get("cases_anonymised", 0)
        with transaction.atomic():
            # prepared files (exports, the record ...) are kept KEEP_FILES days, never longer
            expired_files = jobs.jobs_expire()
        if expired_files:
            counts["job_files_expired"] = expired_files
    else:
        counts["clients_to_erase"] = len(plan.erase)
        counts["cases_with_expired_items"] = len(plan.expire)
    with transaction.atomic():
        run.counts = dict(counts)
        run.finished_at = timezone.now()
        run.save(update_fields=["counts", "finished_at"])
        audit.record(
            actor=actor,
            action="dataprotection.retention.ran",
            obj=run,
            purpose="dry-run" if dry_run else "run",
            changes={"counts": dict(counts), "unset": plan.unset, "trigger": trigger},
        )
    return run


def retention_dry_run_start(*, actor: User) -> Job:
    """Start a dry run as a background job (``tasks.dry_run``); the page follows the job."""
    require(actor, Action.DATAPROTECTION_RETENTION)
    return jobs.job_start(owner=actor, kind=DRY_RUN_JOB, params={})


def retention_scheduled() -> None:
    """The daily task: run the retention for real."""
    retention_run(actor=None, dry_run=False, trigger=RunTrigger.SCHEDULE)


# --- erasure --------


def _export_files_delete(request_ids: list[str]) -> int:
    """Delete the prepared export files of these requests (their job rows and files)."""
    return jobs.jobs_delete(Job.objects.filter(kind=EXPORT_JOB, params__request__in=request_ids))


def _erase(client: Client, actor: User | None, *, reason: str, trigger: str) -> dict[str, Any]:
    cases = list(Case.objects.filter(client=client).order_by("referred_at"))
    if not cases:
        raise Conflict(_("This client has no case."))
    counts: dict[str, Any] = {}
    for data in registry.registered():
        counts[data.key] = data.erase(client, actor)
    requests = ExportRequest.objects.filter(client=client)
    ids = [str(pk) for pk in requests.values_list("pk", flat=True)]
    counts["exports"] = {"files": _export_files_delete(ids), "requests": len(ids)}
    ExportAnswer.objects.filter(request__client=client).delete()
    requests.delete()
    counts["cases"] = erasure.client_rows_erase(client)
    answers = responses_erase_owner(actor=actor, owner_key=client.subject_key_id)
    counts["answer_sets"] = answers
    first = cases[0]
    audit.record(
        actor=actor,
        action="dataprotection.client.erased",
        obj=first,
        team_id=first.team_id,
        purpose=trigger,
        changes={"cases": [c.number for c in cases], "reason": reason, "counts": counts},
    )
    for case in cases:
        audit.record(
            actor=actor,
            action="dataprotection.case.anonymised",
            obj=case,
            team_id=case.team_id,
            purpose=trigger,
            changes={"case": case.number},
        )
    return counts


def _erase_check(
    *, actor: User, client: Client, reason: str, confirm: str, case: Case | None
) -> None:
    require(actor, Action.DATAPROTECTION_ERASE)
    if reason not in ErasureReason.values:
        raise ValidationFailed.field("reason", _("Choose the reason for the erasure."))
    if case is not None and confirm.strip() != case.number:
        raise ValidationFailed.field(
            "confirm", _("Type the case number %(number)s to confirm.") % {"number": case.number}
        )
    if client.subject_key.destroyed_at is not None:
        raise Conflict(_("This client has already been erased."))


@transaction.atomic
def client_erase(
    *,
    actor: User,
    client: Client,
    reason: str,
    confirm: str = "",
    case: Case | None = None,
) -> dict[str, Any]:
    """Erase a client now (the data-protection officer, on a data subject's request): every
    registered app's rows, cases' rows, the export files, and the client's key.

    ``confirm`` must repeat the number of ``case`` (one of the client's cases)."""
    _erase_check(actor=actor, client=client, reason=reason, confirm=confirm, case=case)
    return _erase(client, actor, reason=reason, trigger="request")


def client_erase_start(*, actor: User, case: Case, reason: str, confirm: str) -> Job:
    """Check an erasure of the client of ``case`` and start it as a background job
    (``tasks.erase``, which checks again and calls ``client_erase``); bad input starts nothing."""
    _erase_check(actor=actor, client=case.client, reason=reason, confirm=confirm, case=case)
    return jobs.job_start(
        owner=actor,
        kind=ERASE_JOB,
        params={"case": str(case.pk), "reason": reason, "confirm": confirm.strip()},
    )


# --- data-subject exports --------


def export_parts(client: Client) -> list[registry.ExportPart]:
    """Every item held about the client, from cases and every registered app."""
    parts = cases_export(client)
    for data in registry.registered():
        parts.extend(data.export(client))
    return parts


def _export_request_check(*, actor: User, case: Case, asked_on: datetime.date) -> int:
    """Refuse a request the actor may not record or whose day is wrong; the lead organisation."""
    require(actor, Action.DATAPROTECTION_EXPORT_REQUEST, case)
    if asked_on > _today():
        raise ValidationFailed.field("asked_on", _("The day the client asked cannot lie ahead."))
    if asked_on < _today() - datetime.timedelta(days=366):
        raise ValidationFailed.field(
            "asked_on", _("The day the client asked lies more than a year back; check it.")
        )
    if case.lead_organisation_id is None:
        raise Conflict(_("A case without a lead organisation has no one to answer the request."))
    return case.lead_organisation_id


def export_request_start(*, actor: User, case: Case, asked_on: datetime.date) -> Job:
    """Check a client's request for a copy and start recording it as a background job
    (``tasks.export_request``: finding every organisation that holds a part reads everything held
    about the client); bad input starts nothing."""
    _export_request_check(actor=actor, case=case, asked_on=asked_on)
    return jobs.job_start(
        owner=actor,
        kind=EXPORT_REQUEST_JOB,
        params={"case": str(case.pk), "asked_on": asked_on.isoformat()},
    )


@transaction.atomic
def export_request_create(*, actor: User, case: Case, asked_on: datetime.date) -> ExportRequest:
    """Record that the client asked for a copy of their data; each organisation that holds a part
    is asked to release it or to record a restriction."""
    lead_id = _export_request_check(actor=actor, case=case, asked_on=asked_on)
    origins = {part.origin_organisation_id for part in export_parts(case.client)}
    origins.add(lead_id)
    request = ExportRequest.objects.create(
        case=case,
        client=case.client,
        team_id=case.team_id,
        lead_organisation_id=lead_id,
        asked_on=asked_on,
        recorded_by=actor,
    )
    for org in Organisation.objects.filter(pk__in=origins):
        ExportAnswer.objects.create(request=request, organisation=org)
    audit.record(
        actor=actor,
        action="dataprotection.export.requested",
        obj=request,
        team_id=case.team_id,
        changes={"case": case.number, "organisations": sorted(origins)},
    )
    return request


@transaction.atomic
def export_answer(
    *,
    actor: User,
    request: ExportRequest,
    organisation: Organisation,
    release: bool,
    ground: str = "",
    note: str = "",
) -> ExportAnswer:
    """Release an organisation's own part of an export, or record a restriction with its legal
    ground (a member of that organisation)."""
    require(actor, Action.DATAPROTECTION_EXPORT_RELEASE, request)
    if organisation.pk not in facts_for(actor).org_ids:
        raise ValidationFailed.field(
            "organisation", _("You can answer only for your own organisation.")
        )
    answer = (
        ExportAnswer.objects.select_for_update()
        .filter(request=request, organisation=organisation)
        .first()
    )
    if answer is None:
        raise ValidationFailed.field(
            "organisation", _("Your organisation holds no part of this export.")
        )
    if answer.state != AnswerState.WAITING:
        raise Conflict(_("Your organisation has already answered for its part."))
    note = clean_text(note.strip(), field="note", max_length=2000)
    if release:
        ground, note = "", ""
    else:
        if retention().ground(ground) is None:
            raise ValidationFailed.field("ground", _("Choose the legal ground of the restriction."))
        if not note:
            raise ValidationFailed.field(
                "note", _("Explain the restriction and name the provision you rely on.")
            )
    answer.state = AnswerState.RELEASED if release else AnswerState.RESTRICTED
    answer.ground = ground
    answer.ground_note = note
    answer.decided_at = timezone.now()
    answer.decided_by = actor
    answer.save()
    audit.record(
        actor=actor,
        action="dataprotection.export.answered",
        obj=request,
        team_id=request.team_id,
        changes={"organisation": organisation.pk, "state": answer.state, "ground": ground},
    )
    return answer


def parts_for(request: ExportRequest, organisation_id: int) -> list[registry.ExportPart]:
    """The parts ``organisation_id`` may open in the assembled export.

    Its own parts always (to review them before releasing); the lead organisation also the parts
    other organisations released that are shared with it.
    """
    released = set(
        ExportAnswer.objects.filter(request=request, state=AnswerState.RELEASED).values_list(
            "organisation_id", flat=True
        )
    )
    found = []
    for part in export_parts(request.client):
        if part.origin_organisation_id == organisation_id or (
            organisation_id == request.lead_organisation_id
            and part.origin_organisation_id in released
            and organisation_id in part.shared_with
        ):
            found.append(part)
    return found
