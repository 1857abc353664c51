"""Writes around certificates: the PDF and ZIP jobs, the daily reminder before a certificate
expires, and the per-address limit on public verification.

Invariants: a holder is reminded once per certificate (``reminded_at`` is claimed by a
conditional UPDATE in the same transaction as the mail and the audit event); verification
records nothing about who verified, it only counts requests per client address for a while.
"""

from __future__ import annotations

import datetime
import logging

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from icommit.access import Action, require
from icommit.accounts.models import User
from icommit.core import audit, jobs
from icommit.core.exceptions import IcommitError
from icommit.core.models import Job
from icommit.core.outbox import mail_enqueue
from icommit.core.ratelimit import count_in_window
from icommit.training import selectors_certificates as found
from icommit.training.models import Certificate, Run

log = logging.getLogger(__name__)

PDF_KIND = "training.certificate.pdf"
ZIP_KIND = "training.certificates.zip"
#: Verifications one client address may ask for in one window.
VERIFY_LIMIT = 20
VERIFY_WINDOW_SECONDS = 600


class TooManyVerifications(IcommitError):
    """Too many verifications from one address."""

    code = "rate_limited"
    status = 429


# --- files -------------------------------------------------------------------------------------


def certificate_pdf_start(*, actor: User, certificate: Certificate) -> Job:
    """Prepare the certificate's PDF in the background for its holder or a trainer of its run."""
    require(actor, Action.CERTIFICATE_VIEW, certificate)
    return jobs.job_start(owner=actor, kind=PDF_KIND, params={"certificate": str(certificate.pk)})


def certificates_zip_start(*, actor: User, run: Run) -> Job:
    """Prepare a ZIP of every certificate of the run for one of its trainers."""
    require(actor, Action.TRAINING_RUN_MANAGE, run)
    return jobs.job_start(owner=actor, kind=ZIP_KIND, params={"run": run.pk})


# --- reminders ---------------------------------------------------------------------------------


def _message(certificate: Certificate) -> tuple[str, str]:
    link = settings.BASE_URL.rstrip("/") + reverse(
        "training:certificate", kwargs={"certificate_pk": certificate.pk}
    )
    values = {
        "course": found.course_title(certificate.course),
        "date": certificate.valid_until.isoformat() if certificate.valid_until else "",
        "link": link,
    }
    subject = _("Your certificate expires on %(date)s") % values
    body = "\n\n".join(
        [
            _("Your certificate of the course “%(course)s” is valid until %(date)s.") % values,
            _(
                "To renew it, ask to join a refresher run of the course. Your certificate's page "
                "lists the refresher runs open for requests:\n%(link)s"
            )
            % values,
            _("You get this mail once, because you hold this certificate."),
        ]
    )
    return subject, body


def _remind(certificate: Certificate, now: datetime.datetime) -> bool:
    learner = certificate.learner
    with transaction.atomic():
        claimed = Certificate.objects.filter(pk=certificate.pk, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if not claimed:
            return False
        with translation.override(learner.language or settings.LANGUAGE_CODE):
            subject, body = _message(certificate)
        mail_enqueue(to=learner.email, subject=subject, body=body)
        audit.record(
            actor=None,
            action="training.certificate.reminded",
            obj=certificate,
            team_id=certificate.run.team_id,
            changes={
                "valid_until": certificate.valid_until.isoformat()
                if certificate.valid_until
                else None
            },
        )
    return True


def certificates_remind(today: datetime.date | None = None) -> int:
    """Remind holders whose certificates end within the reminder period (the daily schedule);
    return how many were reminded."""
    day = today or found.today()
    now = timezone.now()
    sent = 0
    for certificate in found.expiring(on=day)[:500]:
        sent += _remind(certificate, now)
    log.info("certificate reminders: %s mails queued", sent)
    return sent


# --- the verification limit --------------------------------------------------------------------


def client_address(request: HttpRequest) -> str | None:
    """The client's address as the login lockout sees it (one proxy in production)."""
    known = getattr(request, "axes_ip_address", None)
    return str(known) if known else get_client_ip_address(request)


def verification_count(client: str | None, *, now: float | None = None) -> int:
    """Count one verification from ``client`` (an address) in the current fixed window; raise
    TooManyVerifications past VERIFY_LIMIT. Nothing else about the request is kept."""
    count = count_in_window("training.verify", client, VERIFY_WINDOW_SECONDS, now=now)
    if count > VERIFY_LIMIT:
        raise TooManyVerifications(
            _(
                "Too many verifications from your address: at most %(limit)d in %(minutes)d "
                "minutes. Please wait a few minutes and try again."
            )
            % {"limit": VERIFY_LIMIT, "minutes": VERIFY_WINDOW_SECONDS // 60}
        )
    return count
