from django import forms
from django.utils.translation import gettext_lazy as _

from icommit.access.roles import TeamRole
from icommit.core.forms import Form
from icommit.core.widgets import FastSelect
from icommit.stakeholders.models import Organisation, OrganisationMembership
from icommit.teams.models import Scope


class TeamForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    city = forms.CharField(label=_("City"), max_length=120)
    country = forms.CharField(
        label=_("Country"), max_length=2, help_text=_("Two-letter code, e.g. DE")
    )
    scope = forms.ChoiceField(
        label=_("Forms of extremism the team works on"),
        choices=Scope.choices,
        help_text=_(
            "The team's scope. It fills in the starting draft of the charter and can be "
            "changed later."
        ),
    )


class MembershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrganisationMembership) -> str:
        return f"{obj.user.full_name} — {obj.organisation.name}"


class TeamCreateForm(TeamForm):
    coordinator = MembershipChoiceField(
        label=_("Coordinator"),
        queryset=OrganisationMembership.objects.none(),
        help_text=_("The coordinator and the organisation they sit for."),
    )

    def __init__(self, *args, coordinators=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = coordinators  # type: ignore[attr-defined]  # ModelChoiceField


class OrganisationChoiceForm(Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), widget=FastSelect
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]  # ModelChoiceField


class MemberAddForm(Form):
    membership = MembershipChoiceField(
        label=_("Person"), queryset=OrganisationMembership.objects.none(), widget=FastSelect
    )
    role = forms.ChoiceField(
        label=_("Team role"), choices=TeamRole.choices, initial=TeamRole.MEMBER
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = candidates  # type: ignore[attr-defined]  # ModelChoiceField


class InviteForm(Form):
    email = forms.EmailField(label=_("Email"))
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), widget=FastSelect
    )
    role = forms.ChoiceField(
        label=_("Team role"), choices=TeamRole.choices, initial=TeamRole.MEMBER
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]  # ModelChoiceField


class RoleForm(Form):
    role = forms.ChoiceField(label=_("Team role"), choices=TeamRole.choices)


class AcceptForm(Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. A long phrase is easy to remember and hard to guess."),
    )
