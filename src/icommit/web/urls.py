from django.urls import path

from icommit.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("language/", views.language, name="language"),
    path("audit/", views.audit_log, name="audit"),
    path("confirm/", views.confirm, name="confirm"),
    path("jobs/<uuid:pk>/", views.job_status, name="job"),
    path("jobs/<uuid:pk>/download/", views.job_download, name="job_download"),
]
