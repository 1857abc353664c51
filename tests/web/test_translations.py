"""The German catalogue: complete, placeholders intact, up to date with the code, and in use.

The catalogue (``src/icommit/locale/de/LC_MESSAGES/django.po``) is read with a small parser
from the standard library; the compiled ``.mo`` is not kept in git, so the last test builds
it with ``msgfmt`` (GNU gettext) before asking Django for German text.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.test import override_settings
from django.utils import translation

import icommit

SRC = Path(icommit.__file__).resolve().parent
LC_MESSAGES = SRC / "locale" / "de" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"


# --- a small .po reader -------------------------------------------------------------------


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # index 0 for a singular entry
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _unquote(text: str, where: str) -> str:
    text = text.strip()
    assert len(text) >= 2, f"{where}: not a quoted string"
    assert text[0] == text[-1] == '"', f"{where}: not a quoted string"
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text[1:-1])


def parse_po(text: str, name: str = "django.po") -> list[Entry]:
    """Entries in file order, the header (empty msgid) included."""
    entries: list[Entry] = []
    current: Entry | None = None
    last: tuple[str, int | None] | None = None  # the field a continuation line extends

    def finish() -> None:
        nonlocal current, last
        if current is not None:
            entries.append(current)
        current, last = None, None

    for number, raw in enumerate(text.splitlines(), start=1):
        where = f"{name}:{number}"
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):  # obsolete entry: keep it visible, so a test can refuse it
            if current is None or current.msgid or current.msgstr:
                finish()
                current = Entry(line=number)
            current.obsolete = True
            continue
        if line.startswith("#"):
            if current is not None and (current.msgid or current.msgstr):
                finish()  # a comment after strings starts the next entry
            if current is None:
                current = Entry(line=number)
            if line.startswith("#,"):
                current.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if current is None:
            current = Entry(line=number)
        match = _KEYWORD.match(line)
        if match:
            keyword, index, quoted = match.groups()
            value = _unquote(quoted, where)
            if keyword == "msgctxt":
                if current.msgid or current.msgstr:
                    finish()
                    current = Entry(line=number)
                current.msgctxt, last = value, ("msgctxt", None)
            elif keyword == "msgid":
                if current.msgstr:
                    finish()
                    current = Entry(line=number)
                current.msgid, last = value, ("msgid", None)
            elif keyword == "msgid_plural":
                current.msgid_plural, last = value, ("msgid_plural", None)
            else:
                form = int(index) if index is not None else 0
                current.msgstr[form], last = value, ("msgstr", form)
        elif line.startswith('"'):
            assert last is not None, f"{where}: a string continues nothing"
            value = _unquote(line, where)
            kind, which = last
            if kind == "msgctxt":
                current.msgctxt = (current.msgctxt or "") + value
            elif kind == "msgid":
                current.msgid += value
            elif kind == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + value
            else:
                assert which is not None
                current.msgstr[which] += value
        else:
            raise AssertionError(f"{where}: cannot read {raw!r}")
    finish()
    return entries


@cache
def catalogue() -> tuple[dict[str, str], list[Entry]]:
    """(header fields, translatable entries) of the German catalogue."""
    assert PO.is_file(), f"{PO} is missing: run makemessages -l de in src/icommit"
    entries = parse_po(PO.read_text(encoding="utf-8"), PO.name)
    headers = [e for e in entries if e.msgid == "" and e.msgctxt is None and not e.obsolete]
    assert len(headers) == 1, "the catalogue needs exactly one header entry"
    header: dict[str, str] = {}
    for line in headers[0].msgstr.get(0, "").splitlines():
        if ":" in line:
            name, _sep, value = line.partition(":")
            header[name.strip()] = value.strip()
    return header, [e for e in entries if e is not headers[0]]


def _label(entry: Entry) -> str:
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    return f"line {entry.line}: {context}{entry.msgid!r}"


# --- (a) complete, nothing fuzzy ----------------------------------------------------------


def test_the_parser_reads_plural_context_flags_and_continuation_lines() -> None:
    sample = (
        'msgid ""\nmsgstr ""\n"Language: de\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgctxt "menu"\nmsgid "One %(n)s"\n'
        'msgid_plural "Many "\n"%(n)s"\nmsgstr[0] "Ein %(n)s"\nmsgstr[1] "Viele\\n"\n"%(n)s"\n'
        '#~ msgid "Gone"\n#~ msgstr "Weg"\n'
    )
    header, entry, gone = parse_po(sample)
    assert header.msgstr == {0: "Language: de\n"}
    assert entry.key == ("menu", "One %(n)s")
    assert entry.msgid_plural == "Many %(n)s"
    assert entry.msgstr == {0: "Ein %(n)s", 1: "Viele\n%(n)s"}
    assert entry.flags == {"fuzzy", "python-format"}
    assert gone.obsolete


def test_header_declares_german_plural_forms_and_utf8() -> None:
    header, _entries = catalogue()
    assert header.get("Language") == "de"
    assert header.get("Plural-Forms", "").replace(" ", "") == "nplurals=2;plural=(n!=1);"
    assert "charset=UTF-8" in header.get("Content-Type", "")


def test_every_entry_has_a_german_translation_and_none_is_fuzzy() -> None:
    _header, entries = catalogue()
    assert entries, "the catalogue has no entries"
    problems = []
    for entry in entries:
        if entry.obsolete:
            problems.append(f"{_label(entry)} is obsolete (run makemessages --no-obsolete)")
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"{_label(entry)} is fuzzy")
        expected = {0, 1} if entry.msgid_plural is not None else {0}
        if set(entry.msgstr) != expected:
            problems.append(f"{_label(entry)} has msgstr forms {sorted(entry.msgstr)}")
        empty = [n for n, text in entry.msgstr.items() if not text.strip()]
        if empty:
            problems.append(f"{_label(entry)} has no translation in form(s) {empty}")
    duplicates = [k for k, n in Counter(e.key for e in entries).items() if n > 1]
    problems += [f"duplicate msgid {key!r}" for key in duplicates]
    assert not problems, "\n".join(problems)


# --- (b) placeholders survive translation -------------------------------------------------

_PLACEHOLDER = re.compile(
    r"%\([^)]+\)[-#0+]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"  # %(name)s
    r"|%[-#0+]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"  # %s, %d
    r"|\{[A-Za-z_][\w.]*(?:![rsa])?(?::[^{}]*)?\}|\{\d*\}"  # {name}, {0}, {}
)


def placeholders(text: str) -> Counter[str]:
    return Counter(_PLACEHOLDER.findall(text.replace("%%", "").replace("{{", "").replace("}}", "")))


def test_placeholders_are_the_same_in_english_and_german() -> None:
    assert placeholders("%(n)s of %(total)s, %s, {name} and 100%%") == Counter(
        ["%(n)s", "%(total)s", "%s", "{name}"]
    )
    _header, entries = catalogue()
    problems = []
    for entry in entries:
        if entry.obsolete:
            continue
        if entry.msgid_plural is None:
            wanted = placeholders(entry.msgid)
            got = placeholders(entry.msgstr.get(0, ""))
            if got != wanted:
                problems.append(f"{_label(entry)}: {sorted(got)} instead of {sorted(wanted)}")
            continue
        # Plural forms may leave the number out of the singular, but nothing else may change.
        wanted_set = set(placeholders(entry.msgid)) | set(placeholders(entry.msgid_plural))
        for n, text in sorted(entry.msgstr.items()):
            got_set = set(placeholders(text))
            if not got_set <= wanted_set or (n > 0 and got_set != wanted_set):
                problems.append(
                    f"{_label(entry)} msgstr[{n}]: "
                    f"{sorted(got_set)} instead of {sorted(wanted_set)}"
                )
    assert not problems, "\n".join(problems)


# --- (c) the catalogue knows every string the code marks ----------------------------------

_PY_SINGULAR = {"_", "gettext", "gettext_lazy", "gettext_noop", "ugettext", "ugettext_lazy"}
_PY_PLURAL = {"ngettext", "ngettext_lazy"}
_PY_CONTEXT = {"pgettext", "pgettext_lazy"}
_PY_CONTEXT_PLURAL = {"npgettext", "npgettext_lazy"}


def _source_files(*suffixes: str) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(SRC):
        dirnames[:] = [d for d in dirnames if not d.startswith((".", "__")) and d != "locale"]
        found += [Path(dirpath) / f for f in filenames if f.endswith(suffixes)]
    return sorted(found)


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def python_msgids(source: str) -> set[tuple[str | None, str]]:
    """(context, msgid) of every gettext call whose arguments are plain string literals."""
    found: set[tuple[str | None, str]] = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        args = [_literal(a) for a in node.args]
        if name in _PY_SINGULAR | _PY_PLURAL and args and args[0] is not None:
            found.add((None, args[0]))
        elif (
            name in _PY_CONTEXT | _PY_CONTEXT_PLURAL
            and len(args) >= 2
            and args[0] is not None
            and args[1] is not None
        ):
            found.add((args[0], args[1]))
    return found


_STRING = r""""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'"""
_TRANSLATE_TAG = re.compile(r"\{%\s*trans(?:late)?\s+(" + _STRING + r")(.*?)%\}")
_CONTEXT_OPTION = re.compile(r"\bcontext\s+(" + _STRING + r")")
_BLOCK_TAG = re.compile(
    r"\{%\s*blocktrans(?:late)?\b(.*?)%\}(.*?)\{%\s*endblocktrans(?:late)?\s*%\}", re.DOTALL
)
_PLURAL_TAG = re.compile(r"\{%\s*plural\s*%\}")
_VARIABLE = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_TAG_OR_VARIABLE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
_CONSTANT = re.compile(r"""_\(((?:".*?")|(?:'.*?'))\)""")  # as Django's template constant_re
_COMMENTS = re.compile(r"\{%\s*comment\b.*?%\}.*?\{%\s*endcomment\s*%\}|\{#.*?#\}", re.DOTALL)


def _unescape_literal(quoted: str) -> str:
    return re.sub(r"\\(.)", r"\1", quoted[1:-1])


def _block_msgid(body: str, trimmed: bool) -> str:
    if trimmed:
        body = re.sub(r"\s*\n\s*", " ", body.strip())
    return _VARIABLE.sub(r"%(\1)s", body.replace("%", "%%"))


def template_msgids(source: str) -> set[tuple[str | None, str]]:
    """(context, msgid) of translate tags with a literal and of blocktranslate blocks."""
    source = _COMMENTS.sub("", source)
    found: set[tuple[str | None, str]] = set()
    for match in _TRANSLATE_TAG.finditer(source):
        literal, options = match.groups()
        context = _CONTEXT_OPTION.search(options)
        msgid = _unescape_literal(literal).replace("%", "%%")
        found.add((_unescape_literal(context.group(1)) if context else None, msgid))
    for token in _TAG_OR_VARIABLE.finditer(source):  # _("...") in tag and filter arguments
        for literal in _CONSTANT.findall(token.group(0)):
            found.add((None, ast.literal_eval(literal)))
    for match in _BLOCK_TAG.finditer(source):
        options, body = match.groups()
        context = _CONTEXT_OPTION.search(options)
        singular = _PLURAL_TAG.split(body)[0]
        found.add(
            (
                _unescape_literal(context.group(1)) if context else None,
                _block_msgid(singular, trimmed=re.search(r"\btrimmed\b", options) is not None),
            )
        )
    return found


def test_the_scanners_find_what_makemessages_finds() -> None:
    assert python_msgids(
        'x = _("One")\ny = gettext_lazy(\n    "Two "\n    "parts"\n)\nz = pgettext("c", "Three")\n'
        'w = _(f"{x}")\nv = ngettext("%(n)s day", "%(n)s days", 2)\n'
    ) == {(None, "One"), (None, "Two parts"), ("c", "Three"), (None, "%(n)s day")}
    assert template_msgids(
        '{% translate "Save" %}<a aria-label="{% trans \'Main\' %}">'
        '{% translate "Tab" context "menu" %}{% translate "50% off" as offer %}'
        "{# {% translate 'Hidden' %} #}"
        "{% blocktranslate with n=x|length %}Hi {{ n }}{% endblocktranslate %}"
        "{% blocktranslate count n=c %}{{ n }} team{% plural %}{{ n }} teams{% endblocktranslate %}"
        "{% blocktranslate trimmed %}\n  Long\n  text\n{% endblocktranslate %}"
        '{{ name|default:_("someone") }}'
    ) == {
        (None, "someone"),
        (None, "Save"),
        (None, "Main"),
        ("menu", "Tab"),
        (None, "50%% off"),
        (None, "Hi %(n)s"),
        (None, "%(n)s team"),
        (None, "Long text"),
    }


def test_every_marked_string_in_the_code_is_in_the_catalogue() -> None:
    _header, entries = catalogue()
    known = {e.key for e in entries if not e.obsolete}
    missing = []
    for path in _source_files(".py"):
        for key in sorted(python_msgids(path.read_text(encoding="utf-8")), key=str):
            if key not in known:
                missing.append(f"{path.relative_to(SRC)}: {key[1]!r}")
    for path in _source_files(".html", ".txt"):
        for key in sorted(template_msgids(path.read_text(encoding="utf-8")), key=str):
            if key not in known:
                missing.append(f"{path.relative_to(SRC)}: {key[1]!r}")
    assert not missing, (
        "strings not in the German catalogue; run makemessages -l de --no-obsolete in "
        "src/icommit and translate them:\n" + "\n".join(missing)
    )


# --- (d) Django serves the German text ----------------------------------------------------


def compile_catalogue() -> Path:
    """Build django.mo from django.po with msgfmt, replacing the old file atomically."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt (GNU gettext) is needed to compile the catalogue"
    fd, tmp = tempfile.mkstemp(suffix=".mo", dir=LC_MESSAGES)
    os.close(fd)
    try:
        result = subprocess.run(
            [msgfmt, "--check-format", "--check-header", "-o", tmp, str(PO)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"msgfmt failed:\n{result.stderr}"
        mo = LC_MESSAGES / "django.mo"
        os.replace(tmp, mo)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return mo


def test_django_answers_in_german_once_the_catalogue_is_compiled() -> None:
    mo = compile_catalogue()
    assert mo.stat().st_size > 0
    assert SRC / "locale" in [Path(p) for p in settings.LOCALE_PATHS]
    # Re-setting LOCALE_PATHS drops Django's cached catalogues, so the new .mo is read.
    with override_settings(LOCALE_PATHS=list(settings.LOCALE_PATHS)), translation.override("de"):
        assert translation.gettext("Log in") == "Anmelden"
        assert translation.gettext("Log out") == "Abmelden"
        assert translation.gettext("Audit log") == "Audit-Protokoll"
        assert translation.ngettext("%(n)s team", "%(n)s teams", 1) % {"n": 1} == "1 Team"
        assert translation.ngettext("%(n)s team", "%(n)s teams", 3) % {"n": 3} == "3 Teams"
    with translation.override("en"):
        assert translation.gettext("Log in") == "Log in"
