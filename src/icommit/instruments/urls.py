from django.urls import path

from icommit.instruments import views

app_name = "instruments"
urlpatterns = [
    path("", views.instrument_list, name="list"),
    path("import/", views.instrument_import, name="import"),
    path("<slug:key>/v<int:number>/", views.version_detail, name="version"),
    path("<slug:key>/v<int:number>/xlsform.xlsx", views.version_xlsform, name="xlsform"),
]
