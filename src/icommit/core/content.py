"""Loading the shipped methodology (``src/icommit/content/``): YAML that remembers its lines.

Every content loader reads files through ``load_yaml`` so that a problem can name the file,
the line and the field. Loaders collect all problems and raise one ``ContentError`` listing
them; callers store nothing unless the whole set is valid.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"

#: Languages every content file must carry, side by side.
LANGUAGES = ("en", "de")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class ContentError(Exception):
    """One or more problems in content files; nothing was loaded."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class Node(dict[str, Any]):
    """A mapping that knows the line it started on (1-based), and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]


class NodeList(list[Any]):
    line: int = 0


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Node:
    result = Node()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[str(key)] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> NodeList:
    result = NodeList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(CONTENT_DIR.parent.parent.parent))
    except ValueError:
        return str(path)


def load_yaml(path: Path, *, max_bytes: int = 2_000_000) -> Any:
    """Parse one YAML file into Nodes with line numbers; raise ContentError on bad YAML."""
    name = relative(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ContentError([Problem(name, 0, "file", f"cannot be read: {exc}")]) from None
    if size > max_bytes:
        raise ContentError([Problem(name, 0, "file", f"larger than {max_bytes} bytes")])
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 (SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise ContentError([Problem(name, line, "yaml", str(exc.problem or exc))]) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ContentError([Problem(name, 0, "yaml", str(exc))]) from None


class Checker:
    """Collects problems while a loader walks a parsed file."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def add(self, node: Any, field: str, message: str) -> None:
        line = getattr(node, "key_lines", {}).get(field.rsplit(".", 1)[-1], 0) or getattr(
            node, "line", 0
        )
        self.problems.append(Problem(self.file, line, field, message))

    def require(self, node: Any, key: str, kind: type | tuple[type, ...], path: str) -> Any:
        """The value at ``key`` if present and of the right type, else None (a problem noted)."""
        if not isinstance(node, dict):
            self.add(node, path, "expected a mapping")
            return None
        if key not in node:
            self.add(node, f"{path}.{key}" if path else key, "is missing")
            return None
        value = node[key]
        if not isinstance(value, kind):
            kinds = (kind,) if isinstance(kind, type) else kind
            names = " or ".join(k.__name__ for k in kinds)
            self.add(node, f"{path}.{key}" if path else key, f"expected {names}")
            return None
        return value

    def text(self, node: Any, key: str, path: str) -> dict[str, str] | None:
        """A translated text: a mapping with a non-empty string for every language."""
        value = self.require(node, key, dict, path)
        if value is None:
            return None
        where = f"{path}.{key}" if path else key
        ok = True
        for lang in LANGUAGES:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.add(value, f"{where}.{lang}", f"needs a non-empty {lang} text")
                ok = False
        return {lang: value[lang].strip() for lang in LANGUAGES} if ok else None

    def raise_if_any(self) -> None:
        if self.problems:
            raise ContentError(self.problems)


def iter_files(folder: str, pattern: str = "*.yaml") -> Iterator[Path]:
    yield from sorted((CONTENT_DIR / folder).glob(pattern))


def translated(text: dict[str, str] | None, language: str) -> str:
    """Pick the text in the language, falling back to English."""
    if not text:
        return ""
    return text.get(language) or text.get("en") or ""
