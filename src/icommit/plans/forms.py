"""Forms of the plan pages: goals, actions, status and progress notes, risks, the plan filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from icommit.core.forms import Form
from icommit.plans.content import indicator_choices, phase_choices
from icommit.plans.models import ActionStatus, PlanAction
from icommit.plans.vocab import GoalAchievement, GoalLifecycleStatus
from icommit.stakeholders.models import Organisation
from icommit.teams.models import TeamMembership

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

SCALE = [
    ("", _("Choose…")),
    ("1", _("1 — very low")),
    ("2", _("2 — low")),
    ("3", _("3 — medium")),
    ("4", _("4 — high")),
    ("5", _("5 — very high")),
]


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: TeamMembership) -> str:
        return f"{obj.user.full_name} — {obj.organisation.name}"


class GoalForm(Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    why = forms.CharField(
        label=_("Why this goal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What problem of the collaboration the goal answers."),
    )
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DATE)
    phase_key = forms.ChoiceField(label=_("Phase"), required=False)
    indicator_id = forms.ChoiceField(
        label=_("Indicator"),
        required=False,
        help_text=_("The indicator of the phase model that measures the goal, if any."),
    )
    target_value = forms.DecimalField(
        label=_("Target value"), required=False, max_digits=12, decimal_places=2
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase_key"].choices = [("", _("No phase")), *phase_choices()]  # type: ignore[attr-defined]  # ChoiceField
        self.fields["indicator_id"].choices = [("", _("No indicator")), *indicator_choices()]  # type: ignore[attr-defined]  # ChoiceField


class GoalEditForm(GoalForm):
    lifecycle_status = forms.ChoiceField(label=_("Status"), choices=GoalLifecycleStatus.choices)
    achievement = forms.ChoiceField(label=_("Achievement"), choices=GoalAchievement.choices)


class OwnerFieldsMixin(Form):
    owner_organisation = forms.ModelChoiceField(
        label=_("Owner organisation"),
        queryset=Organisation.objects.none(),
        required=False,
    )
    owner_person = PersonChoiceField(
        label=_("Owner person"),
        queryset=TeamMembership.objects.none(),
        required=False,
        help_text=_("Optional: a team member of the owner organisation."),
    )

    def __init__(self, *args: Any, organisations: Any = None, people: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = organisations  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["owner_person"].queryset = people  # type: ignore[attr-defined]  # ModelChoiceField

    def owners(self) -> dict[str, Any]:
        """The owner arguments for the services."""
        person = self.cleaned_data.get("owner_person")
        organisation = self.cleaned_data.get("owner_organisation")
        return {
            "owner_organisation": organisation or (person.organisation if person else None),
            "owner_user": person.user if person else None,
        }


class ActionForm(OwnerFieldsMixin):
    title = forms.CharField(label=_("Action"), max_length=200)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)

    field_order = ["title", "owner_organisation", "owner_person", "due_date"]


class ActionStatusForm(Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)


class NoteForm(Form):
    text = forms.CharField(
        label=_("Progress note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MitigationField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: PlanAction) -> str:
        return f"{obj.title} ({obj.goal.title})"


class RiskForm(OwnerFieldsMixin):
    title = forms.CharField(label=_("Risk"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    likelihood = forms.TypedChoiceField(label=_("Likelihood"), choices=SCALE, coerce=int)
    impact = forms.TypedChoiceField(label=_("Impact"), choices=SCALE, coerce=int)
    mitigations = MitigationField(
        label=_("Mitigations (actions of the plan)"),
        queryset=PlanAction.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    review_date = forms.DateField(label=_("Review date"), required=False, widget=DATE)
    suggestion_key = forms.CharField(required=False, widget=forms.HiddenInput)

    field_order = [
        "title",
        "description",
        "likelihood",
        "impact",
        "owner_organisation",
        "owner_person",
        "mitigations",
        "review_date",
    ]

    def __init__(self, *args: Any, actions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mitigations"].queryset = actions  # type: ignore[attr-defined]  # ModelMultipleChoiceField


class PlanFilterForm(Form):
    owner = forms.ModelChoiceField(
        label=_("Owner organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All organisations"),
    )
    status = forms.ChoiceField(
        label=_("Action status"),
        required=False,
        choices=[("", _("All statuses")), *ActionStatus.choices],
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = organisations  # type: ignore[attr-defined]  # ModelChoiceField


# --- a goal or an action from a source (a meeting decision, a diagnostics recommendation) ------


class GoalFromSourceForm(Form):
    """A new goal made from something the team decided or learned; the page adds the link."""

    title = forms.CharField(label=_("Goal"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DATE)


class ActionFromSourceForm(Form):
    """A new action under one of the team's goals, made from a decision or a recommendation."""

    goal = forms.TypedChoiceField(label=_("Under the goal"), coerce=int)
    title = forms.CharField(label=_("Action"), max_length=200)
    owner_organisation = forms.TypedChoiceField(
        label=_("Owner organisation"), coerce=int, required=False, empty_value=None
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)

    def __init__(
        self,
        *args: Any,
        goals: list[tuple[int, str]] | None = None,
        organisations: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].choices = [(str(pk), t) for pk, t in goals or []]  # type: ignore[attr-defined]  # ChoiceField
        self.fields["owner_organisation"].choices = [  # type: ignore[attr-defined]  # ChoiceField
            ("", "—"),
            *[(str(pk), name) for pk, name in organisations or []],
        ]
