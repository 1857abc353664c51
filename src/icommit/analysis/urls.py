"""Social Diagnostics pages of a case (``teams/<team_pk>/cases/<case_pk>/analysis/...``)."""

from django.urls import path

from icommit.analysis import views

app_name = "analysis"
urlpatterns = [
    path("<uuid:case_pk>/analysis/", views.overview, name="overview"),
    path("<uuid:case_pk>/analysis/start/", views.analysis_open, name="open"),
    path(
        "<uuid:case_pk>/analysis/perspectives/new/<str:viewpoint>/",
        views.perspective_new,
        name="perspective_new",
    ),
    path("<uuid:case_pk>/analysis/perspectives/<uuid:pk>/", views.perspective, name="perspective"),
    path(
        "<uuid:case_pk>/analysis/perspectives/<uuid:pk>/edit/",
        views.perspective_edit,
        name="perspective_edit",
    ),
    path("<uuid:case_pk>/analysis/<uuid:analysis_pk>/grid/", views.grid, name="grid"),
    path("<uuid:case_pk>/analysis/formulation/new/", views.formulation_new, name="formulation_new"),
    path("<uuid:case_pk>/analysis/formulations/<uuid:pk>/", views.formulation, name="formulation"),
]
