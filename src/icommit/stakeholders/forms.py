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
    kinds = sorted(content().item_kinds.values(), key=lambda k: k.label_in(language))
    return [("", str(_("— choose —"))), *[(k.code, k.label_in(language)) for k in kinds]]


class ProfileForm(Form):
    """A version-1 role profile: three duty flags and one secrecy flag for the organisation."""

    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)
    template = forms.CharField(widget=forms.HiddenInput, required=False)
    content_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
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


# --- role profiles, version 2 (issue 12) -------------------------------------------------------


class ProfileFormV2(Form):
    """A version-2 role profile; duties and secrecy per role come in their own formsets."""

    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)
    template = forms.CharField(widget=forms.HiddenInput, required=False)
    content_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    mandate = ProfileForm.base_fields["mandate"]
    methods = ProfileForm.base_fields["methods"]
    contact = ProfileForm.base_fields["contact"]
    availability = ProfileForm.base_fields["availability"]


def _duty_choices() -> list[tuple[str, str]]:
    v2 = content().v2
    if v2 is None:
        return [("", str(_("— choose —")))]
    language = get_language()
    return [
        ("", str(_("— choose —"))),
        *[(d.code, d.label_in(language)) for d in v2.duties.values()],
    ]


def _secrecy_choices() -> list[tuple[str, str]]:
    v2 = content().v2
    language = get_language()
    kinds = v2.secrecy.values() if v2 is not None else []
    return [("", str(_("— choose —"))), *[(k.code, k.label_in(language)) for k in kinds]]


APPLIES = [("yes", _("Applies to us")), ("no", _("Does not apply to us"))]


class DutyForm(Form):
    """One distinct legal duty (or permission) of the organisation."""

    code = forms.ChoiceField(label=_("Duty"), required=False)
    applies = forms.ChoiceField(
        label=_("Applies?"), choices=APPLIES, widget=forms.RadioSelect, required=False
    )
    statute = forms.CharField(
        label=_("Statute"),
        max_length=300,
        required=False,
        help_text=_("The section it rests on, e.g. § 8a SGB VIII."),
    )
    note = forms.CharField(
        label=_("What it means in practice"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["code"]).choices = _duty_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = any(data.get(k) for k in ("code", "statute", "note"))
        if filled and not data.get("code"):
            self.add_error("code", _("Choose a duty from the list."))
        if filled and not data.get("applies"):
            self.add_error("applies", _("Say whether this duty applies to you."))
        if data.get("applies") == "yes" and not data.get("statute"):
            self.add_error("statute", _("Name the statute this duty rests on."))
        return data


class SecrecyRoleForm(Form):
    """The secrecy one profession or office within the organisation is bound by."""

    role = forms.CharField(
        label=_("Profession or office"),
        max_length=200,
        required=False,
        help_text=_("E.g. social workers, doctors, administrative staff."),
    )
    kind = forms.ChoiceField(label=_("Secrecy"), required=False)
    statute = forms.CharField(label=_("Statute"), max_length=300, required=False)
    note = forms.CharField(
        label=_("Note"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = _secrecy_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = any(data.get(k) for k in ("role", "kind", "statute", "note"))
        if filled and not data.get("role"):
            self.add_error("role", _("Name the profession or office, e.g. “Social workers”."))
        if filled and not data.get("kind"):
            self.add_error("kind", _("Choose a kind of secrecy."))
        if data.get("kind") and data.get("kind") != "none" and not data.get("statute"):
            self.add_error("statute", _("Name the statute this secrecy rests on."))
        return data


DutyFormSet = forms.formset_factory(
    DutyForm, extra=2, max_num=25, absolute_max=30, validate_max=True
)
SecrecyRoleFormSet = forms.formset_factory(
    SecrecyRoleForm, extra=1, max_num=15, absolute_max=20, validate_max=True
)


def duty_initial(duties: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Saved or template duties as the formset's initial rows (applies as "yes"/"no")."""
    return [{**d, "applies": "yes" if d.get("applies") else "no"} for d in duties]


def profile_duties(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The filled rows of the duties formset, as the services take them."""
    return [
        {
            "code": f.cleaned_data.get("code", ""),
            "applies": f.cleaned_data.get("applies") == "yes",
            "statute": f.cleaned_data.get("statute", ""),
            "note": f.cleaned_data.get("note", ""),
        }
        for f in formset.forms
        if any(f.cleaned_data.get(k) for k in ("code", "statute", "note"))
    ]


def profile_secrecy_roles(formset: forms.BaseFormSet) -> list[dict[str, str]]:
    """The filled rows of the secrecy-per-role formset."""
    return [
        {k: f.cleaned_data.get(k, "") for k in ("role", "kind", "statute", "note")}
        for f in formset.forms
        if any(f.cleaned_data.get(k) for k in ("role", "kind", "statute", "note"))
    ]
