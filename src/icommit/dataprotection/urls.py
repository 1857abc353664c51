"""Privacy pages (``privacy/``): retention, erasure, the record of processing, data-subject
exports. The data-protection review queue of ``cases`` shares the prefix (namespace ``privacy``)."""

from django.urls import path

from icommit.dataprotection import views

app_name = "dataprotection"
_EXPORT = "teams/<int:team_pk>/cases/<uuid:case_pk>/exports/"
urlpatterns = [
    path("retention/", views.retention_page, name="retention"),
    path("retention/dry-run/", views.retention_dry_run, name="retention_dry_run"),
    path("retention/runs/<uuid:run_pk>/", views.retention_run, name="retention_run"),
    path("jobs/<uuid:job_pk>/", views.job, name="job"),
    path("erasure/", views.erasure_find, name="erasure"),
    path("erasure/<uuid:case_pk>/", views.erase, name="erase"),
    path("record/", views.record, name="record"),
    path("record/file/", views.record_file, name="record_file"),
    path("exports/", views.exports, name="exports"),
    path("exports/overview/", views.exports_overview, name="exports_overview"),
    path(_EXPORT + "new/", views.export_new, name="export_new"),
    path(_EXPORT + "<uuid:export_pk>/", views.export_detail, name="export"),
    path(_EXPORT + "<uuid:export_pk>/answer/", views.export_answer, name="export_answer"),
    path(_EXPORT + "<uuid:export_pk>/file/", views.export_file, name="export_file"),
]
