"""A team's sharing protocol and transparency matrix, under ``teams/<team_pk>/transparency/``."""

from django.urls import path

from icommit.sharing import views

app_name = "transparency"
urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("matrix.pdf", views.matrix_pdf, name="matrix_pdf"),
    path("matrix.csv", views.matrix_csv, name="matrix_csv"),
    path("protocol/", views.protocol, name="protocol"),
    path("protocol/add/", views.protocol_row_add, name="row_add"),
    path("protocol/<int:row_pk>/edit/", views.protocol_row_edit, name="row_edit"),
    path("protocol/<int:row_pk>/delete/", views.protocol_row_delete, name="row_delete"),
]
