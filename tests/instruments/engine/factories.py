"""Small instruments built in code, for tests that vary one thing at a time."""

from __future__ import annotations

import copy
from typing import Any

import yaml

EN_DE = {"en": "Text", "de": "Text"}


def t(en: str, de: str | None = None) -> dict[str, str]:
    return {"en": en, "de": de or f"{en} (de)"}


AGREE5: dict[str, Any] = {
    "choices": [{"value": v, "label": t(f"Level {v}")} for v in range(1, 6)],
    "missing": [{"value": "dont_know", "label": t("Don't know")}],
}


def minimal(**top: Any) -> dict[str, Any]:
    """A valid scored instrument with one domain of two likert items; override top-level keys."""
    data: dict[str, Any] = {
        "format": "icommit-instrument/1",
        "key": "mini",
        "version": 1,
        "kind": "diagnostics",
        "languages": ["en", "de"],
        "title": t("Mini"),
        "scales": {"agree5": copy.deepcopy(AGREE5)},
        "domains": [{"key": "d", "title": t("Domain")}],
        "scoring": {
            "method": "mean",
            "min_answered": 0.5,
            "bands": [
                {"key": "low", "label": t("Low"), "below": 50},
                {"key": "high", "label": t("High")},
            ],
        },
        "sections": [
            {
                "key": "main",
                "title": t("Main"),
                "items": [
                    {
                        "key": "a",
                        "type": "likert",
                        "scale": "agree5",
                        "domain": "d",
                        "text": t("A"),
                    },
                    {
                        "key": "b",
                        "type": "likert",
                        "scale": "agree5",
                        "domain": "d",
                        "text": t("B"),
                    },
                ],
            }
        ],
    }
    data.update(top)
    return data


def with_items(*items: dict[str, Any], **top: Any) -> dict[str, Any]:
    data = minimal(**top)
    data["sections"][0]["items"].extend(items)
    return data


def to_yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
