"""Version 2 of the default phase model: v1 stays as published, v2 keeps the ids of the tasks
whose meaning stayed, adds the tasks a real city team needs, and every reference it makes is
declared in the catalogue."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from icommit.core.content import CONTENT_DIR, ContentError
from icommit.methodology import content
from icommit.methodology.definition import PHASE_KEYS

V1 = Path("phase_models/msc-default/v1.yaml")
V2 = Path("phase_models/msc-default/v2.yaml")
#: The published v1: its file and its definition never change (a change is a new version).
V1_FILE_SHA256 = "f5772fca8f9db4b4c17d2d158e390db6d1381bb5aa7164d9d51d45d400d761e7"
V1_CONTENT_HASH = "c8fd2cf3170dab535d64b3844368d9a34935a94cce174e0d4d6c163308aa56b2"

ADDED = {
    "exploration": {"exploration.gender-pathways", "exploration.exit-programmes"},
    "setup": {
        "setup.steering-group",
        "setup.scope",
        "setup.data-protection",
        "setup.client-information",
        "setup.incident-procedures",
        "setup.risk-register",
        "setup.baseline-diagnostics",
    },
    "operation": {
        "operation.gender-in-cases",
        "operation.monitoring-cycle",
        "operation.learning-reviews",
        "operation.table-top",
    },
    "monitoring": set(),
    "consolidation": set(),
}


def _models():
    loaded = content.load()
    return loaded.models[("msc-default", 1)], loaded.models[("msc-default", 2)]


def test_v1_stays_byte_for_byte() -> None:
    data = (CONTENT_DIR / V1).read_bytes()
    assert hashlib.sha256(data).hexdigest() == V1_FILE_SHA256
    v1, _v2 = _models()
    assert v1.content_hash == V1_CONTENT_HASH


def test_v2_is_the_default_and_keeps_every_v1_task_id_in_its_phase() -> None:
    v1, v2 = _models()
    assert content.default_model() == v2
    assert tuple(v2.phase_keys) == PHASE_KEYS
    for phase in v1.phases:
        kept = {t.id for t in v2.phase(phase.key).tasks}
        assert {t.id for t in phase.tasks} <= kept, phase.key
        assert kept - {t.id for t in phase.tasks} == ADDED[phase.key]


def test_the_gates_of_v2_require_at_least_what_v1_required() -> None:
    v1, v2 = _models()
    for phase in v1.phases:
        assert set(phase.gate.tasks) <= set(v2.phase(phase.key).gate.tasks)
        assert len(v2.phase(phase.key).gate.criteria) >= len(phase.gate.criteria)


def test_every_reference_of_v2_is_declared_in_the_catalogue() -> None:
    _v1, v2 = _models()
    cat = content.catalogue()
    for phase in v2.phases:
        assert set(phase.indicators) <= set(cat.indicators), phase.key
        assert set(phase.training_modules) <= set(cat.training_modules), phase.key
        assert set(phase.tools) <= set(cat.tools), phase.key
        assert set(phase.gate.tasks) <= {t.id for t in phase.tasks}, phase.key
    # the new modules and indicators are used, not only declared
    used = {m for p in v2.phases for m in p.training_modules}
    assert {"msc-team.09-incidents-and-learning-reviews", "msc-team.10-table-top-exercises"} <= used
    indicators = {i for p in v2.phases for i in p.indicators}
    assert {"process.referrals-by-gender", "process.gender-considered"} <= indicators


def test_the_catalogue_keeps_every_id_it_declared() -> None:
    v1_ids = {
        "msc-team.01-purpose-and-problem",
        "msc-team.08-sustainability",
        "nonsec-cert.06-practice",
        "tool.risk-register",
        "setup.charter-signed",
        "outcome.client-reported-progress",
    }
    cat = content.catalogue()
    declared = set(cat.training_modules) | set(cat.tools) | set(cat.indicators)
    assert v1_ids <= declared
    assert cat.version == 3  # 3 added the MSC team course's modules 11 and 12 (issue 15)


def test_the_phase_tasks_named_by_the_diagnostics_instrument_exist_in_v2() -> None:
    _v1, v2 = _models()
    text = (CONTENT_DIR / "instruments/msc-diagnostics/v1.yaml").read_text(encoding="utf-8")
    keys = "|".join(PHASE_KEYS)
    named = set(re.findall(rf"\b(?:{keys})\.[a-z][a-z-]*[a-z]", text))
    assert named and named <= set(v2.task_ids())


def test_gender_is_structural_in_the_problem_analysis_and_in_case_work() -> None:
    _v1, v2 = _models()
    exploration = v2.phase("exploration")
    analysis = exploration.task("exploration.problem-analysis")
    assert analysis is not None and "gender" in analysis.evidence["en"]
    pathways = exploration.task("exploration.gender-pathways")
    assert pathways is not None and "Geschlechterbilder" in pathways.title["de"]
    assert "LGBTIQ*" in pathways.evidence["en"]
    assert v2.phase("operation").task("operation.gender-in-cases") is not None
    objectives = " ".join(o["en"] for o in exploration.objectives)
    assert "misogynist violence" in objectives and "mixed or unclear" in objectives


def test_monitoring_runs_through_operation() -> None:
    _v1, v2 = _models()
    operation = v2.phase("operation")
    assert operation.task("operation.monitoring-cycle") is not None
    assert "tool.indicators" in operation.tools
    assert "msc-team.07-monitoring-and-evaluation" in operation.training_modules


#: Words German practice does not use for these things (issue 12, "German and English").
AVOIDED_GERMAN = (
    "gewaltbereit",
    "Austauschprotokoll",
    "Protokoll für den Informationsaustausch",
    "Meldung",
    "Meldeweg",
    "Erkundung",
    "Hilfeplan",
    "Teamvereinbarung",
    "Sorgen",
    "Gender",
    "Diagnose-Runde",
)


def _german_texts(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "de" and isinstance(value, str):
                yield value
            else:
                yield from _german_texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _german_texts(item)


def test_german_uses_the_terms_of_german_practice() -> None:
    _v1, v2 = _models()
    texts = list(_german_texts(v2.to_dict()))
    assert texts
    for text in texts:
        for word in AVOIDED_GERMAN:
            assert word not in text, (word, text)
    joined = " ".join(texts)
    for term in (
        "Bestandsaufnahme und Sondierung",
        "Vereinbarung zum Informationsaustausch",
        "Fallanfrage",
        "Zugangsweg",
        "Interventionsplan",
        "Multi-Stakeholder-Team",
        "Geschlechterbilder",
        "gewaltorientiert",
        "Klient*innen",
    ):
        assert term in joined, term
    # one gender-inclusive form: the asterisk, never a slash or a capital I
    assert not re.search(r"\w/innen|\wInnen\b|\w:innen", joined)


def test_every_german_task_title_addresses_the_reader_with_sie() -> None:
    _v1, v2 = _models()
    for phase in v2.phases:
        for task in phase.tasks:
            assert task.title["de"].split()[1].rstrip(",") == "Sie", task.id
            assert task.title["en"] != task.title["de"], task.id


def _problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        content.load(root)
    return [str(p) for p in caught.value.problems]


def _edit(root: Path, old: str, new: str) -> int:
    path = root / V2
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def test_a_dangling_reference_in_v2_names_its_line(content_copy: Path) -> None:
    line = _edit(
        content_copy,
        "        - msc-team.10-table-top-exercises\n",
        "        - msc-team.10-role-play\n",
    )
    (problem,) = _problems(content_copy)
    assert f"v2.yaml:{line}: phases[2].help.training_modules[5]:" in problem
    assert "unknown training module 'msc-team.10-role-play'" in problem


def test_an_undeclared_indicator_in_v2_is_refused(content_copy: Path) -> None:
    _edit(content_copy, "      - process.exercises-held\n", "      - process.drills-held\n")
    problems = _problems(content_copy)
    assert any("unknown indicator 'process.drills-held'" in p for p in problems)


def test_a_task_id_of_another_phase_is_refused_in_v2(content_copy: Path) -> None:
    _edit(content_copy, "      - id: setup.scope\n", "      - id: exploration.scope\n")
    problems = _problems(content_copy)
    assert any("must start with 'setup.'" in p for p in problems)


def test_a_missing_german_text_in_v2_is_refused(content_copy: Path) -> None:
    _edit(
        content_copy,
        "          de: Richten Sie eine strategische Steuerungsgruppe",
        "          fr: Mettez en place un groupe de pilotage",
    )
    problems = _problems(content_copy)
    assert any("v2.yaml" in p and ".title.de: needs a non-empty de text" in p for p in problems)
