from django.urls import path

from icommit.diagnostics import views

app_name = "diagnostics"
urlpatterns = [
    path("", views.rounds, name="rounds"),
    path("new/", views.round_open, name="round_open"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/remind/", views.round_remind, name="round_remind"),
    path("<int:pk>/close/", views.round_close, name="round_close"),
    path("<int:pk>/answer/", views.respond, name="respond"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results.pdf", views.results_pdf, name="results_pdf"),
    path("<int:pk>/results.csv", views.results_csv, name="results_csv"),
    path(
        "<int:pk>/recommendations/<slug:domain>/<int:index>/",
        views.recommendation_plan,
        name="recommendation_plan",
    ),
]
