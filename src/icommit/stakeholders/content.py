"""The shipped transparency content: need/offer kinds, data categories and sector templates.

Invariant: nothing is returned unless every file is valid — every sector of the taxonomy has a
template, every text is there in English and German, every code a template uses exists, and
every legal statement says it is to be confirmed by the operator's data-protection officer.
A problem names the file, the line and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from icommit.core.content import (
    CONTENT_DIR,
    LANGUAGES,
    Checker,
    ContentError,
    Problem,
    load_yaml,
    relative,
    translated,
)
from icommit.stakeholders.sectors import Sector

__all__ = [
    "DUTIES",
    "LEGAL_MARKERS",
    "SPECIAL_KINDS",
    "Content",
    "DataCategory",
    "Duty",
    "Item",
    "Kind",
    "SectorTemplate",
    "content",
    "load_content",
]

#: What every legal statement in a sector template must say, per language.
LEGAL_MARKERS = {
    "en": "to be confirmed by the operator's data-protection officer",
    "de": "von der bzw. dem Datenschutzbeauftragten des Betreibers zu bestätigen",
}
#: The legal duties a role profile states, in the order they are shown.
DUTIES = ("report", "prosecute", "care")
#: GDPR classification of a data category: Art. 9 special category, Art. 10 offences, neither.
SPECIAL_KINDS = ("art9", "art10", "none")

_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
_HEADER = ("version", "changes", "sources")
VOCABULARY_FILE = "vocabulary.yaml"


@dataclass(frozen=True)
class Kind:
    """One kind of thing an organisation needs or offers (the shared vocabulary)."""

    code: str
    label: dict[str, str]
    description: dict[str, str]

    def label_in(self, language: str) -> str:
        return translated(self.label, language)


@dataclass(frozen=True)
class DataCategory:
    code: str
    label: dict[str, str]
    description: dict[str, str]
    special: str

    def label_in(self, language: str) -> str:
        return translated(self.label, language)

    @property
    def is_special(self) -> bool:
        return self.special != "none"


@dataclass(frozen=True)
class Item:
    code: str
    text: dict[str, str]


@dataclass(frozen=True)
class Duty:
    applies: bool
    note: dict[str, str]


@dataclass(frozen=True)
class SectorTemplate:
    sector: str
    version: int
    mandate: dict[str, str]
    duties: dict[str, Duty]
    secrecy_bound: bool
    secrecy_source: dict[str, str] | None
    methods: dict[str, str]
    needs: tuple[Item, ...]
    offers: tuple[Item, ...]
    availability: dict[str, str]

    def draft(self, language: str) -> dict[str, Any]:
        """The template as the field values of a role profile, in one language."""

        def t(text: dict[str, str] | None) -> str:
            return translated(text, language)

        return {
            "mandate": t(self.mandate),
            "duty_to_report": self.duties["report"].applies,
            "duty_to_report_note": t(self.duties["report"].note),
            "duty_to_prosecute": self.duties["prosecute"].applies,
            "duty_to_prosecute_note": t(self.duties["prosecute"].note),
            "duty_of_care": self.duties["care"].applies,
            "duty_of_care_note": t(self.duties["care"].note),
            "secrecy": "bound" if self.secrecy_bound else "none",
            "secrecy_source": t(self.secrecy_source),
            "methods": t(self.methods),
            "needs": [{"code": i.code, "text": t(i.text)} for i in self.needs],
            "offers": [{"code": i.code, "text": t(i.text)} for i in self.offers],
            "contact": "",
            "availability": t(self.availability),
        }


@dataclass(frozen=True)
class Content:
    kinds: dict[str, Kind]
    categories: dict[str, DataCategory]
    templates: dict[str, SectorTemplate]
    category_note: dict[str, str]


def _header(check: Checker, data: Any, allowed: set[str]) -> None:
    version = check.require(data, "version", int, "")
    if isinstance(version, bool) or (isinstance(version, int) and version < 1):
        check.add(data, "version", "must be a positive whole number")
    check.text(data, "changes", "")
    sources = check.require(data, "sources", list, "")
    if sources is not None and (
        not sources or not all(isinstance(s, str) and s.strip() for s in sources)
    ):
        check.add(data, "sources", "name at least one source in DOMAIN.md, as text")
    for key in data:
        if key not in allowed:
            check.add(data, str(key), "is not a known field")


def _code(check: Checker, node: Any, path: str, seen: set[str]) -> str | None:
    code = check.require(node, "code", str, path)
    if code is None:
        return None
    if not _CODE.match(code):
        check.add(node, f"{path}.code", "use lower-case letters, digits and underscores")
        return None
    if code in seen:
        check.add(node, f"{path}.code", f"{code!r} appears twice")
        return None
    seen.add(code)
    return code


def _load_file(path: Path) -> tuple[Checker, Any]:
    check = Checker(relative(path))
    try:
        data = load_yaml(path)
    except ContentError as exc:
        check.problems.extend(exc.problems)
        return check, None
    if not isinstance(data, dict):
        check.add(data, "file", "expected a mapping at the top")
        return check, None
    return check, data


def _load_kinds(path: Path, problems: list[Problem]) -> dict[str, Kind]:
    check, data = _load_file(path)
    kinds: dict[str, Kind] = {}
    if data is not None:
        _header(check, data, {*_HEADER, "kinds"})
        entries = check.require(data, "kinds", list, "") or []
        seen: set[str] = set()
        for index, node in enumerate(entries):
            where = f"kinds[{index}]"
            code = _code(check, node, where, seen)
            label = check.text(node, "label", where)
            description = check.text(node, "description", where)
            if code and label and description:
                kinds[code] = Kind(code, label, description)
    problems.extend(check.problems)
    return kinds


def _load_categories(
    path: Path, problems: list[Problem]
) -> tuple[dict[str, DataCategory], dict[str, str]]:
    check, data = _load_file(path)
    categories: dict[str, DataCategory] = {}
    note: dict[str, str] = {}
    if data is not None:
        _header(check, data, {*_HEADER, "categories", "legal_note"})
        note = check.text(data, "legal_note", "") or {}
        for lang, text in note.items():
            if LEGAL_MARKERS[lang] not in text:
                check.add(data, "legal_note", f"the {lang} text must say {LEGAL_MARKERS[lang]!r}")
        entries = check.require(data, "categories", list, "") or []
        seen: set[str] = set()
        for index, node in enumerate(entries):
            where = f"categories[{index}]"
            code = _code(check, node, where, seen)
            label = check.text(node, "label", where)
            description = check.text(node, "description", where)
            special = check.require(node, "special", str, where)
            if special is not None and special not in SPECIAL_KINDS:
                check.add(node, f"{where}.special", f"must be one of {', '.join(SPECIAL_KINDS)}")
                special = None
            if code and label and description and special:
                categories[code] = DataCategory(code, label, description, special)
    problems.extend(check.problems)
    return categories, note


def _legal_text(check: Checker, node: Any, key: str, path: str) -> dict[str, str] | None:
    text = check.text(node, key, path)
    if text is None:
        return None
    for lang in LANGUAGES:
        if LEGAL_MARKERS[lang] not in text[lang]:
            check.add(
                node[key],
                f"{path}.{key}.{lang}" if path else f"{key}.{lang}",
                f"a legal statement must say {LEGAL_MARKERS[lang]!r}",
            )
            return None
    return text


def _items(check: Checker, data: Any, key: str, kinds: dict[str, Kind]) -> tuple[Item, ...]:
    entries = check.require(data, key, list, "")
    items: list[Item] = []
    seen: set[str] = set()
    for index, node in enumerate(entries or []):
        where = f"{key}[{index}]"
        code = _code(check, node, where, seen)
        if code is not None and code not in kinds:
            check.add(node, f"{where}.code", f"{code!r} is not in {VOCABULARY_FILE}")
            code = None
        text = check.text(node, "text", where)
        if code and text:
            items.append(Item(code, text))
    return tuple(items)


_TEMPLATE_FIELDS = {
    *_HEADER,
    "sector",
    "mandate",
    "duties",
    "secrecy",
    "methods",
    "needs",
    "offers",
    "availability",
}


def _load_template(path: Path, kinds: dict[str, Kind], problems: list[Problem]) -> Any:
    check, data = _load_file(path)
    if data is None:
        problems.extend(check.problems)
        return None
    _header(check, data, _TEMPLATE_FIELDS)
    sector = check.require(data, "sector", str, "")
    if sector is not None and sector != path.stem:
        check.add(data, "sector", f"must match the file name ({path.stem!r})")
    elif sector is not None and sector not in Sector.values:
        check.add(data, "sector", f"{sector!r} is not a sector of the taxonomy")
    mandate = check.text(data, "mandate", "")
    methods = check.text(data, "methods", "")
    availability = check.text(data, "availability", "")
    duties: dict[str, Duty] = {}
    duty_nodes = check.require(data, "duties", dict, "")
    if duty_nodes is not None:
        for key in duty_nodes:
            if key not in DUTIES:
                check.add(duty_nodes, f"duties.{key}", "is not a known duty")
        for name in DUTIES:
            node = check.require(duty_nodes, name, dict, "duties")
            if node is None:
                continue
            applies = check.require(node, "applies", bool, f"duties.{name}")
            note = _legal_text(check, node, "note", f"duties.{name}")
            if applies is not None and note is not None:
                duties[name] = Duty(applies, note)
    secrecy = check.require(data, "secrecy", dict, "")
    bound, source = None, None
    if secrecy is not None:
        bound = check.require(secrecy, "bound", bool, "secrecy")
        if bound:
            source = _legal_text(check, secrecy, "source", "secrecy")
        elif "source" in secrecy:
            check.add(secrecy, "secrecy.source", "give a source only when bound by secrecy")
    needs = _items(check, data, "needs", kinds)
    offers = _items(check, data, "offers", kinds)
    problems.extend(check.problems)
    if check.problems or not (mandate and methods and availability) or bound is None:
        return None
    return SectorTemplate(
        sector=str(sector),
        version=int(data["version"]),
        mandate=mandate,
        duties=duties,
        secrecy_bound=bound,
        secrecy_source=source,
        methods=methods,
        needs=needs,
        offers=offers,
        availability=availability,
    )


def load_content(root: Path | None = None) -> Content:
    """Load and check the vocabulary, the data categories and all sector templates."""
    root = root or CONTENT_DIR
    problems: list[Problem] = []
    folder = root / "sectors"
    kinds = _load_kinds(folder / VOCABULARY_FILE, problems)
    categories, note = _load_categories(root / "data_categories.yaml", problems)
    templates: dict[str, SectorTemplate] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name == VOCABULARY_FILE:
            continue
        template = _load_template(path, kinds, problems)
        if template is not None:
            templates[template.sector] = template
    present = {p.stem for p in folder.glob("*.yaml")}
    for sector in Sector.values:
        if sector not in present:
            problems.append(
                Problem(relative(folder), 0, "sector", f"no template for the sector {sector!r}")
            )
    if problems:
        raise ContentError(problems)
    return Content(kinds=kinds, categories=categories, templates=templates, category_note=note)


@cache
def content() -> Content:
    """The shipped content, loaded once per process."""
    return load_content()
