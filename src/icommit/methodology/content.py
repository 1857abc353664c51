"""Load the shipped phase models and the content catalogue, checking every cross-reference.

Invariant: either the catalogue and every phase model file are valid and all are loaded, or a
``ContentError`` lists every problem (file, line, field) and nothing is loaded. Other parts ask
``indicator_ids()``, ``module_ids()`` and ``phase_keys()`` rather than reading the files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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
)
from icommit.methodology.definition import (
    PHASE_KEYS,
    Gate,
    Phase,
    PhaseModel,
    Task,
    Text,
    text_in,
)

#: The model a new team follows (its newest shipped version).
DEFAULT_MODEL = "msc-default"
CATALOGUE_FILE = "catalogue.yaml"
MODELS_DIR = "phase_models"
INDICATOR_KINDS = ("setup", "process", "outcome")

_ID = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")
_VERSION_FILE = re.compile(r"^v([1-9][0-9]*)\.yaml$")


@dataclass(frozen=True)
class Entry:
    """A catalogue entry: a training module, course, tool or indicator declared by id."""

    id: str
    title: Text
    kind: str = ""
    course: str = ""

    def title_in(self, language: str) -> str:
        return text_in(self.title, language)


@dataclass(frozen=True)
class Catalogue:
    version: int
    courses: dict[str, Entry]
    training_modules: dict[str, Entry]
    tools: dict[str, Entry]
    indicators: dict[str, Entry]


@dataclass(frozen=True)
class Content:
    catalogue: Catalogue
    models: dict[tuple[str, int], PhaseModel]

    def latest(self, key: str = DEFAULT_MODEL) -> PhaseModel:
        versions = [v for (k, v) in self.models if k == key]
        if not versions:
            raise KeyError(key)
        return self.models[(key, max(versions))]


# --- walking the files ------------------------------------------------------------------------


class _FileChecker(Checker):
    """A Checker that also knows the file's lines, to place problems in plain lists."""

    def __init__(self, path: Path):
        super().__init__(relative(path))
        try:
            self.lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            self.lines = []

    def item(self, seq: Any, index: int, value: str, field: str, message: str) -> None:
        """A problem with one scalar of a list: find its line below the list's first line."""
        start = getattr(seq, "line", 0) or 0
        line = start
        if start:
            for number in range(start + index, min(len(self.lines), start + len(seq) * 3) + 1):
                if value and value in self.lines[number - 1]:
                    line = number
                    break
        self.problems.append(Problem(self.file, line, field, message))

    def keys(self, node: Any, allowed: Iterable[str], path: str) -> None:
        if not isinstance(node, dict):
            return
        allowed = set(allowed)
        for key in node:
            if key not in allowed:
                where = f"{path}.{key}" if path else str(key)
                self.add(node, where, "is not a known field")

    def ident(self, node: Any, key: str, path: str) -> str | None:
        value = self.require(node, key, str, path)
        if value is not None and not _ID.match(value):
            where = f"{path}.{key}" if path else key
            self.add(node, where, "use lower-case letters, digits, '.' and '-' only")
            return None
        return value

    def texts(self, node: Any, key: str, path: str, *, required: bool = True) -> list[Text]:
        """A list of translated texts (objectives, outputs, criteria)."""
        if not required and isinstance(node, dict) and key not in node:
            return []
        items = self.require(node, key, list, path)
        if items is None:
            return []
        where = f"{path}.{key}" if path else key
        if required and not items:
            self.add(node, where, "needs at least one entry")
        found: list[Text] = []
        for index, item in enumerate(items):
            text = self.item_text(items, index, item, f"{where}[{index}]")
            if text is not None:
                found.append(text)
        return found

    def item_text(self, items: Any, index: int, item: Any, where: str) -> Text | None:
        if not isinstance(item, dict):
            self.item(items, index, str(item), where, "expected a text in every language")
            return None
        ok = True
        for lang in LANGUAGES:
            value = item.get(lang)
            if not isinstance(value, str) or not value.strip():
                self.add(item, f"{where}.{lang}", f"needs a non-empty {lang} text")
                ok = False
        return {lang: item[lang].strip() for lang in LANGUAGES} if ok else None

    def refs(
        self, node: Any, key: str, path: str, known: Iterable[str] | None, what: str
    ) -> tuple[str, ...]:
        """A list of ids; each must be declared (``known``), unless the catalogue is broken."""
        if isinstance(node, dict) and key not in node:
            return ()
        items = self.require(node, key, list, path)
        if items is None:
            return ()
        where = f"{path}.{key}" if path else key
        known_set = set(known) if known is not None else None
        found: list[str] = []
        for index, item in enumerate(items):
            if not isinstance(item, str):
                self.item(items, index, str(item), f"{where}[{index}]", "expected an id")
                continue
            if item in found:
                self.item(items, index, item, f"{where}[{index}]", f"{item!r} is listed twice")
                continue
            if known_set is not None and item not in known_set:
                self.item(items, index, item, f"{where}[{index}]", f"unknown {what} {item!r}")
                continue
            found.append(item)
        return tuple(found)


def _load_catalogue(path: Path, problems: list[Problem]) -> Catalogue | None:
    check = _FileChecker(path)
    try:
        data = load_yaml(path)
    except ContentError as exc:
        problems.extend(exc.problems)
        return None
    if not isinstance(data, dict):
        problems.append(Problem(check.file, 1, "file", "expected a mapping"))
        return None
    check.keys(
        data,
        ["version", "changes", "sources", "courses", "training_modules", "tools", "indicators"],
        "",
    )
    version = check.require(data, "version", int, "")
    check.text(data, "changes", "")
    _sources(check, data)

    def entries(section: str, extra: dict[str, Any]) -> dict[str, Entry]:
        found: dict[str, Entry] = {}
        items = check.require(data, section, list, "")
        for index, item in enumerate(items or []):
            where = f"{section}[{index}]"
            if not isinstance(item, dict):
                check.item(items, index, str(item), where, "expected a mapping")
                continue
            check.keys(item, ["id", "title", *extra], where)
            ident = check.ident(item, "id", where)
            title = check.text(item, "title", where)
            values: dict[str, str] = {}
            for field, allowed in extra.items():
                value = check.require(item, field, str, where)
                if value is not None and allowed is not None and value not in allowed():
                    check.add(item, f"{where}.{field}", f"unknown {field} {value!r}")
                    value = None
                values[field] = value or ""
            if ident is None or title is None:
                continue
            if ident in found:
                check.add(item, f"{where}.id", f"{ident!r} is declared twice")
                continue
            found[ident] = Entry(ident, title, **values)
        return found

    courses = entries("courses", {})
    modules = entries("training_modules", {"course": lambda: courses})
    tools = entries("tools", {})
    indicators = entries("indicators", {"kind": lambda: INDICATOR_KINDS})
    problems.extend(check.problems)
    if check.problems or version is None:
        return None
    return Catalogue(version, courses, modules, tools, indicators)


def _sources(check: _FileChecker, data: Any) -> tuple[str, ...]:
    sources = check.require(data, "sources", list, "")
    if sources is None:
        return ()
    if not sources:
        check.add(data, "sources", "name at least one source in DOMAIN.md")
    for index, source in enumerate(sources):
        if not isinstance(source, str) or not source.strip():
            check.item(sources, index, str(source), f"sources[{index}]", "expected a text")
    return tuple(s for s in sources if isinstance(s, str))


def _load_model(
    path: Path, catalogue: Catalogue | None, problems: list[Problem]
) -> PhaseModel | None:
    check = _FileChecker(path)
    try:
        data = load_yaml(path)
    except ContentError as exc:
        problems.extend(exc.problems)
        return None
    if not isinstance(data, dict):
        problems.append(Problem(check.file, 1, "file", "expected a mapping"))
        return None
    check.keys(data, ["key", "version", "title", "changes", "sources", "phases"], "")
    key = check.ident(data, "key", "")
    if key is not None and key != path.parent.name:
        check.add(data, "key", f"must match the folder name {path.parent.name!r}")
    version = check.require(data, "version", int, "")
    match = _VERSION_FILE.match(path.name)
    if version is not None and (match is None or int(match.group(1)) != version):
        check.add(data, "version", f"must match the file name (v{version}.yaml)")
    title = check.text(data, "title", "")
    changes = check.text(data, "changes", "")
    sources = _sources(check, data)
    phases_data = check.require(data, "phases", list, "")
    phases: list[Phase] = []
    seen_tasks: set[str] = set()
    for index, node in enumerate(phases_data or []):
        phase = _phase(check, node, f"phases[{index}]", catalogue, seen_tasks)
        if phase is not None:
            phases.append(phase)
    if phases_data is not None:
        keys = [p.get("key") if isinstance(p, dict) else None for p in phases_data]
        if tuple(keys) != PHASE_KEYS:
            check.add(
                data,
                "phases",
                f"needs exactly the phases {', '.join(PHASE_KEYS)} in this order (found: "
                + ", ".join(str(k) for k in keys)
                + ")",
            )
    problems.extend(check.problems)
    if check.problems or key is None or version is None or title is None:
        return None
    return PhaseModel(
        key=key,
        version=version,
        title=title,
        changes=changes or {},
        sources=sources,
        phases=tuple(phases),
    )


def _phase(
    check: _FileChecker,
    node: Any,
    where: str,
    catalogue: Catalogue | None,
    seen_tasks: set[str],
) -> Phase | None:
    if not isinstance(node, dict):
        check.add(node, where, "expected a mapping")
        return None
    check.keys(
        node,
        ["key", "title", "summary", "objectives", "tasks", "outputs", "indicators", "gate", "help"],
        where,
    )
    key = check.ident(node, "key", where)
    title = check.text(node, "title", where)
    summary = check.text(node, "summary", where)
    objectives = check.texts(node, "objectives", where)
    outputs = check.texts(node, "outputs", where)
    tasks: list[Task] = []
    task_nodes = check.require(node, "tasks", list, where)
    declared = [t["id"] for t in task_nodes or [] if isinstance(t, dict) and "id" in t]
    if task_nodes is not None and not task_nodes:
        check.add(node, f"{where}.tasks", "needs at least one task")
    for index, task_node in enumerate(task_nodes or []):
        task_where = f"{where}.tasks[{index}]"
        if not isinstance(task_node, dict):
            check.add(task_node, task_where, "expected a mapping")
            continue
        check.keys(task_node, ["id", "title", "evidence"], task_where)
        task_id = check.ident(task_node, "id", task_where)
        task_title = check.text(task_node, "title", task_where)
        evidence = check.text(task_node, "evidence", task_where)
        if task_id is not None:
            if key is not None and not task_id.startswith(f"{key}."):
                check.add(task_node, f"{task_where}.id", f"must start with '{key}.'")
            elif task_id in seen_tasks:
                check.add(task_node, f"{task_where}.id", f"{task_id!r} is used twice")
            seen_tasks.add(task_id)
        if task_id is not None and task_title is not None and evidence is not None:
            tasks.append(Task(task_id, task_title, evidence))
    indicators = check.refs(
        node,
        "indicators",
        where,
        catalogue.indicators if catalogue else None,
        "indicator",
    )
    gate_node = check.require(node, "gate", dict, where)
    gate = Gate(tasks=())
    if gate_node is not None:
        check.keys(gate_node, ["tasks", "criteria"], f"{where}.gate")
        if "tasks" not in gate_node or gate_node["tasks"] == []:
            check.add(gate_node, f"{where}.gate.tasks", "name at least one task of this phase")
        gate_tasks = check.refs(gate_node, "tasks", f"{where}.gate", declared, "task of this phase")
        criteria = check.texts(gate_node, "criteria", f"{where}.gate", required=False)
        gate = Gate(tasks=gate_tasks, criteria=tuple(criteria))
    help_node = check.require(node, "help", dict, where)
    modules: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()
    if help_node is not None:
        check.keys(help_node, ["training_modules", "tools"], f"{where}.help")
        modules = check.refs(
            help_node,
            "training_modules",
            f"{where}.help",
            catalogue.training_modules if catalogue else None,
            "training module",
        )
        tools = check.refs(
            help_node, "tools", f"{where}.help", catalogue.tools if catalogue else None, "tool"
        )
    if key is None or title is None or summary is None:
        return None
    return Phase(
        key=key,
        title=title,
        summary=summary,
        objectives=tuple(objectives),
        tasks=tuple(tasks),
        outputs=tuple(outputs),
        indicators=indicators,
        gate=gate,
        training_modules=modules,
        tools=tools,
    )


def load(root: Path = CONTENT_DIR) -> Content:
    """Load and check the catalogue and every phase model under ``root``; all or nothing."""
    problems: list[Problem] = []
    catalogue = _load_catalogue(root / CATALOGUE_FILE, problems)
    models: dict[tuple[str, int], PhaseModel] = {}
    folder = root / MODELS_DIR
    paths = sorted(folder.glob("*/*.yaml"))
    for path in paths:
        model = _load_model(path, catalogue, problems)
        if model is not None:
            models[(model.key, model.version)] = model
    if not any(key == DEFAULT_MODEL for key, _ in models) and not problems:
        problems.append(
            Problem(relative(folder), 0, "phase_models", f"the model {DEFAULT_MODEL!r} is missing")
        )
    if problems:
        raise ContentError(problems)
    assert catalogue is not None
    return Content(catalogue=catalogue, models=models)


# --- what other parts ask ---------------------------------------------------------------------


@cache
def content() -> Content:
    """The shipped content, loaded and checked once per process."""
    return load()


def catalogue() -> Catalogue:
    return content().catalogue


def default_model() -> PhaseModel:
    """The newest shipped version of the default model: what a new team follows."""
    return content().latest(DEFAULT_MODEL)


def shipped_model(key: str, version: int) -> PhaseModel | None:
    return content().models.get((key, version))


def indicator_ids() -> set[str]:
    """Ids of every indicator declared in the catalogue."""
    return set(catalogue().indicators)


def module_ids() -> set[str]:
    """Ids of every training module declared in the catalogue."""
    return set(catalogue().training_modules)


def tool_ids() -> set[str]:
    return set(catalogue().tools)


def phase_keys() -> list[str]:
    """The keys of the phases, in order (the same in every icommit phase model)."""
    return list(default_model().phase_keys)


def indicator_choices(language: str) -> list[tuple[str, str]]:
    """(id, title) of every indicator, in catalogue order, for forms."""
    return [(i.id, i.title_in(language)) for i in catalogue().indicators.values()]
