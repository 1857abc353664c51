"""Training pages: the learner's work (checks, practice assignments, feedback, self-assessment)
and the trainers' reviews and feedback totals (see urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from icommit.training import views_work as views

urlpatterns: list[URLPattern] = [
    path("enrolments/<int:enrolment_pk>/work/", views.work, name="work"),
    path(
        "enrolments/<int:enrolment_pk>/checks/<slug:instrument>/",
        views.check,
        name="check",
    ),
    path(
        "enrolments/<int:enrolment_pk>/assignments/<slug:assignment>/",
        views.assignment,
        name="assignment",
    ),
    path(
        "enrolments/<int:enrolment_pk>/feedback/<int:session_pk>/",
        views.feedback,
        name="feedback",
    ),
    path(
        "enrolments/<int:enrolment_pk>/self-assessment/<slug:stage>/",
        views.self_assessment,
        name="self_assessment",
    ),
    path("runs/<int:run_pk>/assignments/", views.run_work, name="run_work"),
    path(
        "runs/<int:run_pk>/learners/<int:enrolment_pk>/assignments/<slug:assignment>/review/",
        views.review,
        name="review",
    ),
    path("runs/<int:run_pk>/feedback/", views.run_feedback, name="run_feedback"),
]
