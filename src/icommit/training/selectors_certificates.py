"""Reads of certificates: the holder's and the trainers' views, what verification answers, the
signed status list, and the certificates whose holders are reminded before they expire.

Verification answers with an outcome, the course and the dates only, never the holder, the run
or the city; a wrong number and a wrong family name get the same answer.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icommit.access import Action, get_visible, visible
from icommit.accounts.models import User
from icommit.core.exceptions import ValidationFailed
from icommit.training import content, credentials, selectors, statuslist
from icommit.training.models import Certificate, Run

#: Holders are reminded this many days before a certificate's last day.
REMIND_DAYS = 60
#: How long one signed status list is served before it is signed again (revocations change the
#: cache key, so they show at once).
STATUS_LIST_SECONDS = 300


class Outcome:
    """What verification says, in one word each (the file outcomes are credentials.Outcome)."""

    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    NOT_YET_VALID = "not_yet_valid"
    ALTERED = "altered"
    NOT_ISSUED_HERE = "not_issued_here"
    UNREADABLE = "unreadable"
    NOT_FOUND = "not_found"


OUTCOME_LABELS = {
    Outcome.VALID: _("Valid"),
    Outcome.EXPIRED: _("Expired"),
    Outcome.REVOKED: _("Revoked"),
    Outcome.NOT_YET_VALID: _("Not yet valid"),
    Outcome.ALTERED: _("Altered: the signature does not match"),
    Outcome.NOT_ISSUED_HERE: _("Not issued here"),
    Outcome.UNREADABLE: _("Not a credential file"),
    Outcome.NOT_FOUND: _("Not found"),
}
OUTCOME_EXPLANATIONS = {
    Outcome.VALID: _("This certificate was issued here and is valid."),
    Outcome.EXPIRED: _("This certificate was issued here; its period of validity has ended."),
    Outcome.REVOKED: _("This certificate was issued here and has been revoked. It is not valid."),
    Outcome.NOT_YET_VALID: _("This certificate was issued here; it is not valid yet."),
    Outcome.ALTERED: _(
        "The file names this platform as its issuer, but its content was changed after signing. "
        "It is not valid."
    ),
    Outcome.NOT_ISSUED_HERE: _(
        "This credential was not issued by this platform. We cannot say whether it is valid."
    ),
    Outcome.UNREADABLE: _("The file is not a credential this page can read."),
    Outcome.NOT_FOUND: _(
        "No certificate issued here has this number and family name. Check both against the "
        "certificate."
    ),
}


@dataclass(frozen=True)
class Answer:
    """The whole of what a verification shows: outcome, course and dates."""

    outcome: str
    course: str = ""
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])

    @property
    def explanation(self) -> str:
        return str(OUTCOME_EXPLANATIONS[self.outcome])

    @property
    def issued_here(self) -> bool:
        return self.outcome in (
            Outcome.VALID,
            Outcome.EXPIRED,
            Outcome.REVOKED,
            Outcome.NOT_YET_VALID,
        )

    @property
    def good(self) -> bool:
        return self.outcome == Outcome.VALID


def today() -> datetime.date:
    return timezone.localdate()


# --- a certificate and its state ---------------------------------------------------------------


def status_of(certificate: Certificate, on: datetime.date | None = None) -> str:
    """valid, expired or revoked (revocation wins)."""
    if certificate.revoked_at is not None:
        return Outcome.REVOKED
    day = on or today()
    if certificate.valid_until is not None and certificate.valid_until < day:
        return Outcome.EXPIRED
    if certificate.issued_on > day:
        return Outcome.NOT_YET_VALID
    return Outcome.VALID


def course_of(certificate: Certificate) -> content.Course | None:
    run = certificate.run
    return content.course(certificate.course, run.course_version) or content.course(
        certificate.course
    )


def course_title(course_id: str, version: int | None = None) -> str:
    found = content.course(course_id, version) or content.course(course_id)
    return found.title_in() if found else course_id


def certificate_get(user: User, pk: Any, action: Action = Action.CERTIFICATE_VIEW) -> Certificate:
    """The certificate the user may see (its holder, the run's trainers, administrators)."""
    return get_visible(
        user,
        action,
        Certificate.objects.select_related("run", "learner", "revoked_by"),
        pk=pk,
    )


def certificates_for(user: User) -> QuerySet[Certificate]:
    """The certificates the user may see, newest first: their own and those of runs they teach."""
    return (
        visible(user, Action.CERTIFICATE_VIEW, Certificate.objects.all())
        .select_related("run", "learner")
        .order_by("-issued_on", "number")
    )


def run_for_certificates(user: User, pk: Any) -> Run:
    """A run whose certificates the user hands out: its trainers (and administrators)."""
    return get_visible(user, Action.TRAINING_RUN_MANAGE, Run.objects.select_related("team"), pk=pk)


def certificates_of_run(run: Run) -> QuerySet[Certificate]:
    """Every certificate issued from the run, by holder."""
    return (
        Certificate.objects.filter(run=run)
        .select_related("run", "learner")
        .order_by("learner__full_name", "number")
    )


def refresher_runs(user: User, certificate: Certificate) -> list[Run]:
    """Refresher runs of the certificate's course that the user may ask to join now."""
    return list(
        visible(
            user,
            Action.TRAINING_RUN_JOIN,
            Run.objects.filter(
                course=certificate.course,
                refresher=True,
                open_for_requests=True,
                cancelled_at__isnull=True,
                ends_on__gte=today(),
            ),
        ).order_by("starts_on", "pk")[:10]
    )


def _renewed() -> Exists:
    """A later certificate of the same course held by the same person (not revoked)."""
    return Exists(
        Certificate.objects.filter(
            learner_id=OuterRef("learner_id"),
            course=OuterRef("course"),
            revoked_at__isnull=True,
            issued_on__gt=OuterRef("issued_on"),
        )
    )


def expiring(*, on: datetime.date, within_days: int = REMIND_DAYS) -> QuerySet[Certificate]:
    """Certificates whose last day lies within ``within_days`` of ``on``, not revoked, not
    renewed by a later one, and whose holders were not reminded yet."""
    return (
        Certificate.objects.filter(
            valid_until__gte=on,
            valid_until__lte=on + datetime.timedelta(days=within_days),
            revoked_at__isnull=True,
            reminded_at__isnull=True,
            learner__is_active=True,
        )
        .exclude(_renewed())
        .select_related("learner", "run")
        .order_by("valid_until", "pk")
    )


def my_expiring(user: User, *, on: datetime.date | None = None) -> list[Certificate]:
    """The user's own certificates that end within the reminder period (one query)."""
    day = on or today()
    return list(
        Certificate.objects.filter(
            learner_id=user.pk,
            valid_until__gte=day,
            valid_until__lte=day + datetime.timedelta(days=REMIND_DAYS),
            revoked_at__isnull=True,
        )
        .exclude(_renewed())
        .order_by("valid_until")[:5]
    )


# --- verification ------------------------------------------------------------------------------


def verify_number(number: str, family_name: str) -> Answer:
    """Look a certificate up by its number and the holder's family name. A malformed number or
    an empty name is refused naming the field; any other miss is NOT_FOUND."""
    problems: dict[str, list[str]] = {}
    canonical = ""
    try:
        canonical = credentials.normalise_certificate_number(number or "", field="number")
    except ValidationFailed as exc:
        problems.update(exc.details)
    family = selectors.normal_family(family_name or "")
    if not family:
        problems["family_name"] = [str(_("Give the family name of the certificate's holder."))]
    elif len(family) > 200:
        problems["family_name"] = [str(_("A family name has at most 200 characters."))]
    if problems:
        raise ValidationFailed(str(_("Some fields need correcting.")), details=problems)
    found = selectors.certificate_by_number(canonical, family)
    if found is None:
        return Answer(Outcome.NOT_FOUND)
    return Answer(
        status_of(found),
        course=course_title(found.course),
        valid_from=found.issued_on,
        valid_until=found.valid_until,
    )


def verify_document(document: str | bytes | dict[str, Any]) -> Answer:
    """Verify a credential file offline against this platform's key and its revocations."""
    revoked: set[int] | None = None

    def lookup(index: int) -> bool:
        nonlocal revoked
        if revoked is None:
            revoked = selectors.revoked_indexes()
        return index in revoked

    found = credentials.verify_credential(document, status_lookup=lookup)
    outcome = str(found.outcome.value)
    if not found.issued_here or outcome in (Outcome.ALTERED, Outcome.UNREADABLE):
        return Answer(outcome)
    return Answer(
        outcome,
        course=course_title(found.course_id) if found.course_id else found.course_title,
        valid_from=timezone.localdate(found.valid_from) if found.valid_from else None,
        # a certificate ends at 23:59:59 UTC of its last day (services.certificate_issue)
        valid_until=found.valid_until.astimezone(datetime.UTC).date()
        if found.valid_until
        else None,
    )


# --- the status list ---------------------------------------------------------------------------


def status_list() -> dict[str, Any]:
    """The signed revocation list, signed afresh at most every few minutes and at once after a
    revocation (the cache key changes with the set of revoked certificates)."""
    state = Certificate.objects.filter(revoked_at__isnull=False).aggregate(
        n=Count("pk"), last=Max("revoked_at")
    )
    fingerprint = hashlib.sha256(
        f"{state['n']}|{state['last']}|{statuslist.status_list_url()}".encode()
    ).hexdigest()[:32]
    key = f"training.statuslist.{fingerprint}"
    document = cache.get(key)
    if document is None:
        document = statuslist.status_list_credential(revoked=selectors.revoked_indexes())
        cache.set(key, document, STATUS_LIST_SECONDS)
    return dict(document)
