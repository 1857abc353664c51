from django.urls import path

from icommit.conferences import views

app_name = "conferences"
_PART = "<int:pk>/cases/<int:entry_pk>/"
urlpatterns = [
    path("", views.conference_list, name="list"),
    path("new/", views.conference_create, name="create"),
    path("<int:pk>/", views.conference_detail, name="detail"),
    path("<int:pk>/edit/", views.conference_edit, name="edit"),
    path("<int:pk>/agenda/", views.agenda, name="agenda"),
    path("<int:pk>/agenda/<int:entry_pk>/move/", views.agenda_move, name="agenda_move"),
    path("<int:pk>/agenda/<int:entry_pk>/remove/", views.agenda_remove, name="agenda_remove"),
    path(_PART + "open/", views.part_open, name="part_open"),
    path(_PART + "minutes/", views.part_edit, name="part_edit"),
    path(_PART + "circulate/", views.part_circulate, name="part_circulate"),
    path(_PART + "confirm/", views.part_confirm, name="part_confirm"),
    path(_PART + "correct/", views.part_correct, name="part_correct"),
    path(_PART + "apply/", views.part_apply, name="part_apply"),
]
