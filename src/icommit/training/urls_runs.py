"""Training pages: runs and dashboards (see urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from icommit.training import views_runs as v

RUN = "runs/<int:run_pk>/"
SESSION = RUN + "sessions/<int:session_pk>/"
LEARNER = RUN + "learners/<int:enrolment_pk>/"

urlpatterns: list[URLPattern] = [
    path("", v.home, name="home"),
    path("courses/", v.course_list, name="courses"),
    path("courses/<slug:course_id>/", v.course_detail, name="course"),
    path("modules/<str:module_id>/", v.module_detail, name="module"),
    path("runs/", v.run_list, name="runs"),
    path("runs/new/", v.run_new, name="run_new"),
    path(RUN, v.run_detail, name="run"),
    path(RUN + "edit/", v.run_edit, name="run_edit"),
    path(RUN + "cancel/", v.run_cancel, name="run_cancel"),
    path(RUN + "vignettes/<slug:vignette>/", v.vignette_detail, name="vignette"),
    path(RUN + "sessions/new/", v.session_new, name="session_new"),
    path(SESSION + "edit/", v.session_edit, name="session_edit"),
    path(SESSION + "delete/", v.session_delete, name="session_delete"),
    path(SESSION + "attendance/", v.attendance, name="attendance"),
    path(RUN + "enrol/", v.enrol, name="enrol"),
    path(RUN + "join/", v.join, name="join"),
    path(LEARNER, v.learner, name="learner"),
    path(LEARNER + "decide/", v.request_decide, name="request_decide"),
    path(LEARNER + "withdraw/", v.withdraw, name="withdraw"),
    path(LEARNER + "signoff/", v.signoff, name="signoff"),
]
