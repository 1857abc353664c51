"""Pages of assessments under ``teams/<team_pk>/cases/``: a case's D&R phase and tracks, its
risk-assessment references, and the designation of risk assessors."""

from django.urls import path

from icommit.assessments import views

app_name = "assessments"
urlpatterns = [
    path("<uuid:case_pk>/dr-phase/", views.tracks, name="tracks"),
    path("<uuid:case_pk>/dr-phase/tracks/", views.track_add, name="track_add"),
    path("<uuid:case_pk>/dr-phase/phase/", views.phase_add, name="phase_add"),
    path("<uuid:case_pk>/risk/", views.risks, name="risks"),
    path("<uuid:case_pk>/risk/new/", views.risk_add, name="risk_add"),
    path("<uuid:case_pk>/risk/<uuid:risk_pk>/", views.risk, name="risk"),
    path("risk-assessors/", views.assessors, name="assessors"),
    path("risk-assessors/<int:assessor_pk>/end/", views.assessor_end, name="assessor_end"),
]
