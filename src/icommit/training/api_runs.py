"""Training API: courses, runs, sessions, attendance, enrolment, requests to join, a learner's
standing, sign-off and the dashboard (mounted by api.py under /api/v1/training).

The same selectors and services as the pages; every write goes through ``training.services``.
"""

import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from icommit.access import Action, require
from icommit.api.schemas import READ_ERRORS, WRITE_ERRORS, Line, ShortText
from icommit.core.exceptions import ValidationFailed
from icommit.core.http import AuthedRequest
from icommit.training import content, selectors_runs, services
from icommit.training.models import Enrolment, Run, Session

router = Router()


# --- schemas ---------------------------------------------------------------------------------


class TrainingModuleOut(Schema):
    id: str
    title: str
    minutes: int


class TrainingCourseOut(Schema):
    id: str
    version: int
    title: str
    audience: str
    minutes: int
    certificate_kind: str
    #: months; null: the certificate does not expire
    validity_months: int | None
    attendance_share: float
    knowledge_checks: list[str]
    assignments: list[str]
    signoff: bool
    refresher_modules: list[str]
    modules: list[TrainingModuleOut]


class TrainingRunListOut(Schema):
    id: int
    course: str
    course_version: int
    title: str
    city: str
    language: str
    team_id: int | None
    starts_on: datetime.date
    ends_on: datetime.date
    refresher: bool
    open_for_requests: bool
    cancelled: bool
    learners: int


class TrainingRunIn(Schema):
    title: Line
    city: Line
    language: str
    starts_on: datetime.date
    ends_on: datetime.date
    #: the catalogue ids of the modules taught, in their order; empty: the course's (or the
    #: refresher's) modules
    modules: list[str] = []
    local_notes: ShortText = ""
    open_for_requests: bool = False
    #: the other trainers (the caller teaches the run)
    trainer_ids: list[int] = []


class TrainingRunCreateIn(TrainingRunIn):
    course: str
    team_id: int | None = None
    refresher: bool = False


class TrainingCancelIn(Schema):
    reason: ShortText


class TrainingSessionIn(Schema):
    starts_at: datetime.datetime
    minutes: int = Field(..., ge=1)
    module: str
    place: Line = ""
    online_link: str = Field("", max_length=500)


class TrainingMarkIn(Schema):
    enrolment_id: int
    present: bool


class TrainingAttendanceIn(Schema):
    marks: list[TrainingMarkIn]


class TrainingEnrolIn(Schema):
    learner_ids: list[int]


class TrainingJoinIn(Schema):
    note: ShortText = ""


class TrainingDecideIn(Schema):
    accept: bool


class TrainingSignoffIn(Schema):
    #: the family name on the certificate; empty: the last word of the learner's name
    family_name: Line = ""


class TrainingPersonOut(Schema):
    id: int
    name: str
    #: only when q was this exact address (case aside); null otherwise
    email: str | None


class TrainingPeopleOut(Schema):
    #: "search": a trainer finds the people linked to the run (members of its team, people who
    #: asked to join) by name (q of at least 3 characters, 20 at most), anyone else active only
    #: by q being their exact e-mail address;
    #: "team": a coordinator's choice among the members of the run's team
    mode: str
    people: list[TrainingPersonOut]


# --- how objects are answered ----------------------------------------------------------------


def _course_out(course: content.Course) -> dict[str, Any]:
    c = course.completion
    refresher = course.certificate.refresher
    return {
        "id": course.id,
        "version": course.version,
        "title": content.tr(course.title),
        "audience": content.tr(course.audience),
        "minutes": course.minutes,
        "certificate_kind": course.certificate.kind,
        "validity_months": course.certificate.validity_months,
        "attendance_share": c.attendance_share,
        "knowledge_checks": list(c.knowledge_checks),
        "assignments": list(c.assignments),
        "signoff": c.signoff,
        "refresher_modules": list(refresher.modules) if refresher else [],
        "modules": [
            {"id": m.id, "title": content.tr(m.title), "minutes": m.minutes} for m in course.modules
        ],
    }


def _run_row(run: Run) -> dict[str, Any]:
    return {
        "id": run.pk,
        "course": run.course,
        "course_version": run.course_version,
        "title": run.title,
        "city": run.city,
        "language": run.language,
        "team_id": run.team_id,
        "starts_on": run.starts_on,
        "ends_on": run.ends_on,
        "refresher": run.refresher,
        "open_for_requests": run.open_for_requests,
        "cancelled": run.cancelled_at is not None,
        "learners": getattr(run, "learners", 0),
    }


def _session_out(s: Session, *, link: bool = True) -> dict[str, Any]:
    """A session; its meeting link only where ``link`` (the run's trainers and learners)."""
    out: dict[str, Any] = {
        "id": s.pk,
        "starts_at": s.starts_at,
        "minutes": s.minutes,
        "module": s.module,
        "place": s.place,
        "online": bool(s.online_link),
        "online_link": s.online_link if link else "",
    }
    if hasattr(s, "marked"):  # annotated by selectors_runs.session_rows
        out |= {"marked": getattr(s, "marked", 0), "present": getattr(s, "present", 0)}
    return out


def _standing_out(row: selectors_runs.StandingRow) -> dict[str, Any]:
    st = row.standing
    e = st.enrolment
    return {
        "enrolment_id": e.pk,
        "learner_id": e.learner_id,
        "learner": e.learner.full_name,
        "status": e.status,
        "sessions": st.sessions,
        "attended": st.attended,
        "sessions_needed": st.result.sessions_needed,
        "checks": [{"instrument": k, "passed": passed} for k, passed in row.checks],
        "assignments": [{"key": a.key, "status": a.status or "none"} for a in row.assignments],
        "complete": st.result.complete,
        "ready_for_signoff": row.ready,
        "signed_off_at": e.signed_off_at,
        "missing": [
            {"rule": m.rule, "ref": m.ref, "have": m.have, "need": m.need}
            for m in st.result.missing
        ],
        "missing_text": row.missing,
        "certificate_id": str(st.certificate.pk) if st.certificate else None,
    }


def _enrolment_out(e: Enrolment) -> dict[str, Any]:
    return {
        "enrolment_id": e.pk,
        "learner_id": e.learner_id,
        "learner": e.learner.full_name,
        "status": e.status,
        "note": e.request_note,
        "requested_at": e.requested_at,
    }


def _run_out(request: AuthedRequest, run: Run) -> dict[str, Any]:
    page = selectors_runs.run_page(user=request.user, run=run)
    own = page["own"]
    return {
        **_run_row(run),
        "local_notes": run.local_notes,
        "modules": list(run.modules),
        "trainers": [{"id": u.pk, "name": u.full_name} for u in page["trainers"]],
        "sessions": [_session_out(s, link=page["show_links"]) for s in page["sessions"]],
        "may_manage": page["can_manage"],
        "may_enrol": page["can_enrol"],
        "may_join": page["can_join"],
        "own_enrolment": (
            _standing_out(page["own_row"])
            if page["own_row"]
            else (_enrolment_out(own) if own else None)
        ),
        "learners": [_standing_out(r) for r in page["roster"]],
        "requests": [_enrolment_out(e) for e in page["requests"]],
    }


def _run(request: AuthedRequest, run_id: int, action: Action = Action.TRAINING_RUN_VIEW) -> Run:
    return selectors_runs.run_get(request.user, run_id, action)


def _enrolment(request: AuthedRequest, run_id: int, enrolment_id: int) -> Enrolment:
    return selectors_runs.enrolment_get(request.user, _run(request, run_id), enrolment_id)


# --- courses and the dashboard ---------------------------------------------------------------


@router.get("/courses", response={200: list[TrainingCourseOut], **READ_ERRORS})
def list_training_courses(request: AuthedRequest):
    """The shipped courses (their newest versions) with modules and completion rules."""
    require(request.user, Action.TRAINING_VIEW)
    return [_course_out(c) for c in content.courses()]


@router.get("/courses/{course_id}", response={200: TrainingCourseOut, **READ_ERRORS})
def get_training_course(request: AuthedRequest, course_id: str):
    """One course: its modules, minutes, completion rules and certificate."""
    require(request.user, Action.TRAINING_VIEW)
    return _course_out(selectors_runs.course_get(course_id))


@router.get("/dashboard", response={200: dict[str, Any], **READ_ERRORS})
def training_dashboard(request: AuthedRequest):
    """The caller's training: each run with its standing and what is still missing, the next
    session and the certificates; for trainers their runs, requests, reviews waiting and
    sessions waiting for attendance."""
    require(request.user, Action.TRAINING_VIEW)
    found = selectors_runs.dashboard(user=request.user)
    trainer = found["trainer"]
    return {
        "runs": [
            {
                **_run_row(r.enrolment.run),
                "enrolment_id": r.enrolment.pk,
                "status": r.enrolment.status,
                "standing": _standing_out(r.row) if r.row else None,
                "next_session": _session_out(r.next_session) if r.next_session else None,
            }
            for r in found["learner_rows"]
        ],
        "certificates": [
            {
                "id": str(c.pk),
                "number": c.number,
                "course": c.course,
                "issued_on": c.issued_on,
                "valid_until": c.valid_until,
                "revoked": c.revoked_at is not None,
            }
            for c in found["certificates"]
        ],
        "open_runs": [_run_row(r) for r in found["open_runs"]],
        "teaching": (
            {
                "runs": [_run_row(r) for r in trainer["runs"]],
                "requests": [
                    {**_enrolment_out(e), "run_id": e.run_id} for e in trainer["requests"]
                ],
                "reviews_waiting": [
                    {
                        "run_id": s.enrolment.run_id,
                        "enrolment_id": s.enrolment_id,
                        "assignment": s.assignment,
                        "learner": s.enrolment.learner.full_name,
                        "submitted_at": s.submitted_at,
                    }
                    for s in trainer["waiting"]
                ],
                "sessions_to_mark": [
                    {**_session_out(s), "run_id": s.run_id} for s in trainer["to_mark"]
                ],
            }
            if trainer
            else None
        ),
    }


# --- runs ------------------------------------------------------------------------------------


@router.get("/runs", response={200: list[TrainingRunListOut], **READ_ERRORS})
@paginate
def list_training_runs(request: AuthedRequest):
    """The runs the caller teaches, learns in or coordinates, and those open for requests."""
    require(request.user, Action.TRAINING_VIEW)
    return [_run_row(r) for r in selectors_runs.runs_list(request.user)]


@router.post("/runs", response={201: dict[str, Any], **WRITE_ERRORS})
def create_training_run(request: AuthedRequest, payload: TrainingRunCreateIn):
    """Set up a run of a course; the caller teaches it, with the trainers named."""
    require(request.user, Action.TRAINING_RUN_CREATE)
    team = None
    if payload.team_id is not None:
        team = next((t for t in selectors_runs.team_choices() if t.pk == payload.team_id), None)
        if team is None:
            raise ValidationFailed.field("team_id", _("Choose a team that is not archived."))
    run = services.run_create(
        actor=request.user,
        course=payload.course,
        title=payload.title,
        city=payload.city,
        language=payload.language,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        team=team,
        modules=payload.modules,
        local_notes=payload.local_notes,
        refresher=payload.refresher,
        open_for_requests=payload.open_for_requests,
        trainer_ids=payload.trainer_ids,
    )
    return Status(201, _run_out(request, run))


@router.get("/runs/{run_id}", response={200: dict[str, Any], **READ_ERRORS})
def get_training_run(request: AuthedRequest, run_id: int):
    """A run: its sessions and trainers; for those who manage it, every learner's standing and
    the requests to join; for a learner, their own standing."""
    return _run_out(request, _run(request, run_id))


@router.put("/runs/{run_id}", response={200: dict[str, Any], **WRITE_ERRORS})
def update_training_run(request: AuthedRequest, run_id: int, payload: TrainingRunIn):
    """Change a run's title, city, language, dates, modules and their order, notes and
    trainers."""
    run = _run(request, run_id, Action.TRAINING_RUN_MANAGE)
    services.run_update(
        actor=request.user,
        run=run,
        title=payload.title,
        city=payload.city,
        language=payload.language,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        modules=payload.modules,
        local_notes=payload.local_notes,
        open_for_requests=payload.open_for_requests,
        trainer_ids=payload.trainer_ids,
    )
    return _run_out(request, run)


@router.post("/runs/{run_id}/cancel", response={200: dict[str, Any], **WRITE_ERRORS})
def cancel_training_run(request: AuthedRequest, run_id: int, payload: TrainingCancelIn):
    """Cancel a run, with the reason."""
    run = _run(request, run_id, Action.TRAINING_RUN_MANAGE)
    services.run_cancel(actor=request.user, run=run, reason=payload.reason)
    return _run_out(request, run)


# --- sessions --------------------------------------------------------------------------------


@router.post("/runs/{run_id}/sessions", response={201: dict[str, Any], **WRITE_ERRORS})
def create_training_session(request: AuthedRequest, run_id: int, payload: TrainingSessionIn):
    """Plan a session: when, how long, where (a place or an https link) and which module."""
    run = _run(request, run_id, Action.TRAINING_RUN_MANAGE)
    session = services.session_save(
        actor=request.user,
        run=run,
        starts_at=payload.starts_at,
        minutes=payload.minutes,
        module=payload.module,
        place=payload.place,
        online_link=payload.online_link,
    )
    return Status(201, _session_out(session))


@router.put("/runs/{run_id}/sessions/{session_id}", response={200: dict[str, Any], **WRITE_ERRORS})
def update_training_session(
    request: AuthedRequest, run_id: int, session_id: int, payload: TrainingSessionIn
):
    """Change a session."""
    run = _run(request, run_id, Action.TRAINING_RUN_MANAGE)
    session = services.session_save(
        actor=request.user,
        run=run,
        session=selectors_runs.session_get(run, session_id),
        starts_at=payload.starts_at,
        minutes=payload.minutes,
        module=payload.module,
        place=payload.place,
        online_link=payload.online_link,
    )
    return _session_out(session)


@router.delete("/runs/{run_id}/sessions/{session_id}", response={204: None, **WRITE_ERRORS})
def delete_training_session(request: AuthedRequest, run_id: int, session_id: int):
    """Remove a session at which no attendance is recorded."""
    run = _run(request, run_id, Action.TRAINING_RUN_MANAGE)
    services.session_delete(actor=request.user, session=selectors_runs.session_get(run, session_id))
    return Status(204, None)


@router.get(
    "/runs/{run_id}/sessions/{session_id}/attendance",
    response={200: list[TrainingMarkIn], **READ_ERRORS},
)
def get_training_attendance(request: AuthedRequest, run_id: int, session_id: int):
    """Who was marked present or absent at a session."""
    run = _run(request, run_id, Action.TRAINING_RUN_MANAGE)
    marks = selectors_runs.attendance_marks(selectors_runs.session_get(run, session_id))
    return [{"enrolment_id": k, "present": v} for k, v in sorted(marks.items())]


@router.put(
    "/runs/{run_id}/sessions/{session_id}/attendance",
    response={200: list[TrainingMarkIn], **WRITE_ERRORS},
)
def record_training_attendance(
    request: AuthedRequest, run_id: int, session_id: int, payload: TrainingAttendanceIn
):
    """Mark enrolled learners present or absent at a session that has started."""
    run = _run(request, run_id, Action.TRAINING_RUN_MANAGE)
    session = selectors_runs.session_get(run, session_id)
    marks = services.attendance_record(
        actor=request.user,
        session=session,
        present={m.enrolment_id: m.present for m in payload.marks},
    )
    return [{"enrolment_id": m.enrolment_id, "present": m.present} for m in marks]


# --- enrolment -------------------------------------------------------------------------------


@router.get("/runs/{run_id}/people", response={200: TrainingPeopleOut, **READ_ERRORS})
def find_training_people(request: AuthedRequest, run_id: int, q: Query[str] = ""):
    """The people the caller may enrol in the run who are not enrolled yet: a trainer finds
    those linked to the run by name and anyone else by their exact e-mail address (the only
    answer that shows an address)."""
    run = _run(request, run_id, Action.TRAINING_RUN_ENROL)
    offer = selectors_runs.people_to_enrol(actor=request.user, run=run, query=q[:200])
    return {
        "mode": offer.mode,
        "people": [
            {"id": u.pk, "name": u.full_name, "email": u.email if offer.emails else None}
            for u in offer.people
        ],
    }


@router.post("/runs/{run_id}/enrolments", response={201: dict[str, Any], **WRITE_ERRORS})
def enrol_training_learners(request: AuthedRequest, run_id: int, payload: TrainingEnrolIn):
    """Enrol people: a run's trainer anyone active, a coordinator the team's members."""
    run = _run(request, run_id, Action.TRAINING_RUN_ENROL)
    done = services.enrol(actor=request.user, run=run, learner_ids=payload.learner_ids)
    return Status(201, {"enrolled": [_enrolment_out(e) for e in done]})


@router.post("/runs/{run_id}/join", response={201: dict[str, Any], **WRITE_ERRORS})
def join_training_run(request: AuthedRequest, run_id: int, payload: TrainingJoinIn):
    """Ask to join a run that is open for requests; a trainer decides."""
    run = _run(request, run_id, Action.TRAINING_RUN_JOIN)
    enrolment = services.join_request(actor=request.user, run=run, note=payload.note)
    return Status(201, _enrolment_out(enrolment))


@router.get(
    "/runs/{run_id}/enrolments/{enrolment_id}", response={200: dict[str, Any], **READ_ERRORS}
)
def get_training_standing(request: AuthedRequest, run_id: int, enrolment_id: int):
    """One learner's standing: sessions attended, checks, assignments, what is missing."""
    enrolment = _enrolment(request, run_id, enrolment_id)
    page = selectors_runs.learner_page(user=request.user, enrolment=enrolment)
    out = _standing_out(page["row"]) if page["row"] else _enrolment_out(enrolment)
    out["attendance"] = [
        {"session_id": s.pk, "starts_at": s.starts_at, "present": present}
        for s, present in page["sessions"]
    ]
    return out


@router.post(
    "/runs/{run_id}/enrolments/{enrolment_id}/decide",
    response={200: dict[str, Any], **WRITE_ERRORS},
)
def decide_training_request(
    request: AuthedRequest, run_id: int, enrolment_id: int, payload: TrainingDecideIn
):
    """Accept or decline a request to join (a trainer of the run)."""
    enrolment = _enrolment(request, run_id, enrolment_id)
    require(request.user, Action.TRAINING_RUN_MANAGE, enrolment.run)
    services.join_decide(actor=request.user, enrolment=enrolment, accept=payload.accept)
    return _enrolment_out(enrolment)


@router.post(
    "/runs/{run_id}/enrolments/{enrolment_id}/withdraw",
    response={200: dict[str, Any], **WRITE_ERRORS},
)
def withdraw_training_enrolment(request: AuthedRequest, run_id: int, enrolment_id: int):
    """Leave a run (the learner), or take a learner off it (a trainer); nothing is deleted."""
    enrolment = _enrolment(request, run_id, enrolment_id)
    services.withdraw(actor=request.user, enrolment=enrolment)
    return _enrolment_out(enrolment)


@router.post(
    "/runs/{run_id}/enrolments/{enrolment_id}/signoff",
    response={200: dict[str, Any], **WRITE_ERRORS},
)
def sign_off_training_learner(
    request: AuthedRequest, run_id: int, enrolment_id: int, payload: TrainingSignoffIn
):
    """Sign a learner off once everything else is met; the certificate follows where the
    course issues one."""
    enrolment = _enrolment(request, run_id, enrolment_id)
    require(request.user, Action.TRAINING_RUN_MANAGE, enrolment.run)
    services.sign_off(actor=request.user, enrolment=enrolment, family_name=payload.family_name)
    enrolment.refresh_from_db()
    row = selectors_runs.standing_row(
        selectors_runs.standing_of(enrolment), selectors_runs.run_course(enrolment.run)
    )
    return _standing_out(row)
