"""Training: course runs (cohorts), their sessions, enrolments, attendance, knowledge checks,
practice assignments with reviews, training feedback, and certificates.

The courses themselves are content (``training.content``); a run is a local adaptation of one
course version: a city, a language, trainers, dates, the modules chosen and their order.

Invariants:
- A learner's own work (knowledge checks, sandbox analyses, self-assessments) is stored as
  answer sets through ``instruments.services``, sealed with the learner's own subject key
  (``LearnerKey``); destroying it erases that work.
- Vignette work lives here only, never in a case, an indicator or an export of case data.
- Feedback and self-assessment answer sets carry no link to their learner: a separate row
  records only *that* a learner answered, so aggregates are all anyone sees.
- A certificate number is random (80 bits or more), never sequential; its status-list position
  is random too.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from icommit.core.fields import BlindIndexField, EncryptedJSONField, EncryptedTextField
from icommit.core.text import SHORT, TITLE

#: The purpose of the blind index that finds a certificate's holder by family name.
FAMILY_PURPOSE = "training.certificate.family"


class Run(models.Model):
    """One run (cohort) of a course: the local adaptation a city teaches."""

    course = models.CharField(_("course"), max_length=60)
    course_version = models.PositiveIntegerField(_("course version"))
    title = models.CharField(_("title"), max_length=TITLE)
    city = models.CharField(_("city"), max_length=TITLE)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    team = models.ForeignKey(
        "teams.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave empty for a run open to practitioners of several teams."),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    #: the catalogue ids of the modules taught, in their order
    modules = models.JSONField(_("modules"), default=list)
    local_notes = models.TextField(_("local notes"), blank=True, default="")
    refresher = models.BooleanField(_("refresher run"), default=False)
    open_for_requests = models.BooleanField(_("open for requests to join"), default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class RunTrainer(models.Model):
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="trainers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["user__full_name"]
        constraints = [models.UniqueConstraint(fields=["run", "user"], name="one_trainer_seat")]


class Session(models.Model):
    """A session of a run: when, where (a place or an online link), which module."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    minutes = models.PositiveIntegerField(_("length in minutes"))
    place = models.CharField(_("place"), max_length=TITLE, blank=True, default="")
    online_link = models.URLField(_("online link"), max_length=500, blank=True, default="")
    module = models.CharField(_("module"), max_length=80)

    class Meta:
        ordering = ["starts_at", "pk"]


class EnrolmentStatus(models.TextChoices):
    REQUESTED = "requested", _("asked to join")
    ENROLLED = "enrolled", _("enrolled")
    DECLINED = "declined", _("request declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Enrolment(models.Model):
    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="enrolments")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=EnrolmentStatus.choices)
    request_note = models.CharField(_("note"), max_length=SHORT, blank=True, default="")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["learner__full_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["run", "learner"], name="one_enrolment")]


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="one_attendance_mark")
        ]


class LearnerKey(models.Model):
    """The subject key that seals a learner's own work; destroying it erases that work."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    key = models.ForeignKey("core.SubjectKey", on_delete=models.PROTECT, related_name="+")


class CheckAttempt(models.Model):
    """A knowledge check taken by a learner: scored by the instrument engine."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="checks")
    instrument = models.CharField(max_length=60)
    response = models.ForeignKey("instruments.Response", on_delete=models.PROTECT, related_name="+")
    score = models.FloatField()
    passed = models.BooleanField()
    taken_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-taken_at"]


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("waiting for review")
    REVISION = "revision", _("revision asked")
    PASSED = "passed", _("passed")


class Submission(models.Model):
    """A learner's practice assignment: a sandbox analysis of a vignette, or an observed
    conversation. Stored apart from cases; never part of a case, an indicator or a case export.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="submissions")
    assignment = models.CharField(max_length=60)
    vignette = models.CharField(max_length=60, blank=True, default="")
    status = models.CharField(max_length=10, choices=SubmissionStatus.choices)
    #: the draft's answers, sealed with the learner's key (the submitted set is a Response)
    draft = EncryptedJSONField(default=dict, subject="learner_key_id")
    learner_key = models.ForeignKey("core.SubjectKey", on_delete=models.PROTECT, related_name="+")
    response = models.ForeignKey(
        "instruments.Response", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    #: why the version handed in last waits for another rater: "" (it does not), "confirm" (a
    #: single rater asked for a revision; a second trainer confirms it) or "third" (the raters
    #: disagree; a third trainer decides). See ``training.rating``.
    escalation = models.CharField(max_length=8, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]


class ReviewDecision(models.TextChoices):
    PASS = "pass", _("passed")
    REVISE = "revise", _("revision asked")


class Review(models.Model):
    """A trainer's review of a submission with the assignment's rubric."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    response = models.ForeignKey("instruments.Response", on_delete=models.PROTECT, related_name="+")
    comment = EncryptedTextField(_("comment"), subject="submission.learner_key_id", default="")
    decision = models.CharField(_("decision"), max_length=8, choices=ReviewDecision.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]


class SurveyStage(models.TextChoices):
    SESSION = "session", _("feedback on a session")
    BEFORE = "before", _("self-assessment before the course")
    AFTER = "after", _("self-assessment after the course")


class SurveyAnswer(models.Model):
    """An anonymous feedback or self-assessment answer set of a run: no learner on it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    stage = models.CharField(max_length=8, choices=SurveyStage.choices)
    response = models.ForeignKey("instruments.Response", on_delete=models.PROTECT, related_name="+")
    #: written again in random order once its group stopped taking answers (decision 0020): the
    #: order rows were written in is the order of the "answered" events in the audit log
    settled = models.BooleanField(default=False)


class SurveyGiven(models.Model):
    """That a learner answered a survey (not what): so no one answers twice."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    stage = models.CharField(max_length=8, choices=SurveyStage.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "session", "stage"],
                name="one_survey_answer",
                nulls_distinct=False,
            )
        ]


class Certificate(models.Model):
    """A certificate issued on completing a run, with its signed Open Badges 3.0 credential."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=40, unique=True)
    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, related_name="certificate"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="+")
    course = models.CharField(max_length=60)
    holder_name = EncryptedTextField(_("name on the certificate"))
    family_name = EncryptedTextField(_("family name"))
    family_index = BlindIndexField(source="family_name", purpose=FAMILY_PURPOSE)
    issued_on = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    status_index = models.PositiveIntegerField(unique=True)
    credential = EncryptedJSONField(default=dict)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.CharField(_("reason"), max_length=SHORT, blank=True, default="")
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_on"]


class GateSector(models.Model):
    """A team's rule, one row per sector: its members for organisations of this sector need a
    valid certificate of ``course`` before they may record Social Diagnostics perspectives.
    Security sectors are never named (the certification course is for non-security actors)."""

    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="+")
    sector = models.CharField(_("sector"), max_length=30)
    course = models.CharField(max_length=60)
    set_at = models.DateTimeField(auto_now_add=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["sector"]
        constraints = [
            models.UniqueConstraint(fields=["team", "sector"], name="one_gate_per_sector")
        ]


class LearnerAccount(models.Model):
    """An external learner: a practitioner in no team, whose account reaches only their own
    training. Self-registered, active only once a trainer approves."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.CharField(_("organisation"), max_length=TITLE)
    sector = models.CharField(_("sector"), max_length=60)
    note = models.CharField(_("note"), max_length=SHORT, blank=True, default="")
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    declined_at = models.DateTimeField(null=True, blank=True)
