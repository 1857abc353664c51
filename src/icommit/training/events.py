"""The audit event types of training. Names are stored in the hash chain and never change.

Events about a learner's own results (checks, reviews, sign-off) name the enrolment, never the
answers; verifications of a certificate by third parties record only the outcome."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from icommit.core.audit import event_type

event_type("training.run.created", _("Set up a training run"))
event_type("training.run.updated", _("Changed a training run"))
event_type("training.run.cancelled", _("Cancelled a training run"))
event_type("training.session.saved", _("Planned or changed a training session"))
event_type("training.session.deleted", _("Removed a training session"))
event_type("training.enrolment.requested", _("Asked to join a training run"))
event_type("training.enrolment.enrolled", _("Enrolled a learner in a training run"))
event_type("training.enrolment.declined", _("Declined a request to join a training run"))
event_type("training.enrolment.withdrawn", _("Withdrew from a training run"))
event_type("training.attendance.recorded", _("Recorded attendance at a training session"))
event_type("training.check.taken", _("Took a knowledge check"))
event_type("training.submission.saved", _("Saved a practice assignment"))
event_type("training.submission.submitted", _("Handed in a practice assignment"))
event_type("training.submission.reviewed", _("Reviewed a practice assignment"))
event_type("training.survey.answered", _("Gave training feedback"))
event_type(
    "training.survey.settled",
    _("Wrote a closed group of feedback answers again in random order, or discarded it"),
)
event_type("training.signed_off", _("Signed a learner off at the end of a run"))
event_type("training.certificate.issued", _("Issued a certificate"))
event_type("training.certificate.revoked", _("Revoked a certificate"))
event_type("training.certificate.reminded", _("Reminded a holder that a certificate expires"))
event_type("training.gate.changed", _("Changed which sectors need a certificate"))
event_type("training.learner.registered", _("Registered as an external learner"))
event_type("training.learner.approved", _("Approved an external learner"))
event_type("training.learner.declined", _("Declined an external learner"))
event_type(
    "training.learner.activated",
    _("Activated an external learner's account with the link in the approval mail"),
)
event_type(
    "training.learner.withdrawn",
    _("Withdrew an external learner's registration nobody activated (the address was added)"),
)
