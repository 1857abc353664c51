"""The retention content (``content/dataprotection/retention/v<n>.yaml``): per data category and
country the period "to be set by the operator", with guidance; the platform's processing purposes
for the record of processing; the grounds on which an organisation may restrict its part of a
data-subject export.

Invariant: nothing is returned unless the whole file is valid — every text in English and German,
every data category of ``content/data_categories`` (and the case record) present once, every
period left to the operator (``null``: the project ships no number), the countries DE, DK, NL and
the general row on each category. ``load_retention`` raises one ``ContentError`` listing every
problem with file, line and field.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from icommit.core.content import CONTENT_DIR, Checker, ContentError, load_yaml, relative, translated
from icommit.dataprotection.models import CASE_RECORD
from icommit.stakeholders.content import content

RETENTION_PATH = CONTENT_DIR / "dataprotection" / "retention" / "v1.yaml"
#: The countries every category carries a row for ("general": every other country).
COUNTRIES = ("general", "DE", "DK", "NL")


@dataclass(frozen=True)
class Text:
    code: str
    label: dict[str, str]

    def label_in(self, language: str) -> str:
        return translated(self.label, language)


@dataclass(frozen=True)
class CategoryRetention:
    code: str
    guidance: dict[str, str]
    #: country -> shipped period in months; always None ("to be set by the operator")
    periods: dict[str, int | None]
    label: dict[str, str]

    def guidance_in(self, language: str) -> str:
        return translated(self.guidance, language)

    def label_in(self, language: str) -> str:
        return translated(self.label, language)


@dataclass(frozen=True)
class Retention:
    version: int
    countries: dict[str, dict[str, str]]
    categories: dict[str, CategoryRetention]
    purposes: tuple[Text, ...]
    grounds: tuple[Text, ...]

    def country_guidance(self, country: str, language: str) -> str:
        text = self.countries.get(country) or self.countries["general"]
        return translated(text, language)

    def ground(self, code: str) -> Text | None:
        return next((g for g in self.grounds if g.code == code), None)


def _texts(check: Checker, data: dict, key: str) -> tuple[Text, ...]:
    found: list[Text] = []
    for i, node in enumerate(check.require(data, key, list, "") or []):
        path = f"{key}[{i}]"
        code = check.require(node, "code", str, path)
        label = check.text(node, "label", path)
        if code and label:
            found.append(Text(code, label))
    return tuple(found)


def load_retention(path: Path = RETENTION_PATH) -> Retention:
    """Load and check the retention content; ContentError naming every problem."""
    check = Checker(relative(path))
    data = load_yaml(path)
    version = check.require(data, "version", int, "") or 0
    countries: dict[str, dict[str, str]] = {}
    country_nodes = check.require(data, "countries", dict, "") or {}
    for country in COUNTRIES:
        text = check.text(country_nodes, country, "countries")
        if text:
            countries[country] = text
    known = content().data_categories
    wanted = [CASE_RECORD, *known]
    categories: dict[str, CategoryRetention] = {}
    for i, node in enumerate(check.require(data, "categories", list, "") or []):
        path_ = f"categories[{i}]"
        code = check.require(node, "code", str, path_)
        guidance = check.text(node, "guidance", path_)
        periods_node = check.require(node, "periods", dict, path_) or {}
        if code is None or guidance is None:
            continue
        if code not in wanted:
            check.add(node, f"{path_}.code", f"{code!r} is not a data category")
            continue
        if code in categories:
            check.add(node, f"{path_}.code", f"{code!r} is listed twice")
        periods: dict[str, int | None] = {}
        for country in COUNTRIES:
            if country not in periods_node:
                check.add(periods_node, f"{path_}.periods.{country}", "is missing")
            elif periods_node[country] is not None:
                check.add(
                    periods_node,
                    f"{path_}.periods.{country}",
                    "must be null: the period is set by the operator, none is shipped",
                )
            periods[country] = None
        if code == CASE_RECORD:
            label = check.text(node, "label", path_) or {}
        else:
            label = dict(known[code].label)
        categories[code] = CategoryRetention(code, guidance, periods, label)
    for code in wanted:
        if code not in categories:
            check.add(data, "categories", f"the category {code!r} has no row")
    purposes = _texts(check, data, "purposes")
    grounds = _texts(check, data, "restriction_grounds")
    if check.problems:
        raise ContentError(check.problems)
    ordered = {code: categories[code] for code in wanted}
    return Retention(version, countries, ordered, purposes, grounds)


@cache
def retention() -> Retention:
    """The shipped retention content, loaded and checked once per process."""
    return load_retention()
