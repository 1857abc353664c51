from django.urls import path

from icommit.phases import views

app_name = "phases"
urlpatterns = [
    path("", views.phase_detail, name="detail"),
    path("tasks/<str:task_id>/", views.task_update, name="task_update"),
    path("tasks/<str:task_id>/goal/", views.goal_from_task, name="goal_from_task"),
    path("move/", views.move, name="move"),
    path("adapt/", views.adapt, name="adapt"),
    path("upgrade/", views.upgrade, name="upgrade"),
]
