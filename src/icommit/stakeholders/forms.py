"""Forms of the organisation pages and role profiles."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from icommit.core.forms import Form
from icommit.stakeholders.content import content
from icommit.stakeholders.models import Secrecy
from icommit.stakeholders.sectors import Sector


class OrganisationForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    sector = forms.ChoiceField(
        label=_("Sector"),
        choices=Sector.choices,
        help_text=_("The security and state flags start from the sector's defaults."),
    )
    city = forms.CharField(label=_("City"), max_length=120)
    country = forms.CharField(
        label=_("Country"), max_length=2, help_text=_("Two-letter code, e.g. DE")
    )


class FlagsForm(Form):
    is_security = forms.BooleanField(label=_("Security actor"), required=False)
    is_state = forms.BooleanField(label=_("State actor"), required=False)
    reason = forms.CharField(
        label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 3})
    )


class MemberAddForm(Form):
    email = forms.EmailField(
        label=_("Email"),
        help_text=_(
            "A person without an account gets an email with a link to set their own password. "
            "The organisation's other administrators are told whom you added."
        ),
    )
    full_name = forms.CharField(
        label=_("Full name"),
        required=False,
        help_text=_("Needed only if the person has no account yet."),
    )
    is_org_admin = forms.BooleanField(label=_("Organisation administrator"), required=False)


class OrganisationFilterForm(Form):
    q = forms.CharField(label=_("Search name or city"), required=False)
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", _("All sectors")), *Sector.choices], required=False
    )


# --- role profiles ----------------------------------------------------------------------------


def _kind_choices() -> list[tuple[str, str]]:
    language = get_language()
    kinds = sorted(content().kinds.values(), key=lambda k: k.label_in(language))
    return [("", str(_("— choose —"))), *[(k.code, k.label_in(language)) for k in kinds]]


class ProfileForm(Form):
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)
    template = forms.CharField(widget=forms.HiddenInput, required=False)
    mandate = forms.CharField(
        label=_("Mandate"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What your organisation is there to do, in two or three sentences."),
    )
    duty_to_report = forms.BooleanField(label=_("We have a duty to report"), required=False)
    duty_to_report_note = forms.CharField(
        label=_("About the duty to report"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    duty_to_prosecute = forms.BooleanField(label=_("We have a duty to prosecute"), required=False)
    duty_to_prosecute_note = forms.CharField(
        label=_("About the duty to prosecute"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    duty_of_care = forms.BooleanField(label=_("We have a duty of care"), required=False)
    duty_of_care_note = forms.CharField(
        label=_("About the duty of care"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    secrecy = forms.ChoiceField(
        label=_("Professional secrecy"), choices=Secrecy.choices, widget=forms.RadioSelect
    )
    secrecy_source = forms.CharField(
        label=_("Legal source of the secrecy"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Needed when you are bound by professional secrecy."),
    )
    methods = forms.CharField(
        label=_("Methods and tools"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    contact = forms.CharField(
        label=_("Contact"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who the team contacts, and a deputy."),
    )
    availability = forms.CharField(
        label=_("Availability"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ProfileItemForm(Form):
    code = forms.ChoiceField(label=_("Kind"), required=False)
    text = forms.CharField(label=_("Details"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["code"]).choices = _kind_choices()


ProfileItemFormSet = forms.formset_factory(
    ProfileItemForm, extra=2, max_num=25, absolute_max=30, validate_max=True
)


def profile_items(formset: forms.BaseFormSet) -> list[dict[str, str]]:
    """The filled rows of a needs or offers formset."""
    return [
        {"code": f.cleaned_data.get("code", ""), "text": f.cleaned_data.get("text", "")}
        for f in formset.forms
        if f.cleaned_data.get("code") or f.cleaned_data.get("text")
    ]
