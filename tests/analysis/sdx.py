"""A Social Diagnostics instrument of the shape SDX-SPEC fixes (all 18 domains, short texts), for
tests while the shipped one is not there, and complete answer sets for it."""

from __future__ import annotations

from typing import Any

DOMAINS = [
    "family", "peers", "education", "work", "housing", "physical_health", "mental_health",
    "substances", "justice", "ideology", "identity", "online", "leisure", "gender",
    "legal_status", "discrimination", "safety", "religion",
]  # fmt: skip


def _t(en: str) -> dict[str, str]:
    return {"en": en, "de": en}


def _scale(frame: list[str]) -> dict[str, Any]:
    return {
        "choices": [{"value": n, "label": _t(label)} for n, label in enumerate(frame)],
        "missing": [{"value": "unknown", "label": {"en": "Unknown", "de": "Unbekannt"}}],
        "report": "counts",
    }


def _choice(values: list[str]) -> list[dict[str, Any]]:
    return [{"value": v, "label": _t(v)} for v in values]


def _group(key: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"key": key, "type": "group", "text": _t(key), "items": items}


def definition() -> dict[str, Any]:
    scales: dict[str, Any] = {}
    for d in DOMAINS:
        scales[f"concern_{d}"] = _scale(["none", "minor", "moderate", "severe"])
        scales[f"resource_{d}"] = _scale(["none", "some", "good", "strong"])
    scales["basis"] = {
        "choices": _choice(["client", "together", "observation", "others", "records"]),
        "report": "counts",
    }
    sections: list[dict[str, Any]] = [
        {
            "key": "client",
            "title": _t("The client's own view"),
            "items": [
                {"key": "client_view", "type": "text", "text": _t("Client's view")},
                {"key": "client_goals", "type": "text", "text": _t("Client's goals")},
                {
                    "key": "client_involved",
                    "type": "choice",
                    "required": True,
                    "text": _t("Involved?"),
                    "choices": _choice(["with_client", "from_client", "without_client"]),
                },
            ],
        }
    ]
    for d in DOMAINS:
        sections.append(
            {
                "key": f"domain_{d}",
                "title": _t(d.replace("_", " ").capitalize()),
                "intro": _t("Rate unknown when you do not know."),
                "items": [
                    {"key": f"{d}_guide", "type": "note", "text": _t(f"Guide for {d}")},
                    {
                        "key": d,
                        "type": "paired",
                        "text": _t(d.replace("_", " ").capitalize()),
                        "rationale": "required",
                        "pairs": [
                            {"key": "concern", "scale": f"concern_{d}", "label": _t("Concern")},
                            {"key": "resource", "scale": f"resource_{d}", "label": _t("Resource")},
                        ],
                    },
                    {
                        "key": f"{d}_basis",
                        "type": "choice",
                        "domain": d,
                        "scale": "basis",
                        "text": _t("What is this rating mainly based on?"),
                    },
                ],
            }
        )
    sections += [
        {
            "key": "known_facts",
            "title": _t("Facts"),
            "items": [
                _group(
                    "facts",
                    [
                        {
                            "key": "domain",
                            "type": "choice",
                            "text": _t("Domain"),
                            "choices": _choice(DOMAINS),
                        },
                        {"key": "fact", "type": "text", "required": True, "text": _t("Fact")},
                        {
                            "key": "source",
                            "type": "choice",
                            "text": _t("Source"),
                            "choices": _choice(
                                [
                                    "client",
                                    "family",
                                    "own_observation",
                                    "other_service",
                                    "records",
                                    "third_party",
                                ]
                            ),
                        },
                        {
                            "key": "reliability",
                            "type": "choice",
                            "text": _t("Reliability"),
                            "choices": _choice(["confirmed", "probable", "unconfirmed"]),
                        },
                    ],
                )
            ],
        },
        {
            "key": "function",
            "title": _t("What the scene gives the person"),
            "items": [
                _group(
                    "functions",
                    [
                        {
                            "key": "need",
                            "type": "choice",
                            "text": _t("Need"),
                            "choices": _choice(
                                [
                                    "belonging",
                                    "recognition",
                                    "identity",
                                    "meaning",
                                    "protection",
                                    "adventure",
                                    "structure",
                                    "justice",
                                    "other",
                                ]
                            ),
                        },
                        {"key": "what_it_gives", "type": "text", "text": _t("What it gives")},
                        {"key": "equivalent", "type": "text", "text": _t("Equivalent")},
                    ],
                )
            ],
        },
        {
            "key": "markers",
            "title": _t("Markers"),
            "items": [
                _group(
                    f"{track}_markers",
                    [
                        {
                            "key": f"{track}_marker",
                            "type": "text",
                            "required": True,
                            "text": _t("Marker"),
                        },
                        {
                            "key": f"{track}_direction",
                            "type": "choice",
                            "text": _t("Direction"),
                            "choices": _choice(["towards", "away", "unclear"]),
                        },
                    ],
                )
                for track in ("behaviour", "attitude")
            ],
        },
        {
            "key": "formulation",
            "title": _t("Hypotheses, needs, tasks"),
            "items": [
                _group(
                    "hypotheses",
                    [
                        {"key": "hypothesis", "type": "text", "text": _t("Hypothesis")},
                        {"key": "competing", "type": "text", "text": _t("Competing")},
                        {"key": "check", "type": "text", "text": _t("Check")},
                    ],
                ),
                {"key": "needs", "type": "text", "text": _t("Needs")},
                _group(
                    "tasks",
                    [
                        {"key": "service", "type": "text", "text": _t("Service")},
                        {"key": "task", "type": "text", "text": _t("Task")},
                    ],
                ),
            ],
        },
        {
            "key": "gender_lens",
            "title": _t("Gender"),
            "items": [
                {
                    "key": "gender_considered",
                    "type": "choice",
                    "required": True,
                    "text": _t("Gender considered?"),
                    "choices": _choice(["considered", "not_considered"]),
                },
                {
                    "key": "gender_notes",
                    "type": "text",
                    "text": _t("Gender notes"),
                    "required_if": {"item": "gender_considered", "equals": "considered"},
                },
            ],
        },
    ]
    return {
        "format": "icommit-instrument/1",
        "key": "social-diagnostics",
        "version": 1,
        "kind": "social_diagnostics",
        "languages": ["en", "de"],
        "title": {"en": "Social Diagnostics", "de": "Soziale Diagnostik"},
        "scales": scales,
        "domains": [{"key": d, "title": _t(d.replace("_", " ").capitalize())} for d in DOMAINS],
        "sections": sections,
    }


def answers(
    ratings: dict[str, tuple[Any, Any]] | None = None,
    *,
    gender: str = "not_considered",
    default: tuple[Any, Any] = ("unknown", "unknown"),
    **extra: Any,
) -> dict[str, Any]:
    """A complete answer set: ``ratings`` domain → (concern, resource); others ``default``."""
    ratings = ratings or {}
    out: dict[str, Any] = {"client_involved": "without_client", "gender_considered": gender}
    if gender == "considered":
        out["gender_notes"] = "Looked at how expectations of masculinity shaped the way in."
    for d in DOMAINS:
        concern, resource = ratings.get(d, default)
        out[d] = {"concern": concern, "resource": resource, "rationale": f"Reason for {d}."}
    out.update(extra)
    return out
