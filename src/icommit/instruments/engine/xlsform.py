"""XLSForm import and export for a documented subset, with our ``icommit_*`` columns and sheets.

Import reads a size-limited workbook with openpyxl, refuses everything outside the subset with
a problem naming sheet, row and column, and then runs the same checks as the YAML format, so a
workbook yields exactly the Definition its YAML twin would. Export writes what import reads.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .definition import (
    CHOICE_TYPES,
    Choice,
    Condition,
    Definition,
    DefinitionError,
    Item,
    Problem,
    Text,
)
from .yaml_format import INTEGER_LIKE, LANGUAGE, Node, NodeList, build_definition

MAX_XLSFORM_BYTES = 2_000_000
#: Generous for a real form, small enough that a crafted zip cannot exhaust memory.
MAX_UNZIPPED_BYTES = 25_000_000
MAX_ROWS = 2000
MAX_COLUMNS = 200
#: A run of this many empty rows ends a sheet, as in pyxform (which stops after 60): real forms
#: carry blank formatting down to row 1,048,576, and only rows that hold something count.
MAX_EMPTY_RUN = 60

LANGUAGE_NAMES = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "nl": "Nederlands",
    "da": "Dansk",
    "sv": "Svenska",
    "it": "Italiano",
    "es": "Español",
    "pl": "Polski",
    "ar": "العربية",
    "tr": "Türkçe",
}

#: Standard XLSForm columns whose content we cannot honour; a value there is refused.
REFUSED_COLUMNS = (
    "constraint",
    "calculation",
    "choice_filter",
    "repeat_count",
    "default",
    "trigger",
    "read_only",
)
SURVEY_EXTRAS = (
    "icommit_type",
    "icommit_scale",
    "icommit_domain",
    "icommit_weight",
    "icommit_reverse",
    "icommit_min",
    "icommit_max",
    "icommit_max_length",
    "icommit_rationale",
    "icommit_pair",
    "icommit_audience",
)
CHOICE_EXTRAS = ("icommit_score", "icommit_missing")
SETTINGS_EXTRAS = (
    "icommit_kind",
    "icommit_languages",
    "icommit_title",
    "icommit_description",
    "icommit_changes",
    "icommit_sources",
)
YES = ("yes", "true", "true()", "1")
NO = ("no", "false", "false()", "0", "")

ITEM_COLUMNS = {
    "key": "name",
    "type": "type",
    "text": "label",
    "hint": "hint",
    "scale": "type",
    "choices": "type",
    "missing": "type",
    "domain": "icommit_domain",
    "weight": "icommit_weight",
    "reverse": "icommit_reverse",
    "required": "required",
    "required_if": "required",
    "relevant": "relevant",
    "min": "icommit_min",
    "max": "icommit_max",
    "integer": "type",
    "max_length": "icommit_max_length",
    "rationale": "icommit_rationale",
    "pairs": "icommit_pair",
    "items": "type",
    "item": "relevant",
    "equals": "relevant",
    "in": "relevant",
    "answered": "relevant",
}


# ---------------------------------------------------------------- reading sheets


@dataclass
class _Row:
    number: int
    cells: dict[str, Any]

    def get(self, column: str) -> Any:
        return self.cells.get(column)

    def cell(self, column: str) -> str:
        v = self.cells.get(column)
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v).strip()


@dataclass
class _Sheet:
    name: str
    headers: list[str]
    rows: list[_Row] = field(default_factory=list)


def _header(raw: Any) -> str:
    """Lower-case the column name but keep the language part after ``::`` as written."""
    text = str(raw).strip()
    base, sep, lang = text.partition("::")
    return base.strip().lower() + (sep + lang.strip() if sep else "")


def _cell(v: Any) -> Any:
    if isinstance(v, str):
        v = v.strip()
        return v or None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _check_container(data: bytes, source: str) -> list[Problem]:
    if len(data) > MAX_XLSFORM_BYTES:
        return [Problem(source, None, "file", f"larger than {MAX_XLSFORM_BYTES} bytes")]
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        return [Problem(source, None, "file", "is not an .xlsx workbook (not a zip file)")]
    try:
        with zipfile.ZipFile(buffer) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return [Problem(source, None, "file", f"is not a readable .xlsx workbook: {exc}")]
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        return [Problem(source, None, "file", "is a zip file but not an .xlsx workbook")]
    if len(infos) > 1000 or sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
        return [Problem(source, None, "file", "unpacks to more than the allowed size")]
    return []


def _read_sheets(data: bytes, source: str, problems: list[Problem]) -> dict[str, _Sheet]:
    import openpyxl  # deferred: only imports of XLSForms need it

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on malformed files
        problems.append(Problem(source, None, "file", f"cannot be read as .xlsx: {exc}"))
        return {}
    sheets: dict[str, _Sheet] = {}
    try:
        for ws in wb.worksheets:
            if not hasattr(ws, "iter_rows"):
                continue
            name = ws.title.strip().lower()
            sheet = _Sheet(name=name, headers=[])
            # The stated size counts formatted blank cells; once it is reset, openpyxl yields only
            # the rows and cells the file holds instead of padding every row to that size.
            ws.reset_dimensions()
            filled = empty_run = 0
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                if len(values) > MAX_COLUMNS and any(
                    _cell(v) is not None for v in values[MAX_COLUMNS:]
                ):
                    problems.append(
                        Problem(source, number, name, f"has more than {MAX_COLUMNS} columns")
                    )
                    break
                cells = [_cell(v) for v in values[:MAX_COLUMNS]]
                if all(v is None for v in cells):
                    empty_run += 1
                    if empty_run == MAX_EMPTY_RUN:
                        break
                    continue
                empty_run = 0
                filled += 1
                if filled > MAX_ROWS:
                    problems.append(Problem(source, number, name, f"has more than {MAX_ROWS} rows"))
                    break
                if number == 1:
                    sheet.headers = [_header(v) if v is not None else "" for v in cells]
                    continue
                row = {
                    h: v for h, v in zip(sheet.headers, cells, strict=False) if h and v is not None
                }
                if row:
                    sheet.rows.append(_Row(number, row))
            sheets[name] = sheet
    finally:
        wb.close()
    return sheets


# ---------------------------------------------------------------- import


def _language_of(label: str) -> str | None:
    m = re.search(r"\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\)\s*$", label)
    if m:
        return m.group(1)
    return label if LANGUAGE.match(label) else None


def _node(sheet: str, row: int | None, columns: Mapping[str, str], **values: Any) -> Node:
    n = Node({k: v for k, v in values.items() if v is not None})
    n.line = row
    n.key_lines = dict.fromkeys(n, row) if row is not None else {}
    n.sheet = sheet
    n.columns = columns
    return n


def _list(sheet: str, row: int | None, values: Iterable[Any] = ()) -> NodeList:
    lst = NodeList(values)
    lst.line = row
    lst.item_lines = [getattr(v, "line", None) or row or 0 for v in lst]
    lst.sheet = sheet
    return lst


def _number(text: str) -> Any:
    """Numbers typed as text become numbers; anything else is left for the checker to refuse."""
    if INTEGER_LIKE.match(text):
        return int(text)
    try:
        return float(text)
    except ValueError:
        return text


def _value(v: Any) -> Any:
    if v is None:
        return None
    return _number(v) if isinstance(v, str) else v


def _flag(text: str) -> Any:
    low = text.lower()
    if low in YES:
        return True
    if low in NO:
        return False
    return text


class _Importer:
    def __init__(self, source: str, sheets: dict[str, _Sheet]):
        self.source = source
        self.sheets = sheets
        self.problems: list[Problem] = []
        self.languages: list[str] = []
        self.default_language = ""
        self.lists: dict[str, list[_Row]] = {}
        self.inline_lists: set[str] = set()
        self.scale_lists: set[str] = set()
        self.paired_names: dict[str, str] = {}
        self.survey_labels: dict[str, str] = {}
        self.survey_hints: dict[str, str] = {}

    def add(self, row: int | None, column: str, message: str) -> None:
        self.problems.append(Problem(self.source, row, column, message))

    # -- languages and texts

    def _languages(self, settings: _Row | None) -> None:
        survey = self.sheets.get("survey")
        default = settings.cell("default_language") if settings else ""
        self.default_language = (_language_of(default) or "") if default else ""
        if default and not self.default_language:
            self.add(
                settings.number if settings else None,
                "settings.default_language",
                f"cannot tell the language code of {default!r}; write e.g. English (en)",
            )
        listed = settings.cell("icommit_languages") if settings else ""
        if listed:
            self.languages = [x.strip() for x in listed.split(",") if x.strip()]
            return
        found: list[str] = [self.default_language] if self.default_language else []
        for sheet in (survey, self.sheets.get("choices")):
            for h in sheet.headers if sheet else []:
                base, _, lang = h.partition("::")
                code = _language_of(lang) if lang else None
                if base in ("label", "hint") and code and code not in found:
                    found.append(code)
        self.languages = found or ["en"]

    def _text_columns(self, sheet: _Sheet, base: str) -> dict[str, str]:
        """Language code → column for ``base::Lang`` columns (plain ``base`` = default language)."""
        out: dict[str, str] = {}
        for h in sheet.headers:
            b, sep, lang = h.partition("::")
            if b != base:
                continue
            code = (_language_of(lang) if sep else None) or (
                (self.default_language or self.languages[0]) if not sep else None
            )
            if code is None:
                self.add(
                    1, f"{sheet.name}.{h}", "cannot tell the language; write e.g. English (en)"
                )
            elif code not in self.languages:
                self.add(1, f"{sheet.name}.{h}", f"language {code!r} is not in icommit_languages")
            else:
                out[code] = h
        return out

    def _text(self, row: _Row, columns: dict[str, str]) -> dict[str, Any] | None:
        values = {lang: row.get(col) for lang, col in columns.items() if row.get(col) is not None}
        if not values:
            return None
        return {lang: v if isinstance(v, str) else str(v) for lang, v in values.items()}

    def _check_extras(self, sheet: _Sheet, allowed: tuple[str, ...]) -> None:
        for h in sheet.headers:
            base = h.partition("::")[0]
            if base.startswith("icommit_") and base not in allowed:
                self.add(
                    1, f"{sheet.name}.{h}", f"unknown column; expected one of {', '.join(allowed)}"
                )

    # -- the workbook

    def tree(self) -> Node:
        for required in ("survey", "settings"):
            if required not in self.sheets:
                self.add(None, required, "sheet is missing")
        settings_sheet = self.sheets.get("settings")
        settings = settings_sheet.rows[0] if settings_sheet and settings_sheet.rows else None
        if settings_sheet is not None and settings is None:
            self.add(2, "settings", "needs a row of values under the column names")
        self._languages(settings)
        top = self._settings(settings_sheet, settings)
        self._choices()
        top["sections"] = self._survey()
        scales = _node("choices", 1, {})
        for name in self.lists:
            if name in self.scale_lists or name not in self.inline_lists:
                scales[name] = self._options(name)
                scales.key_lines[name] = self.lists[name][0].number
        if scales:
            top["scales"] = scales
        self._domains(top)
        self._scoring(top)
        self._recommendations(top)
        return top

    def _settings(self, sheet: _Sheet | None, row: _Row | None) -> Node:
        columns = {
            "key": "form_id",
            "version": "version",
            "kind": "icommit_kind",
            "languages": "icommit_languages",
            "title": "icommit_title",
            "description": "icommit_description",
            "changes": "icommit_changes",
            "sources": "icommit_sources",
        }
        number = row.number if row else 2
        top = _node("settings", number, columns, format="icommit-instrument/1")
        langs = _list("settings", number, self.languages)
        top["languages"] = langs
        top.key_lines["languages"] = number
        if sheet is None or row is None:
            return top
        self._check_extras(sheet, SETTINGS_EXTRAS)
        top["key"] = row.cell("form_id") or None
        version = row.cell("version")
        top["version"] = _number(version) if version else None
        top["kind"] = row.cell("icommit_kind") or "survey"
        title = self._text(row, self._text_columns(sheet, "icommit_title"))
        if title is None and row.cell("form_title"):
            title = {self.languages[0]: row.cell("form_title")}
        top["title"] = title
        top["description"] = self._text(row, self._text_columns(sheet, "icommit_description"))
        top["changes"] = self._text(row, self._text_columns(sheet, "icommit_changes"))
        sources = [s.strip() for s in row.cell("icommit_sources").splitlines() if s.strip()]
        if sources:
            top["sources"] = _list("settings", number, sources)
        for k in list(top):
            if top[k] is None:
                del top[k]
            else:
                top.key_lines[k] = number
        return top

    def _choices(self) -> None:
        sheet = self.sheets.get("choices")
        if sheet is None:
            return
        self._check_extras(sheet, CHOICE_EXTRAS)
        for col in ("list_name", "name"):
            if col not in sheet.headers and sheet.rows:
                self.add(1, f"choices.{col}", "column is missing")
        for row in sheet.rows:
            name = row.cell("list_name")
            if not name:
                self.add(row.number, "choices.list_name", "is empty")
                continue
            if not row.cell("name"):
                self.add(row.number, "choices.name", "is empty")
                continue
            self.lists.setdefault(name, []).append(row)

    def _options(self, list_name: str) -> Node:
        rows = self.lists[list_name]
        sheet = self.sheets["choices"]
        labels = self._text_columns(sheet, "label")
        columns = {"choices": "list_name", "missing": "icommit_missing"}
        choices = _list("choices", rows[0].number)
        missing = _list("choices", rows[0].number)
        for row in rows:
            cols = {"value": "name", "label": "label", "score": "icommit_score"}
            score = _value(row.get("icommit_score"))
            c = _node(
                "choices",
                row.number,
                cols,
                value=_number(row.cell("name")),
                label=self._text(row, labels),
                score=score,
            )
            flag = _flag(row.cell("icommit_missing"))
            if flag not in (True, False):
                self.add(row.number, "choices.icommit_missing", "expected yes or no")
            target = missing if flag is True else choices
            target.append(c)
            target.item_lines.append(row.number)
        node = _node("choices", rows[0].number, columns, choices=choices)
        if missing:
            node["missing"] = missing
            node.key_lines["missing"] = rows[0].number
        return node

    # -- survey

    def _survey(self) -> NodeList:
        sheet = self.sheets.get("survey")
        sections = _list("survey", 1)
        if sheet is None:
            return sections
        self._check_extras(sheet, SURVEY_EXTRAS)
        for col in ("type", "name"):
            if col not in sheet.headers:
                self.add(1, f"survey.{col}", "column is missing")
        self.survey_labels = self._text_columns(sheet, "label")
        self.survey_hints = self._text_columns(sheet, "hint")
        section: Node | None = None
        implicit: Node | None = None
        repeat: Node | None = None
        paired: Node | None = None
        for row in sheet.rows:
            for col in REFUSED_COLUMNS:
                if row.get(col) is not None:
                    self.add(row.number, f"survey.{col}", "is outside the supported subset")
            raw = re.sub(r"\s+", " ", row.cell("type")).strip()
            kind = (
                raw.lower().replace("begin group", "begin_group").replace("end group", "end_group")
            )
            kind = kind.replace("begin repeat", "begin_repeat").replace("end repeat", "end_repeat")
            if not kind:
                self.add(row.number, "survey.type", "is empty")
                continue
            word = kind.split(" ")[0]
            if word == "begin_group":
                if section is not None or repeat is not None:
                    self.add(row.number, "survey.type", "nested groups are not supported")
                    continue
                section = self._section(row)
                sections.append(section)
                sections.item_lines.append(row.number)
                implicit = None
                paired = None
                continue
            if word == "end_group":
                if section is None or repeat is not None:
                    self.add(row.number, "survey.type", "end_group without a matching begin_group")
                section = None
                paired = None
                continue
            if word == "end_repeat":
                if repeat is None:
                    self.add(row.number, "survey.type", "end_repeat without a begin_repeat")
                repeat = None
                continue
            if section is None:
                if implicit is None:
                    implicit = self._implicit_section(row, len(sections))
                    sections.append(implicit)
                    sections.item_lines.append(row.number)
                target = implicit
            else:
                target = section
            if row.cell("icommit_pair"):
                self._pair_row(row, paired, word)
                continue
            paired = None
            item = self._item(row, kind, in_repeat=repeat is not None)
            if item is None:
                continue
            if word == "begin_repeat":
                if repeat is not None:
                    self.add(row.number, "survey.type", "nested repeats are not supported")
                    continue
                repeat = item
            if item.get("type") == "paired":
                paired = item
            if repeat is not None and item is not repeat:
                repeat["items"].append(item)
                repeat["items"].item_lines.append(row.number)
            else:
                target["items"].append(item)
                target["items"].item_lines.append(row.number)
        if repeat is not None:
            self.add(repeat.line, "survey.type", "begin_repeat without an end_repeat")
        if section is not None:
            self.add(section.line, "survey.type", "begin_group without an end_group")
        return sections

    def _section(self, row: _Row) -> Node:
        columns = {
            "key": "name",
            "title": "label",
            "intro": "hint",
            "audience": "icommit_audience",
            "items": "type",
        }
        return _node(
            "survey",
            row.number,
            columns,
            key=row.cell("name") or None,
            title=self._text(row, self.survey_labels),
            intro=self._text(row, self.survey_hints),
            audience=row.cell("icommit_audience") or None,
            items=_list("survey", row.number),
        )

    def _implicit_section(self, row: _Row, index: int) -> Node:
        """Rows outside any group form a section titled like the form."""
        settings = self.sheets.get("settings")
        title: dict[str, Any] | None = None
        if settings is not None and settings.rows:
            title = self._text(settings.rows[0], self._text_columns(settings, "icommit_title"))
            if title is None and settings.rows[0].cell("form_title"):
                title = {lang: settings.rows[0].cell("form_title") for lang in self.languages}
        return _node(
            "survey",
            row.number,
            {"title": "label", "items": "type"},
            key="main" if index == 0 else f"part_{index + 1}",
            title=title,
            items=_list("survey", row.number),
        )

    def _item(self, row: _Row, kind: str, *, in_repeat: bool) -> Node | None:
        parts = kind.split(" ")
        word = parts[0]
        extra = row.cell("icommit_type").lower()
        values: dict[str, Any] = {
            "key": row.cell("name") or None,
            "text": self._text(row, self.survey_labels),
            "hint": self._text(row, self.survey_hints),
        }
        if word in ("select_one", "select_multiple"):
            if len(parts) != 2 or parts[1] == "or_other":
                self.add(row.number, "survey.type", f"{row.cell('type')!r}: use `{word} <list>`")
                return None
            list_name = row.cell("type").split()[1]
            if list_name not in self.lists:
                self.add(
                    row.number, "survey.type", f"list {list_name!r} is not on the choices sheet"
                )
                return None
            named = row.cell("icommit_scale")
            if named and named.lower() not in YES and named != list_name:
                self.add(row.number, "survey.icommit_scale", f"expected yes or {list_name!r}")
            as_scale = bool(named) or extra == "likert"
            if word == "select_one":
                values["type"] = "likert" if as_scale and extra != "choice" else "choice"
            else:
                values["type"] = "multi"
            if extra and extra not in ("likert", "choice"):
                self.add(row.number, "survey.icommit_type", f"{extra!r} does not fit {word}")
            if as_scale:
                values["scale"] = list_name
                self.scale_lists.add(list_name)
            else:
                self.inline_lists.add(list_name)
                options = self._options(list_name)
                values["choices"] = options["choices"]
                if "missing" in options:
                    values["missing"] = options["missing"]
        elif word in ("integer", "decimal"):
            values.update(type="number", integer=word == "integer" or None)
            values["min"] = _value(row.get("icommit_min"))
            values["max"] = _value(row.get("icommit_max"))
        elif word == "text":
            values["type"] = "text"
            values["max_length"] = _value(row.get("icommit_max_length"))
        elif word == "note" and extra == "paired":
            values.update(type="paired", pairs=_list("survey", row.number))
            values["rationale"] = row.cell("icommit_rationale") or None
            self.paired_names[values["key"] or ""] = values["key"] or ""
        elif word == "note":
            values["type"] = "note"
        elif word == "begin_repeat":
            values.update(type="group", items=_list("survey", row.number))
            values["min"] = _value(row.get("icommit_min"))
            values["max"] = _value(row.get("icommit_max"))
        else:
            self.add(row.number, "survey.type", f"type {word!r} is outside the supported subset")
            return None
        if extra and word not in ("select_one", "select_multiple", "note"):
            self.add(row.number, "survey.icommit_type", f"{extra!r} does not fit {word}")
        if extra and word == "note" and extra != "paired":
            self.add(row.number, "survey.icommit_type", f"{extra!r} does not fit {word}")
        values["domain"] = row.cell("icommit_domain") or None
        values["weight"] = _value(row.get("icommit_weight"))
        reverse = row.cell("icommit_reverse")
        values["reverse"] = _flag(reverse) if reverse else None
        if values["type"] != "paired":
            self._required(row, values)
        relevant = row.cell("relevant")
        if relevant:
            values["relevant"] = self._condition(row, "relevant", relevant)
        node = _node("survey", row.number, ITEM_COLUMNS, **values)
        return node

    def _required(self, row: _Row, values: dict[str, Any]) -> None:
        required = row.cell("required")
        flag = _flag(required)
        if flag is True:
            values["required"] = True
        elif flag is not False:
            values["required_if"] = self._condition(row, "required", required)

    def _pair_row(self, row: _Row, paired: Node | None, word: str) -> None:
        owner = row.cell("icommit_pair")
        name = row.cell("name")
        if paired is None or paired.get("key") != owner:
            self.add(
                row.number,
                "survey.icommit_pair",
                f"must follow the note row of the paired item {owner!r}",
            )
            return
        prefix = f"{owner}__"
        if not name.startswith(prefix):
            self.add(row.number, "survey.name", f"expected a name starting with {prefix}")
            return
        key = name[len(prefix) :]
        if word == "text" and key == "rationale":
            return
        parts = row.cell("type").split()
        if word != "select_one" or len(parts) != 2:
            self.add(row.number, "survey.type", "a rating of a paired item is a select_one")
            return
        if parts[1] not in self.lists:
            self.add(row.number, "survey.type", f"list {parts[1]!r} is not on the choices sheet")
            return
        self.scale_lists.add(parts[1])
        if not paired["pairs"]:
            values: dict[str, Any] = {}
            self._required(row, values)
            for k, v in values.items():
                paired[k] = v
                paired.key_lines[k] = row.number
        pair = _node(
            "survey",
            row.number,
            {"key": "name", "scale": "type", "label": "label"},
            key=key,
            scale=parts[1],
            label=self._text(row, self.survey_labels),
        )
        paired["pairs"].append(pair)
        paired["pairs"].item_lines.append(row.number)

    # -- conditions

    def _condition(self, row: _Row, column: str, expr: str) -> Node | None:
        cond = parse_condition(expr)
        if cond is None:
            self.add(
                row.number,
                f"survey.{column}",
                f"{expr!r} is outside the supported subset: use ${{q}} = 'v', ${{q}} = 3, "
                "${q} != '', selected(${q}, 'v') or these joined by `or` on one question",
            )
            return None
        item, op, value = cond
        owner, _, rest = item.partition("__")
        if rest and owner in self.paired_names:
            item = owner
        columns = dict.fromkeys(("item", "equals", "in", "answered"), column)
        return _node("survey", row.number, columns, item=item, **{op: value})

    # -- extra sheets

    def _rows(self, name: str, columns: tuple[str, ...]) -> list[_Row]:
        sheet = self.sheets.get(name)
        if sheet is None:
            return []
        for h in sheet.headers:
            base = h.partition("::")[0]
            if h and base not in columns:
                self.add(1, f"{name}.{h}", f"unknown column; expected one of {', '.join(columns)}")
        return sheet.rows

    def _domains(self, top: Node) -> None:
        name = "icommit_domains"
        rows = self._rows(name, ("key", "title", "description"))
        if not rows:
            return
        sheet = self.sheets[name]
        titles = self._text_columns(sheet, "title")
        descriptions = self._text_columns(sheet, "description")
        cols = {"key": "key", "title": "title", "description": "description"}
        domains = [
            _node(
                name,
                r.number,
                cols,
                key=r.cell("key") or None,
                title=self._text(r, titles),
                description=self._text(r, descriptions),
            )
            for r in rows
        ]
        top["domains"] = _list(name, 1, domains)
        top.key_lines["domains"] = 1

    def _scoring(self, top: Node) -> None:
        name = "icommit_scoring"
        columns = (
            "method",
            "min_answered",
            "divergence_threshold",
            "pass_mark",
            "min_respondents",
        )
        rows = self._rows(name, columns)
        if name not in self.sheets:
            return
        if len(rows) != 1:
            self.add(2, name, "needs exactly one row of values")
            if not rows:
                return
        r = rows[0]
        values = {c: _value(r.get(c)) for c in columns}
        scoring = _node(name, r.number, {c: c for c in columns}, **values)
        bands_sheet = "icommit_bands"
        band_rows = self._rows(bands_sheet, ("key", "below", "label"))
        if band_rows:
            labels = self._text_columns(self.sheets[bands_sheet], "label")
            bands = [
                _node(
                    bands_sheet,
                    b.number,
                    {"key": "key", "below": "below", "label": "label"},
                    key=b.cell("key") or None,
                    below=_value(b.get("below")),
                    label=self._text(b, labels),
                )
                for b in band_rows
            ]
            scoring["bands"] = _list(bands_sheet, 1, bands)
            scoring.key_lines["bands"] = r.number
        top["scoring"] = scoring
        top.key_lines["scoring"] = 1

    def _recommendations(self, top: Node) -> None:
        name = "icommit_recommendations"
        rows = self._rows(name, ("domain", "band", "text", "phase_tasks", "modules"))
        if not rows:
            return
        texts = self._text_columns(self.sheets[name], "text")
        cols = {c: c for c in ("domain", "band", "text", "phase_tasks", "modules")}
        recs = []
        for r in rows:
            lists = {
                c: _list(name, r.number, [x.strip() for x in r.cell(c).split(",") if x.strip()])
                for c in ("phase_tasks", "modules")
            }
            recs.append(
                _node(
                    name,
                    r.number,
                    cols,
                    domain=r.cell("domain") or None,
                    band=r.cell("band") or None,
                    text=self._text(r, texts),
                    phase_tasks=lists["phase_tasks"] or None,
                    modules=lists["modules"] or None,
                )
            )
        top["recommendations"] = _list(name, 1, recs)
        top.key_lines["recommendations"] = 1


_REF = r"\$\{([a-z][a-z0-9_]*)\}"
_LITERAL = r"'([^']*)'|\"([^\"]*)\"|(-?[0-9]+(?:\.[0-9]+)?)"
_COMPARE = re.compile(rf"^{_REF}\s*(=|!=)\s*(?:{_LITERAL})$")
_SELECTED = re.compile(rf"^selected\(\s*{_REF}\s*,\s*(?:'([^']*)'|\"([^\"]*)\")\s*\)$")
_COUNT = re.compile(rf"^count\(\s*{_REF}\s*\)\s*(>|=)\s*0$")


def parse_condition(expr: str) -> tuple[str, str, Any] | None:
    """(item, op, value) for the supported XLSForm expressions, else None."""
    expr = expr.strip()
    m = _COUNT.match(expr)
    if m:
        return (m.group(1), "answered", m.group(2) == ">")
    parts = [p.strip() for p in re.split(r"\s+or\s+", expr)]
    item: str | None = None
    values: list[Any] = []
    for part in parts:
        sel = _SELECTED.match(part)
        cmp = _COMPARE.match(part)
        if sel:
            name, value = (
                sel.group(1),
                _number(sel.group(2) if sel.group(2) is not None else sel.group(3)),
            )
        elif cmp:
            name, op = cmp.group(1), cmp.group(2)
            text, text2, num = cmp.group(3), cmp.group(4), cmp.group(5)
            literal = text if text is not None else text2
            if literal == "" and len(parts) == 1:
                return (name, "answered", op == "!=")
            if op != "=" or literal == "":
                return None
            value = _number(literal) if literal is not None else _number(num)
        else:
            return None
        if item is not None and name != item:
            return None
        item = name
        values.append(value)
    if item is None:
        return None
    if len(values) == 1:
        return (item, "equals", values[0])
    return (item, "in", _list("survey", None, values))


def import_xlsform(data: bytes, *, source: str) -> Definition:
    """Read an XLSForm in the supported subset; raise DefinitionError listing every problem."""
    problems = _check_container(data, source)
    if problems:
        raise DefinitionError(problems)
    sheets = _read_sheets(data, source, problems)
    if problems:
        raise DefinitionError(problems)
    importer = _Importer(source, sheets)
    tree = importer.tree()
    try:
        defn = build_definition(tree, source=source)
    except DefinitionError as exc:
        raise DefinitionError(importer.problems + exc.problems) from None
    if importer.problems:
        raise DefinitionError(importer.problems)
    return defn


# ---------------------------------------------------------------- export


def _lang_column(base: str, lang: str) -> str:
    name = LANGUAGE_NAMES.get(lang)
    return f"{base}::{name} ({lang})" if name else f"{base}::{lang}"


def _literal(v: Any) -> str:
    return str(v) if isinstance(v, int | float) and not isinstance(v, bool) else f"'{v}'"


def export_condition(defn: Definition, cond: Condition) -> str:
    """The XLSForm expression for a condition (what ``parse_condition`` reads back)."""
    ref = defn.item(cond.item)
    name = cond.item
    if cond.op == "answered":
        if ref.type == "group":
            return f"count(${{{name}}}) {'>' if cond.answered else '='} 0"
        if ref.type == "paired":
            name = f"{name}__{ref.pairs[0].key}"
        return f"${{{name}}} {'!=' if cond.answered else '='} ''"
    parts = []
    for v in cond.values:
        if ref.type == "multi":
            parts.append(f"selected(${{{name}}}, '{v}')")
        elif ref.type in CHOICE_TYPES or ref.type == "text":
            parts.append(f"${{{name}}} = '{v}'")
        else:
            parts.append(f"${{{name}}} = {_literal(v)}")
    return " or ".join(parts)


def _num(x: float | None) -> int | float | None:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else x


def export_xlsform(defn: Definition) -> bytes:
    """An .xlsx XLSForm of the definition that pyxform compiles and ``import_xlsform`` reads."""
    # Deferred: only exports need openpyxl. Every cell goes through XlsxBook, so user text is
    # a typed text cell and never a formula (issue 9, point 3).
    from icommit.core.xlsx import XlsxBook  # deferred: only exports need openpyxl

    v2 = [f"scales.{k}.report" for k, s in defn.scales.items() if s.counts] + [
        f"recommendations[{i}]"
        for i, r in enumerate(defn.recommendations)
        if r.item is not None or r.phases
    ]
    if v2:
        raise DefinitionError(
            [
                Problem("xlsform", None, where, "XLSForm cannot carry this yet; use the YAML file")
                for where in v2
            ]
        )
    langs = defn.languages
    book = XlsxBook()
    survey = book.sheet("survey")
    survey_cols = [
        "type",
        "name",
        *[_lang_column("label", lang) for lang in langs],
        *[_lang_column("hint", lang) for lang in langs],
        "required",
        "relevant",
        *SURVEY_EXTRAS,
    ]
    survey.append(survey_cols)
    list_names: dict[str, str] = {}
    choices_rows: list[list[Any]] = []

    def texts(t: Text | None) -> list[Any]:
        return [t[lang] if t else None for lang in langs]

    def row(
        typ: str, name: str | None, label: Text | None, hint: Text | None = None, **extra: Any
    ) -> None:
        values = [typ, name, *texts(label), *texts(hint)]
        values += [extra.get(c) for c in survey_cols[len(values) :]]
        survey.append(values)

    def add_list(name: str, choices: Iterable[Choice], missing: Iterable[Choice]) -> None:
        for c in choices:
            choices_rows.append([name, str(c.value), *texts(c.label), _num(c.score), None])
        for c in missing:
            choices_rows.append([name, str(c.value), *texts(c.label), None, "yes"])

    for key, scale in defn.scales.items():
        add_list(key, scale.choices, scale.missing)

    def required(item: Item) -> str | None:
        if item.required:
            return "yes"
        if item.required_if is not None:
            return export_condition(defn, item.required_if)
        return None

    def relevant(item: Item) -> str | None:
        return None if item.relevant is None else export_condition(defn, item.relevant)

    def common(item: Item) -> dict[str, Any]:
        return {
            "required": required(item),
            "relevant": relevant(item),
            "icommit_domain": item.domain,
            "icommit_weight": None if item.weight == 1 else _num(item.weight),
            "icommit_reverse": "yes" if item.reverse else None,
        }

    def select_list(item: Item) -> str:
        if item.scale is not None:
            return item.scale
        name = item.key if item.key not in defn.scales else f"{item.key}__choices"
        add_list(name, item.choices, item.missing)
        list_names[item.key] = name
        return name

    def write_item(item: Item) -> None:
        extra = common(item)
        if item.type in CHOICE_TYPES:
            word = "select_multiple" if item.type == "multi" else "select_one"
            name = select_list(item)
            if item.scale is not None:
                extra["icommit_scale"] = item.scale
                if item.type == "choice":
                    extra["icommit_type"] = "choice"
            row(f"{word} {name}", item.key, item.text, item.hint, **extra)
        elif item.type == "number":
            extra.update(icommit_min=_num(item.min), icommit_max=_num(item.max))
            row("integer" if item.integer else "decimal", item.key, item.text, item.hint, **extra)
        elif item.type == "text":
            if item.max_length != 2000:
                extra["icommit_max_length"] = item.max_length
            row("text", item.key, item.text, item.hint, **extra)
        elif item.type == "note":
            row("note", item.key, item.text, item.hint, relevant=extra["relevant"])
        elif item.type == "paired":
            row(
                "note",
                item.key,
                item.text,
                item.hint,
                relevant=extra["relevant"],
                icommit_type="paired",
                icommit_rationale=item.rationale,
            )
            for pair in item.pairs:
                row(
                    f"select_one {pair.scale}",
                    f"{item.key}__{pair.key}",
                    pair.label,
                    required=extra["required"],
                    relevant=extra["relevant"],
                    icommit_pair=item.key,
                )
            if item.rationale != "none":
                row(
                    "text",
                    f"{item.key}__rationale",
                    {lang: RATIONALE_LABELS.get(lang, "Rationale") for lang in langs},
                    relevant=extra["relevant"],
                    icommit_pair=item.key,
                )
        elif item.type == "group":
            row(
                "begin_repeat",
                item.key,
                item.text,
                item.hint,
                required=extra["required"],
                relevant=extra["relevant"],
                icommit_min=_num(item.min),
                icommit_max=_num(item.max),
            )
            for sub in item.items:
                write_item(sub)
            row("end_repeat", None, None)

    for section in defn.sections:
        audience = None if section.audience == "all" else section.audience
        row("begin_group", section.key, section.title, section.intro, icommit_audience=audience)
        for item in section.items:
            write_item(item)
        row("end_group", None, None)

    choices = book.sheet("choices")
    choices.append(
        ["list_name", "name", *[_lang_column("label", lang) for lang in langs], *CHOICE_EXTRAS]
    )
    for choice_row in choices_rows:
        choices.append(choice_row)

    settings = book.sheet("settings")
    header = [
        "form_id",
        "version",
        "form_title",
        "default_language",
        "icommit_kind",
        "icommit_languages",
    ]
    values: list[Any] = [
        defn.key,
        str(defn.version),
        defn.title[langs[0]],
        _lang_column("label", langs[0]).partition("::")[2],
        defn.kind,
        ", ".join(langs),
    ]
    for base, text in (
        ("icommit_title", defn.title),
        ("icommit_description", defn.description),
        ("icommit_changes", defn.changes),
    ):
        if text is not None:
            header += [_lang_column(base, lang) for lang in langs]
            values += texts(text)
    if defn.sources:
        header.append("icommit_sources")
        values.append("\n".join(defn.sources))
    settings.append(header)
    settings.append(values)

    if defn.domains:
        ws = book.sheet("icommit_domains")
        has_desc = any(d.description for d in defn.domains)
        ws.append(
            [
                "key",
                *[_lang_column("title", lang) for lang in langs],
                *([_lang_column("description", lang) for lang in langs] if has_desc else []),
            ]
        )
        for d in defn.domains:
            ws.append([d.key, *texts(d.title), *(texts(d.description) if has_desc else [])])
    if defn.scoring is not None:
        sc = defn.scoring
        ws = book.sheet("icommit_scoring")
        ws.append(
            ["method", "min_answered", "divergence_threshold", "pass_mark", "min_respondents"]
        )
        ws.append(
            [
                sc.method,
                _num(sc.min_answered),
                _num(sc.divergence_threshold),
                _num(sc.pass_mark),
                sc.min_respondents,
            ]
        )
        ws = book.sheet("icommit_bands")
        ws.append(["key", "below", *[_lang_column("label", lang) for lang in langs]])
        for b in sc.bands:
            ws.append([b.key, _num(b.below), *texts(b.label)])
    if defn.recommendations:
        ws = book.sheet("icommit_recommendations")
        ws.append(
            [
                "domain",
                "band",
                *[_lang_column("text", lang) for lang in langs],
                "phase_tasks",
                "modules",
            ]
        )
        for r in defn.recommendations:
            ws.append(
                [r.domain, r.band, *texts(r.text), ", ".join(r.phase_tasks), ", ".join(r.modules)]
            )

    return book.to_bytes()


#: Label of the free-text row that carries a paired item's rationale in KoBo/ODK.
RATIONALE_LABELS = {"en": "Rationale", "de": "Begründung"}
