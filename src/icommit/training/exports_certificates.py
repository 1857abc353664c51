"""Certificate files, prepared by background jobs (``core.jobs``): one certificate's PDF, and a
ZIP of a run's certificates (each PDF with its signed credential) for the run's trainers.

Each job re-checks its owner's access when it runs, and again at each download. The PDF's QR
code leads to the verification page with the certificate number filled in, never the name.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from icommit.accounts.models import User
from icommit.core.jobs import Report
from icommit.core.models import Job
from icommit.core.pdf import render_pdf
from icommit.training import selectors_certificates as found
from icommit.training.models import Certificate


def verification_url(number: str) -> str:
    """The public verification page with the certificate number filled in."""
    return (
        settings.BASE_URL.rstrip("/")
        + reverse("training:verify")
        + "?"
        + urlencode({"number": number})
    )


def _qr_svg(url: str) -> str:
    # segno writes the SVG itself from the URL (no markup of ours or of the user's inside)
    return str(segno.make(url, error="m").svg_inline(scale=4, border=4, omitsize=True))


def certificate_context(certificate: Certificate) -> dict[str, Any]:
    course = found.course_of(certificate)
    url = verification_url(certificate.number)
    return {
        "certificate": certificate,
        "run": certificate.run,
        "course": course,
        "course_title": course.title_in() if course else certificate.course,
        "certification": bool(course and course.certificate.kind == "certification"),
        "status": found.status_of(certificate),
        "verify_url": url,
        "verify_page": settings.BASE_URL.rstrip("/") + reverse("training:verify"),
        "qr": mark_safe(_qr_svg(url)),  # segno's own SVG of a URL we build
    }


def certificate_pdf_bytes(certificate: Certificate) -> bytes:
    return render_pdf("training/certificates/pdf.html", certificate_context(certificate))


def pdf_name(certificate: Certificate) -> str:
    return f"certificate-{certificate.number}.pdf"


def json_name(certificate: Certificate) -> str:
    return f"certificate-{certificate.number}.json"


def credential_bytes(certificate: Certificate) -> bytes:
    return json.dumps(certificate.credential, ensure_ascii=False, indent=2).encode()


def certificate_pdf(job: Job, report: Report) -> tuple[str, str, bytes]:
    """One certificate as a PDF, for its holder or a trainer of its run."""
    certificate = found.certificate_get(job.owner, job.params["certificate"])
    report(10, "")
    return pdf_name(certificate), "application/pdf", certificate_pdf_bytes(certificate)


def certificates_zip(job: Job, report: Report) -> tuple[str, str, bytes]:
    """Every certificate of a run (PDF and signed credential), for one of its trainers."""
    run = found.run_for_certificates(job.owner, job.params["run"])
    certificates = list(found.certificates_of_run(run))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, certificate in enumerate(certificates, start=1):
            # named by holder too, so that a trainer finds each learner's files
            holder = slugify(certificate.holder_name) or "holder"
            archive.writestr(
                f"{holder}-{pdf_name(certificate)}", certificate_pdf_bytes(certificate)
            )
            archive.writestr(f"{holder}-{json_name(certificate)}", credential_bytes(certificate))
            report(round(100 * n / (len(certificates) + 1)), f"{n} / {len(certificates)}")
    return f"certificates-run-{run.pk}.zip", "application/zip", buffer.getvalue()


def certificate_download_check(job: Job) -> None:
    """The owner may still see the certificate (NotFound otherwise)."""
    owner: User = job.owner
    found.certificate_get(owner, job.params["certificate"])


def zip_download_check(job: Job) -> None:
    """The owner still teaches the run (NotFound or Forbidden otherwise)."""
    owner: User = job.owner
    found.run_for_certificates(owner, job.params["run"])
