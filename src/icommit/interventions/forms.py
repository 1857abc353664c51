"""Forms of the plan, contact and outcome pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from icommit.core.forms import Form
from icommit.interventions.models import (
    ContactKind,
    EducationStatus,
    HousingStatus,
    Intensity,
    MeasureStatus,
    OffenceStatus,
    WorkStatus,
)
from icommit.plans.vocab import GoalAchievement, GoalLifecycleStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReviewForm(Form):
    next_review = forms.DateField(label=_("Next review of the plan"), required=False, widget=DATE)


class GoalForm(Form):
    domain = forms.ChoiceField(label=_("Life domain"))
    statement = forms.CharField(
        label=_("Goal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the client wants to reach, in words the client would use."),
    )
    lifecycle_status = forms.ChoiceField(
        label=_("Status"), choices=GoalLifecycleStatus.choices, initial="active"
    )
    achievement_status = forms.ChoiceField(
        label=_("Progress"), choices=GoalAchievement.choices, initial="in-progress"
    )
    review_date = forms.DateField(label=_("Review date"), required=False, widget=DATE)

    def __init__(self, *args: Any, domains: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = list(domains.items())  # type: ignore[attr-defined]


class MeasureForm(Form):
    what = forms.CharField(
        label=_("Measure"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    goal = forms.ChoiceField(label=_("Goal"), required=False)
    responsible = forms.TypedChoiceField(label=_("Responsible organisation"), coerce=int)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)
    review_date = forms.DateField(label=_("Review date"), required=False, widget=DATE)

    def __init__(
        self,
        *args: Any,
        goals: list[tuple[str, str]],
        organisations: list[tuple[int, str]],
        with_status: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].choices = [("", _("Not tied to a goal yet")), *goals]  # type: ignore[attr-defined]
        self.fields["responsible"].choices = [("", _("Choose …")), *organisations]  # type: ignore[attr-defined]
        if with_status:
            self.fields["status"] = forms.ChoiceField(
                label=_("Status"), choices=MeasureStatus.choices
            )


class ScaleForm(Form):
    intensity = forms.ChoiceField(label=_("New level of intensity"), choices=Intensity.choices)
    on = forms.DateField(label=_("From"), widget=DATE)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ContactForm(Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    on = forms.DateField(label=_("Date of the contact"), widget=DATE)
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=ContactKind.choices)

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations  # type: ignore[attr-defined]
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0][0]


class OutcomeForm(Form):
    on = forms.DateField(label=_("Date"), widget=DATE)
    housing = forms.ChoiceField(label=_("Housing"), choices=HousingStatus.choices)
    work = forms.ChoiceField(label=_("Work"), choices=WorkStatus.choices)
    education = forms.ChoiceField(label=_("Education"), choices=EducationStatus.choices)
    client_account = forms.CharField(
        label=_("The client's own account of progress"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the client says about how things have gone, in the client's words."),
    )


class OffenceForm(Form):
    organisation = forms.TypedChoiceField(label=_("Reporting agency"), coerce=int)
    status = forms.ChoiceField(
        label=_("Are new proceedings against the client known to your agency?"),
        choices=OffenceStatus.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Report only that proceedings exist and their stage, with your agency's own "
            "reference number, never details of the offence. An investigation or a charge is "
            "not a finding of guilt: the client is presumed innocent until convicted. The "
            "report is a reference for the team's outcome indicators, not a statement about "
            "risk."
        ),
    )
    on = forms.DateField(label=_("As of"), widget=DATE)
    reference = forms.CharField(
        label=_("Your reference number"),
        required=False,
        max_length=200,
        help_text=_(
            "Only the reference in your own records, needed when proceedings are known: no "
            "details of the offence."
        ),
    )

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations  # type: ignore[attr-defined]
