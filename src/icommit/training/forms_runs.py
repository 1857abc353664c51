"""Forms of the runs pages: a run (with its modules in a numbered order), cancelling it, a
session, attendance, enrolment, asking to join, and the sign-off."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icommit.accounts.models import User
from icommit.core.forms import Form
from icommit.core.text import SHORT, TITLE
from icommit.training import content
from icommit.training.models import Enrolment

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RunForm(Form):
    """A run of one course: the course's modules are offered in its order, each with a box to
    include it and a number that places it in the run's order."""

    title = forms.CharField(label=_("Title"), max_length=TITLE)
    city = forms.CharField(label=_("City"), max_length=TITLE)
    language = forms.ChoiceField(label=_("Language of the run"), choices=settings.LANGUAGES)
    team = forms.TypedChoiceField(
        label=_("Team"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Leave empty for a run open to practitioners of several teams."),
    )
    starts_on = forms.DateField(label=_("First day"), widget=_DATE)
    ends_on = forms.DateField(label=_("Last day"), widget=_DATE)
    #: carries the service's messages about the modules (the boxes are fields of their own)
    modules = forms.CharField(required=False, widget=forms.HiddenInput)
    local_notes = forms.CharField(
        label=_("Local notes"),
        required=False,
        max_length=SHORT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What this city adapts: local law, services, contacts. Learners read them."),
    )
    refresher = forms.BooleanField(
        label=_("Refresher run"),
        required=False,
        help_text=_(
            "A shorter run that renews the certificate of people who hold one, or whose "
            "certificate has expired."
        ),
    )
    open_for_requests = forms.BooleanField(
        label=_("Open for requests to join"),
        required=False,
        help_text=_("Practitioners may ask to join; a trainer decides each request."),
    )
    trainers = forms.TypedMultipleChoiceField(
        label=_("Trainers"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("You teach the run yourself; tick the other trainers."),
    )

    def __init__(
        self,
        *args: Any,
        course: content.Course,
        teams: Sequence[Any] = (),
        trainers: Sequence[User] = (),
        editing: bool = False,
        chosen: Sequence[str] | None = None,
        teaches: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.course = course
        if not teaches:  # an administrator correcting a run they do not teach
            self.fields["trainers"].help_text = _(
                "Tick the run's trainers; you do not become one by saving."
            )
        if editing:
            del self.fields["team"]
            del self.fields["refresher"]
        else:
            self.fields["team"].choices = [("", _("No team"))] + [  # type: ignore[attr-defined]  # a ChoiceField
                (str(t.pk), t.name) for t in teams
            ]
            if course.certificate.refresher is None:
                del self.fields["refresher"]
        self.fields["trainers"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (str(u.pk), u.full_name) for u in trainers
        ]
        order = list(chosen if chosen is not None else [m.id for m in course.modules])
        for index, module in enumerate(course.modules):
            title = content.tr(module.title)
            self.fields[f"module_{index}"] = forms.BooleanField(
                label=title, required=False, initial=module.id in order
            )
            self.fields[f"order_{index}"] = forms.IntegerField(
                label=_("Place of “%(title)s” in the run") % {"title": title},
                required=False,
                min_value=1,
                max_value=99,
                initial=order.index(module.id) + 1 if module.id in order else None,
                widget=forms.NumberInput(attrs={"class": "order-field"}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        if not any(data.get(f"module_{i}") for i in range(len(self.course.modules))):
            self.add_error("modules", _("Tick at least one module."))
        return data

    def module_rows(self) -> list[tuple[content.Module, Any, Any]]:
        """(module, its box, its place) in the course's order, for the template."""
        return [
            (m, self[f"module_{i}"], self[f"order_{i}"]) for i, m in enumerate(self.course.modules)
        ]

    def chosen_modules(self) -> list[str]:
        """The ticked modules in the order their numbers give (ties: the course's order)."""
        data = self.cleaned_data
        picked = []
        for index, module in enumerate(self.course.modules):
            if data.get(f"module_{index}"):
                place = data.get(f"order_{index}")
                picked.append((place if place is not None else 100 + index, index, module.id))
        return [module_id for _place, _index, module_id in sorted(picked)]


class CancelForm(Form):
    reason = forms.CharField(
        label=_("Why the run is cancelled"),
        max_length=SHORT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The run's trainers and learners read it."),
    )


class SessionForm(Form):
    day = forms.DateField(label=_("Date"), widget=_DATE)
    time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    minutes = forms.IntegerField(
        label=_("Length in minutes"), min_value=15, max_value=600, initial=180
    )
    module = forms.ChoiceField(label=_("Module"))
    place = forms.CharField(label=_("Place"), required=False, max_length=TITLE)
    online_link = forms.CharField(
        label=_("Online link"),
        required=False,
        max_length=500,
        help_text=_("Give a place, an online link starting with https://, or both."),
    )

    def __init__(self, *args: Any, modules: Sequence[content.Module] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["module"].choices = [("", _("Choose a module"))] + [  # type: ignore[attr-defined]  # a ChoiceField
            (m.id, content.tr(m.title)) for m in modules
        ]

    def starts_at(self) -> datetime.datetime:
        data = self.cleaned_data
        naive = datetime.datetime.combine(data["day"], data["time"])
        return timezone.make_aware(naive, timezone.get_current_timezone())


class AttendanceForm(Form):
    """One box per enrolled learner: ticked, present; not ticked, absent."""

    def __init__(
        self, *args: Any, enrolments: Sequence[Enrolment] = (), marks: dict[int, bool], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.enrolments = list(enrolments)
        for e in self.enrolments:
            self.fields[f"present_{e.pk}"] = forms.BooleanField(
                label=e.learner.full_name, required=False, initial=marks.get(e.pk, False)
            )

    def present(self) -> dict[int, bool]:
        return {e.pk: bool(self.cleaned_data.get(f"present_{e.pk}")) for e in self.enrolments}


class SearchForm(Form):
    q = forms.CharField(
        label=_("Find people by name or e-mail"),
        required=False,
        max_length=TITLE,
        help_text=_(
            "By name you find the members of the run's team and the people who asked to join "
            "it (at least three characters; up to twenty are shown). To find anyone else, type "
            "their whole e-mail address."
        ),
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class EnrolForm(Form):
    q = forms.CharField(required=False, max_length=TITLE, widget=forms.HiddenInput)
    learners = forms.TypedMultipleChoiceField(
        label=_("People to enrol"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self, *args: Any, people: Sequence[User] = (), emails: bool = False, **kwargs: Any
    ) -> None:
        """``emails``: the search was one exact address, so the person found may show it."""
        super().__init__(*args, **kwargs)
        self.fields["learners"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (str(u.pk), f"{u.full_name} ({u.email})" if emails else u.full_name) for u in people
        ]


class JoinForm(Form):
    note = forms.CharField(
        label=_("Note to the trainers"),
        required=False,
        max_length=SHORT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: your work and why you would like to join."),
    )


class SignoffForm(Form):
    family_name = forms.CharField(
        label=_("Family name for the certificate"),
        max_length=TITLE,
        help_text=_(
            "Whoever verifies the certificate gives this name with its number; check the "
            "spelling with the learner."
        ),
    )
