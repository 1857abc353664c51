"""Pages of the learner's work and the trainers' reviews: knowledge checks, the practice
analysis in the training sandbox, observed assignments, reviews with the rubric and their
calibration, feedback per session, the self-assessment before and after, and the feedback
totals of a run.

A learner works on their own enrolment only (``training.enrolment_work``); a run's trainers
review (``training.run_manage``); feedback totals are for the run's trainers and the
coordinators of its team. Every write goes through ``training.services``.
"""

from __future__ import annotations

import random
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from icommit.analysis import services as analysis
from icommit.cases.models import AgeBand, Phenomenon, Setting
from icommit.core import markdown
from icommit.core.exceptions import Conflict, NotFound, ValidationFailed
from icommit.core.http import AuthedRequest, require_GET_POST
from icommit.diagnostics.forms import answers_from_post, questionnaire
from icommit.instruments.engine import Definition, Item, tr
from icommit.instruments.models import InstrumentVersion
from icommit.training import content, rating, selectors, services
from icommit.training import selectors_work as sw
from icommit.training.forms_work import ReviewForm, SandboxAnalysisForm
from icommit.training.models import Enrolment, Run, Submission, SubmissionStatus, SurveyStage

#: The stages of the self-assessment, as their URL names them.
STAGES = (SurveyStage.BEFORE.value, SurveyStage.AFTER.value)


def _lang() -> str:
    return (get_language() or "en")[:2]


def _url(name: str, **kwargs: Any) -> str:
    """A page of another area of training, if it exists yet ("" otherwise)."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


def _vignette_url(key: str, run: Run) -> str:
    return _url("training:vignette", vignette=key) or _url(
        "training:vignette", run_pk=run.pk, vignette=key
    )


def _work_url(enrolment: Enrolment) -> str:
    return reverse("training:work", args=[enrolment.pk])


def _errors(exc: ValidationFailed) -> dict[str, list[str]]:
    details = exc.details if isinstance(exc.details, dict) else {}
    return {k: [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in details.items()}


def _questions(
    version: InstrumentVersion,
    answers: dict[str, Any],
    errors: dict[str, list[str]] | None = None,
) -> list[dict[str, Any]]:
    return questionnaire(
        version.parsed, answers, audience=services.AUDIENCE, lang=_lang(), errors=errors
    )


def _general(version: InstrumentVersion, errors: dict[str, list[str]]) -> dict[str, Any]:
    """Errors split for the page: those of no item (shown on top), and whether items have any."""
    keys = {item.key for item in version.parsed.items()}
    return {
        "general_errors": [m for k, listed in errors.items() if k not in keys for m in listed],
        "item_errors": any(k in keys for k in errors),
    }


def _posted(version: InstrumentVersion, request: AuthedRequest) -> dict[str, Any]:
    found = answers_from_post(version.parsed, request.POST, audience=services.AUDIENCE)
    return {k: v for k, v in found.items() if v not in ("", None, [])}


def _base(enrolment: Enrolment) -> dict[str, Any]:
    return {
        "enrolment": enrolment,
        "run": enrolment.run,
        "work_url": _work_url(enrolment),
        "home_url": _url("training:home"),
    }


# --- the learner's overview ------------------------------------------------------------------


@require_GET
@login_required
def work(request: AuthedRequest, enrolment_pk: int) -> HttpResponse:
    """The learner's work in a run: checks, assignments, feedback and self-assessment."""
    enrolment = sw.enrolment_get(request.user, enrolment_pk)
    run = enrolment.run
    course = sw.course_of(run)
    keys = sw.checks_of(course)
    titles = sw.instrument_titles(keys, _lang())
    newest = sw.check_states(enrolment, keys)
    submissions = sw.submissions_of(enrolment)
    return render(
        request,
        "training/work/work.html",
        {
            **_base(enrolment),
            "course": course,
            "checks": [(k, titles.get(k, k), newest.get(k)) for k in keys],
            "assignments": [
                (a, content.tr(a.title), submissions.get(a.key))
                for a in sw.assignments_of(course, run)
            ],
            "sessions": sw.feedback_sessions(enrolment),
            "stages_given": sw.stages_given(enrolment),
            "feedback_days": sw.FEEDBACK_DAYS,
            "minimum": sw.MIN_ANSWER_SETS,
        },
    )


# --- knowledge checks ------------------------------------------------------------------------


def _check_page(
    request: AuthedRequest,
    enrolment: Enrolment,
    version: InstrumentVersion,
    *,
    answers: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    definition = version.parsed
    attempts = sw.attempts(enrolment, definition.key)
    newest = attempts[0] if attempts else None
    retake = bool(request.GET.get("retake")) or request.method == "POST"
    result = None
    if newest is not None and not retake:
        taken = newest.response.version.parsed
        numbers = {item.key: n for n, item in enumerate(taken.items(), start=1)}
        result = {
            "attempt": newest,
            "pass_mark": taken.scoring.pass_mark if taken.scoring else None,
            "wrong": [
                (numbers[item.key], tr(item.text, _lang()))
                for item in sw.wrong_items(taken, newest.response.answers or {})
            ],
            "questions": len([i for i in taken.items() if i.scored]),
        }
    return render(
        request,
        "training/work/check.html",
        {
            **_base(enrolment),
            "version": version,
            "title": tr(definition.title, _lang()),
            "description": tr(definition.description, _lang()) if definition.description else "",
            "pass_mark": definition.scoring.pass_mark if definition.scoring else None,
            "attempts": attempts,
            "ever_passed": any(a.passed for a in attempts),
            "result": result,
            "sections": None
            if result
            else _shuffled(
                _questions(version, answers or {}, errors), f"{enrolment.pk}:{len(attempts)}"
            ),
            **_general(version, errors or {}),
        },
        status=status,
    )


def _shuffled(sections: list[dict[str, Any]], seed: str) -> list[dict[str, Any]]:
    """A knowledge check's options in an order of their own for each learner and attempt, so
    that where the right answer stands tells nothing (the order is the same when a refused
    attempt is shown again)."""
    for section in sections:
        for item in section.get("items", []):
            choices = item.get("choices")
            if isinstance(choices, list) and len(choices) > 1:
                random.Random(f"{seed}:{item.get('key')}").shuffle(choices)  # noqa: S311  (an order, not a secret)
    return sections


@require_GET_POST
@login_required
def check(request: AuthedRequest, enrolment_pk: int, instrument: str) -> HttpResponse:
    """Take a knowledge check of the course; the result page shows the score, the pass mark and
    which questions were answered wrongly (not the right answers). It can be taken again."""
    enrolment = sw.enrolment_get(request.user, enrolment_pk)
    if instrument not in sw.checks_of(sw.course_of(enrolment.run)):
        raise NotFound()
    version = sw.version_of(instrument)
    if request.method != "POST":
        return _check_page(request, enrolment, version)
    answers = _posted(version, request)
    try:
        attempt = services.check_take(
            actor=request.user, enrolment=enrolment, instrument=instrument, answers=answers
        )
    except ValidationFailed as exc:
        errors = _errors(exc) or {"": [exc.message]}
        return _check_page(request, enrolment, version, answers=answers, errors=errors, status=422)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect(_work_url(enrolment))
    if attempt.passed:
        messages.success(request, _("You passed the knowledge check."))
    else:
        messages.warning(request, _("You did not reach the pass mark this time."))
    return redirect(reverse("training:check", args=[enrolment.pk, instrument]))


# --- practice assignments --------------------------------------------------------------------


def _shown(definition: Definition, item: Item, value: Any, lang: str) -> str:
    """One answer as text: a choice by its label, anything else as given."""
    if value in (None, "", []):
        return ""
    scale = definition.scale_of(item)
    if scale is not None:
        picked = value if isinstance(value, list) else [value]
        labels = []
        for v in picked:
            choice = scale.choice(v)
            labels.append(tr(choice.label, lang) if choice is not None else str(v))
        return ", ".join(labels)
    return str(value)


def _analysis_view(version: InstrumentVersion, answers: dict[str, Any]) -> dict[str, Any]:
    """A handed-in analysis, read-only: the life-domain ratings, then the other sections with
    each answer by its label (empty rows of a list left out)."""
    lang = _lang()
    definition = version.parsed
    titles = analysis.domain_titles(version, lang)
    sections = []
    for section in definition.sections:
        if any(item.type == "paired" for item in section.items):
            continue
        entries: list[tuple[str, list[str]]] = []
        for item in section.items:
            value = answers.get(item.key)
            if item.type == "note":
                continue
            if item.type == "group":
                rows = []
                for row in value if isinstance(value, list) else []:
                    parts = [
                        f"{tr(sub.text, lang)}: {_shown(definition, sub, row.get(sub.key), lang)}"
                        for sub in item.items
                        if sub.type != "note" and isinstance(row, dict) and row.get(sub.key)
                    ]
                    if parts:
                        rows.append("; ".join(parts))
                entries.append((tr(item.text, lang), rows))
            else:
                shown = _shown(definition, item, value, lang)
                entries.append((tr(item.text, lang), [shown] if shown else []))
        sections.append({"key": section.key, "title": tr(section.title, lang), "entries": entries})
    paired = next((i for i in definition.items() if i.type == "paired"), None)
    pairs = {p.key: tr(p.label, lang) for p in paired.pairs} if paired is not None else {}
    return {
        "ratings": [(titles[d], answers.get(d) or {}) for d in analysis.domain_keys(version)],
        "sections": sections,
        # the columns as the form names them (the instrument's labels)
        "concern": pairs.get("concern") or _("Concern"),
        "resource": pairs.get("resource") or _("Resource"),
    }


#: The kinds of a vignette's documents, as the page names them.
DOCUMENT_KINDS = {
    "referral": gettext_lazy("Referral"),
    "report": gettext_lazy("Report"),
    "note": gettext_lazy("Note"),
    "letter": gettext_lazy("Letter"),
    "record": gettext_lazy("Record"),
    "transcript": gettext_lazy("Transcript"),
}


def _vignette_view(key: str, run: Run) -> dict[str, Any] | None:
    """A vignette as a learner reads it: its documents by day (never its teaching notes)."""
    vignette = content.vignette(key)
    if vignette is None:
        return None
    return {
        "key": vignette.key,
        "title": vignette.title_in(),
        "summary": content.tr(vignette.summary),
        "documents": [
            {
                "key": d.key,
                "before": -d.day,
                "organisation": content.tr(d.organisation),
                "kind": DOCUMENT_KINDS.get(d.kind, d.kind),
                "shareable": d.shareable,
                "restriction": content.tr(d.restriction) if d.restriction else "",
                "body": markdown.render(content.tr(d.body)),
            }
            for d in sw.documents_in_order(vignette)
        ],
        "url": _vignette_url(key, run),
    }


@require_GET_POST
@login_required
def assignment(request: AuthedRequest, enrolment_pk: int, assignment: str) -> HttpResponse:
    """A practice assignment: choose a vignette, read its documents and write the analysis with
    the form cases use, in the training sandbox; save a draft or hand it in. An observed
    assignment shows its instructions and the trainer's review."""
    enrolment = sw.enrolment_get(request.user, enrolment_pk)
    run = enrolment.run
    task = sw.assignment_of(sw.course_of(run), run, assignment)
    submission = sw.submission_get(enrolment, assignment)
    reviews = sw.learner_reviews(submission)
    context: dict[str, Any] = {
        **_base(enrolment),
        "task": task,
        "task_title": content.tr(task.title),
        "instructions": markdown.render(content.tr(task.instructions)),
        "submission": submission,
        "reviews": reviews,
        "review_rows": sw.calibration(sw.version_of(task.rubric).parsed, reviews, _lang())
        if reviews
        else [],
        "pass_level": sw.PASS_LEVEL,
    }
    if task.kind != "analysis":
        if request.method == "POST":
            messages.error(request, _("A trainer records this assignment after observing it."))
            return redirect(reverse("training:assignment", args=[enrolment.pk, assignment]))
        return render(request, "training/work/assignment.html", context)
    version = sw.version_of(selectors.ANALYSIS_INSTRUMENT)
    locked = submission is not None and submission.status in (
        SubmissionStatus.SUBMITTED,
        SubmissionStatus.PASSED,
    )
    if locked and submission is not None:
        handed = submission.response.version if submission.response else version
        answers = submission.response.answers if submission.response else submission.draft
        context |= {
            "locked": True,
            "analysis": _analysis_view(handed, dict(answers or {})),
            "chosen": _vignette_view(submission.vignette, run),
        }
        if request.method == "POST":
            messages.error(
                request, _("This assignment was handed in; it can change only after a review.")
            )
            return redirect(reverse("training:assignment", args=[enrolment.pk, assignment]))
        return render(request, "training/work/assignment.html", context)
    vignettes = sw.vignette_choices(task)
    allowed = {v.key for v in vignettes}
    wanted = (
        request.POST.get("vignette")
        if request.method == "POST"
        else request.GET.get("vignette") or (submission.vignette if submission else "")
    )
    context["vignette_rows"] = [
        {
            "key": v.key,
            "title": v.title_in(),
            "phenomenon": Phenomenon(v.phenomenon).label,
            "age": AgeBand(v.age_band).label,
            "setting": Setting(v.setting).label,
        }
        for v in vignettes
    ]
    if wanted not in allowed:
        return render(request, "training/work/assignment.html", context)
    draft = dict(submission.draft or {}) if submission is not None else {}
    choices = [(v.key, v.title_in()) for v in vignettes]

    def make(**kwargs: Any) -> SandboxAnalysisForm:
        return SandboxAnalysisForm(
            version=version,
            vignettes=choices,
            answers=draft,
            language=_lang(),
            initial={"vignette": wanted},
            **kwargs,
        )

    form = make(data=request.POST) if request.method == "POST" else make()
    status = 200
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        if form.is_valid():
            try:
                services.submission_save(
                    actor=request.user,
                    enrolment=enrolment,
                    assignment=assignment,
                    vignette=form.cleaned_data["vignette"],
                    answers=form.answers(),
                    submit=submit,
                )
            except ValidationFailed as exc:
                _place(form, exc)
            except Conflict as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Your analysis is handed in. A trainer reviews it.")
                    if submit
                    else _("Your draft is saved. Only you see it."),
                )
                return redirect(reverse("training:assignment", args=[enrolment.pk, assignment]))
        status = 422
    context |= {
        "form": form,
        "sections": form.sections(),
        "chosen": _vignette_view(wanted, run),
    }
    return render(request, "training/work/assignment.html", context, status=status)


def _place(form: SandboxAnalysisForm, exc: ValidationFailed) -> None:
    """The service's problems beside the fields and items they name."""
    details = _errors(exc)
    items = {k: v for k, v in details.items() if k not in form.fields}
    form.place(items)
    for key, listed in details.items():
        if key in form.fields:
            for message in listed:
                form.add_error(key, message)
    if items:
        form.add_error(None, _("Some answers are missing or not valid; see below."))
    elif not details:
        form.add_error(None, exc.message)


# --- reviews ---------------------------------------------------------------------------------


def _rating_columns(
    state: sw.ReviewState, rubric: Definition
) -> tuple[list[Any], list[sw.RatingRow]]:
    shown = ([state.mine] if state.mine else []) + state.others
    return shown, sw.calibration(rubric, shown, _lang()) if shown else []


@require_GET_POST
@login_required
def review(request: AuthedRequest, run_pk: int, enrolment_pk: int, assignment: str) -> HttpResponse:
    """A trainer of the run reads the handed-in analysis and rates it with the assignment's
    rubric, comments and passes it or asks for a revision; an observed assignment is recorded
    here directly. A second rater sees the first rating only after rating; then both raters'
    levels stand side by side per criterion (calibration)."""
    run = sw.run_get(request.user, run_pk)
    enrolment = sw.run_enrolment_get(run, enrolment_pk)
    task = sw.assignment_of(sw.course_of(run), run, assignment)
    submission = sw.submission_get(enrolment, assignment)
    state = sw.review_state(request.user, submission, task)
    rubric = sw.version_of(task.rubric)
    open_for_rating = state.may_rate
    form = ReviewForm(data=request.POST) if request.method == "POST" else ReviewForm()
    rubric_answers: dict[str, Any] = {}
    rubric_errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        if not open_for_rating:
            messages.error(request, _("Nothing of this assignment waits for your review."))
            return redirect(request.path)
        rubric_answers = _posted(rubric, request)
        if form.is_valid():
            try:
                done = services.review_record(
                    actor=request.user,
                    enrolment=enrolment,
                    assignment=assignment,
                    rubric_answers=rubric_answers,
                    comment=form.cleaned_data["comment"],
                    decision=form.cleaned_data["decision"],
                )
            except ValidationFailed as exc:
                details = _errors(exc)
                for key, listed in details.items():
                    if key in form.fields:
                        for m in listed:
                            form.add_error(key, m)
                    else:
                        rubric_errors.setdefault(key, []).extend(listed)
                if not any(exc.message in listed for listed in details.values()):
                    form.add_error(None, exc.message)
            except Conflict as exc:
                messages.error(request, exc.message)
                return redirect(request.path)
            else:
                _review_messages(request, done, rubric.parsed, rubric_answers)
                return redirect(request.path)
        else:
            # name the rubric's problems in the same round as the decision's
            rubric_errors = services.review_problems(
                enrolment=enrolment, assignment=assignment, rubric_answers=rubric_answers
            )
            if rubric_errors:
                form.add_error(None, _("Some criteria are not rated yet; see below."))
        status = 422
    shown, rows = _rating_columns(state, rubric.parsed)
    handed = submission.response if submission is not None and submission.response else None
    return render(
        request,
        "training/work/review.html",
        {
            "run": run,
            "enrolment": enrolment,
            "task": task,
            "task_title": content.tr(task.title),
            "instructions": markdown.render(content.tr(task.instructions)),
            "submission": submission,
            "state": state,
            "open_for_rating": open_for_rating,
            "analysis": _analysis_view(handed.version, dict(handed.answers or {}))
            if handed is not None and task.kind == "analysis"
            else None,
            "chosen": _vignette_view(submission.vignette, run)
            if submission is not None and submission.vignette
            else None,
            "rubric_title": tr(rubric.parsed.title, _lang()),
            "rubric_description": tr(rubric.parsed.description, _lang())
            if rubric.parsed.description
            else "",
            "sections": _questions(rubric, rubric_answers, rubric_errors)
            if open_for_rating
            else None,
            "form": form,
            "rated": shown,
            "calibration": rows,
            "gap": sw.CALIBRATION_GAP,
            "pass_level": sw.PASS_LEVEL,
            "run_work_url": reverse("training:run_work", args=[run.pk]),
        },
        status=status,
    )


def _review_messages(
    request: AuthedRequest, done: Any, rubric: Definition, answers: dict[str, Any]
) -> None:
    submission: Submission = done.submission
    if submission.status == SubmissionStatus.PASSED:
        messages.success(request, _("Your rating is saved. The assignment is passed."))
    elif submission.status == SubmissionStatus.REVISION:
        messages.success(request, _("Your rating is saved. The learner revises the assignment."))
    elif submission.escalation == rating.THIRD:
        messages.warning(
            request,
            _(
                "Your rating is saved. The raters disagree: a third trainer of the run rates it "
                "on their own and decides."
            ),
        )
    elif submission.escalation == rating.CONFIRM:
        messages.warning(
            request,
            _(
                "Your rating is saved. A request for revision needs a second trainer, who "
                "observed the conversation too or reviews its recording, before it reaches the "
                "learner."
            ),
        )
    else:
        messages.success(
            request, _("Your rating is saved. The second rater rates it now, on their own.")
        )
    if done.decision == "pass":
        below = sw.criteria_below(rubric, answers, _lang())
        if below:
            messages.warning(
                request,
                _(
                    "You passed it although these criteria are below level %(level)s, which the "
                    "course asks for: %(criteria)s."
                )
                % {"level": sw.PASS_LEVEL, "criteria": "; ".join(c.title for c in below)},
            )


def _work_cell(
    run: Run, row: sw.RunWorkRow, task: content.Assignment, title: str
) -> dict[str, Any]:
    """One learner's assignment in the run's table: its state and what the trainer can do."""
    submission = row.submissions.get(task.key)
    status = submission.status if submission is not None else ""
    observed = task.kind != "analysis"
    label = ""
    escalation = submission.escalation if submission is not None else ""
    if status == SubmissionStatus.SUBMITTED and task.key not in row.rated_by_me:
        if escalation == rating.THIRD:
            label = _("Rate as third trainer")
        elif escalation == rating.CONFIRM:
            label = _("Confirm or overturn")
        else:
            label = _("Record the observation") if observed else _("Review")
    elif observed and status in ("", SubmissionStatus.REVISION):
        label = _("Record the observation")
    elif status in (SubmissionStatus.SUBMITTED, SubmissionStatus.REVISION, SubmissionStatus.PASSED):
        label = _("See the ratings")
    return {
        "submission": submission,
        "observed": observed,
        "label": label,
        "url": reverse("training:review", args=[run.pk, row.enrolment.pk, task.key])
        if label
        else "",
        "title": title,
    }


@require_GET
@login_required
def run_work(request: AuthedRequest, run_pk: int) -> HttpResponse:
    """The run's assignments per learner, for its trainers: what waits for review, what an
    observer records."""
    run = sw.run_get(request.user, run_pk)
    tasks = [(a, content.tr(a.title)) for a in sw.assignments_of(sw.course_of(run), run)]
    rows = [
        (row.enrolment, [_work_cell(run, row, task, title) for task, title in tasks])
        for row in sw.run_work(request.user, run)
    ]
    return render(
        request,
        "training/work/run_work.html",
        {
            "run": run,
            "assignments": tasks,
            "rows": rows,
            "feedback_url": reverse("training:run_feedback", args=[run.pk]),
            "run_url": _url("training:run", run_pk=run.pk),
        },
    )


# --- feedback and self-assessment ------------------------------------------------------------


def _survey(
    request: AuthedRequest,
    enrolment: Enrolment,
    *,
    stage: str,
    key: str,
    heading: str,
    session: Any = None,
    closed: str = "",
) -> HttpResponse:
    version = sw.version_of(key)
    given = sw.survey_given(enrolment, stage, session)
    answers: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        if given or closed:
            messages.error(request, closed or _("You have already answered this."))
            return redirect(_work_url(enrolment))
        answers = _posted(version, request)
        try:
            services.survey_answer(
                actor=request.user,
                enrolment=enrolment,
                stage=stage,
                answers=answers,
                session=session,
            )
        except ValidationFailed as exc:
            errors = _errors(exc) or {"": [exc.message]}
            status = 422
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect(_work_url(enrolment))
        else:
            messages.success(request, _("Thank you. Your answers are stored without your name."))
            return redirect(_work_url(enrolment))
    definition = version.parsed
    return render(
        request,
        "training/work/survey.html",
        {
            **_base(enrolment),
            "heading": heading,
            "session": session,
            "title": tr(definition.title, _lang()),
            "description": tr(definition.description, _lang()) if definition.description else "",
            "given": given,
            "closed": closed,
            "minimum": sw.MIN_ANSWER_SETS,
            "sections": None if given or closed else _questions(version, answers, errors),
            **_general(version, errors),
        },
        status=status,
    )


@require_GET_POST
@login_required
def feedback(request: AuthedRequest, enrolment_pk: int, session_pk: int) -> HttpResponse:
    """Feedback on a session the learner attended: stored without the learner's name."""
    enrolment = sw.enrolment_get(request.user, enrolment_pk)
    session = sw.session_of(enrolment, session_pk)
    closed = ""
    if session.starts_at > timezone.now():
        closed = _("Feedback opens when the session has started.")
    elif sw.marked_absent(enrolment, session):
        closed = _("You were marked absent from this session, so there is no feedback to give.")
    else:
        closed = sw.outside_window(enrolment.run, SurveyStage.SESSION, session)
    return _survey(
        request,
        enrolment,
        stage=SurveyStage.SESSION,
        key=services.FEEDBACK,
        heading=_("Feedback on the session of %(date)s: %(module)s")
        % {
            "date": date_format(timezone.localtime(session.starts_at), "DATE_FORMAT"),
            "module": sw.module_title(session.module, _lang()),
        },
        session=session,
        closed=closed,
    )


@require_GET_POST
@login_required
def self_assessment(request: AuthedRequest, enrolment_pk: int, stage: str) -> HttpResponse:
    """The self-assessment before or after the course: stored without the learner's name."""
    enrolment = sw.enrolment_get(request.user, enrolment_pk)
    if stage not in STAGES:
        raise NotFound()
    return _survey(
        request,
        enrolment,
        stage=stage,
        key=services.SELF_ASSESSMENT,
        heading=_("Self-assessment before the course")
        if stage == SurveyStage.BEFORE
        else _("Self-assessment after the course"),
        closed=sw.outside_window(enrolment.run, stage),
    )


@require_GET
@login_required
def run_feedback(request: AuthedRequest, run_pk: int) -> HttpResponse:
    """The feedback totals of a run, for its trainers and the coordinators of its team: per
    session and per item, and the self-assessment before and after; never one answer set."""
    run = sw.run_feedback_get(request.user, run_pk)
    services.surveys_settle(run)  # closed groups are shuffled before anyone reads them
    return render(
        request,
        "training/work/run_feedback.html",
        {
            "run": run,
            "totals": sw.run_feedback(run, _lang()),
            "minimum": sw.MIN_ANSWER_SETS,
            "run_url": _url("training:run", run_pk=run.pk),
        },
    )
