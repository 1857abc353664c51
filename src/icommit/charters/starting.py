"""The starting draft of a team charter, shipped as country content in English and German.

Version 1 (``charters/starting-draft.yaml``) stays as published; version 2
(``charters/starting-draft/v2.yaml``) is written per country. Invariant: nothing is offered unless
the whole file is valid — every section in both languages, every placeholder known — and, in
version 2, no promise is offered for a country where a duty that rules it out applies in a
version-2 sector template of that country (checked on promise ids and duty codes, not on text),
and every duty code a promise names exists. One ContentError names the file, line and field of
every problem.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from icommit.charters.models import SECTIONS
from icommit.core.content import (
    CONTENT_DIR,
    LANGUAGES,
    Checker,
    load_yaml,
    relative,
    translated,
)
from icommit.stakeholders import content as sector_content
from icommit.teams.models import Scope, Team

#: Version 1, as published.
V1_PATH = CONTENT_DIR / "charters" / "starting-draft.yaml"
#: Later versions, one file each: ``starting-draft/v<N>.yaml``.
FOLDER = CONTENT_DIR / "charters" / "starting-draft"
PATH = V1_PATH  # the file version 1 was published as

#: A section written once for every country.
ALL = "all"
#: The text for every country without its own.
DEFAULT = "default"

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_PROMISE_ID = re.compile(r"^[a-z][a-z0-9_]{1,59}$")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::([a-z0-9_]+))?\}")
_VALUES = ("team", "city", "scope")


@dataclass(frozen=True)
class Promise:
    """A promise a charter text makes, and the duties under which a country's law breaks it."""

    id: str
    #: Country codes (and possibly "default") it is offered for; None means every country.
    countries: tuple[str, ...] | None
    ruled_out_by: tuple[str, ...]
    statute: str
    text: dict[str, str]

    def offered_for(self, country: str) -> bool:
        return self.countries is None or country in self.countries


@dataclass(frozen=True)
class StartingDraft:
    version: int
    #: section -> variant ("all", "default" or a country code) -> {language: text}
    sections: dict[str, dict[str, dict[str, str]]]
    #: How ``{scope}`` reads for each team scope.
    scopes: dict[str, dict[str, str]]
    changes: dict[str, str] = field(default_factory=dict)
    promises: dict[str, Promise] = field(default_factory=dict)
    #: Countries with their own text: code -> {language: name}.
    countries: dict[str, dict[str, str]] = field(default_factory=dict)
    #: What changed in each section since the previous version.
    section_changes: dict[str, dict[str, str]] = field(default_factory=dict)

    def variant(self, country: str) -> str:
        """The text variant a team in ``country`` reads: its own, or the default."""
        country = (country or "").upper()
        return country if country in self.countries else DEFAULT

    def section_text(self, name: str, country: str) -> dict[str, str]:
        variants = self.sections[name]
        return variants.get(ALL) or variants.get(self.variant(country)) or variants[DEFAULT]

    def render(self, *, country: str, language: str, values: Mapping[str, str]) -> dict[str, str]:
        """Every section for the country in the language, placeholders filled in."""

        def fill(match: re.Match[str]) -> str:
            name, arg = match.group(1), match.group(2)
            if name == "promise" and arg in self.promises:
                return translated(self.promises[arg].text, language)
            return values.get(name, match.group(0))

        return {
            name: _PLACEHOLDER.sub(fill, translated(self.section_text(name, country), language))
            for name in self.sections
        }


@dataclass(frozen=True)
class LegalDuties:
    """What the version-2 sector templates say, as the promises are checked against it."""

    #: Every code of the duty vocabulary.
    codes: frozenset[str]
    #: country -> the duties of its version-2 templates.
    by_country: Mapping[str, tuple[sector_content.SectorDuty, ...]]


def shipped_duties() -> LegalDuties:
    """The duty vocabulary and the duties of every shipped version-2 sector template."""
    loaded = sector_content.content()
    if loaded.v2 is None:
        return LegalDuties(frozenset(), {})
    countries = {t.country for t in loaded.v2.templates.values()}
    return LegalDuties(
        codes=frozenset(loaded.v2.duties),
        by_country={c: tuple(loaded.sector_duties(c)) for c in sorted(countries)},
    )


def load(path: Path = V1_PATH, *, duties: LegalDuties | None = None) -> StartingDraft:
    """Parse and check a starting draft; raise ContentError listing every problem.

    Version 2 and later are checked against ``duties`` (the shipped sector templates if None).
    """
    data = load_yaml(path)
    check = Checker(relative(path))
    version = check.require(data, "version", int, "")
    if isinstance(version, int) and version >= 2:
        return _load_v2(check, data, version, duties if duties is not None else shipped_duties())
    changes = check.require(data, "changes", str, "")
    check.require(data, "sources", list, "")
    # version 1 names the scopes there were when it was published; later scopes read as labels
    scopes = _scopes(check, data, required=("vrwe", "vie", "both"))
    raw = check.require(data, "sections", dict, "")
    sections: dict[str, dict[str, dict[str, str]]] = {}
    if raw is not None:
        for name in SECTIONS:
            text = check.text(raw, name, "sections")
            if text is not None:
                sections[name] = {ALL: text}
        _unknown_sections(check, raw)
    check.raise_if_any()
    return StartingDraft(
        version=version or 0,
        sections=sections,
        scopes=scopes,
        changes=dict.fromkeys(LANGUAGES, changes or ""),
    )


def _scopes(check: Checker, data: Any, *, required: tuple[str, ...]) -> dict[str, dict[str, str]]:
    scopes: dict[str, dict[str, str]] = {}
    raw = check.require(data, "scopes", dict, "")
    if raw is None:
        return scopes
    for scope in required:
        text = check.text(raw, scope, "scopes")
        if text is not None:
            scopes[scope] = text
    for scope in raw:
        if scope not in scopes:
            text = check.text(raw, scope, "scopes")
            if text is not None:
                scopes[scope] = text
    return scopes


def _unknown_sections(check: Checker, raw: dict[str, Any]) -> None:
    for name in raw:
        if name not in SECTIONS:
            check.add(raw, f"sections.{name}", "is not a charter section")


def _load_v2(check: Checker, data: Any, version: int, duties: LegalDuties) -> StartingDraft:
    changes = check.text(data, "changes", "") or {}
    check.require(data, "sources", list, "")
    check.text(data, "note", "")
    countries = _countries(check, data)
    scopes = _scopes(check, data, required=tuple(Scope.values))
    promises = _promises(check, data, countries, duties)
    sections = _sections(check, data, countries)
    section_changes: dict[str, dict[str, str]] = {}
    raw_changes = check.require(data, "section_changes", dict, "")
    if raw_changes is not None:
        for name in SECTIONS:
            text = check.text(raw_changes, name, "section_changes")
            if text is not None:
                section_changes[name] = text
    raw_sections = data.get("sections") if isinstance(data, dict) else None
    if isinstance(raw_sections, dict) and len(sections) == len(SECTIONS):
        _check_placeholders(check, raw_sections, sections, promises, countries)
    check.raise_if_any()
    return StartingDraft(
        version=version,
        sections=sections,
        scopes=scopes,
        changes=changes,
        promises=promises,
        countries=countries,
        section_changes=section_changes,
    )


def _countries(check: Checker, data: Any) -> dict[str, dict[str, str]]:
    result: dict[str, dict[str, str]] = {}
    raw = check.require(data, "countries", dict, "")
    for code in raw or {}:
        if not isinstance(code, str) or not _COUNTRY.match(code):
            check.add(raw, f"countries.{code}", "expected a two-letter country code such as DE")
            continue
        # a country with a broken name still counts, so its texts are not refused as well
        result[code] = check.text(raw, code, "countries") or {}
    return result


def _promises(
    check: Checker, data: Any, countries: Mapping[str, Any], duties: LegalDuties
) -> dict[str, Promise]:
    result: dict[str, Promise] = {}
    raw = check.require(data, "promises", list, "")
    for index, node in enumerate(raw or []):
        where = f"promises[{index}]"
        if not isinstance(node, dict):
            check.add(raw, where, "expected a mapping")
            continue
        promise_id = check.require(node, "id", str, where)
        if promise_id is None:
            continue
        if not _PROMISE_ID.match(promise_id):
            check.add(node, f"{where}.id", f"'{promise_id}' is not a lower_snake id")
            continue
        if promise_id in result:
            check.add(node, f"{where}.id", f"'{promise_id}' is used twice")
            continue
        valid, offered = _offered(check, node, where, promise_id, countries)
        ruled_out_by = _ruled_out_by(check, node, where, promise_id, duties)
        text = check.text(node, "text", where)
        statute = node.get("statute", "")
        if not isinstance(statute, str):
            check.add(node, f"{where}.statute", "expected str")
            statute = ""
        if not valid or text is None:
            continue
        result[promise_id] = Promise(
            id=promise_id,
            countries=offered,
            ruled_out_by=ruled_out_by or (),
            statute=statute.strip(),
            text=text,
        )
        if ruled_out_by is None:  # an unknown code: noted already
            continue
        if ruled_out_by and (offered is None or DEFAULT in offered):
            check.add(
                node,
                f"{where}.countries",
                f"promise '{promise_id}' can be ruled out by a duty, so it is offered only for "
                "named countries, never for every country or the default text",
            )
            continue
        for country in offered or ():
            for duty in duties.by_country.get(country, ()):
                if duty.applies and duty.code in ruled_out_by:
                    check.add(
                        node,
                        f"{where}.ruled_out_by",
                        f"promise '{promise_id}' is offered for {country}, but duty "
                        f"'{duty.id}' ({duty.code}) applies in the {country} template of sector "
                        f"'{duty.sector}' and rules it out",
                    )
    return result


def _offered(
    check: Checker, node: Any, where: str, promise_id: str, countries: Mapping[str, Any]
) -> tuple[bool, tuple[str, ...] | None]:
    """Whether the countries are valid, and the countries (None for every country)."""
    value = node.get("countries")
    if value == ALL:
        return True, None
    if not isinstance(value, list) or not value:
        check.add(node, f"{where}.countries", f"promise '{promise_id}': expected 'all' or a list")
        return False, None
    ok = True
    for code in value:
        if code != DEFAULT and code not in countries:
            check.add(
                node,
                f"{where}.countries",
                f"promise '{promise_id}': '{code}' is not a country of this file",
            )
            ok = False
    return ok, tuple(value)


def _ruled_out_by(
    check: Checker, node: Any, where: str, promise_id: str, duties: LegalDuties
) -> tuple[str, ...] | None:
    value = check.require(node, "ruled_out_by", list, where)
    if value is None:
        return None
    ok = True
    for code in value:
        if code not in duties.codes:
            check.add(
                node,
                f"{where}.ruled_out_by",
                f"promise '{promise_id}': unknown duty code '{code}'",
            )
            ok = False
    return tuple(value) if ok else None


def _sections(
    check: Checker, data: Any, countries: Mapping[str, Any]
) -> dict[str, dict[str, dict[str, str]]]:
    result: dict[str, dict[str, dict[str, str]]] = {}
    raw = check.require(data, "sections", dict, "")
    if raw is None:
        return result
    for name in SECTIONS:
        variants = check.require(raw, name, dict, "sections")
        if variants is None:
            continue
        where = f"sections.{name}"
        if set(variants) != {ALL} and DEFAULT not in variants:
            check.add(variants, where, "needs 'all', or 'default' beside the countries' texts")
            continue
        texts: dict[str, dict[str, str]] = {}
        for key in variants:
            if key == ALL and len(variants) > 1:
                check.add(variants, f"{where}.{key}", "'all' cannot stand beside other texts")
            elif key not in (ALL, DEFAULT) and key not in countries:
                check.add(variants, f"{where}.{key}", "is not a country of this file")
            else:
                text = check.text(variants, key, where)
                if text is not None:
                    texts[key] = text
        if len(texts) == len(variants):
            result[name] = texts
    _unknown_sections(check, raw)
    return result


def _check_placeholders(
    check: Checker,
    raw: dict[str, Any],
    sections: Mapping[str, Mapping[str, dict[str, str]]],
    promises: Mapping[str, Promise],
    countries: Mapping[str, Any],
) -> None:
    """Placeholders are known, the same in both languages, and each country's text makes
    exactly the promises offered for that country."""
    used: dict[str, set[str]] = {key: set() for key in (*countries, DEFAULT)}
    for name, variants in sections.items():
        for key, text in variants.items():
            where = f"sections.{name}.{key}"
            node = raw[name][key]
            found: dict[str, set[str]] = {}
            for lang in LANGUAGES:
                found[lang] = set()
                for match in _PLACEHOLDER.finditer(text[lang]):
                    kind, arg = match.group(1), match.group(2)
                    if kind == "promise" and arg:
                        found[lang].add(arg)
                    elif kind not in _VALUES or arg:
                        check.add(node, f"{where}.{lang}", f"unknown placeholder {match.group(0)}")
            if found["en"] != found["de"]:
                check.add(node, where, "the English and German texts make different promises")
            for promise_id in sorted(found["en"] | found["de"]):
                if promise_id not in promises:
                    check.add(node, where, f"unknown promise '{promise_id}'")
            readers = list(used) if key == ALL else [key]
            for reader in readers:
                used[reader] |= (found["en"] | found["de"]) & set(promises)
    for reader, made in used.items():
        offered = {p.id for p in promises.values() if p.offered_for(reader)}
        label = "the default text" if reader == DEFAULT else f"the {reader} text"
        for promise_id in sorted(made - offered):
            check.add(
                raw, "sections", f"{label} makes promise '{promise_id}', not offered for {reader}"
            )
        for promise_id in sorted(offered - made):
            check.add(
                raw,
                "sections",
                f"promise '{promise_id}' is offered for {reader} but {label} does not make it",
            )


# --- the shipped drafts ------------------------------------------------------------------------


@cache
def starting_drafts() -> dict[int, StartingDraft]:
    """Every shipped version of the starting draft, by number."""
    drafts = {1: load(V1_PATH)}
    for path in sorted(FOLDER.glob("v*.yaml")):
        draft = load(path)
        drafts[draft.version] = draft
    return drafts


def starting_draft() -> StartingDraft:
    """The newest version, the one a new charter starts from."""
    drafts = starting_drafts()
    return drafts[max(drafts)]


def _values(team: Team, draft: StartingDraft, language: str) -> dict[str, str]:
    scope = translated(draft.scopes.get(team.scope), language) or str(team.get_scope_display())
    return {"team": team.name, "city": team.city, "scope": scope}


def starting_text(
    *, team: Team, language: str, draft: StartingDraft | None = None
) -> dict[str, str]:
    """The starting draft's sections for the team's country, in the language, filled in."""
    draft = draft or starting_draft()
    return draft.render(
        country=team.country, language=language, values=_values(team, draft, language)
    )


def starting_country(*, team: Team, language: str) -> str:
    """The name of the country whose text the team starts from, or "" for the general text."""
    draft = starting_draft()
    return translated(draft.countries.get(draft.variant(team.country)), language)


# --- what a newer starting draft changes ------------------------------------------------------


@dataclass(frozen=True)
class SectionChange:
    name: str
    #: What changed in this section, in the language.
    note: str
    #: The section as the newer starting draft reads for the team, in the language.
    text: str


@dataclass(frozen=True)
class StartingUpdate:
    """A newer starting draft than the one the team's charter began from."""

    version: int
    started_from: int
    #: The country whose text the newer draft gives the team, or "" for the general text.
    country: str
    changes: str
    sections: tuple[SectionChange, ...]


def _similarity(first: Mapping[str, str], text: Mapping[str, str]) -> float:
    total = 0.0
    for name in SECTIONS:
        a, b = (first.get(name) or "").split(), (text.get(name) or "").split()
        total += difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    return total


def started_from(*, team: Team, first: Mapping[str, str]) -> int:
    """The starting-draft version the team's first charter text is closest to.

    A charter does not record which version it started from; its first text tells. A version
    counts only if it is closer than every older one, so a rewritten charter counts as older.
    """
    best_version, best = 0, -1.0
    for number, draft in sorted(starting_drafts().items()):
        score = max(
            _similarity(first, starting_text(team=team, language=lang, draft=draft))
            for lang in LANGUAGES
        )
        if score > best:
            best_version, best = number, score
    return best_version


def starting_update(
    *, team: Team, first: Mapping[str, str] | None, language: str
) -> StartingUpdate | None:
    """What the newest starting draft changes, for a team whose charter began from an older one.

    Only shown, never applied: the team's charter changes only when its coordinator edits it.
    """
    if first is None:
        return None
    newest = starting_draft()
    origin = started_from(team=team, first=first)
    if origin >= newest.version:
        return None
    text = starting_text(team=team, language=language, draft=newest)
    return StartingUpdate(
        version=newest.version,
        started_from=origin,
        country=starting_country(team=team, language=language),
        changes=translated(newest.changes, language),
        sections=tuple(
            SectionChange(
                name=name,
                note=translated(newest.section_changes.get(name), language),
                text=text[name],
            )
            for name in SECTIONS
        ),
    )
