"""The audit log's filter form: readable choices of people, kinds of object and kinds of event.

Nothing here asks for an internal code: people are chosen by name, objects by their kind (and
an optional number), events by their label from the audit event registry, grouped by subject.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import forms
from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from icommit.core.audit import EVENT_TYPES

#: Kinds of object as a data-protection officer names them; stored ``app.model`` codes not
#: listed here read as the model's own name.
OBJECT_KINDS: dict[str, str | Promise] = {
    "accounts.user": _("Account"),
    "accounts.apitoken": _("API token"),
    "accounts.platformrolegrant": _("Platform role"),
    "stakeholders.organisation": _("Organisation"),
    "stakeholders.organisationmembership": _("Membership of an organisation"),
    "stakeholders.roleprofile": _("Role profile"),
    "stakeholders.roleprofileversion": _("Version of a role profile"),
    "teams.team": _("Team"),
    "teams.teammembership": _("Membership of a team"),
    "teams.teamorganisation": _("Organisation in a team"),
    "teams.invitation": _("Invitation"),
    "plans.goal": _("Goal"),
    "plans.planaction": _("Action in the action plan"),
    "plans.risk": _("Risk"),
    "plans.progressnote": _("Progress note"),
    "charters.charterversion": _("Version of the charter"),
    "charters.meeting": _("Meeting"),
    "charters.minutesversion": _("Version of the minutes"),
    "diagnostics.round": _("Round"),
    "instruments.instrument": _("Questionnaire"),
    "instruments.instrumentversion": _("Version of a questionnaire"),
    "sharing.sharingprotocol": _("Sharing protocol"),
    "sharing.protocolrow": _("Row of the sharing protocol"),
    "sharing.basis": _("Basis for sharing"),
    "phases.phaseprogress": _("Phase progress"),
    "core.job": _("Prepared file"),
    "core.chainverification": _("Verification of the audit log"),
}

#: Groups of the kind-of-event choice, by the first word of the event name.
EVENT_GROUPS: dict[str, str | Promise] = {
    "account": _("Accounts and sign-in"),
    "user": _("Accounts and sign-in"),
    "organisation": _("Organisations"),
    "team": _("Teams"),
    "phases": _("Phases"),
    "charter": _("Charter and meetings"),
    "meeting": _("Charter and meetings"),
    "plan": _("Action plan"),
    "protocol": _("Information sharing"),
    "sharing": _("Information sharing"),
    "instrument": _("Diagnostics and questionnaires"),
    "diagnostics": _("Diagnostics and questionnaires"),
    "audit": _("Audit log and files"),
    "export": _("Audit log and files"),
    "keys": _("Audit log and files"),
}
OTHER_EVENTS = _("Other events")


def object_kind_label(object_type: str) -> str:
    """The readable name of a stored ``app.model`` code ("" for none)."""
    if not object_type:
        return ""
    known = OBJECT_KINDS.get(object_type)
    if known is not None:
        return str(known)
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    name = str(model._meta.verbose_name)
    return name[:1].upper() + name[1:]


def person_label(full_name: str, email: str) -> str:
    return f"{full_name} ({email})" if full_name else email


def event_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every registered kind of event, by group, each sorted by label (in the active language)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for name, event in EVENT_TYPES.items():
        group = str(EVENT_GROUPS.get(name.split(".", 1)[0], OTHER_EVENTS))
        groups.setdefault(group, []).append((name, str(event.label)))
    return [
        (group, sorted(items, key=lambda item: item[1])) for group, items in sorted(groups.items())
    ]


class EventField(forms.ChoiceField):
    """A registered event name; ``team.`` (a name's first word and a dot) stands for all of
    that subject's events, as older links to the log say."""

    def valid_value(self, value: Any) -> bool:
        text = str(value)
        if text.endswith(".") and any(name.startswith(text) for name in EVENT_TYPES):
            return True
        return super().valid_value(value)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    """Filter the audit log; every field may stay empty ("anyone", "any")."""

    actor = forms.TypedChoiceField(label=_("Person"), required=False, coerce=int, empty_value=None)
    action = EventField(label=_("Kind of event"), required=False)
    object_type = forms.ChoiceField(label=_("Kind of object"), required=False)
    object_id = forms.CharField(
        label=_("Object number"),
        required=False,
        max_length=64,
        help_text=_("Optional: the number shown in the Object column."),
    )
    since = forms.DateField(
        label=_("From"),
        required=False,
        widget=_date_input(),
        error_messages={"invalid": _("Enter a date, for example with the calendar.")},
    )
    until = forms.DateField(
        label=pgettext_lazy("date range", "To"),
        required=False,
        widget=_date_input(),
        error_messages={"invalid": _("Enter a date, for example with the calendar.")},
    )

    def __init__(
        self,
        data: Any = None,
        *,
        people: Iterable[tuple[int, str, str]] = (),
        object_types: Iterable[str] = (),
    ) -> None:
        super().__init__(data)
        actor = self.fields["actor"]
        assert isinstance(actor, forms.ChoiceField)
        actor.choices = [("", _("Anyone"))] + [
            (pk, person_label(name, email)) for pk, name, email in people
        ]
        kinds = sorted(((code, object_kind_label(code)) for code in object_types), key=_second)
        object_type = self.fields["object_type"]
        assert isinstance(object_type, forms.ChoiceField)
        object_type.choices = [("", _("Any kind")), *kinds]
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [("", _("Any event")), *event_choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since: datetime.date | None = data.get("since")
        until: datetime.date | None = data.get("until")
        if since and until and since > until:
            self.add_error("until", _("This date is before the “From” date."))
        return data

    def filters(self) -> dict[str, Any]:
        """The filters to apply: the valid form's values, or none at all."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value not in ("", None)}

    def error_summary(self) -> list[tuple[str, str]]:
        """(field label, message) for each error, in the order of the form."""
        return [
            (str(self.fields[name].label), str(message))
            for name in self.fields
            for message in self.errors.get(name, [])
        ]


def _second(item: tuple[str, str]) -> str:
    return item[1]
