"""Forms of the privacy pages; the services validate again and name the field on refusal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from icommit.core.forms import Form
from icommit.dataprotection.content import retention
from icommit.dataprotection.models import ErasureReason
from icommit.dataprotection.services import MAX_MONTHS
from icommit.teams.models import Team

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(Form):
    category = forms.CharField(widget=forms.HiddenInput)
    months = forms.IntegerField(
        label=_("Months after closure"),
        required=False,
        min_value=0,
        max_value=MAX_MONTHS,
        help_text=_("Leave empty for “not set”: nothing of this category is removed."),
    )


class EraseFindForm(Form):
    team: forms.ModelChoiceField[Team] = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none()
    )
    number = forms.CharField(label=_("Case number"), max_length=20)

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["team"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = teams


class EraseForm(Form):
    reason = forms.ChoiceField(
        label=_("Reason"), choices=ErasureReason.choices, widget=forms.RadioSelect
    )
    confirm = forms.CharField(
        label=_("Type the case number to confirm"),
        max_length=20,
        help_text=_("Erasure cannot be undone."),
    )


class ExportRequestForm(Form):
    asked_on = forms.DateField(label=_("The client asked on"), widget=DATE)


class AnswerForm(Form):
    organisation = forms.TypedChoiceField(label=_("For the organisation"), coerce=int)
    answer = forms.ChoiceField(
        label=_("Answer"),
        widget=forms.RadioSelect,
        choices=[
            ("release", _("Release our part")),
            ("restrict", _("Restrict our part (with its legal ground)")),
        ],
    )
    ground = forms.ChoiceField(label=_("Legal ground of a restriction"), required=False)
    note = forms.CharField(
        label=_("Explanation of a restriction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Name the provision you rely on. Write nothing the client may not learn."),
    )

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = get_language() or "en"
        org_field = self.fields["organisation"]
        assert isinstance(org_field, forms.ChoiceField)
        org_field.choices = [(o.pk, o.name) for o in organisations]
        if len(organisations) == 1:
            org_field.initial = organisations[0].pk
        ground = self.fields["ground"]
        assert isinstance(ground, forms.ChoiceField)
        ground.choices = [("", _("None (releasing)"))] + [
            (g.code, g.label_in(language)) for g in retention().grounds
        ]


class FileForm(Form):
    organisation = forms.TypedChoiceField(label=_("Prepare it for"), coerce=int)
    format = forms.ChoiceField(
        label=_("Format"), choices=[("pdf", "PDF"), ("json", "JSON")], widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(o.pk, o.name) for o in organisations]
        self.fields["format"].initial = "pdf"


class RecordFileForm(Form):
    format = forms.ChoiceField(
        label=_("Format"), choices=[("pdf", "PDF"), ("json", "JSON")], widget=forms.RadioSelect
    )
