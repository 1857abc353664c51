from django.urls import path

from icommit.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan, name="plan"),
    path("export.pdf", views.plan_pdf, name="export_pdf"),
    path("export.csv", views.plan_csv, name="export_csv"),
    path("goals/new/", views.goal_create, name="goal_create"),
    path("goals/<int:pk>/", views.goal_detail, name="goal"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("actions/<int:action_pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:action_pk>/status/", views.action_status, name="action_status"),
    path("actions/<int:action_pk>/notes/", views.action_note, name="action_note"),
    path("risks/", views.risk_list, name="risks"),
    path("risks/new/", views.risk_create, name="risk_create"),
    path("risks/<int:risk_pk>/edit/", views.risk_edit, name="risk_edit"),
]
