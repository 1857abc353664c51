"""Clients, cases and everything recorded about them, each piece under the need-to-know kernel.

A client is a pseudonym and a few coarse facts; who the client is (name, birth date, address,
contact) lives apart in ``ClientIdentity``, encrypted with the client's own key, and is itself
a shared item: the lead organisation holds it, anyone else reads it only through a sharing
decision. A case belongs to a team; what a case says (notes, documents, contributions) is a
``CaseNote``, a shared item whose audience is fixed by sharing decisions (``ShareDecision``).
Consent is kept as three different things (``ConsentKind``); a release or consent to share
rests on a ``sharing.Basis`` so that withdrawing it ends every share resting on it at once.
Invariant: the case content is reached only through participation (``CaseParticipant``) and
the kernel's visibility filter, never through a team role.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icommit.cases.process import Stage
from icommit.core.fields import BlindIndexField, EncryptedTextField
from icommit.core.models import SubjectKey
from icommit.core.text import TITLE
from icommit.sharing.models import AudienceRow, Basis, SharedItem
from icommit.stakeholders.models import Organisation
from icommit.stakeholders.sectors import Sector

#: The purpose for which identity fields are blind-indexed (matching referrals).
MATCH_PURPOSE = "cases.identity.match"


class Gender(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    DIVERSE = "diverse", _("diverse")
    UNKNOWN = "unknown", _("not known")


class AgeBand(models.TextChoices):
    UNDER_14 = "under_14", _("under 14")
    AGE_14_17 = "14_17", _("14–17")
    AGE_18_20 = "18_20", _("18–20")
    AGE_21_26 = "21_26", _("21–26")
    AGE_27_40 = "27_40", _("27–40")
    OVER_40 = "over_40", _("over 40")
    UNKNOWN = "unknown", _("not known")

    @property
    def is_minor(self) -> bool:
        return self in (AgeBand.UNDER_14, AgeBand.AGE_14_17)


MINOR_BANDS = frozenset({AgeBand.UNDER_14.value, AgeBand.AGE_14_17.value})


class Phenomenon(models.TextChoices):
    VRWE = "vrwe", _("violent right-wing extremism")
    VIE = "vie", _("violent Islamist extremism")
    MIXED = "mixed", _("mixed or unclear ideology")
    OTHER = "other", _("other")


class Setting(models.TextChoices):
    COMMUNITY = "community", _("community")
    PRISON = "prison", _("prison")
    PROBATION = "probation", _("probation")
    POST_RELEASE = "post_release", _("after release")


class ClientKind(models.TextChoices):
    #: the person who is supported (or asked to be)
    PERSON = "person", _("person supported")
    #: the person of concern in a family-only case: no identity, never matched
    THIRD_PARTY = "third_party", _("person of concern (family-only case)")


class Client(models.Model):
    """A person a case is about, known by a generated pseudonym."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="+")
    pseudonym = models.CharField(_("pseudonym"), max_length=20, unique=True)
    kind = models.CharField(max_length=20, choices=ClientKind.choices, default=ClientKind.PERSON)
    subject_key = models.ForeignKey(SubjectKey, on_delete=models.PROTECT, related_name="+")
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices)
    age_band = models.CharField(_("age band"), max_length=20, choices=AgeBand.choices)
    phenomenon = models.CharField(_("phenomenon"), max_length=20, choices=Phenomenon.choices)
    setting = models.CharField(_("setting"), max_length=20, choices=Setting.choices)
    referral_sector = models.CharField(
        _("referred from (sector)"), max_length=30, choices=Sector.choices, blank=True
    )
    #: Minors: whether the young person can themselves understand and decide (recorded by the
    #: lead organisation after talking with them); None until assessed.
    capacity_to_consent = models.BooleanField(null=True, blank=True)
    capacity_note = EncryptedTextField(subject="subject_key_id", null=True, blank=True, default="")
    #: Restriction of processing (Art. 18 GDPR): only storage; every further use is blocked.
    restricted_at = models.DateTimeField(null=True, blank=True)
    restricted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    restriction_reason = EncryptedTextField(
        subject="subject_key_id", null=True, blank=True, default=""
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def is_minor(self) -> bool:
        return self.age_band in MINOR_BANDS

    @property
    def is_restricted(self) -> bool:
        return self.restricted_at is not None


class ClientIdentity(SharedItem):
    """Who the client is: encrypted with the client's own key, held by the lead organisation.

    A shared item of category ``identity``: only its origin (the lead organisation) and the
    organisations a sharing decision names read it. Erasing the client destroys the key.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.OneToOneField(Client, on_delete=models.PROTECT, related_name="identity")
    name = EncryptedTextField(_("name"), subject="client.subject_key_id")
    birth_date = EncryptedTextField(
        _("date of birth"), subject="client.subject_key_id", null=True, blank=True
    )
    address = EncryptedTextField(_("address"), subject="client.subject_key_id", null=True)
    contact = EncryptedTextField(_("contact"), subject="client.subject_key_id", null=True)
    #: name + birth date, normalised, for matching a new referral (never shown)
    match_index = BlindIndexField(source="match_key", purpose=MATCH_PURPOSE)
    match_key = EncryptedTextField(subject="client.subject_key_id", null=True, editable=False)
    name_index = BlindIndexField(source="name_key", purpose=MATCH_PURPOSE + ".name")
    name_key = EncryptedTextField(subject="client.subject_key_id", null=True, editable=False)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("identity")


class IdentityAudience(AudienceRow):
    item = models.ForeignKey(ClientIdentity, on_delete=models.CASCADE, related_name="audience")
    decision = models.ForeignKey(
        "cases.ShareDecision", null=True, on_delete=models.PROTECT, related_name="+"
    )


class Relative(models.Model):
    """A relative or other contact person, recorded by the lead organisation (encrypted)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="relatives")
    relation = models.CharField(_("relation"), max_length=80)
    name = EncryptedTextField(_("name"), subject="client.subject_key_id")
    contact = EncryptedTextField(_("contact"), subject="client.subject_key_id", null=True)
    is_guardian = models.BooleanField(_("legal guardian"), default=False)
    note = EncryptedTextField(_("note"), subject="client.subject_key_id", null=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at"]


class TransitionKind(models.TextChoices):
    RELEASE = "release", _("release from prison")
    RELOCATION = "relocation", _("moving to another city")
    ADULTHOOD = "adulthood", _("turning 18")


class Case(models.Model):
    """One case of a team: a referral until accepted, then worked on by its participants.

    The referral text is what the referring organisation knew; it is addressed to the team's
    intake, so case managers read it while triaging, and after acceptance the lead organisation
    does. The referring organisation sees only the stage of its referral.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="cases")
    #: "2026-007": year and the team's running number, shown instead of anything identifying
    number = models.CharField(_("case number"), max_length=20)
    stage = models.CharField(_("stage"), max_length=30, choices=[(s.value, s.value) for s in Stage])
    #: The referral was made for the family only (indirect support).
    family_only = models.BooleanField(_("family-only support"), default=False)
    purpose = models.CharField(_("purpose"), max_length=TITLE, blank=True)
    lead_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    referring_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField(default=timezone.now)
    referral_text = EncryptedTextField(_("concern"), subject="client.subject_key_id")
    #: Set by triage: the complex-case criteria and signals found (codes of the process content).
    triage_answers = models.JSONField(default=dict, blank=True)
    #: An earlier case of the same client this one re-opens (re-referral).
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    stage_since = models.DateTimeField(default=timezone.now)
    closed_code = models.CharField(max_length=40, blank=True)
    #: A transition that needs early planning: release, move, turning 18.
    transition_kind = models.CharField(
        _("transition ahead"), max_length=20, choices=TransitionKind.choices, blank=True
    )
    transition_date = models.DateField(_("expected on"), null=True, blank=True)
    next_review = models.DateField(_("next review"), null=True, blank=True)

    class Meta:
        ordering = ["-referred_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["team", "number"], name="case_number_unique"),
        ]

    def __str__(self) -> str:
        return self.number


class CaseParticipant(models.Model):
    """An organisation working on a case, added with a reason; leaving ends its shares."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="participants")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=TITLE)
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    left_at = models.DateTimeField(null=True, blank=True)
    left_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    left_reason = models.CharField(max_length=TITLE, blank=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organisation"],
                condition=models.Q(left_at__isnull=True),
                name="case_participant_once",
            ),
        ]


class StageChange(models.Model):
    """One move of a case from a stage to another, with its reason code and note."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="stage_changes")
    from_stage = models.CharField(max_length=30, blank=True)
    to_stage = models.CharField(max_length=30)
    code = models.CharField(max_length=40, blank=True)
    note = EncryptedTextField(
        subject="case.client.subject_key_id", null=True, blank=True, default=""
    )
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "pk"]


class Transfer(models.Model):
    """A case moved to another lead organisation or team, with a record of what went along."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transfers")
    from_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    from_team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="+")
    to_team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=TITLE)
    #: What went along: identity, and the ids of notes shared with the new lead.
    carried = models.JSONField(default=dict)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")


# --- consent: three different things ---------------------------------------------------------


class ConsentKind(models.TextChoices):
    #: agreement to take part in voluntary support (not a legal basis for sharing)
    PARTICIPATION = "participation", _("agreement to take part in support")
    #: release from confidentiality for named recipients (Schweigepflichtentbindung)
    RELEASE = "release", _("release from confidentiality")
    #: consent as the GDPR legal basis of sharing named categories with named recipients
    SHARING = "sharing", _("consent to share (GDPR legal basis)")


class ConsentForm(models.TextChoices):
    WRITTEN = "written", _("in writing")
    ELECTRONIC = "electronic", _("electronically")
    OTHER = "other", _("another form (reason recorded)")


class ConsentGiver(models.TextChoices):
    CLIENT = "client", _("the client")
    GUARDIAN = "guardian", _("the legal guardian")
    BOTH = "both", _("the client and the legal guardian")


class Consent(models.Model):
    """A consent, agreement or release the client (or guardian) gave to one organisation.

    A release or a consent to share covers named data categories, named recipient
    organisations and a purpose; it rests on a ``sharing.Basis`` of kind consent, so that
    withdrawing it ends every share made under it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(_("kind"), max_length=20, choices=ConsentKind.choices)
    #: the organisation it was given to (the holder of the secrets, for a release)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    #: for a release: the professional (role or name) released from confidentiality
    professional = EncryptedTextField(
        _("professional released"),
        subject="case.client.subject_key_id",
        null=True,
        blank=True,
        default="",
    )
    recipients = models.ManyToManyField(Organisation, related_name="+", blank=True)
    categories = models.JSONField(_("data categories"), default=list)
    purpose = EncryptedTextField(_("purpose"), subject="case.client.subject_key_id")
    given_by = models.CharField(_("given by"), max_length=20, choices=ConsentGiver.choices)
    form = models.CharField(_("form"), max_length=20, choices=ConsentForm.choices)
    form_reason = EncryptedTextField(
        _("why another form"),
        subject="case.client.subject_key_id",
        null=True,
        blank=True,
        default="",
    )
    document = EncryptedTextField(subject="case.client.subject_key_id", null=True, blank=True)
    document_name = models.CharField(max_length=200, blank=True)
    given_on = models.DateField(_("given on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    basis = models.OneToOneField(
        Basis, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_note = EncryptedTextField(
        subject="case.client.subject_key_id", null=True, blank=True, default=""
    )

    class Meta:
        ordering = ["recorded_at"]

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None and (
            self.valid_until is None or self.valid_until >= timezone.localdate()
        )


# --- what a case says: notes, documents, contributions -----------------------------------------


class NoteKind(models.TextChoices):
    REFERRAL = "referral", _("referral")
    NOTE = "note", _("note")
    CONTRIBUTION = "contribution", _("contribution")
    DOCUMENT = "document", _("document")


class CaseNote(SharedItem):
    """Something an organisation recorded on a case: its origin decides who else sees it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    kind = models.CharField(_("kind"), max_length=20, choices=NoteKind.choices)
    title = models.CharField(_("title"), max_length=TITLE)
    text = EncryptedTextField(_("text"), subject="case.client.subject_key_id")
    #: The kind of secrecy its author was bound by when recording it (vocabulary v2 code).
    secrecy = models.CharField(_("secrecy"), max_length=20, default="none")
    document = EncryptedTextField(subject="case.client.subject_key_id", null=True, blank=True)
    document_name = models.CharField(max_length=200, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.title


class ShareBasis(models.TextChoices):
    PROTOCOL = "protocol", _("the team's protocol (always)")
    CONSENT = "consent", _("consent or release on file")
    STATUTE = "statute", _("a statutory provision")
    DANGER = "danger", _("imminent danger")


class ShareDecision(models.Model):
    """One sharing decision: an item, the organisations named then, purpose and legal basis.

    Imminent danger: shared at once with a written reason; a second person confirms within 24
    hours, or the decision goes to the data-protection officer's review queue. What people
    wrote (purpose, reasons, review note) is encrypted with the client's key.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="share_decisions")
    #: "note" or "identity", and the item's id (the rows point to it as well)
    item_kind = models.CharField(max_length=20)
    item_id = models.UUIDField()
    item_title = models.CharField(max_length=TITLE)
    category = models.CharField(max_length=40)
    origin_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    organisations = models.ManyToManyField(Organisation, related_name="+")
    purpose = EncryptedTextField(_("purpose"), subject="case.client.subject_key_id")
    basis_kind = models.CharField(_("legal basis"), max_length=20, choices=ShareBasis.choices)
    consent = models.ForeignKey(
        Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    statute = models.CharField(_("statute"), max_length=300, blank=True)
    #: the code of the legal basis in the country content, when one was chosen from it
    statute_code = models.CharField(max_length=60, blank=True)
    reason = EncryptedTextField(
        _("reason"), subject="case.client.subject_key_id", null=True, blank=True, default=""
    )
    client_informed = models.BooleanField(_("client informed"))
    not_informed_reason = EncryptedTextField(
        subject="case.client.subject_key_id", null=True, blank=True, default=""
    )
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = EncryptedTextField(
        subject="case.client.subject_key_id", null=True, blank=True, default=""
    )

    class Meta:
        ordering = ["decided_at", "pk"]


class NoteAudience(AudienceRow):
    item = models.ForeignKey(CaseNote, on_delete=models.CASCADE, related_name="audience")
    decision = models.ForeignKey(
        ShareDecision, null=True, on_delete=models.PROTECT, related_name="note_rows"
    )


class ShareRequest(models.Model):
    """A recipient asks the origin organisation to share an item further (it may not itself)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    note = models.ForeignKey(CaseNote, on_delete=models.PROTECT, related_name="requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requesting_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    to_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(subject="note.case.client.subject_key_id")
    at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=20, blank=True)


class AccessEntry(models.Model):
    """Who opened what of a case: the case page, a note, the identity."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=20)
    item_id = models.UUIDField(null=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]


class MatchNotice(models.Model):
    """A new referral may concern the client of this case; its manager is told, nobody else."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="match_notices")
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


class RestrictionRequest(models.Model):
    """A client asked to restrict processing (Art. 18 GDPR); the DPO decides."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(subject="client.subject_key_id")
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=20, blank=True)
