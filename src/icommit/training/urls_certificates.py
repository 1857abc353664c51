"""Training pages: certificates, verification and the status list (see urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from icommit.training import views_certificates as v
from icommit.training.statuslist import STATUS_LIST_PATH

urlpatterns: list[URLPattern] = [
    path("certificates/", v.certificate_list, name="certificates"),
    path("certificates/<uuid:certificate_pk>/", v.certificate_detail, name="certificate"),
    path(
        "certificates/<uuid:certificate_pk>/credential.json",
        v.certificate_json,
        name="certificate_json",
    ),
    path("certificates/<uuid:certificate_pk>/pdf/", v.certificate_pdf, name="certificate_pdf"),
    path(
        "certificates/<uuid:certificate_pk>/revoke/",
        v.certificate_revoke,
        name="certificate_revoke",
    ),
    path("runs/<int:run_pk>/certificates/", v.run_certificates, name="run_certificates"),
    path("runs/<int:run_pk>/certificates/zip/", v.certificates_zip, name="certificates_zip"),
    path("verify/", v.verify, name="verify"),
    # the status list's address is part of every credential: it never moves
    path(STATUS_LIST_PATH.removeprefix("/training/"), v.status_list, name="status_list"),
]
