from django.urls import path

from icommit.teams import views

app_name = "teams"
urlpatterns = [
    path("", views.team_list, name="list"),
    path("new/", views.team_create, name="create"),
    path("<int:pk>/", views.team_detail, name="detail"),
    path("<int:pk>/edit/", views.team_edit, name="edit"),
    path("<int:pk>/history/", views.team_history, name="history"),
    path("<int:pk>/archive/", views.team_archive, name="archive"),
    path("<int:pk>/organisations/add/", views.organisation_add, name="organisation_add"),
    path(
        "<int:pk>/organisations/<int:org_pk>/remove/",
        views.organisation_remove,
        name="organisation_remove",
    ),
    path("<int:pk>/members/new/", views.member_new, name="member_new"),
    path("<int:pk>/members/add/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:member_pk>/role/", views.member_role, name="member_role"),
    path("<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path(
        "<int:pk>/invitations/<int:invitation_pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("<int:pk>/export/", views.export_roster, name="export"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
