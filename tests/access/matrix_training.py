"""training in the access-matrix world (see matrix_apps.py).

Run R of the MSC team course belongs to team T and is taught by R's trainer (who holds the
trainer role); it is not open for requests. The open run R2 (no team) is taught by the same
trainer. R's learner (no organisation) is enrolled in R, took nothing yet, and holds a
certificate from R. R has one session, held yesterday, with no attendance recorded. The
external learner has an approved learner-only account and no enrolment.
"""

from __future__ import annotations

import datetime
from typing import Any

from icommit.access.actions import Action
from icommit.access.matrix import DECLARED
from icommit.access.matrix import Subject as S
from icommit.access.roles import PlatformRole
from icommit.training.models import (
    Certificate,
    Enrolment,
    EnrolmentStatus,
    LearnerAccount,
    Run,
    RunTrainer,
    Session,
)
from tests.factories import UserFactory, grant

APP = "training"

#: Who finds training's objects (a page that cannot find its object answers 404): run R, the
#: open run R2 (anyone signed in, external learners too), R's enrolment and the certificate.
FOUND_BY = {
    "run": DECLARED[Action.TRAINING_RUN_VIEW],
    "open_run": DECLARED[Action.TRAINING_VIEW],
    "enrolment": DECLARED[Action.TRAINING_ENROLMENT_VIEW],
    "certificate": DECLARED[Action.CERTIFICATE_VIEW],
}


def _run(w: Any, trainer: Any, *, team: Any, open_: bool, title: str) -> Run:
    today = datetime.date.today()
    run = Run.objects.create(
        course="msc-team",
        course_version=1,
        title=title,
        city="Demo City",
        language="en",
        team=team,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=30),
        modules=["msc-team.01-purpose-and-problem"],
        open_for_requests=open_,
        created_by=trainer,
    )
    RunTrainer.objects.create(run=run, user=trainer)
    return run


def build(w: Any) -> dict[str, Any]:
    trainer = w.users[S.RUN_TRAINER] = grant(UserFactory(), PlatformRole.TRAINER)
    learner = w.users[S.RUN_LEARNER] = UserFactory()
    external = w.users[S.EXTERNAL_LEARNER] = UserFactory()
    LearnerAccount.objects.create(
        user=external,
        organisation="Independent practice",
        sector="civil_society",
        approved_at=datetime.datetime.now(datetime.UTC),
        approved_by=trainer,
    )
    run = _run(w, trainer, team=w.team, open_=False, title="R")
    open_run = _run(w, trainer, team=None, open_=True, title="R2")
    enrolment = Enrolment.objects.create(run=run, learner=learner, status=EnrolmentStatus.ENROLLED)
    certificate = Certificate.objects.create(
        number="MATR-IX00-0000-0001",
        enrolment=enrolment,
        learner=learner,
        run=run,
        course="msc-team",
        holder_name=learner.full_name,
        family_name="learner",
        issued_on=datetime.date.today(),
        status_index=4242,
        credential={},
        issued_by=trainer,
    )
    session = Session.objects.create(
        run=run,
        starts_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1),
        minutes=90,
        place="Room 1",
        module=run.modules[0],
    )
    # work: R3, a run of the certification course (it has practice assignments) of team T, also
    # taught by R's trainer, with R's learner enrolled: R's subjects stand to it as to R
    cert_run = Run.objects.create(
        course="nonsec-cert",
        course_version=1,
        title="R3",
        city="Demo City",
        language="en",
        team=w.team,
        starts_on=run.starts_on,
        ends_on=run.ends_on,
        modules=["nonsec-cert.01-social-diagnostics"],
        created_by=trainer,
    )
    RunTrainer.objects.create(run=cert_run, user=trainer)
    cert_enrolment = Enrolment.objects.create(
        run=cert_run, learner=learner, status=EnrolmentStatus.ENROLLED
    )
    return {
        "run": run,
        "open_run": open_run,
        "enrolment": enrolment,
        "certificate": certificate,
        "session": session,
        "cert_run": cert_run,
        "cert_enrolment": cert_enrolment,
    }


def policy_objects(w: Any) -> tuple[dict[str, Any], dict[Action, Any]]:
    x = w.extra[APP]
    return (
        {"training": x["run"], "certificate": x["certificate"]},
        {
            Action.TRAINING_VIEW: None,
            Action.TRAINING_RUN_CREATE: None,
            Action.TRAINING_LEARNERS_APPROVE: None,
            Action.TRAINING_RUN_JOIN: x["open_run"],
            Action.TRAINING_ENROLMENT_VIEW: x["enrolment"],
            Action.TRAINING_ENROLMENT_WORK: x["enrolment"],
            Action.TRAINING_COVERAGE_VIEW: w.team,
            Action.TRAINING_GATE_EDIT: w.team,
        },
    )


def page_kwargs(w: Any, name: str) -> dict[str, Any] | None:
    if not name.startswith("training:"):
        return None
    x = w.extra[APP]
    if name in ("training:assignment", "training:review"):  # work: the assignments are R3's
        return {
            "run_pk": x["cert_run"].pk,
            "enrolment_pk": x["cert_enrolment"].pk,
            "assignment": "practice-analysis",
        }
    return {
        "team_pk": w.team.pk,
        # runs: asking to join is tried on the open run R2, everything else on R
        "run_pk": x["open_run" if name == "training:join" else "run"].pk,
        "enrolment_pk": x["enrolment"].pk,
        "certificate_pk": x["certificate"].pk,
        "session_pk": x["session"].pk,
        "course_id": "msc-team",
        "module_id": "msc-team.01-purpose-and-problem",
        "vignette": "pupil-online",
        "instrument": "kc-msc-team",  # work
        "stage": "before",
        # people: the external learner's registration (approved already), a link that is not
        # one (the activation page answers it is not valid)
        "learner_pk": LearnerAccount.objects.get(user=w.users[S.EXTERNAL_LEARNER]).pk,
        "token": "not-a-token",
    }


def api_payloads(w: Any) -> dict[str, dict[str, Any]]:
    x = w.extra[APP]
    today = datetime.date.today()
    module = x["run"].modules[0]
    run_in = {
        "title": "R",
        "city": "Demo City",
        "language": "en",
        "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=30)).isoformat(),
        "modules": [module],
    }
    session_in = {
        "starts_at": (today + datetime.timedelta(days=7)).isoformat() + "T09:00:00+00:00",
        "minutes": 90,
        "module": module,
        "place": "Room 2",
    }
    runs = {
        "create_training_run": {**run_in, "course": "msc-team"},
        "update_training_run": run_in,
        "cancel_training_run": {"reason": "Too few learners"},
        "create_training_session": session_in,
        "update_training_session": session_in,
        "record_training_attendance": {
            "marks": [{"enrolment_id": x["enrolment"].pk, "present": True}]
        },
        "enrol_training_learners": {"learner_ids": [w.users[S.EXTERNAL_LEARNER].pk]},
        "join_training_run": {"note": ""},
        "decide_training_request": {"accept": True},
        "sign_off_training_learner": {"family_name": "Learner"},
    }
    # certificates: a reason, so that revocation reaches its access check
    certificates = {"revoke_certificate": {"reason": "Issued in error"}}
    people = {"set_training_gate": {"sectors": ["social_services"]}}
    return runs | work_payloads() | certificates | people


def work_payloads() -> dict[str, dict[str, Any]]:
    """work: bodies the schemas accept, so that each operation reaches its access check."""
    answers: dict[str, Any] = {"answers": {}}
    return {
        "take_training_check": answers,
        "save_training_assignment": {"vignette": "pupil-online", "answers": {}},
        "give_training_feedback": answers,
        "give_training_self_assessment": answers,
        "record_training_review": {"answers": {}, "decision": "pass"},
    }


def fill(path: str, w: Any) -> str:
    x = w.extra.get(APP)
    if not x:
        return path
    if "/assignments/{assignment}" in path:  # work: the assignments are R3's
        path = (
            path.replace("{run_id}", str(x["cert_run"].pk))
            .replace("{enrolment_id}", str(x["cert_enrolment"].pk))
            .replace("{assignment}", "practice-analysis")
        )
    if "{learner_id}" in path:  # people: the external learner's registration
        account = LearnerAccount.objects.get(user=w.users[S.EXTERNAL_LEARNER])
        path = path.replace("{learner_id}", str(account.pk))
    return (
        path.replace("/runs/{run_id}/join", f"/runs/{x['open_run'].pk}/join")  # runs
        .replace("{run_id}", str(x["run"].pk))
        .replace("{session_id}", str(x["session"].pk))
        .replace("{course_id}", "msc-team")
        .replace("{enrolment_id}", str(x["enrolment"].pk))
        .replace("{certificate_id}", str(x["certificate"].pk))
        .replace("{instrument}", "kc-msc-team")  # work
        .replace("{stage}", "before")
    )
