"""Forms of the assessments pages. They parse and name fields; every rule about what is allowed
lives in ``assessments.services``, whose ``ValidationFailed`` lands on the field it names."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from icommit.core.forms import Form

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
Choices = list[tuple[Any, Any]]


def _organisation_field(organisations: Choices, label: Any) -> forms.TypedChoiceField:
    field = forms.TypedChoiceField(label=label, coerce=int, choices=organisations)
    if len(organisations) == 1:
        field.initial = organisations[0][0]
        field.widget = forms.HiddenInput()
    return field


class PhaseForm(Form):
    phase = forms.ChoiceField(label=_("Case-work phase"), widget=forms.RadioSelect)
    since = forms.DateField(label=_("Since"), widget=DATE)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Why the case is in this phase now. Only people taking part in the case read it."
        ),
    )

    def __init__(self, *args: Any, phases: Choices, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = phases  # type: ignore[attr-defined]  # a ChoiceField


class TrackForm(Form):
    """One entry of one track (the page shows one form per track)."""

    organisation = forms.TypedChoiceField(label=_("Recorded for"), coerce=int)
    track = forms.CharField(widget=forms.HiddenInput())
    stage = forms.ChoiceField(label=_("Stage"), widget=forms.RadioSelect)
    on = forms.DateField(label=_("Date"), widget=DATE)
    rationale = forms.CharField(
        label=_("Rationale"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What you observed that supports this stage, in a few sentences. Only your "
            "organisation reads it until it shares the entry."
        ),
    )

    def __init__(
        self, *args: Any, track: str, stages: Choices, organisations: Choices, **kwargs: Any
    ):
        kwargs.setdefault("prefix", track)
        super().__init__(*args, **kwargs)
        self.fields["track"].initial = track
        self.fields["stage"].choices = stages  # type: ignore[attr-defined]  # a ChoiceField
        self.fields["organisation"] = _organisation_field(organisations, _("Recorded for"))


class RiskForm(Form):
    organisation = forms.TypedChoiceField(label=_("Assessing organisation"), coerce=int)
    instrument = forms.CharField(
        label=_("Instrument"),
        max_length=200,
        widget=forms.TextInput(attrs={"list": "risk-instruments", "autocomplete": "off"}),
        help_text=_("The instrument your organisation used, as your assessors call it."),
    )
    assessed_on = forms.DateField(label=_("Date of the assessment"), widget=DATE)
    level = forms.ChoiceField(label=_("Level"), widget=forms.RadioSelect)
    summary = forms.CharField(
        label=_("Summary meant for sharing"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    next_review = forms.DateField(label=_("Next review"), widget=DATE)

    def __init__(self, *args: Any, organisations: Choices, levels: Choices, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = _organisation_field(
            organisations, _("Assessing organisation")
        )
        self.fields["level"].choices = levels  # type: ignore[attr-defined]  # a ChoiceField


class DesignateForm(Form):
    person = forms.ChoiceField(label=_("Member to designate"))

    def __init__(self, *args: Any, people: Choices, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [("", _("Choose …")), *people]
        self.fields["person"].choices = choices  # type: ignore[attr-defined]  # a ChoiceField
