"""The shipped training content: courses (modules, exercises, dilemma cards, competencies,
assignments) and fictional vignettes, in English and German, under ``content/training/``.

Invariant: ``load()`` returns a set only when every file is valid and every reference resolves —
module ids and courses against the catalogue, transfer tasks against the newest default phase
model, instrument keys (and their kind) against ``content/instruments/``, vignette keys against
the vignettes; otherwise one ``ContentError`` lists every problem (file, line, field).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import get_language

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
from icommit.instruments.engine import DefinitionError
from icommit.instruments.engine import load_yaml as load_instrument
from icommit.methodology import content as methodology
from icommit.methodology.content import DEFAULT_MODEL, Catalogue
from icommit.stakeholders.sectors import Sector

__all__ = [
    "AGE_BANDS",
    "ASSIGNMENT_KINDS",
    "CERTIFICATE_KINDS",
    "COUNTRIES",
    "COURSE_FORMAT",
    "DOCUMENT_KINDS",
    "EXERCISE_KINDS",
    "GENDERS",
    "PHENOMENA",
    "SETTINGS",
    "SHAREABLE",
    "VIGNETTE_FORMAT",
    "Assignment",
    "Certificate",
    "Competency",
    "Completion",
    "Course",
    "DilemmaCard",
    "Document",
    "Exercise",
    "Level",
    "Module",
    "Refresher",
    "TrainingContent",
    "TransferTask",
    "Vignette",
    "content",
    "course",
    "courses",
    "load",
    "module",
    "modules_for_task",
    "tr",
    "validate_all",
    "vignette",
    "vignettes",
]

COURSE_FORMAT = "icommit-course/1"
VIGNETTE_FORMAT = "icommit-vignette/1"
COURSES_DIR = Path("training") / "courses"
VIGNETTES_DIR = Path("training") / "vignettes"
INSTRUMENTS_DIR = Path("instruments")

CERTIFICATE_KINDS = ("participation", "certification")
ASSIGNMENT_KINDS = ("analysis", "observed")
EXERCISE_KINDS = (
    "market_place",
    "dilemma_cards",
    "threshold_mapping",
    "simulation",
    "bias_comparison",
    "job_shadowing",
    "table_top",
    "role_play",
    "case_work",
    "discussion",
)
#: Countries whose law a dilemma card may state.
COUNTRIES = ("DE", "DK", "NL")
#: Words every card's discussion carries, per language: the country-specific caveat.
CAVEAT = {"en": "country-specific", "de": "länderspezifisch"}
#: The same codes as ``cases.models`` (a test keeps them equal; training does not import cases).
PHENOMENA = ("vrwe", "vie", "mixed", "other")
GENDERS = ("female", "male", "diverse")
AGE_BANDS = ("under_14", "14_17", "18_20", "21_26", "27_40", "over_40")
SETTINGS = ("community", "prison", "probation", "post_release")
DOCUMENT_KINDS = ("referral", "report", "note", "letter", "record", "transcript")
#: May a document reach the whole team: yes, no, or only with the client's consent / release.
SHAREABLE = ("yes", "no", "consent")
MIN_DOCUMENTS = 4
MIN_ORGANISATIONS = 4
LEVELS = (1, 2, 3, 4)

_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_VERSION_FILE = re.compile(r"^v([1-9][0-9]*)\.yaml$")
_HTML = re.compile(r"<\s*/?\s*[A-Za-z!]")

Text = Mapping[str, str]


def tr(text: Text | None, language: str | None = None) -> str:
    """The text in ``language`` (default: the active language), falling back to English."""
    return translated(dict(text) if text else None, language or get_language() or "en")


# --- the data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    level: int
    text: Text


@dataclass(frozen=True)
class Competency:
    key: str
    title: Text
    description: Text
    levels: tuple[Level, ...]


@dataclass(frozen=True)
class DilemmaCard:
    key: str
    country: str
    situation: Text
    discussion: Text
    statutes: tuple[str, ...]


@dataclass(frozen=True)
class Exercise:
    key: str
    kind: str
    title: Text
    minutes: int
    instructions: Text
    material: Text | None = None
    vignette: str | None = None
    cards: tuple[DilemmaCard, ...] = ()


@dataclass(frozen=True)
class TransferTask:
    phase_task: str
    text: Text


@dataclass(frozen=True)
class Module:
    id: str
    course: str
    title: Text
    minutes: int
    outcomes: tuple[Text, ...]
    methods: tuple[Text, ...]
    transfer_task: TransferTask
    exercises: tuple[Exercise, ...]
    material: Text
    competencies: tuple[str, ...] = ()
    knowledge_check: str | None = None

    def title_in(self, language: str | None = None) -> str:
        return tr(self.title, language)


@dataclass(frozen=True)
class Assignment:
    key: str
    kind: str
    title: Text
    instructions: Text
    rubric: str
    raters: int
    #: the vignettes a learner may choose from; empty when ``any_vignette``
    vignettes: tuple[str, ...] = ()
    any_vignette: bool = False


@dataclass(frozen=True)
class Refresher:
    modules: tuple[str, ...]
    summary: Text


@dataclass(frozen=True)
class Certificate:
    kind: str
    #: None: the certificate does not expire
    validity_months: int | None
    refresher: Refresher | None = None


@dataclass(frozen=True)
class Completion:
    attendance_share: float
    knowledge_checks: tuple[str, ...]
    assignments: tuple[str, ...]
    signoff: bool


@dataclass(frozen=True)
class Course:
    id: str
    version: int
    title: Text
    changes: Text
    sources: tuple[str, ...]
    summary: Text
    audience: Text
    certificate: Certificate
    completion: Completion
    competencies: tuple[Competency, ...]
    assignments: tuple[Assignment, ...]
    modules: tuple[Module, ...]

    def title_in(self, language: str | None = None) -> str:
        return tr(self.title, language)

    def module(self, module_id: str) -> Module | None:
        return next((m for m in self.modules if m.id == module_id), None)

    def assignment(self, key: str) -> Assignment | None:
        return next((a for a in self.assignments if a.key == key), None)

    def competency(self, key: str) -> Competency | None:
        return next((c for c in self.competencies if c.key == key), None)

    @property
    def exercises(self) -> tuple[Exercise, ...]:
        return tuple(e for m in self.modules for e in m.exercises)

    @property
    def minutes(self) -> int:
        return sum(m.minutes for m in self.modules)


@dataclass(frozen=True)
class Document:
    key: str
    sector: str
    organisation: Text
    day: int
    kind: str
    shareable: str
    body: Text
    restriction: Text | None = None


@dataclass(frozen=True)
class Vignette:
    key: str
    version: int
    title: Text
    phenomenon: str
    gender: str
    age_band: str
    setting: str
    family_only: bool
    summary: Text
    learning_focus: Text
    documents: tuple[Document, ...]
    teaching_notes: Text
    sources: tuple[str, ...]

    def title_in(self, language: str | None = None) -> str:
        return tr(self.title, language)

    @property
    def organisations(self) -> tuple[str, ...]:
        """The (English) names of the organisations its documents come from, once each."""
        return tuple(dict.fromkeys(d.organisation["en"] for d in self.documents))


@dataclass(frozen=True)
class TrainingContent:
    courses: dict[tuple[str, int], Course]
    vignettes: dict[tuple[str, int], Vignette]

    def course(self, course_id: str, version: int | None = None) -> Course | None:
        if version is not None:
            return self.courses.get((course_id, version))
        versions = [v for (key, v) in self.courses if key == course_id]
        return self.courses[(course_id, max(versions))] if versions else None

    def vignette(self, key: str, version: int | None = None) -> Vignette | None:
        if version is not None:
            return self.vignettes.get((key, version))
        versions = [v for (k, v) in self.vignettes if k == key]
        return self.vignettes[(key, max(versions))] if versions else None

    def latest_courses(self) -> tuple[Course, ...]:
        ids = dict.fromkeys(key for key, _ in sorted(self.courses))
        return tuple(c for c in (self.course(i) for i in ids) if c is not None)

    def latest_vignettes(self) -> tuple[Vignette, ...]:
        keys = dict.fromkeys(key for key, _ in sorted(self.vignettes))
        return tuple(v for v in (self.vignette(k) for k in keys) if v is not None)


# --- what the checks refer to ---------------------------------------------------------------


@dataclass(frozen=True)
class _References:
    catalogue: Catalogue | None
    #: task ids of the newest default phase model (None: the phase model did not load)
    phase_tasks: frozenset[str] | None
    #: instrument key -> kind of its newest version ("" when that version does not load)
    instruments: dict[str, str]
    vignettes: frozenset[str]


def _instrument_kinds(folder: Path) -> dict[str, str]:
    newest: dict[str, tuple[int, Path]] = {}
    for path in sorted(folder.glob("*/v*.yaml")):
        match = _VERSION_FILE.match(path.name)
        if match is None:
            continue
        number = int(match.group(1))
        key = path.parent.name
        if key not in newest or number > newest[key][0]:
            newest[key] = (number, path)
    kinds: dict[str, str] = {}
    for key, (_number, path) in newest.items():
        try:
            definition = load_instrument(path.read_text(encoding="utf-8"), source=relative(path))
        except (DefinitionError, OSError, UnicodeDecodeError):
            kinds[key] = ""
            continue
        kinds[key] = definition.kind
    return kinds


class _Check(Checker):
    """A Checker with the field types of training content."""

    def __init__(self, path: Path, refs: _References):
        super().__init__(relative(path))
        self.refs = refs

    def at(self, node: Any, where: str, message: str) -> None:
        """A problem with the node itself (a list item), on the node's own line."""
        self.problems.append(Problem(self.file, getattr(node, "line", 0) or 0, where, message))

    def fields(self, node: Any, allowed: Iterable[str], path: str) -> None:
        if not isinstance(node, dict):
            return
        known = set(allowed)
        for key in node:
            if key not in known:
                self.add(node, f"{path}.{key}" if path else str(key), "is not a known field")

    def key(self, node: Any, name: str, path: str) -> str | None:
        value = self.require(node, name, str, path)
        if value is not None and not _KEY.match(value):
            self.add(node, _join(path, name), "use lower-case letters, digits and '-' only")
            return None
        return value

    def choice(self, node: Any, name: str, path: str, allowed: tuple[str, ...]) -> str | None:
        value = self.require(node, name, str, path)
        if value is not None and value not in allowed:
            self.add(node, _join(path, name), f"{value!r} is not one of {', '.join(allowed)}")
            return None
        return value

    def integer(self, node: Any, name: str, path: str, *, low: int | None = None) -> int | None:
        value = self.require(node, name, int, path)
        if isinstance(value, bool):
            self.add(node, _join(path, name), "expected a whole number")
            return None
        if value is not None and low is not None and value < low:
            self.add(node, _join(path, name), f"must be at least {low}")
            return None
        return value

    def markdown(
        self, node: Any, name: str, path: str, *, required: bool = True
    ) -> dict[str, str] | None:
        """A translated Markdown text: no raw HTML (pages render it sanitised)."""
        if not required and (not isinstance(node, dict) or name not in node):
            return None
        text = self.text(node, name, path)
        if text is None:
            return None
        for lang in LANGUAGES:
            if _HTML.search(text[lang]):
                self.add(node[name], f"{_join(path, name)}.{lang}", "use Markdown, not HTML tags")
                return None
        return text

    def texts(self, node: Any, name: str, path: str) -> tuple[dict[str, str], ...]:
        items = self.require(node, name, list, path)
        if items is None:
            return ()
        where = _join(path, name)
        if not items:
            self.add(node, where, "needs at least one entry")
        found = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                self.at(items, f"{where}[{index}]", "expected a text in every language")
                continue
            ok = True
            for lang in LANGUAGES:
                value = item.get(lang)
                if not isinstance(value, str) or not value.strip():
                    self.add(item, f"{where}[{index}].{lang}", f"needs a non-empty {lang} text")
                    ok = False
            if ok:
                found.append({lang: item[lang].strip() for lang in LANGUAGES})
        return tuple(found)

    def strings(self, node: Any, name: str, path: str, *, required: bool = True) -> list[Any]:
        if not required and (not isinstance(node, dict) or name not in node):
            return []
        items = self.require(node, name, list, path)
        if items is None:
            return []
        for index, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                self.at(items, f"{_join(path, name)}[{index}]", "expected a non-empty text")
        return list(items)

    def header(self, data: Any, path: Path, fmt: str, key_field: str) -> tuple[str | None, int]:
        """format, key (= folder), version (= file name), languages, sources."""
        if data.get("format") != fmt:
            self.add(data, "format", f"expected {fmt!r}")
        key = self.key(data, key_field, "")
        if key is not None and key != path.parent.name:
            self.add(data, key_field, f"must match the folder name {path.parent.name!r}")
        version = self.integer(data, "version", "", low=1)
        match = _VERSION_FILE.match(path.name)
        if version is not None and (match is None or int(match.group(1)) != version):
            self.add(data, "version", f"must match the file name (v{version}.yaml)")
        languages = self.require(data, "languages", list, "")
        if languages is not None and list(languages) != list(LANGUAGES):
            self.add(data, "languages", f"must be [{', '.join(LANGUAGES)}]")
        sources = self.strings(data, "sources", "")
        if isinstance(data.get("sources"), list) and not sources:
            self.add(data, "sources", "name at least one source in DOMAIN.md")
        return key, version or 0

    def instrument(self, node: Any, value: Any, where: str, kind: str) -> bool:
        if not isinstance(value, str):
            self.at(node, where, "expected an instrument key")
            return False
        found = self.refs.instruments.get(value)
        if found is None:
            self.at(node, where, f"unknown instrument {value!r} (no content/instruments/{value}/)")
            return False
        if found == "":
            self.at(node, where, f"the instrument {value!r} does not load; fix it first")
            return False
        if found != kind:
            self.at(node, where, f"the instrument {value!r} is a {found}, not a {kind}")
            return False
        return True


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _read(path: Path, problems: list[Problem]) -> Any:
    try:
        data = load_yaml(path)
    except ContentError as exc:
        problems.extend(exc.problems)
        return None
    if not isinstance(data, dict):
        problems.append(Problem(relative(path), 1, "file", "expected a mapping"))
        return None
    return data


# --- vignettes ------------------------------------------------------------------------------

_VIGNETTE_FIELDS = (
    "format",
    "key",
    "version",
    "languages",
    "sources",
    "title",
    "phenomenon",
    "gender",
    "age_band",
    "setting",
    "family_only",
    "summary",
    "learning_focus",
    "documents",
    "teaching_notes",
)
_DOCUMENT_FIELDS = (
    "key",
    "sector",
    "organisation",
    "day",
    "kind",
    "shareable",
    "restriction",
    "body",
)
_SECTORS = tuple(str(s) for s in Sector.values)


def _load_vignette(path: Path, refs: _References, problems: list[Problem]) -> Vignette | None:
    data = _read(path, problems)
    if data is None:
        return None
    check = _Check(path, refs)
    check.fields(data, _VIGNETTE_FIELDS, "")
    key, version = check.header(data, path, VIGNETTE_FORMAT, "key")
    title = check.text(data, "title", "")
    phenomenon = check.choice(data, "phenomenon", "", PHENOMENA)
    gender = check.choice(data, "gender", "", GENDERS)
    age_band = _age_band(check, data)
    setting = check.choice(data, "setting", "", SETTINGS)
    family_only = check.require(data, "family_only", bool, "")
    summary = check.text(data, "summary", "")
    focus = check.text(data, "learning_focus", "")
    notes = check.markdown(data, "teaching_notes", "")
    documents = _documents(check, data)
    problems.extend(check.problems)
    if check.problems:
        return None
    assert key is not None
    assert title is not None
    assert phenomenon is not None
    assert gender is not None
    assert age_band is not None
    assert setting is not None
    assert summary is not None
    assert focus is not None
    assert notes is not None
    assert family_only is not None
    return Vignette(
        key=key,
        version=version,
        title=title,
        phenomenon=phenomenon,
        gender=gender,
        age_band=age_band,
        setting=setting,
        family_only=family_only,
        summary=summary,
        learning_focus=focus,
        documents=documents,
        teaching_notes=notes,
        sources=tuple(data["sources"]),
    )


def _age_band(check: _Check, data: Any) -> str | None:
    value = data.get("age_band") if isinstance(data, dict) else None
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML reads 14_17 as the number 1417
        check.add(data, "age_band", "write the age band in quotes, e.g. '14_17'")
        return None
    return check.choice(data, "age_band", "", AGE_BANDS)


def _documents(check: _Check, data: Any) -> tuple[Document, ...]:
    items = check.require(data, "documents", list, "")
    if items is None:
        return ()
    found: list[Document] = []
    keys: set[str] = set()
    for index, node in enumerate(items):
        where = f"documents[{index}]"
        if not isinstance(node, dict):
            check.at(items, where, "expected a mapping")
            continue
        check.fields(node, _DOCUMENT_FIELDS, where)
        key = check.key(node, "key", where)
        if key is not None and key in keys:
            check.add(node, f"{where}.key", f"{key!r} is used twice")
        keys.add(key or "")
        sector = check.choice(node, "sector", where, _SECTORS)
        organisation = check.text(node, "organisation", where)
        day = check.require(node, "day", int, where)
        if day is not None and (isinstance(day, bool) or day > 0):
            check.add(node, f"{where}.day", "days before the case conference: 0 or less")
            day = None
        kind = check.choice(node, "kind", where, DOCUMENT_KINDS)
        shareable = _shareable(check, node, where)
        restriction = None
        if shareable in ("no", "consent") or "restriction" in node:
            restriction = check.text(node, "restriction", where)
        body = check.markdown(node, "body", where)
        if key and sector and organisation and day is not None and kind and shareable and body:
            if shareable != "yes" and restriction is None:
                continue
            found.append(
                Document(key, sector, organisation, int(day), kind, shareable, body, restriction)
            )
    if len(items) < MIN_DOCUMENTS:
        check.add(data, "documents", f"needs at least {MIN_DOCUMENTS} documents")
    organisations = {
        str(n["organisation"].get("en", "")).strip()
        for n in items
        if isinstance(n, dict) and isinstance(n.get("organisation"), dict)
    }
    if len(organisations) < MIN_ORGANISATIONS:
        check.add(
            data,
            "documents",
            f"needs documents from at least {MIN_ORGANISATIONS} organisations "
            f"(found {len(organisations)})",
        )
    if items and not any(
        isinstance(n, dict) and _shareable_value(n.get("shareable")) in ("no", "consent")
        for n in items
    ):
        check.add(
            data, "documents", "needs at least one document that is not shareable (no or consent)"
        )
    return tuple(found)


def _shareable_value(value: Any) -> Any:
    # YAML 1.1 reads an unquoted yes / no as true / false
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value


def _shareable(check: _Check, node: Any, where: str) -> str | None:
    if "shareable" not in node:
        check.add(node, f"{where}.shareable", "is missing")
        return None
    value = _shareable_value(node["shareable"])
    if value not in SHAREABLE:
        check.add(node, f"{where}.shareable", f"{value!r} is not one of {', '.join(SHAREABLE)}")
        return None
    return str(value)


# --- courses --------------------------------------------------------------------------------

_COURSE_FIELDS = (
    "format",
    "course",
    "version",
    "languages",
    "changes",
    "sources",
    "summary",
    "audience",
    "certificate",
    "completion",
    "competencies",
    "assignments",
    "modules",
)
_MODULE_FIELDS = (
    "id",
    "minutes",
    "competencies",
    "outcomes",
    "methods",
    "transfer_task",
    "exercises",
    "material",
    "knowledge_check",
)
_EXERCISE_FIELDS = (
    "key",
    "kind",
    "title",
    "minutes",
    "instructions",
    "material",
    "vignette",
    "cards",
)
_CARD_FIELDS = ("key", "country", "situation", "discussion", "statutes")


def _load_course(path: Path, refs: _References, problems: list[Problem]) -> Course | None:
    data = _read(path, problems)
    if data is None:
        return None
    check = _Check(path, refs)
    check.fields(data, _COURSE_FIELDS, "")
    course_id, version = check.header(data, path, COURSE_FORMAT, "course")
    catalogue = refs.catalogue
    title: Text | None = None
    if course_id is not None and catalogue is not None:
        entry = catalogue.courses.get(course_id)
        if entry is None:
            check.add(data, "course", f"unknown course {course_id!r} (not in the catalogue)")
        else:
            title = entry.title
    changes = check.text(data, "changes", "")
    summary = check.markdown(data, "summary", "")
    audience = check.text(data, "audience", "")
    competencies = _competencies(check, data)
    assignments = _assignments(check, data)
    # references are checked against what the file declares, so that one broken competency or
    # assignment is reported once, not again at every place that names it
    modules = _modules(check, data, course_id, _declared(data, "competencies", "key"))
    certificate = _certificate(check, data, _declared(data, "modules", "id"), course_id)
    completion = _completion(check, data, _declared(data, "assignments", "key"))
    if certificate is not None and certificate.kind == "certification" and not competencies:
        check.add(data, "competencies", "a certification course needs its competencies")
    problems.extend(check.problems)
    if check.problems or catalogue is None:
        return None
    assert course_id is not None
    assert title is not None
    assert changes is not None
    assert summary is not None
    assert audience is not None
    assert certificate is not None
    assert completion is not None
    return Course(
        id=course_id,
        version=version,
        title=title,
        changes=changes,
        sources=tuple(data["sources"]),
        summary=summary,
        audience=audience,
        certificate=certificate,
        completion=completion,
        competencies=competencies,
        assignments=assignments,
        modules=modules,
    )


def _declared(data: Any, section: str, field: str) -> set[str]:
    items = data.get(section) if isinstance(data, dict) else None
    if not isinstance(items, list):
        return set()
    return {str(n[field]) for n in items if isinstance(n, dict) and isinstance(n.get(field), str)}


def _competencies(check: _Check, data: Any) -> tuple[Competency, ...]:
    items = check.require(data, "competencies", list, "")
    found: list[Competency] = []
    keys: set[str] = set()
    for index, node in enumerate(items or []):
        where = f"competencies[{index}]"
        if not isinstance(node, dict):
            check.at(items, where, "expected a mapping")
            continue
        check.fields(node, ("key", "title", "description", "levels"), where)
        key = check.key(node, "key", where)
        if key is not None and key in keys:
            check.add(node, f"{where}.key", f"{key!r} is used twice")
            key = None
        keys.add(key or "")
        title = check.text(node, "title", where)
        description = check.text(node, "description", where)
        levels: list[Level] = []
        level_nodes = check.require(node, "levels", list, where)
        for level_index, level_node in enumerate(level_nodes or []):
            level_where = f"{where}.levels[{level_index}]"
            if not isinstance(level_node, dict):
                check.at(level_nodes, level_where, "expected a mapping")
                continue
            check.fields(level_node, ("level", "text"), level_where)
            number = check.integer(level_node, "level", level_where)
            text = check.text(level_node, "text", level_where)
            if number is not None and text is not None:
                levels.append(Level(number, text))
        if level_nodes is not None and tuple(lv.level for lv in levels) != LEVELS:
            check.add(node, f"{where}.levels", "needs the levels 1, 2, 3 and 4, in this order")
        if key and title and description:
            found.append(Competency(key, title, description, tuple(levels)))
    return tuple(found)


def _assignments(check: _Check, data: Any) -> tuple[Assignment, ...]:
    items = check.require(data, "assignments", list, "")
    found: list[Assignment] = []
    keys: set[str] = set()
    for index, node in enumerate(items or []):
        where = f"assignments[{index}]"
        if not isinstance(node, dict):
            check.at(items, where, "expected a mapping")
            continue
        check.fields(
            node, ("key", "kind", "title", "instructions", "vignettes", "rubric", "raters"), where
        )
        key = check.key(node, "key", where)
        if key is not None and key in keys:
            check.add(node, f"{where}.key", f"{key!r} is used twice")
            key = None
        keys.add(key or "")
        kind = check.choice(node, "kind", where, ASSIGNMENT_KINDS)
        title = check.text(node, "title", where)
        instructions = check.markdown(node, "instructions", where)
        any_vignette = False
        vignettes: tuple[str, ...] = ()
        raw = node.get("vignettes", "any")
        if raw == "any":
            any_vignette = True
        elif isinstance(raw, list) and raw:
            vignettes = tuple(_vignette_refs(check, raw, f"{where}.vignettes"))
        else:
            check.add(node, f"{where}.vignettes", "expected 'any' or a list of vignette keys")
        rubric = node.get("rubric")
        if "rubric" not in node:
            check.add(node, f"{where}.rubric", "is missing")
        elif not check.instrument(node, rubric, f"{where}.rubric", "rubric"):
            rubric = None
        raters = check.integer(node, "raters", where, low=1)
        if raters is not None and raters > 2:
            check.add(node, f"{where}.raters", "1 or 2 raters")
            raters = None
        if key and kind and title and instructions and rubric and raters:
            found.append(
                Assignment(key, kind, title, instructions, rubric, raters, vignettes, any_vignette)
            )
    return tuple(found)


def _vignette_refs(check: _Check, items: list[Any], where: str) -> list[str]:
    found: list[str] = []
    for index, value in enumerate(items):
        if not isinstance(value, str) or value not in check.refs.vignettes:
            check.at(items, f"{where}[{index}]", f"unknown vignette {value!r}")
        else:
            found.append(value)
    return found


def _modules(
    check: _Check, data: Any, course_id: str | None, competency_keys: set[str]
) -> tuple[Module, ...]:
    items = check.require(data, "modules", list, "")
    if items is None:
        return ()
    catalogue = check.refs.catalogue
    found: list[Module] = []
    seen: set[str] = set()
    exercise_keys: set[str] = set()
    card_keys: set[str] = set()
    for index, node in enumerate(items):
        where = f"modules[{index}]"
        if not isinstance(node, dict):
            check.at(items, where, "expected a mapping")
            continue
        check.fields(node, _MODULE_FIELDS, where)
        module_id = check.require(node, "id", str, where)
        title: Text | None = None
        if module_id is not None and catalogue is not None:
            entry = catalogue.training_modules.get(module_id)
            if entry is None:
                check.add(node, f"{where}.id", f"unknown training module {module_id!r}")
                module_id = None
            elif course_id is not None and entry.course != course_id:
                check.add(
                    node,
                    f"{where}.id",
                    f"{module_id!r} is a module of the course {entry.course!r}, not {course_id!r}",
                )
                module_id = None
            else:
                title = entry.title
        if module_id is not None and module_id in seen:
            check.add(node, f"{where}.id", f"{module_id!r} is listed twice")
            module_id = None
        seen.add(module_id or "")
        minutes = check.integer(node, "minutes", where, low=1)
        competencies: list[str] = []
        for c_index, value in enumerate(check.strings(node, "competencies", where, required=False)):
            if value not in competency_keys:
                check.at(
                    node["competencies"],
                    f"{where}.competencies[{c_index}]",
                    f"unknown competency {value!r}",
                )
            else:
                competencies.append(value)
        outcomes = check.texts(node, "outcomes", where)
        methods = check.texts(node, "methods", where)
        transfer = _transfer_task(check, node, where)
        exercises = _exercises(check, node, where, exercise_keys, card_keys)
        spent = sum(e.minutes for e in exercises)
        if minutes is not None and spent > minutes:
            check.add(
                node, f"{where}.minutes", f"the exercises take {spent} minutes, more than {minutes}"
            )
        material = check.markdown(node, "material", where)
        knowledge_check = node.get("knowledge_check")
        if knowledge_check is not None and not check.instrument(
            node, knowledge_check, f"{where}.knowledge_check", "knowledge_check"
        ):
            knowledge_check = None
        if module_id and title and minutes and outcomes and methods and transfer and material:
            found.append(
                Module(
                    id=module_id,
                    course=course_id or "",
                    title=title,
                    minutes=minutes,
                    outcomes=outcomes,
                    methods=methods,
                    transfer_task=transfer,
                    exercises=exercises,
                    material=material,
                    competencies=tuple(competencies),
                    knowledge_check=knowledge_check,
                )
            )
    if catalogue is not None and course_id in catalogue.courses:
        missing = [
            m
            for m, entry in catalogue.training_modules.items()
            if entry.course == course_id and m not in seen
        ]
        if missing:
            check.add(data, "modules", f"lacks the catalogue modules {', '.join(missing)}")
    return tuple(found)


def _transfer_task(check: _Check, node: Any, where: str) -> TransferTask | None:
    task = check.require(node, "transfer_task", dict, where)
    if task is None:
        return None
    where = f"{where}.transfer_task"
    check.fields(task, ("phase_task", "text"), where)
    phase_task = check.require(task, "phase_task", str, where)
    known = check.refs.phase_tasks
    if phase_task is not None and known is not None and phase_task not in known:
        check.add(
            task,
            f"{where}.phase_task",
            f"unknown phase task {phase_task!r} (not in the newest {DEFAULT_MODEL} model)",
        )
        phase_task = None
    text = check.text(task, "text", where)
    if phase_task is None or text is None:
        return None
    return TransferTask(phase_task, text)


def _exercises(
    check: _Check, module: Any, path: str, keys: set[str], card_keys: set[str]
) -> tuple[Exercise, ...]:
    items = check.require(module, "exercises", list, path)
    if items is None:
        return ()
    if not items:
        check.add(module, f"{path}.exercises", "needs at least one exercise")
    found: list[Exercise] = []
    for index, node in enumerate(items):
        where = f"{path}.exercises[{index}]"
        if not isinstance(node, dict):
            check.at(items, where, "expected a mapping")
            continue
        check.fields(node, _EXERCISE_FIELDS, where)
        key = check.key(node, "key", where)
        if key is not None and key in keys:
            check.add(node, f"{where}.key", f"{key!r} is used twice in this course")
            key = None
        keys.add(key or "")
        kind = check.choice(node, "kind", where, EXERCISE_KINDS)
        title = check.text(node, "title", where)
        minutes = check.integer(node, "minutes", where, low=1)
        instructions = check.markdown(node, "instructions", where)
        material = check.markdown(node, "material", where, required=False)
        vignette = node.get("vignette")
        if vignette is not None and (
            not isinstance(vignette, str) or vignette not in check.refs.vignettes
        ):
            check.add(node, f"{where}.vignette", f"unknown vignette {vignette!r}")
            vignette = None
        cards: tuple[DilemmaCard, ...] = ()
        if kind == "dilemma_cards":
            cards = _cards(check, node, where, card_keys)
        elif "cards" in node:
            check.add(node, f"{where}.cards", "only an exercise of kind dilemma_cards has cards")
        if key and kind and title and minutes and instructions:
            found.append(
                Exercise(key, kind, title, minutes, instructions, material, vignette, cards)
            )
    return tuple(found)


def _cards(check: _Check, exercise: Any, path: str, keys: set[str]) -> tuple[DilemmaCard, ...]:
    items = check.require(exercise, "cards", list, path)
    if items is None:
        return ()
    if not items:
        check.add(exercise, f"{path}.cards", "needs at least one card")
    found: list[DilemmaCard] = []
    for index, node in enumerate(items):
        where = f"{path}.cards[{index}]"
        if not isinstance(node, dict):
            check.at(items, where, "expected a mapping")
            continue
        check.fields(node, _CARD_FIELDS, where)
        key = check.key(node, "key", where)
        if key is not None and key in keys:
            check.add(node, f"{where}.key", f"{key!r} is used twice in this course")
            key = None
        keys.add(key or "")
        country = check.choice(node, "country", where, COUNTRIES)
        situation = check.text(node, "situation", where)
        discussion = check.text(node, "discussion", where)
        if discussion is not None:
            for lang, marker in CAVEAT.items():
                if marker not in discussion[lang].lower():
                    check.add(
                        node["discussion"],
                        f"{where}.discussion.{lang}",
                        f"must end with the country-specific caveat (the word {marker!r})",
                    )
                    discussion = None
                    break
        statutes = check.strings(node, "statutes", where, required=False)
        if not statutes:
            check.add(node, f"{where}.statutes", "name the statutes the discussion rests on")
        if key and country and situation and discussion and statutes:
            found.append(DilemmaCard(key, country, situation, discussion, tuple(statutes)))
    return tuple(found)


def _certificate(
    check: _Check, data: Any, module_ids: set[str], course_id: str | None
) -> Certificate | None:
    node = check.require(data, "certificate", dict, "")
    if node is None:
        return None
    check.fields(node, ("kind", "validity_months", "refresher"), "certificate")
    kind = check.choice(node, "kind", "certificate", CERTIFICATE_KINDS)
    validity: int | None = None
    if "validity_months" not in node:
        check.add(node, "certificate.validity_months", "is missing (null: does not expire)")
        return None
    if node["validity_months"] is not None:
        validity = check.integer(node, "validity_months", "certificate", low=1)
        if validity is None:
            return None
    refresher = None
    raw = node.get("refresher")
    if raw is not None:
        where = "certificate.refresher"
        if not isinstance(raw, dict):
            check.add(node, where, "expected a mapping or null")
            return None
        check.fields(raw, ("modules", "summary"), where)
        chosen = check.strings(raw, "modules", where)
        if not chosen:
            check.add(raw, f"{where}.modules", "name at least one module")
        for index, value in enumerate(chosen):
            if value not in module_ids:
                check.at(
                    raw["modules"],
                    f"{where}.modules[{index}]",
                    f"{value!r} is not a module of {course_id!r}",
                )
        summary = check.text(raw, "summary", where)
        if validity is None:
            check.add(raw, where, "a certificate that does not expire needs no refresher")
        if summary is None or not chosen:
            return None
        refresher = Refresher(tuple(chosen), summary)
    if kind is None:
        return None
    return Certificate(kind, validity, refresher)


def _completion(check: _Check, data: Any, assignment_keys: set[str]) -> Completion | None:
    node = check.require(data, "completion", dict, "")
    if node is None:
        return None
    where = "completion"
    check.fields(node, ("attendance_share", "knowledge_checks", "assignments", "signoff"), where)
    share = check.require(node, "attendance_share", (int, float), where)
    if share is not None and (isinstance(share, bool) or not 0 <= share <= 1):
        check.add(node, f"{where}.attendance_share", "a share between 0 and 1")
        share = None
    checks = check.strings(node, "knowledge_checks", where)
    for index, key in enumerate(checks):
        check.instrument(
            node["knowledge_checks"], key, f"{where}.knowledge_checks[{index}]", "knowledge_check"
        )
    assignments = check.strings(node, "assignments", where)
    for index, key in enumerate(assignments):
        if key not in assignment_keys:
            check.at(
                node["assignments"],
                f"{where}.assignments[{index}]",
                f"unknown assignment {key!r} (not in this course's assignments)",
            )
    signoff = check.require(node, "signoff", bool, where)
    if share is None or signoff is None:
        return None
    return Completion(float(share), tuple(checks), tuple(assignments), signoff)


# --- loading --------------------------------------------------------------------------------


def _versioned_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*/*.yaml"))


def load(root: Path = CONTENT_DIR) -> TrainingContent:
    """Load and check every course and vignette under ``root``; all or nothing."""
    problems: list[Problem] = []
    catalogue: Catalogue | None = None
    phase_tasks: frozenset[str] | None = None
    try:
        loaded = methodology.content() if root == CONTENT_DIR else methodology.load(root)
    except ContentError as exc:
        problems.extend(exc.problems)
    else:
        catalogue = loaded.catalogue
        phase_tasks = frozenset(loaded.latest(DEFAULT_MODEL).task_ids())
    vignette_paths = _versioned_files(root / VIGNETTES_DIR)
    refs = _References(
        catalogue=catalogue,
        phase_tasks=phase_tasks,
        instruments=_instrument_kinds(root / INSTRUMENTS_DIR),
        vignettes=frozenset(p.parent.name for p in vignette_paths),
    )
    vignettes: dict[tuple[str, int], Vignette] = {}
    for path in vignette_paths:
        found = _load_vignette(path, refs, problems)
        if found is not None:
            vignettes[(found.key, found.version)] = found
    courses: dict[tuple[str, int], Course] = {}
    for path in _versioned_files(root / COURSES_DIR):
        course_found = _load_course(path, refs, problems)
        if course_found is not None:
            courses[(course_found.id, course_found.version)] = course_found
    if problems:
        raise ContentError(problems)
    return TrainingContent(courses=courses, vignettes=vignettes)


def validate_all(root: Path = CONTENT_DIR) -> list[Problem]:
    """Every problem of the training content under ``root`` (an empty list when all is well)."""
    try:
        load(root)
    except ContentError as exc:
        return list(exc.problems)
    return []


# --- what other parts ask -------------------------------------------------------------------


@cache
def content() -> TrainingContent:
    """The shipped training content, loaded and checked once per process."""
    return load()


def courses() -> tuple[Course, ...]:
    """The newest version of every shipped course."""
    return content().latest_courses()


def course(course_id: str, version: int | None = None) -> Course | None:
    """A shipped course: the given version, or the newest."""
    return content().course(course_id, version)


def module(module_id: str) -> Module | None:
    """A module of the newest version of its course."""
    for found in courses():
        hit = found.module(module_id)
        if hit is not None:
            return hit
    return None


def modules_for_task(task_id: str) -> tuple[Module, ...]:
    """The modules whose transfer task is this phase task, for the phase pages to link to."""
    return tuple(m for c in courses() for m in c.modules if m.transfer_task.phase_task == task_id)


def vignettes() -> tuple[Vignette, ...]:
    """The newest version of every shipped vignette."""
    return content().latest_vignettes()


def vignette(key: str, version: int | None = None) -> Vignette | None:
    """A shipped vignette: the given version, or the newest."""
    return content().vignette(key, version)
