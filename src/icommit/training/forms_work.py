"""Forms of the learner's work and the trainers' reviews.

The practice analysis is written with the perspective form cases use (``analysis.forms``),
without what only a case has: no secrecy to record and no organisation taking part, because
nothing written in the sandbox ever leaves it. Knowledge checks, rubrics and surveys are drawn
from their instrument version by the questionnaire builder of diagnostics.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from icommit.analysis.forms import PerspectiveForm
from icommit.core.forms import Form
from icommit.core.text import SHORT
from icommit.instruments.models import InstrumentVersion
from icommit.training.models import ReviewDecision


class SandboxAnalysisForm(PerspectiveForm):
    """The perspective form of cases, for a vignette in the training sandbox."""

    def __init__(
        self,
        *args: Any,
        version: InstrumentVersion,
        vignettes: Sequence[tuple[str, str]],
        answers: Mapping[str, Any] | None = None,
        language: str = "en",
        **kwargs: Any,
    ) -> None:
        super().__init__(
            *args, version=version, answers=answers, organisations=(), language=language, **kwargs
        )
        # a case's perspective records the secrecy its author was bound by; a vignette has none
        del self.fields["secrecy"]
        self.fields["vignette"] = forms.ChoiceField(
            label=_("Vignette"), choices=list(vignettes), widget=forms.HiddenInput
        )


class ReviewForm(Form):
    """The decision and comment of a review (the rubric's levels are the instrument's items)."""

    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[
            (ReviewDecision.PASS.value, _("Pass")),
            (ReviewDecision.REVISE.value, _("Ask for a revision")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose pass or revise.")},
    )
    comment = forms.CharField(
        label=_("Comment for the learner"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=SHORT,
        required=False,
        help_text=_("Required when you ask for a revision: say what the learner should revise."),
    )
