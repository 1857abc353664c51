"""The demo's training, built as `make run` builds it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from icommit.access.facts import facts_for
from icommit.accounts.models import User
from icommit.training import selectors
from icommit.training.credentials import verify_credential
from icommit.training.models import Certificate, Run, Submission, SubmissionStatus


@pytest.mark.django_db
def test_the_demo_has_past_and_current_runs_certificates_and_work_waiting() -> None:
    call_command("demo", verbosity=0)
    call_command("demo", verbosity=0)  # loading twice changes nothing
    courses = set(Run.objects.values_list("course", flat=True))
    assert courses == {"msc-team", "nonsec-cert"}
    today = timezone.localdate()
    certificates = list(Certificate.objects.all())
    revoked = [c for c in certificates if c.revoked_at is not None]
    expired = [c for c in certificates if c.valid_until and c.valid_until < today]
    valid = [c for c in certificates if c not in revoked and c not in expired]
    assert (len(revoked), len(expired), len(valid)) == (1, 1, 2)
    assert Run.objects.filter(ends_on__gte=today, open_for_requests=True).exists()
    waiting = Submission.objects.filter(status=SubmissionStatus.SUBMITTED).count()
    assert waiting == 2
    external = User.objects.get(email="learner@example.org")
    assert facts_for(external).learner_only
    trainer = User.objects.get(email="trainer@example.org")
    home = selectors.trainer_home(trainer)
    assert len(home.waiting) == 2 and len(home.requests) == 1
    # every certificate's credential verifies as issued here
    assert all(verify_credential(c.credential).issued_here for c in certificates)
