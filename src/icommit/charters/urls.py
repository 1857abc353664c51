from django.urls import path

from icommit.charters import views

app_name = "charters"
urlpatterns = [
    path("", views.charter, name="charter"),
    path("versions/", views.versions, name="versions"),
    path("versions/<int:number>/", views.version, name="version"),
    path("versions/<int:number>/pdf/", views.version_pdf, name="version_pdf"),
    path("versions/<int:number>/confirm/", views.confirm, name="confirm"),
    path("draft/", views.draft, name="draft"),
    path("draft/start/", views.draft_start, name="draft_start"),
    path("draft/discard/", views.draft_discard, name="draft_discard"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/circulate/", views.meeting_circulate, name="meeting_circulate"),
    path("meetings/<int:pk>/confirm/", views.meeting_confirm, name="meeting_confirm"),
    path("meetings/<int:pk>/freeze/", views.meeting_freeze, name="meeting_freeze"),
    path("meetings/<int:pk>/correct/", views.meeting_correct, name="meeting_correct"),
    path(
        "meetings/<int:pk>/decisions/<int:decision_pk>/plan/",
        views.decision_plan,
        name="decision_plan",
    ),
]
