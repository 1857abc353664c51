"""Consent templates and the statutory legal bases of a disclosure, shipped as content.

``content/cases/consent/v<n>.yaml`` holds the consent templates the case pages show and print:
one per audience (adult, minor, easy language) and country ("general" for every country without
its own). Each keeps three things apart in three sections: agreement to take part in voluntary
support, release from confidentiality for named recipients, categories and a purpose, and the
GDPR legal basis of a disclosure with the person's rights.

``content/cases/legal_bases/v<n>.yaml`` holds, per country, the statutory provisions a team may
name as the legal basis of a disclosure, and "general" entries offered in every country.

Invariant: nothing is returned unless the whole file is valid — every text in English and German,
only the allowed placeholders (the same ones in both languages), the three sections in every
template and a general template for every audience, every release naming its recipients,
categories and purpose, every legal basis naming its statute and marked as country law to be
checked with the legal service, and only known sector and data-category codes. ``load_consent``
and ``load_legal_bases`` raise one ``ContentError`` listing every problem, each naming the file,
the line and the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from icommit.cases.process import _key
from icommit.core.content import (
    CONTENT_DIR,
    LANGUAGES,
    Checker,
    load_yaml,
    relative,
    translated,
)
from icommit.stakeholders.content import content
from icommit.stakeholders.sectors import Sector

CONSENT_PATH = CONTENT_DIR / "cases" / "consent" / "v1.yaml"
LEGAL_BASES_PATH = CONTENT_DIR / "cases" / "legal_bases" / "v1.yaml"

#: The country key of the texts for every country without its own.
GENERAL = "general"
#: Who a consent template is written for: adults, minors, and easy language.
AUDIENCES = ("adult", "minor", "easy")
#: The three things a consent template keeps apart, one section each, in this order.
SECTIONS = ("support", "release", "legal_basis")
#: The names the case page fills in; no other ``{...}`` may appear in a consent text.
PLACEHOLDERS = frozenset(
    {
        "client_pseudonym",
        "organisation",
        "professional",
        "recipients",
        "categories",
        "purpose",
        "date",
    }
)
#: What a release from confidentiality must name (in both languages).
RELEASE_NAMES = ("recipients", "categories", "purpose")
#: "Any sector" / "any data category" in a legal basis.
ANY = "any"
KINDS = ("duty", "permission")
#: Every legal statement is marked as country law to be checked (CONTENT-GUIDE.md).
CHECK_MARK = {"en": "legal service", "de": "Rechtsabteilung"}

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_BRACES = re.compile(r"\{([^{}]*)\}")

_TEMPLATE_FIELDS = {
    "audience",
    "country",
    "version",
    "sources",
    "title",
    "intro",
    *SECTIONS,
    "signature",
    "guidance",
    "limits",
}
_BASIS_FIELDS = {
    "code",
    "kind",
    "statute",
    "imminent_danger",
    "label",
    "allows",
    "does_not_allow",
    "sectors",
    "categories",
    "note",
}


def fill(text: str, values: Mapping[str, str], blank: str = "______________") -> str:
    """``text`` with each ``{name}`` replaced by ``values[name]``; a missing or empty value
    becomes ``blank``, a line to fill in by hand on the printed form. Values are inserted as
    they are (the page escapes them), never interpreted as a format string."""
    return _BRACES.sub(lambda m: str(values.get(m.group(1)) or blank), text)


def paragraphs(text: dict[str, str], language: str) -> list[str]:
    """The text in ``language`` split into its paragraphs (one per line)."""
    return [line.strip() for line in translated(text, language).splitlines() if line.strip()]


# --- consent templates -------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    key: str
    heading: dict[str, str]
    text: dict[str, str]


@dataclass(frozen=True)
class ConsentTemplate:
    audience: str
    country: str
    version: int
    sources: tuple[str, ...]
    title: dict[str, str]
    intro: dict[str, str]
    support: Section
    release: Section
    legal_basis: Section
    signature: dict[str, str]
    #: For the professional; shown on the page, not printed.
    guidance: dict[str, str]
    limits: dict[str, str]

    @property
    def sections(self) -> tuple[Section, Section, Section]:
        return (self.support, self.release, self.legal_basis)

    def title_in(self, language: str) -> str:
        return translated(self.title, language)


@dataclass(frozen=True)
class ConsentContent:
    version: int
    changes: dict[str, str]
    sources: tuple[str, ...]
    #: (audience, country) → template; every audience has a GENERAL one.
    templates: dict[tuple[str, str], ConsentTemplate]

    def template(self, audience: str, country: str = GENERAL) -> ConsentTemplate:
        """The template for ``audience`` in ``country``, else the general one."""
        if audience not in AUDIENCES:
            raise KeyError(audience)
        own = self.templates.get((audience, country.upper()))
        return own or self.templates[(audience, GENERAL)]

    def for_country(self, country: str = GENERAL) -> dict[str, ConsentTemplate]:
        """audience → template for ``country``, each falling back to the general one."""
        return {audience: self.template(audience, country) for audience in AUDIENCES}


def _sources(check: Checker, node: Any, where: str) -> tuple[str, ...]:
    sources = check.require(node, "sources", list, where)
    if sources is None:
        return ()
    field = f"{where}.sources" if where else "sources"
    if not sources:
        check.add(node, field, "name at least one source")
    if not all(isinstance(s, str) and s.strip() for s in sources):
        check.add(node, field, "every source must be a non-empty text")
        return ()
    return tuple(s.strip() for s in sources)


def _version(check: Checker, node: Any, where: str) -> int:
    value = check.require(node, "version", int, where)
    if isinstance(value, bool) or (isinstance(value, int) and value < 1):
        check.add(node, f"{where}.version" if where else "version", "must be a whole number ≥ 1")
        return 0
    return value or 0


def _unknown_keys(check: Checker, node: Any, allowed: set[str], where: str) -> None:
    if isinstance(node, dict):
        for key in node:
            if key not in allowed:
                check.add(node, f"{where}.{key}", "is not a field of this entry")


def _placeholders(check: Checker, node: Any, key: str, where: str) -> dict[str, set[str]]:
    """Check the placeholders of the translated text at ``node[key]``; return them per language."""
    value = node.get(key) if isinstance(node, dict) else None
    found: dict[str, set[str]] = {}
    if not isinstance(value, dict):
        return found
    field = f"{where}.{key}"
    for lang in LANGUAGES:
        text = value.get(lang)
        if not isinstance(text, str):
            continue
        names = set(_BRACES.findall(text))
        found[lang] = names
        unknown = sorted(n for n in names if n not in PLACEHOLDERS)
        if unknown:
            allowed = ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS))
            check.add(
                value, f"{field}.{lang}", f"unknown placeholder {unknown}; allowed: {allowed}"
            )
        if _BRACES.sub("", text).count("{") or _BRACES.sub("", text).count("}"):
            check.add(value, f"{field}.{lang}", "has a brace that is not part of a placeholder")
    if len(found) == len(LANGUAGES) and len({frozenset(v) for v in found.values()}) > 1:
        check.add(
            value,
            field,
            "en and de use different placeholders: "
            + ", ".join(f"{lang} {sorted(found[lang])}" for lang in LANGUAGES),
        )
    return found


def _consent_text(check: Checker, node: Any, key: str, where: str) -> dict[str, str] | None:
    text = check.text(node, key, where)
    _placeholders(check, node, key, where)
    return text


def _marked(check: Checker, node: Any, key: str, where: str, text: dict[str, str] | None) -> None:
    """A legal statement says it is country law to be checked with the legal service."""
    if text is None:
        return
    for lang, phrase in CHECK_MARK.items():
        if phrase.lower() not in text[lang].lower():
            check.add(
                node[key],
                f"{where}.{key}.{lang}",
                f"must say to check with the organisation's legal service ({phrase!r})",
            )


def _section(check: Checker, node: Any, key: str, where: str) -> Section | None:
    raw = check.require(node, key, dict, where)
    if raw is None:
        return None
    here = f"{where}.{key}"
    _unknown_keys(check, raw, {"heading", "text"}, here)
    heading = _consent_text(check, raw, "heading", here)
    text = _consent_text(check, raw, "text", here)
    if key == "release" and text is not None:
        for lang in LANGUAGES:
            missing = [n for n in RELEASE_NAMES if "{" + n + "}" not in text[lang]]
            if missing:
                names = ", ".join("{" + n + "}" for n in missing)
                check.add(raw["text"], f"{here}.text.{lang}", f"a release must name {names}")
    if heading is None or text is None:
        return None
    return Section(key, heading, text)


def _country(check: Checker, node: Any, value: Any, field: str) -> str | None:
    if not isinstance(value, str) or not (value == GENERAL or _COUNTRY.match(value)):
        check.add(
            node, field, f"{value!r} is not a country: use two capital letters or {GENERAL!r}"
        )
        return None
    return value


def load_consent(path: Path = CONSENT_PATH) -> ConsentContent:
    """Parse and check the consent templates; raise ContentError listing every problem."""
    data = load_yaml(path)
    check = Checker(relative(path))
    _unknown_keys(check, data, {"version", "changes", "sources", "templates"}, "")
    version = _version(check, data, "")
    changes = check.text(data, "changes", "") or {}
    sources = _sources(check, data, "")

    templates: dict[tuple[str, str], ConsentTemplate] = {}
    declared: set[tuple[str, str]] = set()
    for index, node in enumerate(check.require(data, "templates", list, "") or []):
        where = f"templates[{index}]"
        if not isinstance(node, dict):
            check.add(node, where, "expected a mapping")
            continue
        _unknown_keys(check, node, _TEMPLATE_FIELDS, where)
        audience = check.require(node, "audience", str, where)
        if audience is not None and audience not in AUDIENCES:
            check.add(node, f"{where}.audience", f"{audience!r} is not one of {list(AUDIENCES)}")
            audience = None
        raw_country = check.require(node, "country", str, where)
        country = (
            _country(check, node, raw_country, f"{where}.country")
            if raw_country is not None
            else None
        )
        unique = True
        if audience and country:
            if (audience, country) in declared:
                check.add(node, f"{where}.country", f"a second template for {audience}/{country}")
                unique = False
            declared.add((audience, country))
        template_version = _version(check, node, where)
        template_sources = _sources(check, node, where)
        texts = {
            key: _consent_text(check, node, key, where)
            for key in ("title", "intro", "signature", "guidance")
        }
        limits = _consent_text(check, node, "limits", where)
        _marked(check, node, "limits", where, limits)
        support, release, basis = (_section(check, node, key, where) for key in SECTIONS)
        if (
            audience
            and country
            and unique
            and limits
            and template_version
            and template_sources
            and all(texts.values())
            and support
            and release
            and basis
        ):
            templates[(audience, country)] = ConsentTemplate(
                audience=audience,
                country=country,
                version=template_version,
                sources=template_sources,
                title=texts["title"] or {},
                intro=texts["intro"] or {},
                support=support,
                release=release,
                legal_basis=basis,
                signature=texts["signature"] or {},
                guidance=texts["guidance"] or {},
                limits=limits,
            )
    for audience in AUDIENCES:
        if (audience, GENERAL) not in declared:
            check.add(data, "templates", f"no {GENERAL!r} template for the audience {audience!r}")
    check.raise_if_any()
    return ConsentContent(
        version=version, changes=changes, sources=sources, templates=dict(templates)
    )


# --- legal bases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LegalBasis:
    code: str
    #: Two capital letters, or GENERAL for an entry offered in every country.
    country: str
    #: "duty" (the law obliges) or "permission" (the law allows).
    kind: str
    statute: str
    label: dict[str, str]
    allows: dict[str, str]
    does_not_allow: dict[str, str]
    #: Sector codes that may use it; None means any sector.
    sectors: frozenset[str] | None
    #: Data-category codes it typically covers; None means any category.
    categories: frozenset[str] | None
    #: True for the imminent-danger path (a second person confirms within 24 hours).
    imminent_danger: bool
    #: "Country-specific: check with your organisation's legal service."
    note: dict[str, str]

    def label_in(self, language: str) -> str:
        return translated(self.label, language)

    def usable_by(self, sector: str) -> bool:
        return self.sectors is None or sector in self.sectors

    def covers(self, category: str) -> bool:
        return self.categories is None or category in self.categories


@dataclass(frozen=True)
class LegalBases:
    version: int
    changes: dict[str, str]
    sources: tuple[str, ...]
    #: country (or GENERAL) → its entries, in file order.
    countries: dict[str, tuple[LegalBasis, ...]]

    def for_country(self, country: str) -> tuple[LegalBasis, ...]:
        """The entries of ``country``, then the general entries."""
        own = () if country.upper() == GENERAL.upper() else self.countries.get(country.upper(), ())
        return own + self.countries.get(GENERAL, ())

    def by_code(self) -> dict[str, LegalBasis]:
        return {basis.code: basis for entries in self.countries.values() for basis in entries}


def _codes(
    check: Checker, node: Any, key: str, where: str, known: Iterable[str], what: str
) -> tuple[bool, frozenset[str] | None]:
    """``any`` (→ None) or a non-empty list of known codes; (ok, value)."""
    value = node.get(key) if isinstance(node, dict) else None
    field = f"{where}.{key}"
    if value == ANY:
        return True, None
    if not isinstance(value, list) or not value:
        check.add(node, field, f"expected {ANY!r} or a list of {what} codes")
        return False, None
    allowed = set(known)
    unknown = [v for v in value if v not in allowed]
    if unknown:
        check.add(node, field, f"unknown {what} code(s) {unknown}")
        return False, None
    if len(set(value)) != len(value):
        check.add(node, field, f"a {what} code appears twice")
        return False, None
    return True, frozenset(value)


def _category_codes() -> frozenset[str]:
    return frozenset(content().data_categories)


def load_legal_bases(
    path: Path = LEGAL_BASES_PATH, *, categories: Iterable[str] | None = None
) -> LegalBases:
    """Parse and check the legal bases; raise ContentError listing every problem.

    ``categories``: the data-category codes entries may name (default: those in use,
    ``icommit.stakeholders.content.content().data_categories``)."""
    known_categories = frozenset(categories) if categories is not None else _category_codes()
    data = load_yaml(path)
    check = Checker(relative(path))
    _unknown_keys(check, data, {"version", "changes", "sources", "countries"}, "")
    version = _version(check, data, "")
    changes = check.text(data, "changes", "") or {}
    sources = _sources(check, data, "")

    seen: set[str] = set()
    countries: dict[str, tuple[LegalBasis, ...]] = {}
    raw_countries = check.require(data, "countries", dict, "") or {}
    if raw_countries and GENERAL not in raw_countries:
        check.add(raw_countries, "countries", f"needs {GENERAL!r} entries for every country")
    for raw_country, entries in raw_countries.items():
        country = _country(check, raw_countries, raw_country, f"countries.{raw_country}")
        if not isinstance(entries, list) or not entries:
            check.add(raw_countries, f"countries.{raw_country}", "expected a list of entries")
            continue
        found: list[LegalBasis] = []
        for index, node in enumerate(entries):
            where = f"countries.{raw_country}[{index}]"
            if not isinstance(node, dict):
                check.add(node, where, "expected a mapping")
                continue
            _unknown_keys(check, node, _BASIS_FIELDS, where)
            code = _key(check, node, "code", where, seen)
            if code is not None and not _CODE.match(code):
                check.add(node, f"{where}.code", "use lower-case letters, digits and _")
                code = None
            kind = check.require(node, "kind", str, where)
            if kind is not None and kind not in KINDS:
                check.add(node, f"{where}.kind", f"{kind!r} is not one of {list(KINDS)}")
                kind = None
            statute = check.require(node, "statute", str, where)
            if statute is not None and not statute.strip():
                check.add(node, f"{where}.statute", "name the statute, e.g. '§ 34 StGB'")
                statute = None
            elif statute and country != GENERAL and not re.search(r"\d", statute):
                check.add(
                    node, f"{where}.statute", "name the provision with its number, e.g. '§ 34 StGB'"
                )
                statute = None
            danger = check.require(node, "imminent_danger", bool, where)
            texts = {k: check.text(node, k, where) for k in ("label", "allows", "does_not_allow")}
            note = check.text(node, "note", where)
            _marked(check, node, "note", where, note)
            ok_sectors, sectors = _codes(check, node, "sectors", where, Sector.values, "sector")
            ok_categories, cats = _codes(
                check, node, "categories", where, known_categories, "data category"
            )
            if (
                country
                and code
                and kind
                and statute
                and danger is not None
                and note
                and all(texts.values())
                and ok_sectors
                and ok_categories
            ):
                found.append(
                    LegalBasis(
                        code=code,
                        country=country,
                        kind=kind,
                        statute=statute.strip(),
                        label=texts["label"] or {},
                        allows=texts["allows"] or {},
                        does_not_allow=texts["does_not_allow"] or {},
                        sectors=sectors,
                        categories=cats,
                        imminent_danger=danger,
                        note=note,
                    )
                )
        if country:
            countries[country] = tuple(found)
    check.raise_if_any()
    return LegalBases(version=version, changes=changes, sources=sources, countries=countries)


# --- cached accessors --------------------------------------------------------------------------


@cache
def consent_content() -> ConsentContent:
    """The shipped consent templates, loaded and checked once per process."""
    return load_consent()


def consent_templates(country: str = GENERAL) -> dict[str, ConsentTemplate]:
    """audience → the template for ``country`` (e.g. "DE"), falling back to the general one."""
    return consent_content().for_country(country)


def consent_template(audience: str, country: str = GENERAL) -> ConsentTemplate:
    """The template for ``audience`` ("adult", "minor", "easy") in ``country``; KeyError for an
    unknown audience."""
    return consent_content().template(audience, country)


@cache
def legal_bases_content() -> LegalBases:
    """The shipped legal bases, loaded and checked once per process."""
    return load_legal_bases()


def legal_bases(country: str) -> tuple[LegalBasis, ...]:
    """The statutory provisions a team in ``country`` may name: its own, then the general ones."""
    return legal_bases_content().for_country(country)


@cache
def _by_code() -> dict[str, LegalBasis]:
    return legal_bases_content().by_code()


def legal_basis(code: str) -> LegalBasis | None:
    """The legal basis with ``code`` (of any country), or None if the content has none."""
    return _by_code().get(code)
