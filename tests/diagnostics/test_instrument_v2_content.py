"""Version 2 of the shipped MSC diagnostics instrument: what issue 12 asked of its content.

The structure is read from the YAML itself (item keys, scales, texts, recommendations), so these
tests say what the content must be whatever the engine does with it; the loader and the
published version are checked separately.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest

from icommit.core.content import CONTENT_DIR
from icommit.instruments.engine.yaml_format import parse_yaml
from icommit.instruments.models import InstrumentVersion
from icommit.instruments.shipped import load_shipped
from icommit.methodology.content import default_model, module_ids
from icommit.methodology.definition import PHASE_KEYS

FOLDER = CONTENT_DIR / "instruments" / "msc-diagnostics"
#: sha256 of v1.yaml as published; version 1 never changes.
V1_SHA256 = "486a0af03b283ae12c10b6c335ad9b9f5f363f810d390ebedf7e32903d15308b"
#: Dimensions whose statements did not change, so rounds on v1 and v2 compare on them.
COMPARABLE = {"communication", "trust", "ns_legal_certainty", "ns_resources"}
NEW_DIMENSIONS = {"benefits", "legitimacy", "political", "sec_feedback", "sec_cooperation"}
COUNTS_SCALES = {"freq12", "fact3"}


@cache
def raw(version: int) -> Any:
    path = FOLDER / f"v{version}.yaml"
    return parse_yaml(path.read_text(encoding="utf-8"), source=str(path))


def items(version: int) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(section, item) for every item of the version."""
    for section in raw(version)["sections"]:
        for item in section["items"]:
            yield section, item


def by_key(version: int) -> dict[str, dict[str, Any]]:
    return {item["key"]: item for _section, item in items(version)}


def statement(item: dict[str, Any]) -> tuple[Any, ...]:
    """What makes a statement the same statement: key, texts, scale, dimension, direction."""
    return (
        item["key"],
        item["text"]["en"],
        item["text"]["de"],
        item.get("scale"),
        item.get("domain"),
        bool(item.get("reverse", False)),
        dict(item["relevant"]) if "relevant" in item else None,
    )


def statements_of(version: int, domain: str) -> list[tuple[Any, ...]]:
    return sorted(statement(i) for _s, i in items(version) if i.get("domain") == domain)


def all_texts(version: int, language: str) -> Iterator[str]:
    """Every text of the version in one language: titles, intros, items, recommendations."""

    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            if language in node and isinstance(node[language], str):
                yield node[language]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    yield from walk(raw(version))


# ---------------------------------------------------------------- the file and the loader


def test_version_1_is_unchanged_byte_for_byte() -> None:
    digest = hashlib.sha256((FOLDER / "v1.yaml").read_bytes()).hexdigest()
    assert digest == V1_SHA256


def test_version_2_passes_the_loader_and_is_published() -> None:
    definition = load_shipped(FOLDER / "v2.yaml")
    assert (definition.key, definition.version) == ("msc-diagnostics", 2)
    assert definition.languages == ("en", "de")


@pytest.mark.django_db
def test_version_2_is_published_by_migrate_beside_version_1() -> None:
    numbers = set(
        InstrumentVersion.objects.filter(instrument__key="msc-diagnostics").values_list(
            "number", flat=True
        )
    )
    assert {1, 2} <= numbers


# ---------------------------------------------------------------- answers: scores and counts


def test_event_and_fact_scales_report_counts_with_the_same_labels_in_both_languages() -> None:
    scales = raw(2)["scales"]
    assert {k for k, s in scales.items() if s.get("report") == "counts"} == COUNTS_SCALES
    assert scales["agree5"].get("report", "score") == "score"
    # the agreement scale keeps version 1's values; its labels now read the same in both languages
    v1_values = [c["value"] for c in raw(1)["scales"]["agree5"]["choices"]]
    assert [c["value"] for c in scales["agree5"]["choices"]] == v1_values
    labels = {c["value"]: c["label"] for c in scales["agree5"]["choices"]}
    assert (labels[2]["en"], labels[2]["de"]) == ("Somewhat disagree", "Stimme eher nicht zu")
    assert (labels[3]["en"], labels[3]["de"]) == ("Neither agree nor disagree", "Weder noch")
    assert (labels[4]["en"], labels[4]["de"]) == ("Somewhat agree", "Stimme eher zu")

    def labels(scale: str) -> list[tuple[Any, str, str]]:
        s = scales[scale]
        return [
            (c["value"], c["label"]["en"], c["label"]["de"]) for c in s["choices"] + s["missing"]
        ]

    assert labels("freq12") == [
        ("never", "Never", "Nie"),
        ("once", "Once", "Einmal"),
        ("more_than_once", "More than once", "Mehrmals"),
        ("prefer_not_to_say", "Prefer not to say", "Möchte ich nicht sagen"),
    ]
    assert labels("fact3") == [
        ("yes", "Yes", "Ja"),
        ("partly", "Partly", "Teilweise"),
        ("no", "No", "Nein"),
        ("dont_know", "Don't know", "Weiß ich nicht"),
    ]


def test_every_question_about_the_last_12_months_is_on_the_counts_scale_and_only_those() -> None:
    events = [i for _s, i in items(2) if "last 12 months" in i["text"]["en"]]
    assert len(events) >= 8
    for _s, item in items(2):
        asks_event = "last 12 months" in item["text"]["en"]
        assert asks_event == (item.get("scale") == "freq12"), item["key"]
        if asks_event:
            assert "letzten 12 Monaten" in item["text"]["de"], item["key"]


def test_facts_are_asked_as_questions_on_the_fact_scale() -> None:
    facts = [i for _s, i in items(2) if i.get("scale") == "fact3"]
    assert {"purpose_7", "process_7", "process_9", "sharing_6", "ns_training_5"} <= {
        i["key"] for i in facts
    }
    for item in facts:
        assert item["text"]["en"].endswith("?") and item["text"]["de"].endswith("?"), item["key"]
    # the statements that asked these facts or events on the agreement scale are gone
    gone = {"purpose_2", "process_1", "process_4", "process_5", "process_6", "sharing_1"}
    gone |= {"sharing_5", "resources_2", "resources_6", "learning_2", "roles_3"}
    gone |= {"ns_role_clarity_2", "ns_heard_3", "ns_training_1", "ns_training_2", "ns_training_3"}
    assert not gone & set(by_key(2))


def test_every_dimension_keeps_at_least_three_scored_statements() -> None:
    for domain in raw(2)["domains"]:
        scored = [
            i
            for _s, i in items(2)
            if i.get("domain") == domain["key"] and i.get("scale") not in COUNTS_SCALES
        ]
        assert len(scored) >= 3, domain["key"]


# ---------------------------------------------------------------- dimensions and versions


def test_new_dimensions_are_present_with_their_statements() -> None:
    domains = {d["key"] for d in raw(2)["domains"]}
    assert domains >= NEW_DIMENSIONS
    assert {d["key"] for d in raw(1)["domains"]} <= domains
    for key in ("benefits", "legitimacy", "political"):
        assert 5 <= len(statements_of(2, key)) <= 6, key


def test_unchanged_dimensions_are_identical_to_version_1() -> None:
    for domain in COMPARABLE:
        assert statements_of(2, domain) == statements_of(1, domain), domain


def test_every_other_version_1_dimension_did_change() -> None:
    """The docs name exactly the comparable dimensions; the rest changed at least a statement."""
    for domain in {d["key"] for d in raw(1)["domains"]} - COMPARABLE:
        assert statements_of(2, domain) != statements_of(1, domain), domain


def test_a_key_kept_from_version_1_still_means_the_same_statement() -> None:
    old, new = by_key(1), by_key(2)
    for key in old.keys() & new.keys():
        assert statement(new[key]) == statement(old[key]), key


def test_weight_wording_is_gone_and_replaced_by_observable_behaviour() -> None:
    for _s, item in items(2):
        assert not re.search(r"\bweight", item["text"]["en"], re.I), item["key"]
        assert "Gewicht" not in item["text"]["de"], item["key"]
    keys = by_key(2)
    assert "leadership_4" not in keys and "inclusion_2" not in keys
    assert "recorded" in keys["leadership_6"]["text"]["en"]
    assert "even when non-security members disagree" in keys["inclusion_7"]["text"]["en"]


def test_members_are_not_asked_to_admit_biased_referrals() -> None:
    assert "client_4" not in by_key(2)
    asked = [i["text"] for _s, i in items(2)] + [r["text"] for r in recommendations()]
    for text in asked:
        assert "religion" not in text["en"].lower()
        assert "Religion oder Herkunft" not in text["de"]


def test_the_gender_statement_is_concrete() -> None:
    gender = by_key(2)["inclusion_8"]
    assert "gender expectations" in gender["text"]["en"]
    assert "Geschlechterbilder" in gender["text"]["de"]
    assert "role of gender" not in " ".join(all_texts(2, "en"))


def test_a_part_only_security_members_answer() -> None:
    sections = {s["key"]: s for s in raw(2)["sections"]}
    security = [s for s in sections.values() if s.get("audience") == "security"]
    assert len(security) == 1
    keys = {i["key"] for i in security[0]["items"]}
    assert any("hear" in i["text"]["en"] or "told" in i["text"]["en"] for i in security[0]["items"])
    for section, item in items(2):
        if str(item.get("domain", "")).startswith("sec_"):
            assert item["key"] in keys
        if str(item.get("domain", "")).startswith("ns_"):
            assert section.get("audience") == "non_security"


# ---------------------------------------------------------------- recommendations


def recommendations() -> list[dict[str, Any]]:
    return list(raw(2)["recommendations"])


def test_every_recommendation_reference_resolves() -> None:
    tasks = {t.id for p in default_model().phases for t in p.tasks}
    modules = module_ids()
    keys = by_key(2)
    domains = {d["key"] for d in raw(2)["domains"]}
    bands = {b["key"] for b in raw(2)["scoring"]["bands"]}
    scales = raw(2)["scales"]
    for n, rec in enumerate(recommendations()):
        assert ("item" in rec) != ("domain" in rec), n
        for task in rec.get("phase_tasks", []):
            assert task in tasks, (n, task)
        for module in rec.get("modules", []):
            assert module in modules, (n, module)
        assert set(rec.get("phases", [])) <= set(PHASE_KEYS), n
        assert rec.get("phase_tasks") or rec.get("modules"), n
        if "domain" in rec:
            assert rec["domain"] in domains and rec["band"] in bands, n
            continue
        item = keys[rec["item"]]
        if item["scale"] in COUNTS_SCALES:
            assert "below" not in rec and rec["at_least"] >= 1, n
            values = [c["value"] for c in scales[item["scale"]]["choices"]]
            assert rec["answers"] and set(rec["answers"]) <= set(values), n
        else:
            assert "answers" not in rec and 0 < rec["below"] <= 100, n


def test_every_dimension_has_advice_for_every_band_in_every_phase() -> None:
    for domain in raw(2)["domains"]:
        for band in ("low", "middle", "high"):
            for phase in PHASE_KEYS:
                found = [
                    r
                    for r in recommendations()
                    if r.get("domain") == domain["key"]
                    and r["band"] == band
                    and phase in r.get("phases", PHASE_KEYS)
                ]
                assert found, (domain["key"], band, phase)


def test_single_statements_and_phases_have_their_own_advice() -> None:
    recs = recommendations()
    on_items = {r["item"] for r in recs if "item" in r}
    assert {"sharing_7", "ns_role_clarity_5", "inclusion_7", "inclusion_8", "roles_9"} <= on_items
    assert any("phases" in r for r in recs)
    counts = [r for r in recs if "answers" in r]
    assert counts and all(by_key(2)[r["item"]]["scale"] in COUNTS_SCALES for r in counts)


def test_trust_problems_get_relational_actions() -> None:
    relational = ("job shadowing", "joint case reflection", "external facilitator")
    trust = [
        r["text"]["en"].lower()
        for r in recommendations()
        if r.get("domain") in ("trust", "sec_cooperation", "ns_heard")
        or str(r.get("item", "")).startswith("trust_")
    ]
    for action in relational:
        assert any(action in text for text in trust), action
    assert any("hospitation" in r["text"]["de"].lower() for r in recommendations())
    assert any("fallreflexion" in r["text"]["de"].lower() for r in recommendations())
    assert any("externe moderation" in r["text"]["de"].lower() for r in recommendations())


def test_band_advice_does_not_name_statements_of_other_dimensions() -> None:
    """A band recommendation speaks about its own dimension; specifics fire on their items."""
    for rec in recommendations():
        if "domain" not in rec:
            continue
        text = rec["text"]["en"].lower()
        assert "religion" not in text and "origin" not in text, rec["domain"]
        if rec["domain"] != "inclusion":
            assert "gender" not in text, rec["domain"]


def test_no_operator_dpo_confirmation_and_german_law_is_marked_country_specific() -> None:
    for text in all_texts(2, "en"):
        assert "operator's data-protection officer" not in text
        if "StPO" in text or "StGB" in text:
            assert "in Germany" in text and "country-specific" in text
    for text in all_texts(2, "de"):
        assert "Datenschutzbeauftragten des Betreibers" not in text
        if "StPO" in text or "StGB" in text:
            assert "In Deutschland" in text or "in Deutschland" in text
            assert "länderspezifisch: Prüfen Sie dies mit der Rechtsabteilung" in text


# ---------------------------------------------------------------- words


def test_german_uses_the_terms_of_german_practice() -> None:
    german = "\n".join(all_texts(2, "de"))
    for wrong in (
        "Austauschprotokoll",
        "Meldeweg",
        "Fallmeldung",
        "gemeldet",
        "gewaltbereit",
        "Teamvereinbarung",
        "MSC-Team",
        "Sorgen und Ressourcen",
        "Rolle von Gender",
        "Hilfeplan",
    ):
        assert wrong not in german, wrong
    for right in (
        "Multi-Stakeholder-Team",
        "Vereinbarung zum Informationsaustausch",
        "Kooperationsvereinbarung",
        "Fallanfrage",
        "Zugangsweg",
        "Belastungen und Ressourcen",
        "Geschlechterbilder",
        "gewaltorientiert",
        "Klient*innen",
    ):
        assert right in german, right


def test_the_description_states_the_real_minimum_group() -> None:
    description = raw(2)["description"]
    assert "at least five" in description["en"] and "three" not in description["en"]
    assert "mindestens fünf" in description["de"]
    assert raw(2)["scoring"]["min_respondents"] >= 5
