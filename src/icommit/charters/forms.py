"""Forms for the charter draft and for team meetings (minutes, decisions, dissent)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from icommit.charters.models import SECTIONS, section_label
from icommit.charters.services import DecisionIn, DissentIn, MinutesIn
from icommit.core.forms import Form

_HELP = {
    "purpose_scope": _("Why the team exists, what it does and does not do, and for whom."),
    "roles_note": _(
        "Who does what. The list of members with their organisations and roles is added "
        "automatically when you publish."
    ),
    "meeting_rhythm": _("How often the team and case conferences meet, and how minutes work."),
    "referral_criteria": _("Who may refer, which cases the team takes on, and how triage works."),
    "escalation_dissent": _("How the team decides, records dissent and escalates conflicts."),
    "confidentiality": _(
        "What stays confidential and how information is shared. The team's sharing protocol is "
        "added automatically when you publish."
    ),
}


class CharterDraftForm(Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in SECTIONS:
            self.fields[name] = forms.CharField(
                label=section_label(name),
                help_text=_HELP[name],
                required=False,
                widget=forms.Textarea(attrs={"rows": 8}),
            )
        self.fields["change_note"] = forms.CharField(
            label=_("What changed"),
            help_text=_("A sentence for the members: what is new in this version."),
            max_length=300,
            required=False,
        )


class MeetingForm(Form):
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("Title"), max_length=200)
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("What was discussed. Describe situations and positions, not people."),
    )
    attendees = forms.TypedMultipleChoiceField(
        label=_("Attendees"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, attendee_choices: list[Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.attendee_groups = attendee_choices or []
        self.fields["attendees"].choices = [  # type: ignore[attr-defined]  # ChoiceField
            (str(uid), name) for _org, people in self.attendee_groups for uid, name in people
        ]

    def groups(self) -> list[tuple[str, list[tuple[str, str, bool]]]]:
        """Attendee checkboxes by organisation: (organisation, [(value, name, checked)])."""
        chosen = {str(v) for v in (self["attendees"].value() or [])}
        return [
            (org, [(str(uid), name, str(uid) in chosen) for uid, name in people])
            for org, people in self.attendee_groups
        ]


class DecisionForm(Form):
    ref = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Decision"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        number = int(self.prefix.rsplit("-", 1)[-1]) + 1 if self.prefix else 1
        self.fields["text"].label = _("Decision %(n)s") % {"n": number}


class DissentForm(Form):
    decision = forms.TypedChoiceField(label=_("On decision"), coerce=int, required=False)
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int, required=False)
    reason = forms.CharField(
        label=_("Why the organisation disagreed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        decision_count: int = 0,
        organisations: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [  # type: ignore[attr-defined]  # ChoiceField
            ("", "—"),
            *[(str(n), _("Decision %(n)s") % {"n": n}) for n in range(1, decision_count + 1)],
        ]
        self.fields["organisation"].choices = [  # type: ignore[attr-defined]  # ChoiceField
            ("", "—"),
            *[(str(pk), name) for pk, name in organisations or []],
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = [bool(data.get(k)) for k in ("decision", "organisation", "reason")]
        if any(filled) and not all(filled):
            raise forms.ValidationError(
                _("For a dissent, choose the decision and the organisation, and say why.")
            )
        return data


DecisionFormSet = forms.formset_factory(DecisionForm, extra=0)
DissentFormSet = forms.formset_factory(DissentForm, extra=0)

#: Empty rows offered below the filled ones (the pages work without JavaScript).
EXTRA_DECISIONS = 3
EXTRA_DISSENTS = 2


class MeetingForms:
    """The meeting form with its decision and dissent rows, read and checked together."""

    def __init__(
        self,
        data: Any = None,
        *,
        attendee_choices: list[Any],
        organisations: list[tuple[int, str]],
        initial: dict[str, Any] | None = None,
        decisions: list[dict[str, Any]] | None = None,
        dissents: list[dict[str, Any]] | None = None,
    ) -> None:
        decisions = decisions or []
        dissents = dissents or []
        self.meeting = MeetingForm(data, attendee_choices=attendee_choices, initial=initial)
        decision_rows = decisions + [{}] * EXTRA_DECISIONS
        self.decisions = DecisionFormSet(
            data, prefix="decision", initial=None if data is not None else decision_rows
        )
        count = self.decisions.total_form_count() if data is not None else len(decision_rows)
        dissent_rows = dissents + [{}] * EXTRA_DISSENTS
        self.dissents = DissentFormSet(
            data,
            prefix="dissent",
            initial=None if data is not None else dissent_rows,
            form_kwargs={"decision_count": count, "organisations": organisations},
        )

    def is_valid(self) -> bool:
        results = [self.meeting.is_valid(), self.decisions.is_valid(), self.dissents.is_valid()]
        return all(results)

    def add_error(self, message: str) -> None:
        self.meeting.add_error(None, message)

    def cleaned(self) -> MinutesIn:
        """The minutes as the services take them; raise ValidationError for a dangling dissent."""
        numbered: dict[int, tuple[int | None, str]] = {}
        for index, form in enumerate(self.decisions.forms, start=1):
            text = (form.cleaned_data.get("text") or "").strip()
            if text:
                numbered[index] = (form.cleaned_data.get("ref"), text)
        dissents: dict[int, list[DissentIn]] = {n: [] for n in numbered}
        for row in self.dissents.forms:
            data = row.cleaned_data
            if not data.get("decision"):
                continue
            if data["decision"] not in numbered:
                raise forms.ValidationError(
                    _("A dissent refers to decision %(n)s, which has no text.")
                    % {"n": data["decision"]}
                )
            dissents[data["decision"]].append(DissentIn(data["organisation"], data["reason"]))
        data = self.meeting.cleaned_data
        return MinutesIn(
            held_on=data["held_on"],
            title=data["title"],
            agenda=data.get("agenda", ""),
            minutes=data.get("minutes", ""),
            attendee_ids=tuple(data.get("attendees") or ()),
            decisions=tuple(
                DecisionIn(text=text, dissents=tuple(dissents[n]), ref=ref)
                for n, (ref, text) in numbered.items()
            ),
        )


class CorrectionForm(Form):
    reason = forms.CharField(
        label=_("What needs correcting, and why"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The frozen minutes stay readable; the correction becomes a new version."),
    )
