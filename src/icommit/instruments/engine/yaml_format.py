"""Reading instruments from YAML (or the equivalent dict) and checking every rule of the format.

The checker walks the whole tree and collects every problem with its line and field before
anything is built; a Definition is returned only when there is no problem at all.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import yaml

from .definition import (
    AUDIENCES,
    CHOICE_TYPES,
    FORMAT,
    ITEM_TYPES,
    KINDS,
    METHODS,
    MIN_RESPONDENTS,
    RATIONALE,
    REPORTS,
    TEXT_MAX_LENGTH,
    Band,
    Choice,
    Condition,
    Definition,
    DefinitionError,
    Domain,
    FrozenDict,
    Item,
    Pair,
    Problem,
    Recommendation,
    Scale,
    Scoring,
    Section,
    Value,
)

MAX_YAML_BYTES = 2_000_000

INSTRUMENT_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Item, pair and section keys become XML element names in an XLSForm export.
ITEM_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
SECTION_KEY = re.compile(r"^[a-z][a-z0-9_-]*$")
SCALE_KEY = re.compile(r"^[a-z][a-z0-9_-]*$")
DOMAIN_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")
STRING_VALUE = re.compile(r"^[A-Za-z0-9_.-]+$")
INTEGER_LIKE = re.compile(r"^-?[0-9]+$")

TOP_KEYS = (
    "format",
    "key",
    "version",
    "kind",
    "languages",
    "title",
    "description",
    "changes",
    "sources",
    "scales",
    "domains",
    "scoring",
    "recommendations",
    "sections",
)
COMMON_ITEM_KEYS = ("key", "type", "text", "hint", "required", "relevant", "required_if")
TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "likert": ("scale", "domain", "weight", "reverse"),
    "choice": ("scale", "choices", "missing", "domain", "weight", "reverse"),
    "multi": ("scale", "choices", "missing", "domain", "weight"),
    "number": ("min", "max", "integer"),
    "text": ("max_length",),
    "paired": ("pairs", "rationale"),
    "group": ("repeat", "min", "max", "items"),
    "note": (),
}
GROUP_SUB_TYPES = ("likert", "choice", "multi", "number", "text", "note")
NOT_IN_GROUP = ("domain", "weight", "reverse", "relevant", "required_if")


# ---------------------------------------------------------------- YAML with line numbers


class Node(dict[str, Any]):
    """A mapping that knows its first line and the line of each key (1-based).

    Nodes built from an XLSForm also know their sheet and which column each key came from,
    so that a problem names the sheet, the row and the column.
    """

    line: int | None = None
    key_lines: dict[str, int]
    sheet: str | None = None
    columns: Mapping[str, str] = MappingProxyType({})


class NodeList(list[Any]):
    line: int | None = None
    item_lines: list[int]
    sheet: str | None = None


class _Loader(yaml.SafeLoader):
    """Safe YAML where only true/false are booleans, so choice values like yes/no stay text."""

    def __init__(self, stream: str):
        super().__init__(stream)
        #: Collected instead of raised, so that every duplicate is reported at once.
        self.duplicate_keys: list[tuple[int, str]] = []


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Node:
    result = Node()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            loader.duplicate_keys.append((line, key))
            continue
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> NodeList:
    result = NodeList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def parse_yaml(text: str, *, source: str) -> Any:
    """Parse YAML into Nodes that remember lines; raise DefinitionError on bad YAML."""
    if len(text.encode("utf-8", errors="replace")) > MAX_YAML_BYTES:
        raise DefinitionError(
            [Problem(source, None, "file", f"larger than {MAX_YAML_BYTES} bytes")]
        )
    loader = _Loader(text)
    try:
        tree = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise DefinitionError([Problem(source, line, "yaml", str(exc.problem or exc))]) from None
    except yaml.YAMLError as exc:
        raise DefinitionError([Problem(source, None, "yaml", str(exc))]) from None
    finally:
        loader.dispose()
    dupes = loader.duplicate_keys
    if dupes:
        raise DefinitionError(
            [Problem(source, line, key, "appears twice in the same mapping") for line, key in dupes]
        )
    return tree


def load_yaml(text: str, *, source: str) -> Definition:
    """Parse and check a YAML instrument; raise DefinitionError listing every problem."""
    return build_definition(parse_yaml(text, source=source), source=source)


def definition_from_dict(data: Mapping[str, Any], *, source: str = "definition") -> Definition:
    """Build a Definition from the dict form (as written by ``definition_to_dict``), checking it."""
    return build_definition(data, source=source)


def build_definition(tree: Any, *, source: str) -> Definition:
    return _Builder(source).definition(tree)


# ---------------------------------------------------------------- the checker


def _line(node: Any, key: str | int | None = None) -> int | None:
    if isinstance(key, str) and isinstance(node, Node) and key in node.key_lines:
        return node.key_lines[key]
    if isinstance(key, int) and isinstance(node, NodeList) and key < len(node.item_lines):
        return node.item_lines[key]
    if isinstance(node, Node | NodeList):
        return node.line
    return None


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


@dataclass
class _PendingCondition:
    cond: Condition
    owner: str
    position: int
    node: Any
    key: str
    path: str


class _Builder:
    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []
        self.languages: tuple[str, ...] = ()
        self.scales: dict[str, Scale] = {}
        #: Names of every scale written, valid or not, so a broken scale is reported once
        #: and not again at every item that uses it.
        self.scale_names: set[str] = set()
        self.used_domains: set[str] = set()
        self.band_keys: set[str] = set()
        self.domain_keys: set[str] = set()
        self.conditions: list[_PendingCondition] = []
        self.item_keys: dict[str, int] = {}
        self.items_by_key: dict[str, Item] = {}
        self.has_scoring = False

    # -- primitives

    def add(self, node: Any, key: str | int | None, path: str, message: str) -> None:
        sheet = getattr(node, "sheet", None)
        if sheet is not None:
            name = key if isinstance(key, str) else re.split(r"[.\[]", path)[-1] or path
            columns = getattr(node, "columns", {})
            path = f"{sheet}.{columns.get(name, name)}"
        self.problems.append(Problem(self.source, _line(node, key), path, message))

    def mapping(
        self,
        node: Any,
        parent: Any,
        key: str | int | None,
        path: str,
        allowed: tuple[str, ...] | None,
        required: tuple[str, ...] = (),
    ) -> bool:
        if not isinstance(node, Mapping):
            self.add(parent, key, path or "(top)", "expected a mapping")
            return False
        if allowed is not None:
            for k in node:
                if k not in allowed:
                    self.add(
                        node,
                        k,
                        _join(path, k),
                        f"unknown key; expected one of {', '.join(allowed)}",
                    )
        for k in required:
            if k not in node:
                self.add(node, None, _join(path, k), "is missing")
        return True

    def string(
        self,
        m: Mapping[str, Any],
        key: str,
        path: str,
        *,
        pattern: re.Pattern[str] | None = None,
        one_of: tuple[str, ...] | None = None,
        default: str | None = None,
    ) -> str | None:
        if key not in m:
            return default
        v = m[key]
        where = _join(path, key)
        if not isinstance(v, str) or not v.strip():
            self.add(m, key, where, "expected a non-empty string")
            return None
        if pattern is not None and not pattern.match(v):
            self.add(m, key, where, f"{v!r} does not match {pattern.pattern}")
            return None
        if one_of is not None and v not in one_of:
            self.add(m, key, where, f"{v!r} is not one of {', '.join(one_of)}")
            return None
        return v

    def number(
        self,
        m: Mapping[str, Any],
        key: str,
        path: str,
        *,
        lo: float | None = None,
        hi: float | None = None,
        positive: bool = False,
        integer: bool = False,
    ) -> float | None:
        if key not in m:
            return None
        v = m[key]
        where = _join(path, key)
        if integer and not (isinstance(v, int) and not isinstance(v, bool)):
            self.add(m, key, where, "expected a whole number")
            return None
        if not _is_number(v):
            self.add(m, key, where, "expected a number")
            return None
        if positive and v <= 0:
            self.add(m, key, where, f"must be greater than 0, got {v}")
            return None
        if lo is not None and v < lo:
            self.add(m, key, where, f"must be at least {lo:g}, got {v}")
            return None
        if hi is not None and v > hi:
            self.add(m, key, where, f"must be at most {hi:g}, got {v}")
            return None
        return float(v)

    def boolean(self, m: Mapping[str, Any], key: str, path: str, default: bool) -> bool:
        if key not in m:
            return default
        v = m[key]
        if isinstance(v, bool):
            return v
        if v in ("yes", "no"):
            return v == "yes"
        self.add(m, key, _join(path, key), "expected true or false")
        return default

    def text(
        self, m: Mapping[str, Any], key: str, path: str, *, required: bool = True
    ) -> FrozenDict | None:
        where = _join(path, key)
        if key not in m:
            if required:
                self.add(m, None, where, "is missing")
            return None
        v = m[key]
        if not isinstance(v, Mapping):
            self.add(m, key, where, f"expected a text per language ({', '.join(self.languages)})")
            return None
        ok = True
        for lang in self.languages:
            t = v.get(lang)
            if not isinstance(t, str) or not t.strip():
                self.add(m, key, _join(where, lang), f"needs a non-empty {lang} text")
                ok = False
        for lang in v:
            if self.languages and lang not in self.languages:
                self.add(
                    v, lang, _join(where, str(lang)), "is not one of the instrument's languages"
                )
                ok = False
        if not ok:
            return None
        return FrozenDict({lang: v[lang].strip() for lang in self.languages})

    def seq(
        self, m: Mapping[str, Any], key: str, path: str, *, required: bool = False
    ) -> list[Any] | None:
        if key not in m:
            if required:
                self.add(m, None, _join(path, key), "is missing")
            return None
        v = m[key]
        if not isinstance(v, list):
            self.add(m, key, _join(path, key), "expected a list")
            return None
        return v

    def strings(self, m: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
        v = self.seq(m, key, path)
        if v is None:
            return ()
        out: list[str] = []
        for i, s in enumerate(v):
            if not isinstance(s, str) or not s.strip():
                self.add(v, i, f"{_join(path, key)}[{i}]", "expected a non-empty string")
            else:
                out.append(s)
        return tuple(out)

    # -- the document

    def definition(self, tree: Any) -> Definition:
        if not self.mapping(tree, tree, None, "", TOP_KEYS, ("format", "key", "version", "kind")):
            raise DefinitionError(self.problems)
        if tree.get("format") != FORMAT and "format" in tree:
            self.add(tree, "format", "format", f"expected {FORMAT!r}")
        key = self.string(tree, "key", "", pattern=INSTRUMENT_KEY)
        version = self.number(tree, "version", "", integer=True, positive=True)
        kind = self.string(tree, "kind", "", one_of=KINDS)
        self.languages = self._languages(tree)
        title = self.text(tree, "title", "")
        description = self.text(tree, "description", "", required=False)
        changes = self.text(tree, "changes", "", required=False)
        sources = self.strings(tree, "sources", "")
        self.has_scoring = "scoring" in tree
        scales = self._scales(tree)
        domains = self._domains(tree)
        scoring = self._scoring(tree) if "scoring" in tree else None
        sections = self._sections(tree)
        recommendations = self._recommendations(tree, scoring)
        self._check_conditions()
        self._check_cross(tree, kind, domains, scoring)
        if self.problems:
            raise DefinitionError(self.problems)
        assert key is not None
        assert version is not None
        assert kind is not None
        assert title is not None
        return Definition(
            key=key,
            version=int(version),
            kind=kind,
            languages=self.languages,
            title=title,
            description=description,
            changes=changes,
            sources=sources,
            scales=FrozenDict(scales),
            domains=tuple(domains),
            scoring=scoring,
            recommendations=tuple(recommendations),
            sections=tuple(sections),
        )

    def _languages(self, tree: Mapping[str, Any]) -> tuple[str, ...]:
        v = self.seq(tree, "languages", "", required=True)
        if v is None:
            return ()
        if not v:
            self.add(tree, "languages", "languages", "needs at least one language")
        out: list[str] = []
        for i, lang in enumerate(v):
            if not isinstance(lang, str) or not LANGUAGE.match(lang):
                self.add(v, i, f"languages[{i}]", "expected a language code such as en or de")
            elif lang in out:
                self.add(v, i, f"languages[{i}]", f"{lang} is listed twice")
            else:
                out.append(lang)
        return tuple(out)

    # -- scales and choices

    def _scales(self, tree: Mapping[str, Any]) -> dict[str, Scale]:
        if "scales" not in tree:
            return {}
        node = tree["scales"]
        if not self.mapping(node, tree, "scales", "scales", None):
            return {}
        for name, body in node.items():
            path = f"scales.{name}"
            if not SCALE_KEY.match(str(name)):
                self.add(node, name, path, f"scale names must match {SCALE_KEY.pattern}")
                continue
            self.scale_names.add(name)
            allowed = ("choices", "missing", "report")
            if not self.mapping(body, node, name, path, allowed, ("choices",)):
                continue
            report = self.string(body, "report", path, one_of=REPORTS, default="score")
            choices, missing = self._options(body, path, required=True)
            if choices is not None and missing is not None and report is not None:
                self.scales[name] = Scale(key=name, choices=choices, missing=missing, report=report)
        return self.scales

    def _options(
        self, m: Mapping[str, Any], path: str, *, required: bool
    ) -> tuple[tuple[Choice, ...] | None, tuple[Choice, ...] | None]:
        seen: set[tuple[type, Value]] = set()
        choices = self._choice_list(m, "choices", path, seen, missing=False, required=required)
        missing = self._choice_list(m, "missing", path, seen, missing=True, required=False)
        return choices, missing

    def _choice_list(
        self,
        m: Mapping[str, Any],
        key: str,
        path: str,
        seen: set[tuple[type, Value]],
        *,
        missing: bool,
        required: bool,
    ) -> tuple[Choice, ...] | None:
        lst = self.seq(m, key, path, required=required)
        where = _join(path, key)
        if lst is None:
            return None if required and key not in m else ()
        if required and not lst:
            self.add(m, key, where, "needs at least one choice")
            return None
        out: list[Choice] = []
        ok = True
        for i, c in enumerate(lst):
            cpath = f"{where}[{i}]"
            allowed = ("value", "label") if missing else ("value", "label", "score")
            if not self.mapping(c, lst, i, cpath, allowed, ("value", "label")):
                ok = False
                continue
            value = c.get("value")
            label = self.text(c, "label", cpath)
            if isinstance(value, bool) or not isinstance(value, int | str):
                self.add(c, "value", f"{cpath}.value", "expected a whole number or a short text")
                ok = False
                continue
            if isinstance(value, str) and (
                not STRING_VALUE.match(value) or INTEGER_LIKE.match(value)
            ):
                self.add(
                    c,
                    "value",
                    f"{cpath}.value",
                    "text values use letters, digits, _ . - only and are not whole numbers",
                )
                ok = False
                continue
            if (type(value), value) in seen:
                self.add(c, "value", f"{cpath}.value", f"{value!r} is used twice in this list")
                ok = False
            seen.add((type(value), value))
            score: float | None
            if "score" in c:
                score = self.number(c, "score", cpath)
                if score is None:
                    ok = False
            else:
                score = float(value) if isinstance(value, int) and not missing else None
            if label is None:
                ok = False
                continue
            out.append(Choice(value=value, label=label, score=score))
        return tuple(out) if ok else None

    # -- domains, scoring, recommendations

    def _domains(self, tree: Mapping[str, Any]) -> list[Domain]:
        lst = self.seq(tree, "domains", "")
        out: list[Domain] = []
        for i, d in enumerate(lst or []):
            path = f"domains[{i}]"
            if not self.mapping(d, lst, i, path, ("key", "title", "description"), ("key",)):
                continue
            key = self.string(d, "key", path, pattern=DOMAIN_KEY)
            if key is not None:
                path = f"domains[{key}]"
            title = self.text(d, "title", path)
            desc = self.text(d, "description", path, required=False)
            if key == "total":
                self.add(d, "key", f"{path}.key", "'total' is reserved for the overall score")
            elif key in self.domain_keys:
                self.add(d, "key", f"{path}.key", f"domain {key!r} is defined twice")
            elif key is not None:
                self.domain_keys.add(key)
                if title is not None:
                    out.append(Domain(key=key, title=title, description=desc))
        return out

    def _scoring(self, tree: Mapping[str, Any]) -> Scoring | None:
        m = tree["scoring"]
        allowed = (
            "method",
            "min_answered",
            "bands",
            "divergence_threshold",
            "pass_mark",
            "min_respondents",
        )
        if not self.mapping(m, tree, "scoring", "scoring", allowed, ("method", "min_answered")):
            return None
        method = self.string(m, "method", "scoring", one_of=METHODS)
        min_answered = self.number(m, "min_answered", "scoring", lo=0, hi=1)
        divergence = self.number(m, "divergence_threshold", "scoring", lo=0, hi=100)
        pass_mark = self.number(m, "pass_mark", "scoring", lo=0, hi=100)
        min_respondents = self._min_respondents(m)
        bands = self._bands(m)
        if method is None or min_answered is None or bands is None or min_respondents is None:
            return None
        return Scoring(
            method=method,
            min_answered=min_answered,
            bands=bands,
            divergence_threshold=divergence,
            pass_mark=pass_mark,
            min_respondents=min_respondents,
        )

    def _min_respondents(self, m: Mapping[str, Any]) -> int | None:
        if "min_respondents" not in m:
            return MIN_RESPONDENTS
        value = self.number(m, "min_respondents", "scoring", integer=True, hi=10_000)
        if value is None:
            return None
        if value < MIN_RESPONDENTS:
            self.add(
                m,
                "min_respondents",
                "scoring.min_respondents",
                f"must be at least {MIN_RESPONDENTS}, got {value:g}: results from fewer answer "
                "sets could let members who know their own answers work out someone else's",
            )
            return None
        return int(value)

    def _bands(self, m: Mapping[str, Any]) -> tuple[Band, ...] | None:
        lst = self.seq(m, "bands", "scoring", required=True)
        if lst is None:
            return None
        if not lst:
            self.add(m, "bands", "scoring.bands", "needs at least one band")
            return None
        out: list[Band] = []
        ok = True
        previous: float | None = None
        keys: set[str] = set()
        for i, b in enumerate(lst):
            path = f"scoring.bands[{i}]"
            if not self.mapping(b, lst, i, path, ("key", "label", "below"), ("key", "label")):
                ok = False
                continue
            key = self.string(b, "key", path, pattern=DOMAIN_KEY)
            label = self.text(b, "label", path)
            below = self.number(b, "below", path, lo=0, hi=100)
            last = i == len(lst) - 1
            if last and "below" in b:
                self.add(b, "below", f"{path}.below", "the last band has no upper limit")
                ok = False
            if not last and "below" not in b:
                self.add(b, None, f"{path}.below", "is missing (every band but the last needs it)")
                ok = False
            if below is not None and previous is not None and below <= previous:
                self.add(
                    b, "below", f"{path}.below", f"bands must ascend: {below:g} after {previous:g}"
                )
                ok = False
            if below is not None:
                previous = below
            if key in keys:
                self.add(b, "key", f"{path}.key", f"band {key!r} is defined twice")
                ok = False
            if key is None or label is None:
                ok = False
                continue
            keys.add(key)
            self.band_keys.add(key)
            out.append(Band(key=key, label=label, below=None if last else below))
        return tuple(out) if ok else None

    def _recommendations(
        self, tree: Mapping[str, Any], scoring: Scoring | None
    ) -> list[Recommendation]:
        lst = self.seq(tree, "recommendations", "")
        if lst is None:
            return []
        if lst and not self.has_scoring:
            self.add(tree, "recommendations", "recommendations", "need a scoring section")
        band_keys = self.band_keys
        out: list[Recommendation] = []
        common = ("text", "phase_tasks", "modules", "phases")
        for i, r in enumerate(lst):
            path = f"recommendations[{i}]"
            on_item = isinstance(r, Mapping) and "item" in r
            allowed: tuple[str, ...]
            if on_item:
                allowed = ("item", "below", "answers", "at_least", *common)
                required: tuple[str, ...] = ("item",)
            else:
                allowed = ("domain", "band", *common)
                required = ("domain", "band")
            if not self.mapping(r, lst, i, path, allowed, required):
                continue
            text = self.text(r, "text", path)
            tasks = self.strings(r, "phase_tasks", path)
            modules = self.strings(r, "modules", path)
            phases = self.strings(r, "phases", path)
            if on_item:
                fields = self._item_recommendation(r, path)
                if fields is None or text is None:
                    continue
                out.append(
                    Recommendation(
                        domain="",
                        band="",
                        text=text,
                        phase_tasks=tasks,
                        modules=modules,
                        phases=phases,
                        **fields,
                    )
                )
                continue
            domain = self.string(r, "domain", path)
            band = self.string(r, "band", path)
            if domain is not None and domain != "total" and domain not in self.domain_keys:
                self.add(r, "domain", f"{path}.domain", f"unknown domain {domain!r}")
                continue
            if band is not None and self.has_scoring and band not in band_keys:
                self.add(r, "band", f"{path}.band", f"unknown band {band!r}")
                continue
            if domain is None or band is None or text is None:
                continue
            out.append(
                Recommendation(
                    domain=domain,
                    band=band,
                    text=text,
                    phase_tasks=tasks,
                    modules=modules,
                    phases=phases,
                )
            )
        return out

    def _item_recommendation(self, r: Mapping[str, Any], path: str) -> dict[str, Any] | None:
        """``item`` + ``below`` (an item on a score scale) or ``item`` + ``answers`` +
        ``at_least`` (an item on a counts scale), checked against the item's scale."""
        key = self.string(r, "item", path)
        if key is None:
            return None
        item = self.items_by_key.get(key)
        if item is None:
            self.add(r, "item", f"{path}.item", f"unknown item {key!r}")
            return None
        scale = self.scales.get(item.scale) if item.scale else None
        if item.type not in ("likert", "choice") or scale is None:
            self.add(
                r, "item", f"{path}.item", f"{key!r} is not a likert or choice item on a scale"
            )
            return None
        if scale.counts:
            if "below" in r:
                self.add(r, "below", f"{path}.below", f"{key!r} reports counts: use answers")
                return None
            if "answers" not in r or "at_least" not in r:
                self.add(
                    r,
                    None,
                    f"{path}.answers",
                    "an item on a counts scale needs answers and at_least",
                )
                return None
            values = r["answers"]
            if not isinstance(values, list) or not values:
                self.add(r, "answers", f"{path}.answers", "expected a non-empty list of values")
                return None
            ok = True
            for v in values:
                if scale.choice(v) is None:
                    self.add(r, "answers", f"{path}.answers", f"{v!r} is not a choice of {key!r}")
                    ok = False
            at_least = self.number(r, "at_least", path, integer=True, lo=1)
            if not ok or at_least is None:
                return None
            return {"item": key, "answers": tuple(values), "at_least": int(at_least)}
        if "answers" in r or "at_least" in r:
            self.add(r, "answers", f"{path}.answers", f"{key!r} is scored: use below")
            return None
        if "below" not in r:
            self.add(r, None, f"{path}.below", "is missing (an item on a score scale needs below)")
            return None
        below = self.number(r, "below", path, lo=0, hi=100)
        if below is None:
            return None
        return {"item": key, "below": below}

    # -- sections and items

    def _sections(self, tree: Mapping[str, Any]) -> list[Section]:
        lst = self.seq(tree, "sections", "", required=True)
        if lst is None:
            return []
        if not lst:
            self.add(tree, "sections", "sections", "needs at least one section")
        out: list[Section] = []
        keys: set[str] = set()
        for i, s in enumerate(lst):
            path = f"sections[{i}]"
            allowed = ("key", "title", "intro", "audience", "items")
            if not self.mapping(s, lst, i, path, allowed, ("key", "items")):
                continue
            key = self.string(s, "key", path, pattern=SECTION_KEY)
            if key is not None:
                path = f"sections[{key}]"
                if key in keys:
                    self.add(s, "key", f"{path}.key", f"section {key!r} is defined twice")
                keys.add(key)
            title = self.text(s, "title", path)
            intro = self.text(s, "intro", path, required=False)
            audience = self.string(s, "audience", path, one_of=AUDIENCES, default="all")
            items_node = self.seq(s, "items", path, required=False)
            items: list[Item] = []
            if items_node is not None and not items_node:
                self.add(s, "items", f"{path}.items", "needs at least one item")
            for j, it in enumerate(items_node or []):
                item = self._item(it, items_node, j, f"{path}.items[{j}]", in_group=False)
                if item is not None:
                    items.append(item)
            if key is None or title is None or audience is None:
                continue
            out.append(
                Section(key=key, title=title, intro=intro, audience=audience, items=tuple(items))
            )
        for s, section in zip(lst, out, strict=False):
            if section.key in self.item_keys and isinstance(s, Mapping):
                self.add(s, "key", f"sections[{section.key}].key", "is also the key of an item")
        return out

    def _item(self, it: Any, parent: Any, idx: int, path: str, *, in_group: bool) -> Item | None:
        if not self.mapping(it, parent, idx, path, None, ("key", "type")):
            return None
        key = self.string(it, "key", path, pattern=ITEM_KEY)
        if key is not None:
            path = path.rsplit("[", 1)[0] + f"[{key}]"
            if key in self.item_keys:
                self.add(it, "key", f"{path}.key", f"item key {key!r} is used twice")
                key = None
            else:
                self.item_keys[key] = len(self.item_keys) if not in_group else -1
        types = GROUP_SUB_TYPES if in_group else ITEM_TYPES
        typ = self.string(it, "type", path, one_of=types)
        if typ is None:
            return None
        allowed = COMMON_ITEM_KEYS + TYPE_KEYS[typ]
        if typ == "note":
            allowed = ("key", "type", "text", "hint", "relevant")
        if in_group:
            allowed = tuple(k for k in allowed if k not in NOT_IN_GROUP)
        self.mapping(it, parent, idx, path, allowed)
        before = len(self.problems)
        text = self.text(it, "text", path)
        hint = self.text(it, "hint", path, required=False)
        required = self.boolean(it, "required", path, False)
        weight = self.number(it, "weight", path, positive=True)
        reverse = self.boolean(it, "reverse", path, False)
        domain = self.string(it, "domain", path)
        if domain is not None:
            self.used_domains.add(domain)
        if domain is not None and domain not in self.domain_keys:
            self.add(it, "domain", f"{path}.domain", f"unknown domain {domain!r}")
        if required and "required_if" in it:
            self.add(
                it, "required_if", f"{path}.required_if", "give either required or required_if"
            )
        position = self.item_keys.get(key or "", -1)
        relevant = self._condition(it, "relevant", path, key, position)
        required_if = self._condition(it, "required_if", path, key, position)
        fields: dict[str, Any] = {}
        if typ in CHOICE_TYPES:
            fields.update(self._choice_fields(it, path, typ, domain, weight, reverse))
        elif typ == "number":
            lo = self.number(it, "min", path)
            hi = self.number(it, "max", path)
            if lo is not None and hi is not None and lo > hi:
                self.add(it, "max", f"{path}.max", f"min {lo:g} is greater than max {hi:g}")
            fields.update(min=lo, max=hi, integer=self.boolean(it, "integer", path, False))
        elif typ == "text":
            ml = self.number(it, "max_length", path, integer=True, lo=1, hi=100_000)
            fields["max_length"] = TEXT_MAX_LENGTH if ml is None else int(ml)
        elif typ == "paired":
            fields.update(self._paired_fields(it, path))
        elif typ == "group":
            fields.update(self._group_fields(it, path))
        if len(self.problems) > before or key is None or text is None:
            return None
        scale_obj = self.scales.get(fields.get("scale") or "")
        if scale_obj is not None and scale_obj.counts:
            fields["counts"] = True
            if typ == "multi":
                self.add(
                    it,
                    "scale",
                    f"{path}.scale",
                    "a counts scale takes one answer: use likert or choice",
                )
                return None
        item = Item(
            key=key,
            type=typ,
            text=text,
            hint=hint,
            domain=domain,
            weight=1.0 if weight is None else weight,
            reverse=reverse,
            required=required,
            relevant=relevant,
            required_if=required_if,
            **fields,
        )
        self.items_by_key[key] = item
        return item

    def _choice_fields(
        self,
        it: Mapping[str, Any],
        path: str,
        typ: str,
        domain: str | None,
        weight: float | None,
        reverse: bool,
    ) -> dict[str, Any]:
        scale_name = self.string(it, "scale", path)
        inline = "choices" in it or "missing" in it
        scale: Scale | None = None
        fields: dict[str, Any] = {"scale": scale_name}
        if typ == "likert" and scale_name is None and "scale" not in it:
            self.add(it, None, f"{path}.scale", "is missing (a likert item needs a scale)")
        if scale_name is not None:
            if inline:
                self.add(it, "scale", f"{path}.scale", "give either a scale or choices, not both")
            scale = self.scales.get(scale_name)
            if scale_name not in self.scale_names:
                self.add(it, "scale", f"{path}.scale", f"unknown scale {scale_name!r}")
        elif typ != "likert":
            if not inline:
                self.add(it, None, f"{path}.choices", "is missing (or name a scale)")
            else:
                choices, missing = self._options(it, path, required=True)
                if choices is not None and missing is not None:
                    fields.update(choices=choices, missing=missing)
                    scale = Scale(key="", choices=choices, missing=missing)
                    explicit = any(
                        "score" in c for c in it.get("choices") or [] if isinstance(c, Mapping)
                    )
                    if explicit and domain is None and self.has_scoring:
                        self.add(
                            it,
                            "choices",
                            f"{path}.choices",
                            "choices carry scores but the item names no domain, "
                            "so they would never count",
                        )
        if domain is None or (scale is not None and scale.counts):
            # a counts item's domain only places it in the results: nothing is scored
            if reverse:
                self.add(it, "reverse", f"{path}.reverse", "has no effect on an unscored item")
            if weight is not None and weight != 1:
                self.add(it, "weight", f"{path}.weight", "has no effect on an unscored item")
        elif scale is not None:
            if any(c.score is None for c in scale.choices):
                self.add(
                    it,
                    "domain",
                    f"{path}.domain",
                    "every choice of a scored item needs a score (text values need `score:`)",
                )
            else:
                lo, hi = item_range(typ, scale)
                if lo >= hi:
                    self.add(
                        it, "domain", f"{path}.domain", "the choices cannot give different scores"
                    )
        return fields

    def _paired_fields(self, it: Mapping[str, Any], path: str) -> dict[str, Any]:
        lst = self.seq(it, "pairs", path, required=True)
        pairs: list[Pair] = []
        keys: set[str] = set()
        if lst is not None and not lst:
            self.add(it, "pairs", f"{path}.pairs", "needs at least one rating")
        for i, p in enumerate(lst or []):
            ppath = f"{path}.pairs[{i}]"
            if not self.mapping(p, lst, i, ppath, ("key", "scale", "label"), ("key", "scale")):
                continue
            key = self.string(p, "key", ppath, pattern=ITEM_KEY)
            scale = self.string(p, "scale", ppath)
            label = self.text(p, "label", ppath)
            if key == "rationale":
                self.add(p, "key", f"{ppath}.key", "'rationale' is reserved for the rationale")
                continue
            if key in keys:
                self.add(p, "key", f"{ppath}.key", f"rating {key!r} is defined twice")
            if scale is not None and scale not in self.scale_names:
                self.add(p, "scale", f"{ppath}.scale", f"unknown scale {scale!r}")
            if key is None or scale is None or label is None:
                continue
            keys.add(key)
            pairs.append(Pair(key=key, scale=scale, label=label))
        rationale = self.string(it, "rationale", path, one_of=RATIONALE, default="required")
        return {"pairs": tuple(pairs), "rationale": rationale or "required"}

    def _group_fields(self, it: Mapping[str, Any], path: str) -> dict[str, Any]:
        repeat = self.boolean(it, "repeat", path, True)
        if not repeat:
            self.add(
                it, "repeat", f"{path}.repeat", "only repeating groups exist; use a section instead"
            )
        lo = self.number(it, "min", path, integer=True, lo=0)
        hi = self.number(it, "max", path, integer=True, lo=1)
        if lo is not None and hi is not None and lo > hi:
            self.add(it, "max", f"{path}.max", f"min {lo:g} is greater than max {hi:g}")
        lst = self.seq(it, "items", path, required=True)
        if lst is not None and not lst:
            self.add(it, "items", f"{path}.items", "needs at least one item")
        subs: list[Item] = []
        for j, sub in enumerate(lst or []):
            if isinstance(sub, Mapping) and sub.get("type") == "group":
                self.add(sub, "type", f"{path}.items[{j}].type", "groups cannot be nested")
                continue
            item = self._item(sub, lst, j, f"{path}.items[{j}]", in_group=True)
            if item is not None:
                subs.append(item)
        return {"repeat": True, "min": lo, "max": hi, "items": tuple(subs)}

    def _condition(
        self, it: Mapping[str, Any], key: str, path: str, owner: str | None, position: int
    ) -> Condition | None:
        if key not in it:
            return None
        m = it[key]
        where = _join(path, key)
        if not self.mapping(m, it, key, where, ("item", "equals", "in", "answered"), ("item",)):
            return None
        ops = [op for op in ("equals", "in", "answered") if op in m]
        if len(ops) != 1:
            self.add(it, key, where, "needs exactly one of equals, in, answered")
            return None
        target = self.string(m, "item", where)
        op = ops[0]
        cond: Condition | None = None
        raw = m[op]
        if op == "answered":
            if not isinstance(raw, bool):
                self.add(m, op, f"{where}.answered", "expected true or false")
            else:
                cond = Condition(item=target or "", op="answered", answered=raw)
        else:
            values = raw if op == "in" else [raw]
            if op == "in" and (not isinstance(raw, list) or not raw):
                self.add(m, op, f"{where}.in", "expected a non-empty list of values")
            elif all(_is_number(v) or isinstance(v, str) for v in values):
                cond = Condition(item=target or "", op=op, values=tuple(values))
            else:
                self.add(m, op, f"{where}.{op}", "values must be whole numbers, numbers or text")
        if cond is not None and target is not None and owner is not None:
            self.conditions.append(_PendingCondition(cond, owner, position, it, key, where))
        return cond

    # -- checks that need the whole document

    def _check_conditions(self) -> None:
        for pc in self.conditions:
            target = pc.cond.item
            where = f"{pc.path}.item"
            if target not in self.item_keys or self.item_keys[target] < 0:
                self.add(pc.node, pc.key, where, f"unknown item {target!r}")
                continue
            if target == pc.owner or self.item_keys[target] >= pc.position:
                self.add(pc.node, pc.key, where, f"{target!r} must come before {pc.owner!r}")
                continue
            ref = self.items_by_key.get(target)
            if ref is None:
                continue
            if ref.type == "note":
                self.add(pc.node, pc.key, where, f"{target!r} is a note and takes no answer")
            elif pc.cond.op != "answered" and ref.type in ("paired", "group"):
                self.add(pc.node, pc.key, where, f"{ref.type} items only support `answered`")
            elif pc.cond.op != "answered":
                self._check_condition_values(pc, ref)

    def _check_condition_values(self, pc: _PendingCondition, ref: Item) -> None:
        for v in pc.cond.values:
            if ref.type in CHOICE_TYPES:
                scale = self.scales.get(ref.scale) if ref.scale else None
                if ref.scale and scale is None:
                    return
                options = scale.options if scale else ref.choices + ref.missing
                if not any(type(c.value) is type(v) and c.value == v for c in options):
                    self.add(pc.node, pc.key, pc.path, f"{v!r} is not a choice of {ref.key!r}")
            elif ref.type == "number" and not _is_number(v):
                self.add(pc.node, pc.key, pc.path, f"{ref.key!r} is a number; {v!r} is not")
            elif ref.type == "text" and not isinstance(v, str):
                self.add(pc.node, pc.key, pc.path, f"{ref.key!r} is text; {v!r} is not")

    def _check_cross(
        self,
        tree: Mapping[str, Any],
        kind: str | None,
        domains: list[Domain],
        scoring: Scoring | None,
    ) -> None:
        used = self.used_domains
        lst = tree.get("domains") or []
        for d in lst:
            if isinstance(d, Mapping) and d.get("key") in self.domain_keys and d["key"] not in used:
                self.add(d, "key", f"domains[{d['key']}].key", "no item names this domain")
        if self.has_scoring and not used:
            self.add(tree, "scoring", "scoring", "no item names a domain, so nothing is scored")
        if kind == "knowledge_check" and scoring is not None and scoring.pass_mark is None:
            self.add(tree, "scoring", "scoring.pass_mark", "a knowledge check needs a pass mark")
        if kind == "knowledge_check" and not self.has_scoring:
            self.add(tree, "kind", "scoring", "a knowledge check needs a scoring section")


def item_range(typ: str, scale: Scale) -> tuple[float, float]:
    """Lowest and highest score one answer to an item of this type can reach."""
    scores = scale.scores
    if not scores:
        return (0.0, 0.0)
    if typ != "multi":
        return (min(scores), max(scores))
    negatives = [s for s in scores if s < 0]
    positives = [s for s in scores if s > 0]
    # An empty selection is no answer, so a multi answer picks at least one choice.
    lo = sum(negatives) if negatives else min(scores)
    hi = sum(positives) if positives else max(scores)
    return (lo, hi)
