"""Forms of the conference pages: the conference, the agenda, the minutes of a case."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from icommit.conferences.models import Scale
from icommit.conferences.services import ActionIn, DissentIn, PartIn
from icommit.core.forms import Form
from icommit.interventions.models import Intensity

#: Blank rows for new actions offered under the ones already recorded.
NEW_ACTION_ROWS = 2


class ConferenceForm(Form):
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("Title"), max_length=200)
    attendees = forms.TypedMultipleChoiceField(
        label=_("Attendees"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, members: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members or []
        self.fields["attendees"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (str(m.user_id), f"{m.user.full_name} ({m.organisation.name})") for m in self.members
        ]

    def groups(self) -> list[tuple[str, list[tuple[str, str, bool]]]]:
        """Attendee checkboxes by organisation: (organisation, [(value, name, checked)])."""
        chosen = {str(v) for v in (self["attendees"].value() or [])}
        found: dict[str, list[tuple[str, str, bool]]] = {}
        for m in self.members:
            value = str(m.user_id)
            found.setdefault(m.organisation.name, []).append(
                (value, m.user.full_name, value in chosen)
            )
        return list(found.items())


class AgendaForm(Form):
    case = forms.ChoiceField(label=_("Case"))
    presenter = forms.ChoiceField(
        label=_("Presented by"),
        required=False,
        help_text=_("A person of the case's lead organisation; empty: the case manager."),
    )

    def __init__(
        self,
        *args: Any,
        cases: list[Any] | None = None,
        presenters: list[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [("", _("Choose a case"))] + [  # type: ignore[attr-defined]
            (str(c.pk), f"{c.number} · {c.client.pseudonym}") for c in cases or []
        ]
        self.fields["presenter"].choices = [("", _("The case manager"))] + [  # type: ignore[attr-defined]
            (str(u.pk), u.full_name) for u in presenters or []
        ]


class CorrectionForm(Form):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PartForm(Form):
    """The minutes of a case; one dissent box per organisation present, rows of actions."""

    discussion = forms.CharField(
        label=_("Discussion"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What was discussed. Describe situations and positions, not people."),
    )
    decisions = forms.CharField(
        label=_("Decisions"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    scale = forms.ChoiceField(
        label=_("Scale of the joint work"),
        choices=Scale.choices,
        initial=Scale.UNCHANGED,
        widget=forms.RadioSelect,
    )
    intensity = forms.ChoiceField(
        label=_("Level of intensity scaled to"),
        required=False,
        choices=[("", "—"), *Intensity.choices],
        help_text=_("Only when the work is scaled up or down."),
    )
    next_review = forms.DateField(
        label=_("Next review"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(
        self,
        *args: Any,
        present: list[Any] | None = None,
        responsible: list[Any] | None = None,
        action_count: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.present = present or []
        self.action_rows = action_count + NEW_ACTION_ROWS
        for org in self.present:
            self.fields[f"dissent_{org.pk}"] = forms.CharField(
                label=_("Dissent of %(organisation)s") % {"organisation": org.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Leave empty if the organisation agreed."),
            )
        choices = [("", "—")] + [(str(o.pk), o.name) for o in responsible or []]
        for i in range(self.action_rows):
            self.fields[f"action_{i}_what"] = forms.CharField(
                label=_("Action %(n)s: what") % {"n": i + 1}, required=False, max_length=200
            )
            self.fields[f"action_{i}_organisation"] = forms.ChoiceField(
                label=_("Action %(n)s: responsible organisation") % {"n": i + 1},
                required=False,
                choices=choices,
            )
            self.fields[f"action_{i}_due"] = forms.DateField(
                label=_("Action %(n)s: due") % {"n": i + 1},
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )

    def main_fields(self) -> list[Any]:
        return [self[n] for n in ("discussion", "decisions", "scale", "intensity", "next_review")]

    def dissent_fields(self) -> list[Any]:
        return [self[f"dissent_{o.pk}"] for o in self.present]

    def action_fields(self) -> list[tuple[int, list[Any]]]:
        return [
            (
                i + 1,
                [
                    self[f"action_{i}_what"],
                    self[f"action_{i}_organisation"],
                    self[f"action_{i}_due"],
                ],
            )
            for i in range(self.action_rows)
        ]

    def data_in(self) -> PartIn:
        c = self.cleaned_data
        dissents = [
            DissentIn(o.pk, c[f"dissent_{o.pk}"])
            for o in self.present
            if (c.get(f"dissent_{o.pk}") or "").strip()
        ]
        actions = []
        for i in range(self.action_rows):
            what = (c.get(f"action_{i}_what") or "").strip()
            org = c.get(f"action_{i}_organisation") or ""
            if not what and not org:
                continue
            actions.append(ActionIn(what, int(org) if org else 0, c.get(f"action_{i}_due")))
        return PartIn(
            discussion=c.get("discussion") or "",
            decisions=c.get("decisions") or "",
            scale=c.get("scale") or "",
            intensity=c.get("intensity") or "",
            next_review=c.get("next_review"),
            dissents=dissents,
            actions=actions,
        )


def part_initial(version: Any, dissents: list[Any], actions: list[Any]) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "discussion": version.discussion or "",
        "decisions": version.decisions or "",
        "scale": version.scale or Scale.UNCHANGED,
        "intensity": version.intensity,
        "next_review": version.next_review,
    }
    for d in dissents:
        initial[f"dissent_{d.organisation_id}"] = d.text
    for i, a in enumerate(actions):
        initial[f"action_{i}_what"] = a.what
        initial[f"action_{i}_organisation"] = str(a.organisation_id)
        initial[f"action_{i}_due"] = a.due_on
    return initial
