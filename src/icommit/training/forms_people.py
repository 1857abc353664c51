"""Forms of the people pages: an external learner's registration, the password chosen with the
activation link, and a team's certification gate. The services check everything again and name
the field they refuse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from icommit.core.forms import Form
from icommit.core.text import SHORT, TITLE
from icommit.stakeholders.sectors import Sector
from icommit.training.services_people import learner_sectors


class RegisterForm(Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        help_text=_("As it should appear on a certificate."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("You sign in with it; the approval comes to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=TITLE,
        help_text=_("Where you work, e.g. 'Counselling practice Weber'."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=())
    note = forms.CharField(
        label=_("Note for the trainers"),
        required=False,
        max_length=SHORT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: the course you want to join, who told you about it."),
    )
    consent = forms.BooleanField(
        label=_("I have read how my training data are used (above) and agree."),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sector = self.fields["sector"]
        assert isinstance(sector, forms.ChoiceField)
        sector.choices = [("", _("Choose …")), *learner_sectors()]
        # each missing field says what to give, not Django's "This field is required."
        for name, message in (
            ("full_name", _("Give your full name.")),
            ("email", _("Give your e-mail address.")),
            ("organisation", _("Give the organisation you work for.")),
            ("sector", _("Choose your organisation's sector.")),
        ):
            self.fields[name].error_messages["required"] = message


class ActivateForm(Form):
    """The password an approved learner chooses with the approval mail's link (the service
    checks it against the password validators and names what is wrong)."""

    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. A long phrase is easy to remember and hard to guess."),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class _AnySector(forms.MultipleChoiceField):
    """Offers the non-security sectors but lets any known sector through to the service, which
    refuses a security sector by name (a crafted request must learn why)."""

    def valid_value(self, value: str) -> bool:
        return value in Sector.values


class GateForm(Form):
    sectors = _AnySector(
        label=_("Sectors that need a valid certificate"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["sectors"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = learner_sectors()
