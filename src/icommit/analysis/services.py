"""Writes of Social Diagnostics: starting an analysis, recording and submitting perspectives,
agreeing the case formulation, and erasing a client's analyses.

Every function checks access (``require``) and records its audit event in the same transaction,
sealed with the client's key and holding no rating or word of the client. A submitted perspective's
answers are stored and replaced only through ``instruments.services`` (``response_store``,
``responses_discard``), owned by the client's subject key and with no scores, so nothing of a
perspective stands in a plain column. Invariant: an earlier analysis is read-only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from icommit.access import Action, require
from icommit.access.facts import facts_for
from icommit.accounts.models import User
from icommit.analysis.content import INSTRUMENT_KEY, category_of
from icommit.analysis.models import (
    Analysis,
    Formulation,
    FormulationAudience,
    Perspective,
    PerspectiveAudience,
    PerspectiveStatus,
    Viewpoint,
)
from icommit.cases import kinds
from icommit.cases.models import Case, Client
from icommit.cases.services import ensure_not_restricted, participant_ids, shares_recheck
from icommit.core import audit
from icommit.core.exceptions import Conflict, Forbidden, ValidationFailed
from icommit.core.text import SHORT
from icommit.core.text import clean as clean_text
from icommit.instruments.engine import Choice, is_answered, tr
from icommit.instruments.models import InstrumentVersion, Response
from icommit.instruments.services import answers_check, response_store, responses_discard
from icommit.stakeholders.content import content
from icommit.stakeholders.models import Organisation

#: the order of sensitivity in which a perspective's own category is chosen
_SENSITIVITY = {"art10": 2, "art9": 1, "none": 0}
RATING_VALUES = (0, 1, 2, 3, "unknown")
NOT_APPLICABLE = "not_applicable"
#: agreed values that say nothing about the client: unknown, and none agreed
_SILENT = ("unknown", None)


# --- small helpers ----------------------------------------------------------------------------


def _record(actor: User | None, action: str, case: Case, **changes: Any) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=case,
        team_id=case.team_id,
        changes=changes,
        subject=case.client.subject_key_id,
    )


def _text(value: Any, field: str, *, max_length: int = SHORT) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed.field(field, _("Enter text."))
    return clean_text(value.strip(), field=field, max_length=max_length)


def _secrecy_kinds() -> set[str]:
    v2 = content().v2
    return set(v2.secrecy) if v2 is not None else {"none"}


def instrument_version() -> InstrumentVersion:
    """The newest published version of the Social Diagnostics instrument."""
    version = (
        InstrumentVersion.objects.filter(instrument__key=INSTRUMENT_KEY).order_by("-number").first()
    )
    if version is None:
        raise Conflict(_("The Social Diagnostics instrument is not published on this platform."))
    return version


def domain_keys(version: InstrumentVersion) -> list[str]:
    """The instrument version's life domains, in order: the keys of its paired items (a domain
    is rated by the paired item of the same key, whether or not the version declares it)."""
    return [item.key for item in version.parsed.items() if item.type == "paired"]


def rating_options(version: InstrumentVersion) -> dict[str, dict[str, tuple[Choice, ...]]]:
    """Domain key → scale ("concern", "resource") → the options the instrument version offers:
    0–3, unknown, and any other value it allows (the religion resource: not applicable)."""
    scales = version.parsed.scales
    return {
        item.key: {
            pair.key: scales[pair.scale].options for pair in item.pairs if pair.scale in scales
        }
        for item in version.parsed.items()
        if item.type == "paired"
    }


def domain_titles(version: InstrumentVersion, language: str) -> dict[str, str]:
    """Domain key → its title in ``language`` (the declared domain's, else the item's text)."""
    declared = {d.key: d.title for d in version.parsed.domains}
    return {
        item.key: tr(declared.get(item.key) or item.text, language)
        for item in version.parsed.items()
        if item.type == "paired"
    }


def latest_analysis(case: Case) -> Analysis | None:
    return Analysis.objects.filter(case=case).order_by("-number").first()


def _current(analysis: Analysis) -> None:
    latest = latest_analysis(analysis.case)
    if latest is None or latest.pk != analysis.pk:
        raise Conflict(_("This analysis was followed by a newer one; it can only be read now."))


def _audience(organisation: Organisation) -> str:
    return "security" if organisation.is_security else "non_security"


def answers_of(perspective: Perspective) -> dict[str, Any]:
    """The perspective's answers: the submitted answer set, or the draft."""
    if perspective.response_id is not None:
        response = perspective.response or Response.objects.get(pk=perspective.response_id)
        return dict(response.answers or {})
    return dict(perspective.draft or {})


def answered_domains(version: InstrumentVersion, answers: Mapping[str, Any]) -> list[str]:
    """The domains the answers rate (a rating or "unknown" with its rationale)."""
    return [d for d in domain_keys(version) if is_answered(answers.get(d))]


def categories_for(version: InstrumentVersion, answers: Mapping[str, Any]) -> tuple[str, ...]:
    """The data categories of the domains the answers rate, in the instrument's order."""
    return tuple(dict.fromkeys(category_of(d) for d in answered_domains(version, answers)))


def most_sensitive(categories: Sequence[str]) -> str:
    """The most sensitive category: Art. 10 data, then Art. 9, then the first of the others."""
    known = content().data_categories
    best, rank = "", -1
    for code in categories:
        special = known[code].special if code in known else "none"
        if _SENSITIVITY.get(special, 0) > rank:
            best, rank = code, _SENSITIVITY.get(special, 0)
    return best or category_of("")


# --- analyses -----------------------------------------------------------------------------------


@transaction.atomic
def analysis_open(*, actor: User, case: Case, reason: str = "") -> Analysis:
    """Start the case's next analysis (the first, or a new one after a review, with a reason)."""
    require(actor, Action.ANALYSIS_MANAGE, case)
    ensure_not_restricted(case)
    previous = latest_analysis(case)
    reason = _text(reason, "reason")
    if previous is not None and not reason:
        raise ValidationFailed.field(
            "reason", _("Say why a new analysis starts (for example the review it follows).")
        )
    analysis = Analysis(
        case=case,
        number=(previous.number + 1) if previous else 1,
        version=instrument_version(),
        opened_by=actor,
    )
    analysis.reason = reason
    try:
        with transaction.atomic():
            analysis.save()
    except IntegrityError:
        raise Conflict(
            _("Another analysis was started at the same time; reload the page.")
        ) from None
    _record(
        actor,
        "analysis.opened",
        case,
        analysis=str(analysis.pk),
        number=analysis.number,
        version=analysis.version.number,
    )
    return analysis


# --- perspectives -------------------------------------------------------------------------------


def _check_org(actor: User, case: Case, organisation: Organisation) -> None:
    if organisation.pk not in facts_for(actor).org_ids:
        raise ValidationFailed.field("organisation", _("Choose an organisation you belong to."))
    if organisation.pk not in participant_ids(case):
        raise ValidationFailed.field(
            "organisation", _("This organisation does not take part in the case.")
        )


def _check_answers(
    analysis: Analysis, organisation: Organisation, answers: Any, *, complete: bool
) -> dict[str, Any]:
    return answers_check(
        version=analysis.version,
        answers=answers,
        audience=_audience(organisation),
        complete=complete,
    )


def _classify(perspective: Perspective, answers: Mapping[str, Any]) -> None:
    perspective.category = most_sensitive(categories_for(perspective.analysis.version, answers))


@transaction.atomic
def perspective_create(
    *,
    actor: User,
    analysis: Analysis,
    organisation: Organisation,
    viewpoint: str,
    secrecy: str = "none",
    answers: Mapping[str, Any] | None = None,
) -> Perspective:
    """Start a perspective of one's own organisation (its own view or the client's), as a draft
    seen by its organisation only."""
    case = analysis.case
    require(actor, Action.ANALYSIS_RECORD, case)
    ensure_not_restricted(case)
    _current(analysis)
    _check_org(actor, case, organisation)
    if viewpoint not in Viewpoint.values:
        raise ValidationFailed.field("viewpoint", _("Choose one of the options offered."))
    if secrecy not in _secrecy_kinds():
        raise ValidationFailed.field("secrecy", _("Choose one of the options offered."))
    checked = _check_answers(analysis, organisation, dict(answers or {}), complete=False)
    if Perspective.objects.filter(
        analysis=analysis, origin_organisation=organisation, viewpoint=viewpoint
    ).exists():
        raise Conflict(_("Your organisation has already started this perspective; open it."))
    perspective = Perspective(
        team_id=case.team_id,
        origin_organisation=organisation,
        case=case,
        analysis=analysis,
        viewpoint=viewpoint,
        author=actor,
        secrecy=secrecy,
    )
    perspective.draft = checked
    _classify(perspective, checked)
    try:
        with transaction.atomic():
            perspective.save()
    except IntegrityError:
        raise Conflict(
            _("Your organisation has already started this perspective; open it.")
        ) from None
    _record(
        actor,
        "analysis.perspective_saved",
        case,
        perspective=str(perspective.pk),
        organisation=organisation.pk,
        viewpoint=viewpoint,
    )
    return perspective


def _require_own(actor: User, perspective: Perspective) -> None:
    require(actor, Action.ANALYSIS_RECORD, perspective.case)
    if perspective.origin_organisation_id not in facts_for(actor).org_ids:
        # only the organisation a perspective comes from changes it
        raise Forbidden()


@transaction.atomic
def perspective_save(
    *,
    actor: User,
    perspective: Perspective,
    answers: Mapping[str, Any],
    secrecy: str | None = None,
) -> Perspective:
    """Save a draft's answers (they may still be incomplete); a submitted one is changed only by
    submitting it again."""
    _require_own(actor, perspective)
    ensure_not_restricted(perspective.case)
    _current(perspective.analysis)
    if perspective.is_submitted:
        raise Conflict(_("This perspective is submitted; change it by submitting it again."))
    if secrecy is not None:
        if secrecy not in _secrecy_kinds():
            raise ValidationFailed.field("secrecy", _("Choose one of the options offered."))
        perspective.secrecy = secrecy
    checked = _check_answers(
        perspective.analysis, perspective.origin_organisation, dict(answers), complete=False
    )
    perspective.draft = checked
    _classify(perspective, checked)
    perspective.updated_at = timezone.now()
    perspective.save()
    _record(
        actor,
        "analysis.perspective_saved",
        perspective.case,
        perspective=str(perspective.pk),
        organisation=perspective.origin_organisation_id,
        viewpoint=perspective.viewpoint,
    )
    return perspective


@transaction.atomic
def perspective_submit(
    *,
    actor: User,
    perspective: Perspective,
    answers: Mapping[str, Any] | None = None,
    secrecy: str | None = None,
) -> Perspective:
    """Submit the perspective's complete answers (the draft's, or ``answers``): stored through
    the instruments engine, sealed with the client's key; a submitted one is replaced."""
    _require_own(actor, perspective)
    case = perspective.case
    ensure_not_restricted(case)
    _current(perspective.analysis)
    if secrecy is not None:
        if secrecy not in _secrecy_kinds():
            raise ValidationFailed.field("secrecy", _("Choose one of the options offered."))
        perspective.secrecy = secrecy
    if answers is None:
        answers = answers_of(perspective)
    was_submitted = perspective.is_submitted
    old_response = perspective.response_id
    response = response_store(
        version=perspective.analysis.version,
        answers=dict(answers),
        audience=_audience(perspective.origin_organisation),
        scores={},
        owner_key=case.client.subject_key,
    )
    perspective.response = response
    perspective.draft = None
    perspective.status = PerspectiveStatus.SUBMITTED
    _classify(perspective, response.answers)
    now = timezone.now()
    perspective.updated_at = now
    if not was_submitted:
        perspective.submitted_at = now
    perspective.save()
    if old_response is not None:
        responses_discard(ids=[old_response])
    if was_submitted:
        # new answers may rate other domains (other data categories): every share still in
        # effect is checked against the rule book again, and those that no longer pass end
        ended = shares_recheck(actor=actor, case=case, item=perspective)
        perspective.shares_ended = tuple(o.name for o in ended)
    _record(
        actor,
        "analysis.perspective_changed" if was_submitted else "analysis.perspective_submitted",
        case,
        perspective=str(perspective.pk),
        organisation=perspective.origin_organisation_id,
        viewpoint=perspective.viewpoint,
    )
    return perspective


def perspective_unshareable(perspective: Perspective) -> str | None:
    """Why a perspective may not be shared now: a draft is its organisation's own."""
    if not perspective.is_submitted:
        return _("Submit the perspective before sharing it.")
    return None


def perspectives_delete(perspectives: Any) -> int:
    """Delete the given perspectives with their audience rows and their answer sets (unlinked
    first, then discarded through the instruments service); return how many perspectives went.
    Retention and erasure delete perspectives only through this (``cases.kinds``)."""
    ids = list(perspectives.values_list("pk", flat=True))
    response_ids = [
        r for r in Perspective.objects.filter(pk__in=ids).values_list("response_id", flat=True) if r
    ]
    Perspective.objects.filter(pk__in=ids).update(response=None)
    responses_discard(ids=response_ids)
    PerspectiveAudience.objects.filter(item_id__in=ids).delete()
    _total, by_model = Perspective.objects.filter(pk__in=ids).delete()
    return int(by_model.get(Perspective._meta.label, 0))


def formulations_delete(formulations: Any) -> int:
    """Delete the given formulation versions with their audience rows (a version's link to the
    one before is cut first); return how many went."""
    ids = list(formulations.values_list("pk", flat=True))
    FormulationAudience.objects.filter(item_id__in=ids).delete()
    Formulation.objects.filter(previous_id__in=ids).update(previous=None)
    Formulation.objects.filter(pk__in=ids).update(previous=None)
    _total, by_model = Formulation.objects.filter(pk__in=ids).delete()
    return int(by_model.get(Formulation._meta.label, 0))


# --- the case formulation -----------------------------------------------------------------------


def _rating(value: Any, field: str, options: Sequence[Choice]) -> int | str | None:
    """An agreed rating: 0–3, "unknown" or another value the instrument offers on this scale
    ("not_applicable" for the religion resource); None where the participants agreed none."""
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if value in ("", None):
        return None
    allowed = [c.value for c in options] or list(RATING_VALUES)
    if isinstance(value, bool) or not isinstance(value, int | str) or value not in allowed:
        if value == NOT_APPLICABLE:
            raise ValidationFailed.field(
                field,
                _("Not applicable is not an option for this rating: choose 0 to 3, or unknown."),
            )
        raise ValidationFailed.field(field, _("Choose 0 to 3, or unknown."))
    return value


def _formulation_content(version: InstrumentVersion, data: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise ValidationFailed.field("content", _("Enter the formulation."))
    raw_domains = data.get("domains") or {}
    if not isinstance(raw_domains, Mapping):
        raise ValidationFailed.field("domains", _("Give the agreed ratings per domain."))
    keys = domain_keys(version)
    unknown = [k for k in raw_domains if k not in keys]
    if unknown:
        raise ValidationFailed.field(
            "domains",
            _("%(domain)s is not a domain of this instrument.") % {"domain": unknown[0]},
        )
    options = rating_options(version)
    domains: dict[str, Any] = {}
    for key in keys:
        entry = raw_domains.get(key) or {}
        if not isinstance(entry, Mapping):
            raise ValidationFailed.field(f"{key}_concern", _("Choose 0 to 3, or unknown."))
        scales = options.get(key, {})
        domains[key] = {
            "concern": _rating(entry.get("concern"), f"{key}_concern", scales.get("concern", ())),
            "resource": _rating(
                entry.get("resource"), f"{key}_resource", scales.get("resource", ())
            ),
            "note": _text(entry.get("note"), f"{key}_note"),
        }
    tasks = []
    for n, task in enumerate(data.get("tasks") or []):
        if not isinstance(task, Mapping):
            raise ValidationFailed.field("tasks", _("Each task names a service and a task."))
        service = _text(task.get("service"), "tasks", max_length=200)
        what = _text(task.get("task"), "tasks")
        if service or what:
            if not (service and what):
                raise ValidationFailed.field(
                    "tasks", _("Task %(n)s needs both a service and a task.") % {"n": n + 1}
                )
            tasks.append({"service": service, "task": what})
    summary = _text(data.get("summary"), "summary", max_length=SHORT * 4)
    if not summary:
        raise ValidationFailed.field("summary", _("Write the summary that was agreed."))
    return {
        "domains": domains,
        "summary": summary,
        "hypotheses": _text(data.get("hypotheses"), "hypotheses", max_length=SHORT * 4),
        "needs": _text(data.get("needs"), "needs", max_length=SHORT * 4),
        "tasks": tasks,
    }


def latest_formulation(analysis: Analysis) -> Formulation | None:
    return Formulation.objects.filter(analysis=analysis).order_by("-number").first()


@transaction.atomic
def formulation_agree(*, actor: User, analysis: Analysis, data: Mapping[str, Any]) -> Formulation:
    """Record what the participants agreed as a new version of the analysis's case formulation,
    an item of the lead organisation."""
    case = analysis.case
    require(actor, Action.ANALYSIS_MANAGE, case)
    ensure_not_restricted(case)
    _current(analysis)
    if case.lead_organisation_id is None:
        raise Conflict(_("The case has no lead organisation yet."))
    agreed = _formulation_content(analysis.version, data)
    previous = latest_formulation(analysis)
    formulation = Formulation(
        team_id=case.team_id,
        origin_organisation_id=case.lead_organisation_id,
        case=case,
        analysis=analysis,
        number=(previous.number + 1) if previous else 1,
        previous=previous,
        agreed_by=actor,
    )
    formulation.content = agreed
    formulation.category = most_sensitive(_formulation_categories(agreed))
    try:
        with transaction.atomic():
            formulation.save()
    except IntegrityError:
        raise Conflict(_("Another version was agreed at the same time; reload the page.")) from None
    _record(
        actor,
        "analysis.formulation_agreed",
        case,
        formulation=str(formulation.pk),
        analysis=str(analysis.pk),
        number=formulation.number,
    )
    return formulation


def _formulation_categories(agreed: Mapping[str, Any]) -> tuple[str, ...]:
    domains = agreed.get("domains") or {}
    # "unknown" and a value not agreed say nothing about the client; a number, "not applicable"
    # (faith plays no part: itself a fact about beliefs) and a note do
    rated = [
        d
        for d, v in domains.items()
        if v.get("concern") not in _SILENT or v.get("resource") not in _SILENT or v.get("note")
    ]
    return tuple(dict.fromkeys(category_of(d) for d in rated)) or (category_of(""),)


def formulation_categories(formulation: Formulation) -> tuple[str, ...]:
    """The data categories of the domains a formulation rates or comments on."""
    return _formulation_categories(formulation.content or {})


# --- erasure ------------------------------------------------------------------------------------


@transaction.atomic
def client_erase(client: Client, actor: User | None) -> dict[str, int]:
    """Delete every analysis, perspective and formulation about the client, and their answer
    sets (through the instruments service: unlinked first, then discarded). Idempotent."""
    perspectives = Perspective.objects.filter(case__client=client)
    formulations = Formulation.objects.filter(case__client=client)
    analyses = Analysis.objects.filter(case__client=client)
    counts = {
        "analyses": analyses.count(),
        "perspectives": perspectives.count(),
        "formulations": formulations.count(),
        "answer_sets": len([r for r in perspectives.values_list("response_id", flat=True) if r]),
    }
    kinds.delete_items(kinds.get("perspective"), perspectives)
    kinds.delete_items(kinds.get("formulation"), formulations)
    analyses.delete()
    case = Case.objects.filter(client=client).first()
    if case is not None and any(counts.values()):
        # counts only: the client's key is destroyed next, and the chain keeps verifying
        audit.record(
            actor=actor, action="analysis.erased", obj=case, team_id=case.team_id, changes=counts
        )
    return counts
