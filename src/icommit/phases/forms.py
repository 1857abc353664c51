"""Forms of the phase pages: a task's state, a move, and the team's adaptations of the model."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from icommit.core.forms import Form
from icommit.phases.engine import EVIDENCE_MAX, TITLE_MAX
from icommit.phases.models import Direction, TaskStatus
from icommit.phases.services import TEXT_MAX


class TaskStateForm(Form):
    state = forms.ChoiceField(label=_("State"), choices=TaskStatus.choices)
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the task is done: what shows that it is done."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the task does not apply to your team: why not."),
    )


class MoveForm(Form):
    direction = forms.ChoiceField(choices=Direction.choices, widget=forms.HiddenInput)
    expected_phase = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _task_choices(tasks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", "—"), *tasks]


class AddTaskForm(Form):
    phase = forms.ChoiceField(label=_("Phase"))
    title = forms.CharField(
        label=_("Task"),
        max_length=TITLE_MAX,
        help_text=_("Start with a verb and say what is done."),
    )
    evidence = forms.CharField(label=_("What counts as evidence"), max_length=EVIDENCE_MAX)
    gate = forms.BooleanField(label=_("Required for the gate"), required=False)
    note = forms.CharField(
        label=_("Why the team adds this task"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, phases: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = phases  # type: ignore[attr-defined]  # ChoiceField


class DropTaskForm(Form):
    task = forms.ChoiceField(label=_("Task"))
    note = forms.CharField(
        label=_("Why the team drops this task"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, tasks: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["task"].choices = _task_choices(tasks)  # type: ignore[attr-defined]  # ChoiceField


class RewordTaskForm(Form):
    task = forms.ChoiceField(label=_("Task"))
    title = forms.CharField(
        label=_("New wording of the task"),
        required=False,
        max_length=TITLE_MAX,
        help_text=_("Leave empty to keep the wording."),
    )
    evidence = forms.CharField(
        label=_("New wording of what counts as evidence"),
        required=False,
        max_length=EVIDENCE_MAX,
        help_text=_("Leave empty to keep the wording."),
    )
    note = forms.CharField(
        label=_("Why the team rewords this task"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, tasks: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["task"].choices = _task_choices(tasks)  # type: ignore[attr-defined]  # ChoiceField


#: Which form serves which adaptation, by the ``op`` a form posts.
ADAPT_FORMS: dict[str, type[forms.Form]] = {
    "add": AddTaskForm,
    "drop": DropTaskForm,
    "reword": RewordTaskForm,
}


class UpgradeForm(Form):
    """Confirm moving the team to a newer version of the model (the page shows what changes)."""

    #: The content hash of the version the page showed, so a stale page cannot move the team.
    expected_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)
    note = forms.CharField(
        label=_("Note for the team (optional)"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example, who agreed to the move and when."),
    )
