from django.urls import path

from icommit.interventions import views

app_name = "interventions"
urlpatterns = [
    path("<uuid:case_pk>/plan/", views.plan, name="plan"),
    path("<uuid:case_pk>/plan/start/", views.plan_start, name="plan_start"),
    path("<uuid:case_pk>/plan/review/", views.plan_review, name="plan_review"),
    path("<uuid:case_pk>/plan/scale/", views.scale, name="scale"),
    path("<uuid:case_pk>/plan/goals/add/", views.goal_add, name="goal_add"),
    path("<uuid:case_pk>/plan/goals/<uuid:goal_pk>/", views.goal_edit, name="goal_edit"),
    path("<uuid:case_pk>/plan/measures/add/", views.measure_add, name="measure_add"),
    path(
        "<uuid:case_pk>/plan/measures/<uuid:measure_pk>/", views.measure_edit, name="measure_edit"
    ),
    path(
        "<uuid:case_pk>/plan/measures/<uuid:measure_pk>/status/",
        views.measure_status,
        name="measure_status",
    ),
    path("<uuid:case_pk>/contacts/", views.contacts, name="contacts"),
    path("<uuid:case_pk>/outcomes/", views.outcomes, name="outcomes"),
    path("<uuid:case_pk>/outcomes/add/", views.outcome_add, name="outcome_add"),
    path("<uuid:case_pk>/outcomes/offences/", views.offence_add, name="offence_add"),
]
