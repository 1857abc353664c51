"""What the analysis app reads from content: the Social Diagnostics instrument's key, and the data
category of each of its domains (``content/analysis/domains.yaml``).

Invariant: every domain of the instrument has a data category, so a perspective's share passes
the rule book for each domain it rates; a domain the file does not name counts as ``situation``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import yaml

from icommit.core.content import CONTENT_DIR

INSTRUMENT_KEY = "social-diagnostics"
DOMAINS_FILE = CONTENT_DIR / "analysis" / "domains.yaml"
#: when a domain is not named in the file (never for the shipped instrument: a test checks it)
FALLBACK_CATEGORY = "situation"


@dataclass(frozen=True)
class DomainCategory:
    category: str
    reason: dict[str, str]


@functools.cache
def domain_categories() -> dict[str, DomainCategory]:
    """Domain key → its data category (and the reason for it), for the shipped instrument."""
    data = yaml.safe_load(DOMAINS_FILE.read_text(encoding="utf-8")) or {}
    domains = data.get("domains") or {}
    out: dict[str, DomainCategory] = {}
    for key, value in domains.items():
        if isinstance(value, dict) and "category" in value:
            reason = value.get("reason") or {}
            out[str(key)] = DomainCategory(str(value["category"]), dict(reason))
        elif isinstance(value, str):
            out[str(key)] = DomainCategory(value, {})
    return out


def category_of(domain: str) -> str:
    """The data category of one domain."""
    found = domain_categories().get(domain)
    return found.category if found is not None else FALLBACK_CATEGORY
