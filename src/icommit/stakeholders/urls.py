from django.urls import path

from icommit.stakeholders import views

app_name = "stakeholders"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/", views.organisation_create, name="create"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/edit/", views.organisation_edit, name="edit"),
    path("<int:pk>/history/", views.organisation_history, name="history"),
    path("<int:pk>/flags/", views.organisation_flags, name="flags"),
    path("<int:pk>/archive/", views.organisation_archive, name="archive"),
    path("<int:pk>/members/add/", views.member_add, name="member_add"),
    path(
        "<int:pk>/members/<int:membership_pk>/confirm/", views.member_confirm, name="member_confirm"
    ),
    path("<int:pk>/members/<int:membership_pk>/end/", views.member_end, name="member_end"),
    path("<int:pk>/profile/edit/", views.profile_edit, name="profile_edit"),
    path("<int:pk>/profile/confirm/", views.profile_confirm, name="profile_confirm"),
    path("<int:pk>/profile/versions/", views.profile_versions, name="profile_versions"),
]
