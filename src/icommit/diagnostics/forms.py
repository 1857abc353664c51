"""The questionnaire as a form: items of a definition to render, and posted values to answers.

Only the item types a team questionnaire uses are rendered (likert, choice, multi, number,
text); posted values are matched against the item's choices as text, and anything that does
not match is passed on unchanged so the engine refuses it with the item named.
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from icommit.instruments.engine import tr

RENDERED = ("likert", "choice", "multi", "number", "text")


def _choices(definition: Any, item: Any) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    if getattr(item, "scale", None):
        scale = definition.scales[item.scale]
        return tuple(scale.choices), tuple(scale.missing)
    return tuple(getattr(item, "choices", ()) or ()), tuple(getattr(item, "missing", ()) or ())


def _sections(definition: Any, audience: str) -> list[Any]:
    return [s for s in definition.sections if s.audience in ("all", audience)]


def questionnaire(
    definition: Any,
    answers: dict[str, Any],
    *,
    audience: str,
    lang: str,
    errors: dict[str, list[str]] | None = None,
) -> list[dict[str, Any]]:
    """Sections with their items, choices and current answers, ready for the template."""
    shown = []
    for section in _sections(definition, audience):
        items = []
        for item in section.items:
            if item.type not in RENDERED and item.type != "note":
                continue
            value = answers.get(item.key)
            scored, missing = _choices(definition, item)
            selected = {str(v) for v in value} if isinstance(value, list) else {str(value)}
            items.append(
                {
                    "key": item.key,
                    "type": item.type,
                    "text": tr(item.text, lang),
                    "required": bool(getattr(item, "required", False)),
                    "value": value,
                    "errors": (errors or {}).get(item.key, []),
                    "choices": [
                        {
                            "value": str(c.value),
                            "label": tr(c.label, lang),
                            "checked": str(c.value) in selected,
                            "missing": c in missing,
                        }
                        for c in (*scored, *missing)
                    ],
                }
            )
        shown.append(
            {
                "key": section.key,
                "title": tr(section.title, lang),
                "intro": tr(getattr(section, "intro", None), lang)
                if getattr(section, "intro", None)
                else "",
                "audience": section.audience,
                "items": [i for i in items if i["type"] != "note" or i["text"]],
            }
        )
    return shown


def progress(definition: Any, answers: dict[str, Any], *, audience: str) -> tuple[int, int]:
    """How many of the member's statements are answered, of how many."""
    keys = [
        item.key
        for section in _sections(definition, audience)
        for item in section.items
        if item.type in RENDERED
    ]
    return sum(1 for key in keys if answers.get(key) not in (None, "", [])), len(keys)


def _match(definition: Any, item: Any, raw: str) -> Any:
    scored, missing = _choices(definition, item)
    for choice in (*scored, *missing):
        if str(choice.value) == raw:
            return choice.value
    return raw


def answers_from_post(definition: Any, post: QueryDict, *, audience: str) -> dict[str, Any]:
    """The answers a posted questionnaire form carries (items left empty are left out)."""
    answers: dict[str, Any] = {}
    for section in _sections(definition, audience):
        for item in section.items:
            if item.type == "multi":
                values = [v for v in post.getlist(item.key) if v != ""]
                if values:
                    answers[item.key] = [_match(definition, item, v) for v in values]
                continue
            raw = post.get(item.key, "").strip()
            if item.type not in RENDERED:
                continue
            if raw == "":
                if item.type in ("number", "text") and item.key in post:
                    answers[item.key] = ""  # emptied on purpose: the save drops it from the draft
                continue
            if item.type == "number":
                try:
                    answers[item.key] = int(raw) if raw.lstrip("-").isdigit() else float(raw)
                except ValueError:
                    answers[item.key] = raw
            elif item.type == "text":
                answers[item.key] = raw
            else:
                answers[item.key] = _match(definition, item, raw)
    return answers
