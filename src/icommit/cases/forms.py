"""Forms of the case pages: referral, triage, moves, participants, edit, transfer, identity.

Forms parse and name fields; every rule about what is allowed lives in ``cases.services``, whose
``ValidationFailed`` lands on the field it names. The one exception is the family-only referral:
the form refuses identity fields there before anything is sent, with the same words.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from icommit.cases.models import AgeBand, Gender, Phenomenon, Setting, TransitionKind
from icommit.core.forms import Form

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
Choices = list[tuple[Any, Any]]


CHOOSE = _("Choose …")


def _blank(choices: Any, label: Any = CHOOSE) -> Choices:
    return [("", label), *choices]


class ReferralForm(Form):
    organisation = forms.TypedChoiceField(label=_("Referring organisation"), coerce=int)
    concern = forms.CharField(
        label=_("Your concern"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Describe what you observed and what worries you, in your own words, with only "
            "what you know yourself and may pass on. No diagnosis, no label."
        ),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN)
    age_band = forms.ChoiceField(
        label=_("Age band"), choices=AgeBand.choices, initial=AgeBand.UNKNOWN
    )
    phenomenon = forms.ChoiceField(label=_("Phenomenon"), choices=Phenomenon.choices)
    setting = forms.ChoiceField(label=_("Setting"), choices=Setting.choices)
    family_only = forms.BooleanField(
        label=_("The family asks for support; the person of concern does not take part"),
        required=False,
        help_text=_(
            "A family-only case records the person of concern as a pseudonym without any "
            "identity: leave name, date of birth and contact empty."
        ),
    )
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    contact = forms.CharField(label=_("Contact"), required=False, max_length=300)
    transition_kind = forms.ChoiceField(
        label=_("Transition ahead"),
        required=False,
        choices=_blank(TransitionKind.choices, _("None")),
        help_text=_("Release from prison, a move or turning 18 need planning months ahead."),
    )
    transition_date = forms.DateField(label=_("Expected on"), required=False, widget=DATE)

    IDENTITY = ("name", "birth_date", "contact")

    def __init__(self, *args: Any, organisations: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.choices = organisations  # type: ignore[attr-defined]  # ChoiceField
        if len(organisations) == 1:
            field.initial = organisations[0][0]
            field.widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("family_only"):
            for name in self.IDENTITY:
                if cleaned.get(name):
                    self.add_error(
                        name,
                        _(
                            "A family-only referral records the person of concern without "
                            "identity: leave this field empty."
                        ),
                    )
        if cleaned.get("transition_date") and not cleaned.get("transition_kind"):
            self.add_error("transition_kind", _("Say which transition is expected on this date."))
        return cleaned


ANSWERS = [("yes", _("yes")), ("no", _("no")), ("unclear", _("unclear"))]


class TriageForm(Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("accepted", _("Accept: a case for joint work")),
            ("rejected", _("Do not take on")),
            ("redirected", _("Pass to another service")),
        ],
    )
    lead_organisation = forms.TypedChoiceField(
        label=_("Lead organisation"), coerce=int, required=False
    )
    case_manager = forms.TypedChoiceField(label=_("Case manager"), coerce=int, required=False)
    purpose = forms.CharField(
        label=_("Purpose of the case"),
        required=False,
        max_length=200,
        help_text=_("What the joint work is for: it limits what may be recorded and shared."),
    )
    code = forms.ChoiceField(label=_("Reason"), required=False)
    note = forms.CharField(
        label=_("Note on the decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(
        self,
        *args: Any,
        questions: list[tuple[str, str, str]],
        organisations: Choices,
        managers: Choices,
        codes: Choices,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = []
        for key, question, guidance in questions:
            name = f"q_{key}"
            self.fields[name] = forms.ChoiceField(
                label=question,
                choices=ANSWERS,
                required=False,
                widget=forms.RadioSelect,
                help_text=guidance,
            )
            self.fields[f"why_{key}"] = forms.CharField(
                label=_("Why"),
                required=False,
                max_length=500,
                # many "Why" fields: each one's accessible name says which question it explains
                widget=forms.TextInput(attrs={"aria-label": f"{_('Why')}: {question}"}),
            )
            self.questions.append((key, self[name], self[f"why_{key}"]))
        self.fields["lead_organisation"].choices = _blank(organisations)  # type: ignore[attr-defined]
        self.fields["case_manager"].choices = _blank(managers)  # type: ignore[attr-defined]
        self.fields["code"].choices = _blank(codes)  # type: ignore[attr-defined]

    def answers(self) -> dict[str, Any]:
        """The triage questions as answered: {key: {"answer": …, "why": …}} (answered only)."""
        found: dict[str, Any] = {}
        for key, _q, _w in self.questions:
            answer = self.cleaned_data.get(f"q_{key}") or ""
            why = self.cleaned_data.get(f"why_{key}") or ""
            if answer or why:
                found[key] = {"answer": answer, "why": why}
        return found

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome == "accepted":
            for name in ("lead_organisation", "case_manager", "purpose"):
                if not cleaned.get(name):
                    self.add_error(name, _("Accepting a case needs this."))
        elif outcome and not cleaned.get("code"):
            self.add_error("code", _("Choose the reason for this step."))
        return cleaned


class MoveForm(Form):
    target = forms.ChoiceField(label=_("Next stage"))
    code = forms.ChoiceField(
        label=_("Reason code"),
        required=False,
        help_text=_("Needed when the case is closed."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args: Any, targets: Choices, codes: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets  # type: ignore[attr-defined]
        if codes:
            self.fields["code"].choices = _blank(codes)  # type: ignore[attr-defined]
        else:  # no next stage here needs a reason code
            del self.fields["code"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        cleaned.setdefault("code", "")
        return cleaned


class ParticipantAddForm(Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    reason = forms.CharField(
        label=_("Why it is needed"),
        max_length=200,
        help_text=_("It sees only what is shared with it from now on, nothing shared before."),
    )

    def __init__(self, *args: Any, organisations: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = _blank(organisations)  # type: ignore[attr-defined]


class ParticipantRemoveForm(Form):
    organisation = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why it leaves"), max_length=200)


class CaseEditForm(Form):
    purpose = forms.CharField(label=_("Purpose of the case"), max_length=200)
    next_review = forms.DateField(label=_("Next review"), required=False, widget=DATE)
    transition_kind = forms.ChoiceField(
        label=_("Transition ahead"),
        required=False,
        choices=_blank(TransitionKind.choices, _("None")),
    )
    transition_date = forms.DateField(label=_("Expected on"), required=False, widget=DATE)


class TransferForm(Form):
    to_team = forms.TypedChoiceField(label=_("Team"), coerce=int)
    to_organisation = forms.TypedChoiceField(label=_("New lead organisation"), coerce=int)
    case_manager = forms.TypedChoiceField(
        label=_("New case manager"),
        coerce=int,
        required=False,
        help_text=_("Optional: the new lead organisation can name one later."),
    )
    reason = forms.CharField(label=_("Reason for the transfer"), max_length=200)

    def __init__(
        self, *args: Any, teams: Choices, organisations: Choices, managers: Choices, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_team"].choices = teams  # type: ignore[attr-defined]
        self.fields["to_organisation"].choices = _blank(organisations)  # type: ignore[attr-defined]
        self.fields["case_manager"].choices = _blank(managers)  # type: ignore[attr-defined]


class IdentityForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    address = forms.CharField(
        label=_("Address"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    contact = forms.CharField(label=_("Contact"), required=False, max_length=300)


class RelativeForm(Form):
    relation = forms.CharField(label=_("Relation"), max_length=80)
    name = forms.CharField(label=_("Name"), max_length=200)
    contact = forms.CharField(label=_("Contact"), required=False, max_length=300)
    is_guardian = forms.BooleanField(label=_("Legal guardian"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CapacityForm(Form):
    capacity = forms.ChoiceField(
        label=_("Can the young person understand and decide themself?"),
        widget=forms.RadioSelect,
        choices=[("yes", _("yes")), ("no", _("no")), ("unknown", _("not assessed yet"))],
    )
    capacity_note = forms.CharField(
        label=_("How this was assessed"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SearchForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)


class StageFilterForm(Form):
    stage = forms.ChoiceField(label=_("Stage"), required=False)

    def __init__(self, *args: Any, stages: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = _blank(stages, _("All stages"))  # type: ignore[attr-defined]
