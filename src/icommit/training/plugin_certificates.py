"""What the certificate pages plug in (imported by ``plugin``): the PDF and ZIP jobs with their
download checks, the daily reminder before a certificate expires, and a home-page item for a
holder whose certificate ends soon."""

from __future__ import annotations

from typing import Any

from icommit.core import jobs, schedules
from icommit.training import selectors_certificates
from icommit.training.services_certificates import PDF_KIND, ZIP_KIND
from icommit.web import registry as web

_EXPORTS = "icommit.training.exports_certificates"

jobs.register(PDF_KIND, f"{_EXPORTS}.certificate_pdf")
jobs.download_check(PDF_KIND, f"{_EXPORTS}.certificate_download_check")
jobs.register(ZIP_KIND, f"{_EXPORTS}.certificates_zip")
jobs.download_check(ZIP_KIND, f"{_EXPORTS}.zip_download_check")
schedules.register(
    "training certificate reminders",
    "icommit.training.services_certificates.certificates_remind",
    24 * 60,
)


def home_certificates(*, user: Any, context: dict[str, Any], obj: Any = None) -> None:
    """The user's certificates that end within the reminder period (one query)."""
    if not getattr(user, "is_authenticated", False):
        return
    items = context.setdefault("attention_items", [])
    for certificate in selectors_certificates.my_expiring(user):
        items.append(
            {
                "template": "training/certificates/_home_attention.html",
                "urgency": (1, certificate.valid_until),
                "kind": "certificate",
                "certificate": certificate,
                "course": selectors_certificates.course_title(certificate.course),
            }
        )
        context["attention_count"] = context.get("attention_count", 0) + 1


web.panel("home.attention", "", home_certificates, order=70)
