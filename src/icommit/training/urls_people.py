"""Training pages: people (see urls.py) — external learners' registration, activation and
approval, a team's training coverage and its certification gate."""

from __future__ import annotations

from django.urls import URLPattern, path

from icommit.training import views_people as v

urlpatterns: list[URLPattern] = [
    path("register/", v.register, name="register"),
    path("register/done/", v.registered, name="registered"),
    path("activate/<str:token>/", v.activate, name="activate"),
    path("learners/", v.learners, name="learners"),
    path("learners/<int:learner_pk>/approve/", v.learner_approve, name="learner_approve"),
    path("learners/<int:learner_pk>/decline/", v.learner_decline, name="learner_decline"),
    path("teams/<int:team_pk>/coverage/", v.coverage, name="coverage"),
    path("teams/<int:team_pk>/gate/", v.gate, name="gate"),
]
