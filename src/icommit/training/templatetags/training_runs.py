"""Template filters of the training pages: course, module and assignment titles from the
shipped content, texts of the content in the reader's language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from icommit.core.markdown import render
from icommit.stakeholders.sectors import Sector
from icommit.training import content

register = template.Library()


@register.filter
def tr(text: Any) -> str:
    """A text of the content (``{"en": …, "de": …}``) in the active language."""
    return content.tr(text) if text else ""


@register.filter
def md(text: Any) -> SafeString:
    """A Markdown text of the content in the active language, as sanitised HTML."""
    return render(content.tr(text) if text else "")


@register.filter
def course_title(course_id: str) -> str:
    """The title of a course in the active language (its id if it is not shipped)."""
    found = content.course(course_id)
    return found.title_in() if found else course_id


@register.filter
def module_title(module_id: str) -> str:
    """The title of a module in the active language (its id if it is not shipped)."""
    found = content.module(module_id)
    return found.title_in() if found else module_id


@register.filter
def assignment_title(key: str, run: Any) -> str:
    """The title of a practice assignment of the run's course."""
    course = content.course(run.course, run.course_version)
    task = course.assignment(key) if course else None
    return content.tr(task.title) if task else key


@register.filter
def assignment_of(course: Any, key: str) -> Any:
    """The practice assignment ``key`` of a course (None if it has none by that key)."""
    return course.assignment(key) if course is not None else None


@register.filter
def percent(share: float) -> str:
    """A share (0.8) as a whole percentage ("80 %")."""
    return f"{round(float(share or 0) * 100)} %"


@register.filter
def hours(minutes: int) -> str:
    """Minutes as hours, to the half hour (150 -> "2.5")."""
    value = round(int(minutes or 0) / 30) / 2
    return f"{value:g}"


#: Words for the codes of vignettes and their documents (the content stores codes).
LABELS: dict[str, dict[str, Any]] = {
    "phenomenon": {
        "vrwe": _("violent right-wing extremism"),
        "vie": _("violent Islamist extremism"),
        "mixed": _("mixed or unclear ideology"),
        "other": _("other"),
    },
    "gender": {"female": _("female"), "male": _("male"), "diverse": _("diverse")},
    "age_band": {
        "under_14": _("under 14"),
        "14_17": _("14 to 17"),
        "18_20": _("18 to 20"),
        "21_26": _("21 to 26"),
        "27_40": _("27 to 40"),
        "over_40": _("over 40"),
    },
    "setting": {
        "community": _("in the community"),
        "prison": _("in prison"),
        "probation": _("on probation"),
        "post_release": _("after release"),
    },
    "document_kind": {
        "referral": _("referral"),
        "report": _("report"),
        "note": _("file note"),
        "letter": _("letter"),
        "record": _("record"),
        "transcript": _("transcript"),
    },
    "shareable": {
        "yes": _("may be shared with the team"),
        "no": _("may not be shared"),
        "consent": _("may be shared only with the client's consent or release"),
    },
}


@register.filter
def label(code: str, kind: str) -> str:
    """Words for a content code: ``{{ vignette.setting|label:"setting" }}``."""
    if kind == "sector":
        return str(Sector(code).label) if code in Sector.values else code
    return str(LABELS.get(kind, {}).get(code, code))


@register.filter
def days_before(day: int) -> int:
    """A document's day (0 or less: days before the case conference) as a count of days."""
    return abs(int(day or 0))
