"""Case pages of a team (``teams/<team_pk>/cases/``); notes, sharing and consent join from
``urls_sharing`` into the same ``cases`` namespace."""

from django.urls import include, path

from icommit.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("refer/", views.refer, name="refer"),
    path("search/", views.search, name="search"),
    path("<uuid:case_pk>/", views.case_detail, name="case"),
    path("<uuid:case_pk>/status/", views.status, name="status"),
    path("<uuid:case_pk>/triage/", views.triage, name="triage"),
    path("<uuid:case_pk>/move/", views.move, name="move"),
    path("<uuid:case_pk>/edit/", views.edit, name="edit"),
    path("<uuid:case_pk>/participants/", views.participants, name="participants"),
    path("<uuid:case_pk>/transfer/", views.transfer, name="transfer"),
    path("<uuid:case_pk>/identity/", views.identity, name="identity"),
    path("<uuid:case_pk>/access/", views.access_log, name="access_log"),
    path("<uuid:case_pk>/timeline/", views.timeline, name="timeline"),
    path("<uuid:case_pk>/notices/<int:notice_pk>/seen/", views.notice_seen, name="notice_seen"),
    path("", include("icommit.cases.urls_sharing")),
]
