"""The questionnaire as a form: items of a definition to render, and posted values to answers.

Every item type a team questionnaire can hold is rendered: likert, choice, multi, number, text,
note, ``paired`` (two or more ratings of one statement, e.g. "how it is" and "how it should
be", with a rationale when the instrument asks for one) and ``group`` (a repeatable set of
sub-items: one block of fields per entry, with one empty block to add an entry). Field names:
``key`` for a plain item, ``key.pair`` and ``key.rationale`` for a paired item,
``key-<n>-sub`` for the n-th entry (from 1) of a group. Posted values are matched against the
item's choices as text, and anything that does not match is passed on unchanged so the engine
refuses it with the item named.
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from icommit.instruments.engine import is_answered, tr

RENDERED = ("likert", "choice", "multi", "number", "text", "paired", "group")
#: Sub-item types of a group entry (what the engine allows inside a group).
SUB_RENDERED = ("likert", "choice", "multi", "number", "text")
#: Entry blocks shown for a group without a maximum: answered entries plus one empty one, at
#: most this many.
GROUP_CAP = 20


def _choices(definition: Any, item: Any) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    if getattr(item, "scale", None):
        scale = definition.scales[item.scale]
        return tuple(scale.choices), tuple(scale.missing)
    return tuple(getattr(item, "choices", ()) or ()), tuple(getattr(item, "missing", ()) or ())


def _scale_choices(definition: Any, scale_key: str) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    scale = definition.scales[scale_key]
    return tuple(scale.choices), tuple(scale.missing)


def _sections(definition: Any, audience: str) -> list[Any]:
    return [s for s in definition.sections if s.audience in ("all", audience)]


def _options(scored: Any, missing: Any, value: Any, lang: str) -> list[dict[str, Any]]:
    selected = {str(v) for v in value} if isinstance(value, list) else {str(value)}
    return [
        {
            "value": str(c.value),
            "label": tr(c.label, lang),
            "checked": value is not None and str(c.value) in selected,
            "missing": c in missing,
        }
        for c in (*scored, *missing)
    ]


def _field(definition: Any, item: Any, value: Any, name: str, lang: str) -> dict[str, Any]:
    """One plain question (a top-level item or a field of a group entry) for the template."""
    scored, missing = _choices(definition, item)
    return {
        "key": item.key,
        "name": name,
        "type": item.type,
        "text": tr(item.text, lang),
        "hint": tr(item.hint, lang) if getattr(item, "hint", None) else "",
        "required": bool(getattr(item, "required", False)),
        "value": value,
        "choices": _options(scored, missing, value, lang),
    }


def _entries_shown(item: Any, value: Any, extra: int) -> int:
    have = len(value) if isinstance(value, list) else 0
    wanted = max(have + extra, int(item.min or 0), 1)
    cap = int(item.max) if item.max is not None else GROUP_CAP
    return max(min(wanted, cap), have)


def questionnaire(
    definition: Any,
    answers: dict[str, Any],
    *,
    audience: str,
    lang: str,
    errors: dict[str, list[str]] | None = None,
    more_entries: set[str] | frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """Sections with their items, choices and current answers, ready for the template.

    ``more_entries``: groups to show one more empty entry block for (the member asked to add
    one; a group shows its entries and one empty block anyway, until its maximum)."""
    shown = []
    for section in _sections(definition, audience):
        items = []
        for item in section.items:
            if item.type not in RENDERED and item.type != "note":
                continue
            value = answers.get(item.key)
            shown_item = _field(definition, item, value, item.key, lang)
            shown_item["errors"] = (errors or {}).get(item.key, [])
            shown_item["answered"] = is_answered(value)
            if item.type == "paired":
                current = value if isinstance(value, dict) else {}
                pairs = []
                for pair in item.pairs:
                    scored, missing = _scale_choices(definition, pair.scale)
                    pairs.append(
                        {
                            "key": pair.key,
                            "name": f"{item.key}.{pair.key}",
                            "label": tr(pair.label, lang),
                            "choices": _options(scored, missing, current.get(pair.key), lang),
                        }
                    )
                shown_item["pairs"] = pairs
                shown_item["rationale"] = item.rationale
                shown_item["rationale_name"] = f"{item.key}.rationale"
                shown_item["rationale_value"] = current.get("rationale") or ""
            elif item.type == "group":
                entries = value if isinstance(value, list) else []
                count = _entries_shown(item, value, 1 if item.key in more_entries else 0)
                if count == len(entries) and (item.max is None or count < item.max):
                    count += 1  # always one empty block to add an entry, below the maximum
                blocks = []
                for n in range(1, count + 1):
                    entry = entries[n - 1] if n <= len(entries) else {}
                    entry = entry if isinstance(entry, dict) else {}
                    blocks.append(
                        {
                            "number": n,
                            "filled": n <= len(entries),
                            "fields": [
                                _field(
                                    definition,
                                    sub,
                                    entry.get(sub.key),
                                    f"{item.key}-{n}-{sub.key}",
                                    lang,
                                )
                                for sub in item.items
                                if sub.type in SUB_RENDERED or (sub.type == "note" and sub.text)
                            ],
                        }
                    )
                shown_item["entries"] = blocks
                shown_item["entry_count"] = len(entries)
                shown_item["min"] = int(item.min) if item.min is not None else None
                shown_item["max"] = int(item.max) if item.max is not None else None
                shown_item["can_add"] = item.max is None or count < item.max
            items.append(shown_item)
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
    return sum(1 for key in keys if is_answered(answers.get(key))), len(keys)


def _match_in(scored: Any, missing: Any, raw: str) -> Any:
    for choice in (*scored, *missing):
        if str(choice.value) == raw:
            return choice.value
    return raw


def _match(definition: Any, item: Any, raw: str) -> Any:
    scored, missing = _choices(definition, item)
    return _match_in(scored, missing, raw)


def _plain(definition: Any, item: Any, post: QueryDict, name: str) -> tuple[bool, Any]:
    """(given, value) of one plain field; ``given`` with "" means emptied on purpose."""
    if item.type == "multi":
        values = [v for v in post.getlist(name) if v != ""]
        return (True, [_match(definition, item, v) for v in values]) if values else (False, None)
    raw = post.get(name, "").strip()
    if raw == "":
        return (item.type in ("number", "text") and name in post, "")
    if item.type == "number":
        try:
            return True, int(raw) if raw.lstrip("-").isdigit() else float(raw)
        except ValueError:
            return True, raw
    if item.type == "text":
        return True, raw
    return True, _match(definition, item, raw)


def _paired_from_post(definition: Any, item: Any, post: QueryDict) -> Any:
    value: dict[str, Any] = {}
    for pair in item.pairs:
        raw = post.get(f"{item.key}.{pair.key}", "").strip()
        if raw:
            scored, missing = _scale_choices(definition, pair.scale)
            value[pair.key] = _match_in(scored, missing, raw)
    rationale = post.get(f"{item.key}.rationale", "").strip()
    if rationale:
        value["rationale"] = rationale
    if value:
        return value
    # emptied on purpose (the fields were on the page): the save drops it from the draft
    return "" if f"{item.key}.rationale" in post else None


def _group_from_post(definition: Any, item: Any, post: QueryDict) -> Any:
    prefix = f"{item.key}-"
    numbers = set()
    for name in post:
        if name.startswith(prefix):
            head = name[len(prefix) :].split("-", 1)[0]
            if head.isdigit() and 0 < int(head) <= GROUP_CAP * 5:
                numbers.add(int(head))
    if not numbers:
        return None
    entries = []
    for n in sorted(numbers):
        entry: dict[str, Any] = {}
        for sub in item.items:
            if sub.type not in SUB_RENDERED:
                continue
            given, v = _plain(definition, sub, post, f"{item.key}-{n}-{sub.key}")
            if given and v not in ("", None, []):
                entry[sub.key] = v
        if entry:  # an entry left empty is no entry: this is how one is removed
            entries.append(entry)
    return entries if entries else ""


def answers_from_post(definition: Any, post: QueryDict, *, audience: str) -> dict[str, Any]:
    """The answers a posted questionnaire form carries (items left empty are left out; items
    emptied on purpose are given as "" so that the save drops them from the draft)."""
    answers: dict[str, Any] = {}
    for section in _sections(definition, audience):
        for item in section.items:
            if item.type not in RENDERED:
                continue
            if item.type == "paired":
                value = _paired_from_post(definition, item, post)
            elif item.type == "group":
                value = _group_from_post(definition, item, post)
            else:
                given, value = _plain(definition, item, post, item.key)
                if not given:
                    continue
            if value is not None:
                answers[item.key] = value
    return answers
