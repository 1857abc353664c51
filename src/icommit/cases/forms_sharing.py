"""Forms of notes, sharing decisions, consents and restriction requests on a case.

The forms check shape only (a choice among those offered, a date, a file's size and type);
every rule of the law and the protocol is the services' (``cases.services``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from icommit.cases.models import (
    Consent,
    ConsentGiver,
    ConsentKind,
    NoteKind,
    ShareBasis,
)
from icommit.cases.models import ConsentForm as ConsentFormChoice
from icommit.cases.services import IDENTITY_CATEGORY
from icommit.core.forms import Form
from icommit.core.text import SHORT, TITLE
from icommit.stakeholders.content import content
from icommit.stakeholders.models import Organisation

#: What each of the three kinds of consent means, kept apart in words as in data.
CONSENT_EXPLANATIONS: dict[str, Any] = {
    ConsentKind.PARTICIPATION.value: _(
        "The client agrees to take part in voluntary support. This is not a legal basis for "
        "sharing any information."
    ),
    ConsentKind.RELEASE.value: _(
        "The client releases a named professional or organisation from confidentiality "
        "(Schweigepflichtentbindung) towards named organisations, for named data categories "
        "and a purpose."
    ),
    ConsentKind.SHARING.value: _(
        "The client consents to named data categories being shared with named organisations "
        "for a purpose: one of several possible legal bases under data-protection law "
        "(public bodies can rarely rely on it; offence data needs a legal authorisation)."
    ),
}


# --- shared helpers -------------------------------------------------------------------------------

#: The largest document a note or a signed consent form may carry.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
#: Allowed document types: content type -> what the user reads.
DOCUMENT_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "text/plain": _("text"),
}


def category_choices(*, identity: bool = False) -> list[tuple[str, str]]:
    language = get_language() or "en"
    return [
        (c.code, c.label_in(language))
        for c in content().data_categories.values()
        if identity or c.code != IDENTITY_CATEGORY
    ]


def secrecy_choices() -> list[tuple[str, str]]:
    v2 = content().v2
    if v2 is None:
        return [("none", str(_("not bound by secrecy")))]
    language = get_language() or "en"
    return [(kind.code, kind.label_in(language)) for kind in v2.secrecy.values()]


def sniff(data: bytes) -> str:
    """The content type of ``data`` by its first bytes, or "" when it is none of those allowed.

    The browser's claim is never trusted: PDF, PNG and JPEG by their signatures, text when it
    decodes as UTF-8 without NUL bytes.
    """
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return "text/plain" if _is_text(data) else ""


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@dataclass(frozen=True)
class Upload:
    data: bytes
    name: str
    content_type: str


def clean_upload(upload: UploadedFile | None) -> Upload | None:
    """Read an uploaded document, refusing what is too large or of another type."""
    if upload is None:
        return None
    if upload.size is not None and upload.size > MAX_DOCUMENT_BYTES:
        raise forms.ValidationError(_("The file is larger than 10 MB."))
    data = upload.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise forms.ValidationError(_("The file is larger than 10 MB."))
    if not data:
        raise forms.ValidationError(_("The file is empty."))
    content_type = sniff(data)
    if not content_type:
        raise forms.ValidationError(
            _("This kind of file cannot be stored here: upload a PDF, PNG, JPEG or text file.")
        )
    name = PurePath((upload.name or "document").replace("\\", "/")).name or "document"
    return Upload(data=data, name=name[:200], content_type=content_type)


def capitalised(choices: Iterable[tuple[str, Any]]) -> list[tuple[str, str]]:
    """Choices whose labels (lower-case in the models, for use inside sentences) start with a
    capital letter, as an option of a form reads."""
    return [(value, capfirst(label)) for value, label in choices]


def _org_choices(organisations: Iterable[Organisation]) -> list[tuple[str, str]]:
    return [(str(o.pk), o.name) for o in organisations]


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- notes ----------------------------------------------------------------------------------------


class NoteForm(Form):
    organisation = forms.ChoiceField(label=_("Recorded for the organisation"))
    kind = forms.ChoiceField(
        label=_("Kind"),
        widget=forms.RadioSelect,
        choices=[
            (NoteKind.NOTE.value, _("a note")),
            (NoteKind.CONTRIBUTION.value, _("a contribution to the case conference")),
            (NoteKind.DOCUMENT.value, _("a document (upload)")),
        ],
        initial=NoteKind.NOTE.value,
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE)
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=SHORT * 4,
        help_text=_("Needed unless you upload a document."),
    )
    document = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_("PDF, PNG, JPEG or text, at most 10 MB. It is stored encrypted."),
    )
    category = forms.ChoiceField(label=_("Data category"))
    secrecy = forms.ChoiceField(
        label=_("Secrecy you were bound by when you learned this"),
        widget=forms.RadioSelect,
        help_text=_(
            "If you were bound by secrecy, this leaves your organisation only with a release "
            "from confidentiality that covers it, or on a statutory provision — towards every "
            "organisation, not only security actors."
        ),
    )

    def __init__(self, *args: Any, organisations: Iterable[Organisation] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        orgs = list(organisations)
        field(self, "organisation").choices = _org_choices(orgs)
        if len(orgs) == 1:
            self.fields["organisation"].initial = str(orgs[0].pk)
        field(self, "category").choices = [("", _("Choose …")), *category_choices()]
        field(self, "secrecy").choices = secrecy_choices()
        self.upload: Upload | None = None

    def clean_document(self) -> Any:
        self.upload = clean_upload(self.cleaned_data.get("document"))
        return self.cleaned_data.get("document")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("kind") == NoteKind.DOCUMENT and self.upload is None:
            if not self.has_error("document"):
                self.add_error("document", _("Choose the file to upload."))
        elif cleaned.get("kind") != NoteKind.DOCUMENT and not cleaned.get("text"):
            self.add_error("text", _("Write the note."))
        return cleaned


def field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


# --- a sharing decision ---------------------------------------------------------------------------


class ShareForm(Form):
    case_team = forms.BooleanField(
        label=_("The case team"),
        required=False,
        help_text=_(
            "Selects the organisations taking part in the case now, except security actors "
            "(police, prosecution, courts, intelligence): they receive information only when "
            "you name them one by one. An organisation that joins later gets nothing of this."
        ),
    )
    organisations = forms.MultipleChoiceField(
        label=_("Organisations to share with"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=TITLE)
    basis = forms.ChoiceField(label=_("Legal basis"), widget=forms.RadioSelect)
    consent = forms.ChoiceField(label=_("Which consent or release"), required=False)
    statute_code = forms.ChoiceField(
        label=_("Statutory provision"),
        required=False,
        help_text=_("Country-specific: check with your organisation's legal service."),
    )
    statute = forms.CharField(
        label=_("Another statutory provision"),
        max_length=300,
        required=False,
        help_text=_("Name the provision, e.g. “§ 4 KKG”, if it is not in the list."),
    )
    reason = forms.CharField(
        label=_("Written reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=SHORT,
        help_text=_(
            "Needed for imminent danger: what the danger is and why sharing now averts it."
        ),
    )
    client_informed = forms.ChoiceField(
        label=_("Is the client informed of this share?"),
        widget=forms.RadioSelect,
        choices=[("yes", _("Yes")), ("no", _("No"))],
    )
    not_informed_reason = forms.CharField(
        label=_("If not: why not"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=SHORT,
    )
    ends_on = forms.DateField(
        label=_("Share until (optional)"),
        required=False,
        widget=_date_widget(),
        help_text=_("After this day the organisations no longer see it."),
    )

    def __init__(
        self,
        *args: Any,
        organisations: Iterable[Organisation] = (),
        consents: Iterable[Consent] = (),
        statutes: Iterable[tuple[str, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_list = list(organisations)
        field(self, "organisations").choices = _org_choices(self.organisation_list)
        field(self, "basis").choices = capitalised(ShareBasis.choices)
        self.consent_list = list(consents)
        field(self, "consent").choices = [
            ("", _("Choose …")),
            *[(str(c.pk), consent_summary(c)) for c in self.consent_list],
        ]
        self.statute_list = list(statutes)
        if self.statute_list:
            field(self, "statute_code").choices = [("", _("Choose …")), *self.statute_list]
        else:
            del self.fields["statute_code"]
            self.fields["statute"].label = _("Statutory provision")
            self.fields["statute"].help_text = _(
                "Country-specific: check with your organisation's legal service."
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        chosen = set(cleaned.get("organisations") or [])
        if cleaned.get("case_team"):
            chosen |= {str(o.pk) for o in self.organisation_list if not o.is_security}
        cleaned["chosen"] = [o for o in self.organisation_list if str(o.pk) in chosen]
        if not cleaned["chosen"]:
            self.add_error("organisations", _("Name at least one organisation."))
        basis = cleaned.get("basis")
        consent_pk = cleaned.get("consent") or ""
        cleaned["consent_obj"] = next(
            (c for c in self.consent_list if str(c.pk) == consent_pk), None
        )
        if basis == ShareBasis.CONSENT and cleaned["consent_obj"] is None:
            self.add_error("consent", _("Choose the consent this share rests on."))
        statute = ""
        if basis == ShareBasis.STATUTE:
            code = cleaned.get("statute_code") or ""
            statute = dict(self.statute_list).get(code, "") or cleaned.get("statute", "")
            if not statute:
                target = "statute_code" if "statute_code" in self.fields else "statute"
                self.add_error(target, _("Name the statutory provision this share rests on."))
        cleaned["statute_text"] = statute
        if basis == ShareBasis.DANGER and not cleaned.get("reason"):
            self.add_error(
                "reason", _("Sharing because of imminent danger needs a written reason.")
            )
        if cleaned.get("client_informed") == "no" and not cleaned.get("not_informed_reason"):
            self.add_error(
                "not_informed_reason", _("Say why the client is not informed of this share.")
            )
        ends_on = cleaned.get("ends_on")
        cleaned["ends_at"] = None
        if ends_on is not None:
            if ends_on < timezone.localdate():
                self.add_error("ends_on", _("The end must lie in the future."))
            else:
                cleaned["ends_at"] = timezone.make_aware(
                    datetime.datetime.combine(ends_on + datetime.timedelta(days=1), datetime.time())
                )
        return cleaned


def consent_summary(consent: Consent) -> str:
    """What a consent covers, in one line: kind, to whom, which categories, purpose, until."""
    recipients = ", ".join(o.name for o in consent.recipients.all())
    categories = ", ".join(category_label(c) for c in consent.categories)
    text = _("%(kind)s given to %(org)s: %(categories)s to %(recipients)s, for %(purpose)s") % {
        "kind": ConsentKind(consent.kind).label,
        "org": consent.organisation.name,
        "categories": categories,
        "recipients": recipients,
        "purpose": consent.purpose,
    }
    if consent.valid_until:
        text += " " + _("(until %(date)s)") % {"date": date_format(consent.valid_until)}
    return str(text)


def category_label(code: str) -> str:
    category = content().data_categories.get(code)
    return category.label_in(get_language() or "en") if category is not None else code


# --- asking to share further ----------------------------------------------------------------------


class ShareRequestForm(Form):
    to_organisation = forms.ChoiceField(label=_("Share with"))
    reason = forms.CharField(label=_("Why it is needed"), max_length=TITLE)

    def __init__(self, *args: Any, organisations: Iterable[Organisation] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        field(self, "to_organisation").choices = [("", _("Choose …")), *_org_choices(organisations)]


# --- consent --------------------------------------------------------------------------------------


class ConsentForm(Form):
    kind = forms.ChoiceField(label=_("What was given"), widget=forms.RadioSelect, choices=[])
    organisation = forms.ChoiceField(label=_("Given to the organisation"))
    professional = forms.CharField(
        label=_("Professional released"),
        max_length=TITLE,
        required=False,
        help_text=_(
            "Required for a release: the role or name of the professional bound by secrecy."
        ),
    )
    recipients = forms.MultipleChoiceField(
        label=_("Recipients (organisations of the team)"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Named organisations only, never a whole sector: an organisation that joins later "
            "is not covered. Not for an agreement to take part."
        ),
    )
    categories = forms.MultipleChoiceField(
        label=_("Data categories covered"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=TITLE)
    given_by = forms.ChoiceField(label=_("Given by"), widget=forms.RadioSelect, choices=[])
    form = forms.ChoiceField(label=_("Form"), widget=forms.RadioSelect, choices=[])
    form_reason = forms.CharField(
        label=_("Why another form"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=SHORT,
    )
    given_on = forms.DateField(label=_("Given on"), widget=_date_widget())
    valid_until = forms.DateField(
        label=_("Valid until (optional)"), required=False, widget=_date_widget()
    )
    document = forms.FileField(
        label=_("Signed form (optional)"),
        required=False,
        help_text=_("PDF, PNG, JPEG or text, at most 10 MB. It is stored encrypted."),
    )

    def __init__(
        self,
        *args: Any,
        organisations: Iterable[Organisation] = (),
        team_organisations: Iterable[Organisation] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        orgs = list(organisations)
        field(self, "organisation").choices = _org_choices(orgs)
        if len(orgs) == 1:
            self.fields["organisation"].initial = str(orgs[0].pk)
        self.team_organisation_list = list(team_organisations)
        field(self, "recipients").choices = _org_choices(self.team_organisation_list)
        field(self, "categories").choices = category_choices(identity=True)
        field(self, "kind").choices = capitalised(ConsentKind.choices)
        field(self, "given_by").choices = capitalised(ConsentGiver.choices)
        field(self, "form").choices = capitalised(ConsentFormChoice.choices)
        self.upload: Upload | None = None

    def clean_document(self) -> Any:
        self.upload = clean_upload(self.cleaned_data.get("document"))
        return self.cleaned_data.get("document")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("form") == ConsentFormChoice.OTHER and not cleaned.get("form_reason"):
            self.add_error(
                "form_reason",
                _("Say why the consent was not given in writing or electronically."),
            )
        chosen = set(cleaned.get("recipients") or [])
        cleaned["recipient_objs"] = [o for o in self.team_organisation_list if str(o.pk) in chosen]
        return cleaned


class WithdrawForm(Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=SHORT,
        help_text=_("For example how and when the client withdrew."),
    )


# --- restriction and the data-protection officer --------------------------------------------------


class RestrictionForm(Form):
    reason = forms.CharField(
        label=_("What the client asked for, and why"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=SHORT,
    )


class ReviewForm(Form):
    note = forms.CharField(
        label=_("Review note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=SHORT
    )
    end = forms.BooleanField(
        label=_("End this share now"),
        required=False,
        help_text=_("The organisations named no longer see the item."),
    )


class RestrictionDecideForm(Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("grant", _("Grant: processing is limited to storage")),
            ("refuse", _("Refuse")),
        ],
    )


class LiftForm(Form):
    note = forms.CharField(
        label=_("Why the restriction ends"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=SHORT,
    )
