from django import forms
from django.utils.translation import gettext_lazy as _

from icommit.stakeholders.sectors import Sector


class OrganisationForm(forms.Form):
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


class FlagsForm(forms.Form):
    is_security = forms.BooleanField(label=_("Security actor"), required=False)
    is_state = forms.BooleanField(label=_("State actor"), required=False)
    reason = forms.CharField(
        label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 3})
    )


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    full_name = forms.CharField(
        label=_("Full name"),
        required=False,
        help_text=_("Needed only if the person has no account yet."),
    )
    is_org_admin = forms.BooleanField(label=_("Organisation administrator"), required=False)


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search name or city"), required=False)
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", _("All sectors")), *Sector.choices], required=False
    )
