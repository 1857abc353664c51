"""The shipped transparency content: need/offer kinds, data categories and sector templates.

Two versions live side by side (issue 12). Version 1 (``sectors/<sector>.yaml``,
``data_categories.yaml``) stays as published: three duty flags (report, prosecute, care) and one
secrecy flag per organisation, each legal statement saying it is to be confirmed by the
operator's data-protection officer. Version 2 (``sectors/v2/``, ``data_categories/v2.yaml``)
splits the duties into distinct duties from a vocabulary (``sectors/v2/duties.yaml``), each with
its statute, and states secrecy per profession or office within the organisation (kinds in
``sectors/v2/secrecy.yaml``); every statement with a statute is country law of the template's
country.

Invariant: nothing is returned unless every file is valid — every sector of the taxonomy has a
template (version 1: the sectors it was published for), every text is there in English and
German, every code a template uses exists, duty ids are unique across the version-2 templates,
every duty that applies and every secrecy that binds names its statute. One ``ContentError``
lists every problem, each naming the file, the line and the field.
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
    "DUTY_KINDS",
    "LEGAL_MARKERS",
    "SECRECY_NONE",
    "SPECIAL_KINDS",
    "V1_SECTORS",
    "CategoryV2",
    "Content",
    "DataCategory",
    "Duty",
    "DutyCode",
    "Item",
    "Kind",
    "SecrecyKind",
    "SectorDuty",
    "SectorTemplate",
    "TemplateDuty",
    "TemplateSecrecy",
    "TemplateV2",
    "V2Content",
    "content",
    "load_content",
    "sector_duties",
    "v2_vocabulary_files",
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

#: Sectors version 1 was published for; sectors added later have version-2 templates only.
V1_SECTORS = tuple(
    s for s in Sector.values if s not in ("womens_services", "mens_work", "lgbtiq_services")
)
#: Whether a duty of the version-2 vocabulary obliges or only permits.
DUTY_KINDS = ("duty", "permission")
#: The secrecy kind that binds nobody; every other kind needs a statute.
SECRECY_NONE = "none"

_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
_DUTY_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
V2_FOLDER = "v2"
DUTIES_FILE = "duties.yaml"
SECRECY_FILE = "secrecy.yaml"
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


# --- version 2 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DutyCode:
    """One distinct legal duty (or permission) of the version-2 vocabulary."""

    code: str
    kind: str  # "duty" | "permission"
    informs: dict[str, str]  # to whom the information goes
    label: dict[str, str]
    description: dict[str, str]

    def label_in(self, language: str) -> str:
        return translated(self.label, language)

    def informs_in(self, language: str) -> str:
        return translated(self.informs, language)

    @property
    def is_permission(self) -> bool:
        return self.kind == "permission"


#: A kind of secrecy (professional, official, social data …): the same shape as a need or offer.
SecrecyKind = Kind


@dataclass(frozen=True)
class TemplateDuty:
    id: str
    duty: str  # a code of the duty vocabulary
    applies: bool
    statute: str
    note: dict[str, str]


@dataclass(frozen=True)
class TemplateSecrecy:
    role: dict[str, str]
    kind: str  # a code of the secrecy kinds
    statute: str
    note: dict[str, str]


@dataclass(frozen=True)
class TemplateV2:
    sector: str
    version: int
    country: str
    changes: dict[str, str]
    mandate: dict[str, str]
    duties: tuple[TemplateDuty, ...]
    secrecy: tuple[TemplateSecrecy, ...]
    methods: dict[str, str]
    needs: tuple[Item, ...]
    offers: tuple[Item, ...]
    availability: dict[str, str]

    def draft(self, language: str) -> dict[str, Any]:
        """The template as the field values of a version-2 role profile, in one language."""

        def t(text: dict[str, str] | None) -> str:
            return translated(text, language)

        return {
            "content_version": 2,
            "mandate": t(self.mandate),
            "duties": [
                {"code": d.duty, "applies": d.applies, "statute": d.statute, "note": t(d.note)}
                for d in self.duties
            ],
            "secrecy_roles": [
                {"role": t(s.role), "kind": s.kind, "statute": s.statute, "note": t(s.note)}
                for s in self.secrecy
            ],
            "methods": t(self.methods),
            "needs": [{"code": i.code, "text": t(i.text)} for i in self.needs],
            "offers": [{"code": i.code, "text": t(i.text)} for i in self.offers],
            "contact": "",
            "availability": t(self.availability),
        }


@dataclass(frozen=True)
class CategoryV2(DataCategory):
    reason: dict[str, str] | None = None


@dataclass(frozen=True)
class V2Content:
    #: Needs and offers: ``sectors/v2/vocabulary.yaml`` if shipped (it keeps every v1 code),
    #: else the version-1 vocabulary.
    kinds: dict[str, Kind]
    duties: dict[str, DutyCode]
    secrecy: dict[str, SecrecyKind]
    templates: dict[str, TemplateV2]
    categories: dict[str, CategoryV2]
    category_note: dict[str, str]


@dataclass(frozen=True)
class SectorDuty:
    """One duty of one version-2 sector template, as other loaders check promises against."""

    sector: str
    id: str
    code: str
    applies: bool


@dataclass(frozen=True)
class Content:
    kinds: dict[str, Kind]
    categories: dict[str, DataCategory]
    templates: dict[str, SectorTemplate]
    category_note: dict[str, str]
    #: Version 2, or None while it is not shipped (``v2_vocabulary_files`` not all present).
    v2: V2Content | None = None

    @property
    def data_categories(self) -> dict[str, DataCategory]:
        """The data categories in use: version 2 once shipped (it keeps every v1 code, so rows
        recorded under version 1 keep their category), else version 1."""
        return dict(self.v2.categories) if self.v2 is not None else self.categories

    @property
    def item_kinds(self) -> dict[str, Kind]:
        """The needs-and-offers vocabulary profiles are checked against (v2 keeps all v1 codes)."""
        return self.v2.kinds if self.v2 is not None else self.kinds

    def sector_duties(self, country: str) -> list[SectorDuty]:
        """Every duty of every version-2 sector template for ``country`` (e.g. "DE")."""
        if self.v2 is None:
            return []
        return [
            SectorDuty(t.sector, d.id, d.duty, d.applies)
            for t in sorted(self.v2.templates.values(), key=lambda t: t.sector)
            if t.country == country.upper()
            for d in t.duties
        ]


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


def _kinds_of(check: Checker, data: Any) -> dict[str, Kind]:
    """The ``kinds`` list of a vocabulary file: code, label and description each."""
    kinds: dict[str, Kind] = {}
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
    return kinds


def _load_kinds(path: Path, problems: list[Problem]) -> dict[str, Kind]:
    check, data = _load_file(path)
    kinds = _kinds_of(check, data) if data is not None else {}
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


# --- version-2 loading -------------------------------------------------------------------------


def _no_dpo_phrase(check: Checker, node: Any, key: str, path: str, text: dict[str, str]) -> None:
    """Version 2 replaced the DPO phrase by the country-law marker the pages show."""
    for lang in LANGUAGES:
        if LEGAL_MARKERS[lang] in text[lang]:
            check.add(
                node[key],
                f"{path}.{key}.{lang}",
                "version 2 does not use the data-protection-officer phrase; the statute marks "
                "country law",
            )


def _load_duty_codes(path: Path, problems: list[Problem]) -> dict[str, DutyCode]:
    check, data = _load_file(path)
    codes: dict[str, DutyCode] = {}
    if data is not None:
        _header(check, data, {*_HEADER, "duties"})
        seen: set[str] = set()
        for index, node in enumerate(check.require(data, "duties", list, "") or []):
            where = f"duties[{index}]"
            code = _code(check, node, where, seen)
            kind = check.require(node, "kind", str, where)
            if kind is not None and kind not in DUTY_KINDS:
                check.add(node, f"{where}.kind", f"must be one of {', '.join(DUTY_KINDS)}")
                kind = None
            informs = check.text(node, "informs", where)
            label = check.text(node, "label", where)
            description = check.text(node, "description", where)
            if isinstance(node, dict):
                for key in node:
                    if key not in {"code", "kind", "informs", "label", "description"}:
                        check.add(node, f"{where}.{key}", "is not a known field")
            if code and kind and informs and label and description:
                codes[code] = DutyCode(code, kind, informs, label, description)
    problems.extend(check.problems)
    return codes


def _load_secrecy_kinds(path: Path, problems: list[Problem]) -> dict[str, SecrecyKind]:
    check, data = _load_file(path)
    kinds: dict[str, SecrecyKind] = {}
    if data is not None:
        kinds = _kinds_of(check, data)
        if kinds and SECRECY_NONE not in kinds:
            check.add(data, "kinds", f"the kind {SECRECY_NONE!r} is missing")
    problems.extend(check.problems)
    return kinds


def _load_categories_v2(
    path: Path, v1: dict[str, DataCategory], problems: list[Problem]
) -> tuple[dict[str, CategoryV2], dict[str, str]]:
    check, data = _load_file(path)
    categories: dict[str, CategoryV2] = {}
    note: dict[str, str] = {}
    if data is not None:
        _header(check, data, {*_HEADER, "categories", "legal_note"})
        if "legal_note" in data:
            note = check.text(data, "legal_note", "") or {}
            if note:
                _no_dpo_phrase(check, data, "legal_note", "", note)
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
            reason = check.text(node, "reason", where) if isinstance(node, dict) else None
            if code and label and description and special and reason:
                categories[code] = CategoryV2(code, label, description, special, reason)
        if entries:
            for code in v1:
                if code not in seen:
                    check.add(
                        data,
                        "categories",
                        f"keeps every version-1 code so recorded data keeps its category: "
                        f"{code!r} is missing",
                    )
    problems.extend(check.problems)
    return categories, note


_TEMPLATE_V2_FIELDS = {*_TEMPLATE_FIELDS, "country"}


def _statute(check: Checker, node: Any, where: str, needed: bool) -> str:
    statute = node.get("statute") if isinstance(node, dict) else None
    if statute is not None and (not isinstance(statute, str) or not statute.strip()):
        check.add(node, f"{where}.statute", "expected the statute as text, e.g. '§ 203 StGB'")
        return ""
    if needed and not statute:
        check.add(node, f"{where}.statute", "is missing: name the statute this rests on")
        return ""
    return (statute or "").strip()


def _template_duties(
    check: Checker, data: Any, codes: dict[str, DutyCode], ids: dict[str, str], file: str
) -> tuple[TemplateDuty, ...]:
    duties: list[TemplateDuty] = []
    for index, node in enumerate(check.require(data, "duties", list, "") or []):
        where = f"duties[{index}]"
        duty_id = check.require(node, "id", str, where)
        if duty_id is not None:
            if not _DUTY_ID.match(duty_id):
                check.add(node, f"{where}.id", "use lower-case words joined by dots")
                duty_id = None
            elif duty_id in ids:
                check.add(node, f"{where}.id", f"{duty_id!r} is already used in {ids[duty_id]}")
                duty_id = None
            else:
                ids[duty_id] = file
        code = check.require(node, "duty", str, where)
        if code is not None and code not in codes:
            check.add(node, f"{where}.duty", f"{code!r} is not in {DUTIES_FILE}")
            code = None
        applies = check.require(node, "applies", bool, where)
        statute = _statute(check, node, where, needed=applies is True)
        note = check.text(node, "note", where)
        if note:
            _no_dpo_phrase(check, node, "note", where, note)
        if isinstance(node, dict):
            for key in node:
                if key not in {"id", "duty", "applies", "statute", "note"}:
                    check.add(node, f"{where}.{key}", "is not a known field")
        if duty_id and code and applies is not None and note:
            duties.append(TemplateDuty(duty_id, code, applies, statute, note))
    return tuple(duties)


def _template_secrecy(
    check: Checker, data: Any, kinds: dict[str, SecrecyKind]
) -> tuple[TemplateSecrecy, ...]:
    entries: list[TemplateSecrecy] = []
    for index, node in enumerate(check.require(data, "secrecy", list, "") or []):
        where = f"secrecy[{index}]"
        role = check.text(node, "role", where)
        kind = check.require(node, "kind", str, where)
        if kind is not None and kind not in kinds:
            check.add(node, f"{where}.kind", f"{kind!r} is not in {SECRECY_FILE}")
            kind = None
        statute = _statute(check, node, where, needed=kind is not None and kind != SECRECY_NONE)
        note = check.text(node, "note", where)
        if note:
            _no_dpo_phrase(check, node, "note", where, note)
        if isinstance(node, dict):
            for key in node:
                if key not in {"role", "kind", "statute", "note"}:
                    check.add(node, f"{where}.{key}", "is not a known field")
        if role and kind and note:
            entries.append(TemplateSecrecy(role, kind, statute, note))
    return tuple(entries)


def _load_template_v2(
    path: Path,
    kinds: dict[str, Kind],
    codes: dict[str, DutyCode],
    secrecy_kinds: dict[str, SecrecyKind],
    ids: dict[str, str],
    problems: list[Problem],
) -> TemplateV2 | None:
    check, data = _load_file(path)
    if data is None:
        problems.extend(check.problems)
        return None
    _header(check, data, _TEMPLATE_V2_FIELDS)
    if isinstance(data.get("version"), int) and data["version"] != 2:
        check.add(data, "version", "a template in sectors/v2 is version 2")
    sector = check.require(data, "sector", str, "")
    if sector is not None and sector != path.stem:
        check.add(data, "sector", f"must match the file name ({path.stem!r})")
    elif sector is not None and sector not in Sector.values:
        check.add(data, "sector", f"{sector!r} is not a sector of the taxonomy")
    country = check.require(data, "country", str, "")
    if country is not None and not _COUNTRY.match(country):
        check.add(data, "country", "a two-letter country code in capitals, e.g. DE")
    mandate = check.text(data, "mandate", "")
    methods = check.text(data, "methods", "")
    availability = check.text(data, "availability", "")
    duties = _template_duties(check, data, codes, ids, check.file)
    secrecy = _template_secrecy(check, data, secrecy_kinds)
    needs = _items(check, data, "needs", kinds)
    offers = _items(check, data, "offers", kinds)
    problems.extend(check.problems)
    if check.problems or not (mandate and methods and availability and country):
        return None
    changes = {lang: str(data["changes"][lang]).strip() for lang in LANGUAGES}
    return TemplateV2(
        sector=str(sector),
        version=2,
        country=country,
        changes=changes,
        mandate=mandate,
        duties=duties,
        secrecy=secrecy,
        methods=methods,
        needs=needs,
        offers=offers,
        availability=availability,
    )


def v2_vocabulary_files(root: Path | None = None) -> tuple[Path, ...]:
    """The files whose presence means version 2 is shipped; from then on every check applies."""
    root = root or CONTENT_DIR
    folder = root / "sectors" / V2_FOLDER
    return (folder / DUTIES_FILE, folder / SECRECY_FILE, root / "data_categories" / "v2.yaml")


def _load_v2(
    root: Path, kinds: dict[str, Kind], v1_categories: dict[str, DataCategory], problems: list
) -> V2Content | None:
    folder = root / "sectors" / V2_FOLDER
    if not all(p.is_file() for p in v2_vocabulary_files(root)):
        return None  # not shipped yet (checks.py warns about a half-present set)
    if (folder / VOCABULARY_FILE).is_file():
        v2_kinds = _load_kinds(folder / VOCABULARY_FILE, problems)
        missing = sorted(set(kinds) - set(v2_kinds))
        if v2_kinds and missing:
            problems.append(
                Problem(
                    relative(folder / VOCABULARY_FILE),
                    0,
                    "kinds",
                    f"keeps every version-1 code so profiles stay valid: missing {missing}",
                )
            )
        kinds = v2_kinds
    codes = _load_duty_codes(folder / DUTIES_FILE, problems)
    secrecy = _load_secrecy_kinds(folder / SECRECY_FILE, problems)
    categories, note = _load_categories_v2(
        root / "data_categories" / "v2.yaml", v1_categories, problems
    )
    ids: dict[str, str] = {}
    templates: dict[str, TemplateV2] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name in (DUTIES_FILE, SECRECY_FILE, VOCABULARY_FILE):
            continue
        template = _load_template_v2(path, kinds, codes, secrecy, ids, problems)
        if template is not None:
            templates[template.sector] = template
    present = {p.stem for p in folder.glob("*.yaml")}
    for sector in Sector.values:
        if sector not in present:
            problems.append(
                Problem(relative(folder), 0, "sector", f"no template for the sector {sector!r}")
            )
    return V2Content(kinds, codes, secrecy, templates, categories, note)


def load_content(root: Path | None = None) -> Content:
    """Load and check the vocabulary, the data categories and all sector templates (v1, v2)."""
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
    for sector in V1_SECTORS:
        if sector not in present:
            problems.append(
                Problem(relative(folder), 0, "sector", f"no template for the sector {sector!r}")
            )
    v2 = _load_v2(root, kinds, categories, problems)
    if problems:
        raise ContentError(problems)
    return Content(
        kinds=kinds, categories=categories, templates=templates, category_note=note, v2=v2
    )


@cache
def content() -> Content:
    """The shipped content, loaded once per process."""
    return load_content()


def sector_duties(country: str) -> list[SectorDuty]:
    """The (sector, duty id, duty code, applies) of every shipped v2 template of ``country``."""
    return content().sector_duties(country)
