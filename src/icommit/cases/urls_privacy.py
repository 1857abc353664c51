"""The data-protection officer's pages on cases (``privacy/``): late imminent-danger shares and
requests to restrict processing."""

from django.urls import path

from icommit.cases import views_sharing as views

app_name = "privacy"
urlpatterns = [
    path("", views.dpo_queue, name="queue"),
    path("danger/<uuid:decision_pk>/", views.danger_review, name="danger_review"),
    path("restrictions/<uuid:request_pk>/", views.restriction_decide, name="restriction_decide"),
    path("cases/<uuid:case_pk>/lift/", views.restriction_lift, name="restriction_lift"),
]
