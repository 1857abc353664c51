"""The training content loader: the shipped courses and vignettes load without a problem, and a
broken file is refused with every problem named by file, line and field — built here from small
fixtures, so these tests do not depend on which courses and vignettes are shipped."""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from icommit.cases.models import AgeBand, Gender, Phenomenon, Setting
from icommit.core.content import CONTENT_DIR, ContentError
from icommit.instruments.engine import Definition, score
from icommit.instruments.shipped import FOLDER, load_shipped
from icommit.methodology import content as methodology
from icommit.training import content

# --- the shipped content ---------------------------------------------------------------------


def test_the_shipped_training_content_loads_without_problems() -> None:
    assert content.validate_all() == []
    loaded = content.load()
    assert {c.id for c in loaded.latest_courses()} <= set(methodology.catalogue().courses)


def test_the_vignette_codes_are_those_of_cases() -> None:
    assert tuple(Phenomenon.values) == content.PHENOMENA
    assert set(Gender.values) - {"unknown"} == set(content.GENDERS)
    assert tuple(v for v in AgeBand.values if v != "unknown") == content.AGE_BANDS
    assert tuple(Setting.values) == content.SETTINGS


# --- the instruments of the training app, through the instrument loader -----------------------


def _instrument(key: str) -> Definition:
    """The newest shipped version of an instrument: the one a course uses."""
    newest = max((FOLDER / key).glob("v*.yaml"), key=lambda path: int(path.stem[1:]))
    return load_shipped(newest)


def test_the_msc_team_knowledge_check_has_one_best_answer_per_scenario() -> None:
    kc = _instrument("kc-msc-team")
    assert kc.kind == "knowledge_check"
    assert kc.scoring is not None and kc.scoring.pass_mark == 70
    assert kc.scoring.min_answered == 1
    items = list(kc.items())
    assert 10 <= len(items) <= 14
    best = {}
    for item in items:
        assert item.type == "choice" and item.domain and item.required, item.key
        scores = sorted(c.score for c in item.choices)
        assert scores == [0] * (len(scores) - 1) + [1], item.key
        best[item.key] = next(c.value for c in item.choices if c.score == 1)
    assert len(set(best.values())) >= 3, "the best answer always sits in the same place"
    right = score(kc, best, audience="non_security")
    assert right.passed is True and right.total is not None and right.total.score == 100
    wrong = {i.key: next(c.value for c in i.choices if c.score == 0) for i in items}
    keys = list(best)
    just = {**wrong, **{k: best[k] for k in keys[:10]}}
    short = {**wrong, **{k: best[k] for k in keys[:9]}}
    assert score(kc, just, audience="security").passed is True
    assert score(kc, short, audience="security").passed is False


def test_the_training_surveys_load_with_the_instrument_loader() -> None:
    feedback = _instrument("training-feedback")
    assert feedback.kind == "survey"
    assert 5 <= len(list(feedback.items())) <= 7
    assert not any(i.type == "text" for i in feedback.items())  # no individual answers to show
    assessment = _instrument("training-self-assessment")
    assert assessment.kind == "survey"
    items = list(assessment.items())
    assert 8 <= len(items) <= 12
    assert {i.scale for i in items} == {"agree5"}
    assert {i.domain for i in items} == {"team_work", "case_analysis"}
    assert any(i.reverse for i in items)  # negatively worded statements are mixed in


# --- the MSC team course (issue 15) -------------------------------------------------------------

MSC_ORDER = ["01", "11", "02", "03", "04", "05", "06", "12", "07", "08", "09", "10"]
#: The German statutes DOMAIN.md names for information sharing; the German cards rest on them.
GERMAN_STATUTES = (
    "§ 203 StGB",
    "§ 138 StGB",
    "152(2)",
    "§ 53 StPO",
    "§§ 94, 97 StPO",
    "§ 8a SGB VIII",
    "§ 4 KKG",
    "65 SGB VIII",
    "§ 34 StGB",
)
#: Words German practice does not use for these things (as in tests/methodology).
AVOIDED_GERMAN = (
    "gewaltbereit",
    "Meldung",
    "Meldeweg",
    "Hilfeplan",
    "Sorgen",
    "Gender",
    "Erkundung",
)


def _msc() -> content.Course:
    course = content.course("msc-team")
    assert course is not None
    return course


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def test_the_msc_team_course_has_all_twelve_modules_in_its_default_order() -> None:
    course = _msc()
    assert [m.id.split(".")[1][:2] for m in course.modules] == MSC_ORDER
    assert course.certificate == content.Certificate("participation", None, None)
    assert course.completion == content.Completion(0.8, ("kc-msc-team",), (), True)
    assert course.competencies == () and course.assignments == ()
    assert course.modules[-1].knowledge_check == "kc-msc-team"
    assert content.module("msc-team.12-gender") == course.module("msc-team.12-gender")
    assert course.module("msc-team.02-roles-and-mandates") in content.modules_for_task(
        "setup.role-profiles"
    )


def test_every_msc_team_module_is_complete_in_both_languages() -> None:
    for module in _msc().modules:
        assert 3 <= len(module.outcomes) <= 5, module.id
        assert 2 <= len(module.methods) <= 4, module.id
        for lang in ("en", "de"):
            assert 300 <= _words(module.material[lang]) <= 700, (module.id, lang)
        assert module.material["en"] != module.material["de"]


def test_the_msc_team_course_has_the_exercises_the_issue_asks_for() -> None:
    exercises = {e.kind: e for e in _msc().exercises}
    for kind in (
        "market_place",
        "dilemma_cards",
        "threshold_mapping",
        "simulation",
        "bias_comparison",
        "job_shadowing",
        "table_top",
    ):
        assert kind in exercises, kind
    simulation = exercises["simulation"]
    assert simulation.material is not None
    assert "Observer checklist" in simulation.material["en"]
    assert "Checkliste für Beobachtende" in simulation.material["de"]
    bias = exercises["bias_comparison"].material
    assert bias is not None
    for name in ("Tim, 16", "Yusuf, 16"):
        assert name in bias["en"] and name in bias["de"]


def test_the_dilemma_cards_cover_three_countries_and_never_go_without_the_caveat() -> None:
    cards = [c for e in _msc().exercises for c in e.cards]
    by_country = {
        country: [c for c in cards if c.country == country] for country in ("DE", "DK", "NL")
    }
    assert all(4 <= len(found) <= 6 for found in by_country.values()), by_country
    for card in cards:
        assert card.discussion["en"].endswith(
            "Country-specific: check with your organisation's legal service."
        ), card.key
        assert card.discussion["de"].endswith(
            "Länderspezifisch: Prüfen Sie dies mit der Rechtsabteilung Ihrer Organisation."
        ), card.key
    german = " ".join(s for c in by_country["DE"] for s in c.statutes)
    for statute in GERMAN_STATUTES:
        assert statute in german, statute
    assert all(any("§ 115" in s for s in c.statutes) for c in by_country["DK"])
    # no card promises that what is shared never reaches an investigation in Germany
    for card in by_country["DE"]:
        assert "never used" not in card.discussion["en"]


def test_the_msc_team_course_is_written_in_the_german_of_german_practice() -> None:
    course = _msc()
    texts = [course.summary["de"], course.audience["de"]]
    for module in course.modules:
        texts += [module.material["de"], module.transfer_task.text["de"]]
        texts += [t["de"] for t in (*module.outcomes, *module.methods)]
        for exercise in module.exercises:
            texts += [exercise.title["de"], exercise.instructions["de"]]
            texts += [exercise.material["de"]] if exercise.material else []
            texts += [t for c in exercise.cards for t in (c.situation["de"], c.discussion["de"])]
    joined = " ".join(texts)
    for word in AVOIDED_GERMAN:
        assert word not in joined, word
    for term in (
        "Fallkonferenz",
        "Ausstiegsberatung",
        "Schweigepflicht",
        "Schweigepflichtentbindung",
        "Klient*innen",
        "Fachkräfte",
        "Kooperationsvereinbarung",
        "Vereinbarung zum Informationsaustausch",
        "Fallanfrage",
        "Geschlechterbilder",
    ):
        assert term in joined, term
    assert not re.search(r"\w/innen|\wInnen\b|\w:innen", joined)
    assert all(o["de"].split()[1].rstrip(",") == "Sie" for m in course.modules for o in m.outcomes)


# --- small fixtures ---------------------------------------------------------------------------

KC = """
format: icommit-instrument/1
key: kc-fixture
version: 1
kind: knowledge_check
languages: [en, de]
title: {en: A check, de: Eine Prüfung}
scales:
  abc:
    choices:
      - {value: a, label: {en: A, de: A}, score: 1}
      - {value: b, label: {en: B, de: B}, score: 0}
domains:
  - {key: law, title: {en: Law, de: Recht}}
scoring:
  method: sum
  min_answered: 1
  pass_mark: 70
  bands:
    - {key: fail, label: {en: Not yet, de: Noch nicht}, below: 70}
    - {key: pass, label: {en: Passed, de: Bestanden}}
sections:
  - key: main
    title: {en: Questions, de: Fragen}
    items:
      - {key: q1, type: choice, scale: abc, domain: law, text: {en: "Which?", de: "Welche?"}}
"""

RUBRIC = """
format: icommit-instrument/1
key: rubric-fixture
version: 1
kind: rubric
languages: [en, de]
title: {en: A rubric, de: Ein Bewertungsraster}
sections:
  - key: main
    title: {en: Criteria, de: Kriterien}
    items:
      - {key: c1, type: text, text: {en: Comment, de: Kommentar}}
"""


def _t(en: str, de: str | None = None) -> dict[str, str]:
    return {"en": en, "de": de if de is not None else f"{en} (de)"}


def _document(key: str, organisation: str, shareable: Any = "yes") -> dict[str, Any]:
    doc: dict[str, Any] = {
        "key": key,
        "sector": "school",
        "organisation": _t(organisation),
        "day": -10,
        "kind": "note",
        "shareable": shareable,
        "body": _t("What the organisation wrote."),
    }
    if shareable != "yes":
        doc["restriction"] = _t("Germany, § 203 StGB: only with a release from confidentiality.")
    return doc


def _vignette() -> dict[str, Any]:
    return {
        "format": "icommit-vignette/1",
        "key": "fixture-case",
        "version": 1,
        "languages": ["en", "de"],
        "sources": ['DOMAIN.md "Social Diagnostics"'],
        "title": _t("Alex, 16"),
        "phenomenon": "mixed",
        "gender": "diverse",
        "age_band": "14_17",
        "setting": "community",
        "family_only": False,
        "summary": _t("A short summary."),
        "learning_focus": _t("What learners practise."),
        "documents": [
            _document("school-note", "Hill School"),
            _document("youth-office", "Youth Office"),
            _document("police-note", "City Police"),
            _document("counselling", "Exit Counselling", "no"),
        ],
        "teaching_notes": _t("What a good analysis sees."),
    }


def _module(module_id: str, index: int) -> dict[str, Any]:
    return {
        "id": module_id,
        "minutes": 90,
        "outcomes": [_t("Explain the roles."), _t("Name the duties.")],
        "methods": [_t("Short input"), _t("Group work")],
        "transfer_task": {"phase_task": "setup.role-profiles", "text": _t("Do it at work.")},
        "exercises": [
            {
                "key": f"exercise-{index}",
                "kind": "discussion",
                "title": _t("Talk"),
                "minutes": 30,
                "instructions": _t("1. Ask.\n2. Listen."),
            }
        ],
        "material": _t("Reading text."),
    }


def _course(root: Path) -> dict[str, Any]:
    catalogue = methodology.load(root).catalogue
    ids = [m for m, e in catalogue.training_modules.items() if e.course == "msc-team"]
    modules = [_module(m, i) for i, m in enumerate(ids)]
    modules[0]["exercises"].append(
        {
            "key": "cards",
            "kind": "dilemma_cards",
            "title": _t("May I share?"),
            "minutes": 30,
            "instructions": _t("Read each card."),
            "vignette": "fixture-case",
            "cards": [
                {
                    "key": "de-card",
                    "country": "DE",
                    "situation": _t("A teacher asks."),
                    "discussion": _t(
                        "It depends. Country-specific: check with your organisation's legal "
                        "service.",
                        "Es kommt darauf an. Länderspezifisch: Prüfen Sie dies mit der "
                        "Rechtsabteilung Ihrer Organisation.",
                    ),
                    "statutes": ["§ 4 KKG"],
                }
            ],
        }
    )
    modules[0]["knowledge_check"] = "kc-fixture"
    return {
        "format": "icommit-course/1",
        "course": "msc-team",
        "version": 1,
        "languages": ["en", "de"],
        "changes": _t("First version."),
        "sources": ['DOMAIN.md "Training and certification"'],
        "summary": _t("What the course is for."),
        "audience": _t("Whole MSC teams."),
        "certificate": {"kind": "participation", "validity_months": None, "refresher": None},
        "completion": {
            "attendance_share": 0.8,
            "knowledge_checks": ["kc-fixture"],
            "assignments": ["analysis"],
            "signoff": True,
        },
        "competencies": [],
        "assignments": [
            {
                "key": "analysis",
                "kind": "analysis",
                "title": _t("An analysis"),
                "instructions": _t("Analyse the case."),
                "vignettes": ["fixture-case"],
                "rubric": "rubric-fixture",
                "raters": 2,
            }
        ],
        "modules": modules,
    }


class Fixture:
    """A content folder with the shipped catalogue and phase models, and training files of ours."""

    def __init__(self, root: Path):
        self.root = root
        self.course = _course(root)
        self.vignette = _vignette()

    @property
    def course_path(self) -> Path:
        return self.root / "training" / "courses" / "msc-team" / "v1.yaml"

    @property
    def vignette_path(self) -> Path:
        return self.root / "training" / "vignettes" / "fixture-case" / "v1.yaml"

    def write(self) -> None:
        for path, data in ((self.course_path, self.course), (self.vignette_path, self.vignette)):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")

    def problems(self) -> list[str]:
        self.write()
        with pytest.raises(ContentError) as caught:
            content.load(self.root)
        assert content.validate_all(self.root) == caught.value.problems
        return [str(p) for p in caught.value.problems]


@pytest.fixture
def fx(tmp_path: Path) -> Fixture:
    root = tmp_path / "content"
    root.mkdir()
    shutil.copy(CONTENT_DIR / "catalogue.yaml", root / "catalogue.yaml")
    shutil.copytree(CONTENT_DIR / "phase_models", root / "phase_models")
    for key, text in (("kc-fixture", KC), ("rubric-fixture", RUBRIC)):
        (root / "instruments" / key).mkdir(parents=True)
        (root / "instruments" / key / "v1.yaml").write_text(text, "utf-8")
    return Fixture(root)


COURSE_FILE = "training/courses/msc-team/v1.yaml"
VIGNETTE_FILE = "training/vignettes/fixture-case/v1.yaml"


def _one(problems: list[str], file: str, field: str, words: str) -> str:
    hits = [p for p in problems if file in p and f": {field}: " in p and words in p]
    assert len(hits) == 1, problems
    return hits[0]


# --- the fixture is valid, so each refusal below is caused by its one change --------------------


def test_the_fixture_loads(fx: Fixture) -> None:
    fx.write()
    loaded = content.load(fx.root)
    course = loaded.course("msc-team")
    assert course is not None and course.version == 1
    assert course.title["de"] == methodology.load(fx.root).catalogue.courses["msc-team"].title["de"]
    first = course.modules[0]
    assert first.knowledge_check == "kc-fixture"
    assert [c.key for e in first.exercises for c in e.cards] == ["de-card"]
    assert course.assignment("analysis") is not None
    assert course.completion.knowledge_checks == ("kc-fixture",)
    vignette = loaded.vignette("fixture-case")
    assert vignette is not None and vignette.age_band == "14_17"
    assert len(vignette.organisations) == 4
    assert [d.shareable for d in vignette.documents] == ["yes", "yes", "yes", "no"]


def test_an_unquoted_yes_or_no_is_read_as_the_word(fx: Fixture) -> None:
    fx.write()
    text = fx.vignette_path.read_text("utf-8")
    text = text.replace("shareable: 'no'", "shareable: no").replace(
        "shareable: 'yes'", "shareable: yes"
    )
    assert "shareable: no\n" in text
    fx.vignette_path.write_text(text, "utf-8")
    vignette = content.load(fx.root).vignette("fixture-case")
    assert vignette is not None and vignette.documents[3].shareable == "no"


# --- refusals: each names the file and the field ------------------------------------------------


def test_a_missing_german_text_is_refused(fx: Fixture) -> None:
    del fx.course["modules"][1]["material"]["de"]
    problem = _one(fx.problems(), COURSE_FILE, "modules[1].material.de", "non-empty de text")
    line = int(problem.split(":")[1])
    lines = fx.course_path.read_text("utf-8").splitlines()
    assert lines[line - 1].strip().startswith("en: Reading text.")


def test_an_empty_german_text_in_a_vignette_document_is_refused(fx: Fixture) -> None:
    fx.vignette["documents"][2]["body"]["de"] = " "
    _one(fx.problems(), VIGNETTE_FILE, "documents[2].body.de", "non-empty de text")


def test_an_unknown_module_id_is_refused(fx: Fixture) -> None:
    fx.course["modules"].append(_module("msc-team.99-wishful-thinking", 99))
    _one(
        fx.problems(),
        COURSE_FILE,
        f"modules[{len(fx.course['modules']) - 1}].id",
        "unknown training module 'msc-team.99-wishful-thinking'",
    )


def test_a_module_of_another_course_is_refused(fx: Fixture) -> None:
    fx.course["modules"].append(_module("nonsec-cert.01-social-diagnostics", 98))
    _one(
        fx.problems(),
        COURSE_FILE,
        f"modules[{len(fx.course['modules']) - 1}].id",
        "is a module of the course 'nonsec-cert', not 'msc-team'",
    )


def test_a_course_that_leaves_out_a_catalogue_module_is_refused(fx: Fixture) -> None:
    left_out = fx.course["modules"].pop()
    _one(fx.problems(), COURSE_FILE, "modules", f"lacks the catalogue modules {left_out['id']}")


def test_an_unknown_phase_task_is_refused(fx: Fixture) -> None:
    fx.course["modules"][2]["transfer_task"]["phase_task"] = "setup.wishful-thinking"
    _one(
        fx.problems(),
        COURSE_FILE,
        "modules[2].transfer_task.phase_task",
        "unknown phase task 'setup.wishful-thinking'",
    )


def test_an_unknown_instrument_key_is_refused(fx: Fixture) -> None:
    fx.course["completion"]["knowledge_checks"] = ["kc-nowhere"]
    fx.course["modules"][0]["knowledge_check"] = "kc-elsewhere"
    problems = fx.problems()
    _one(problems, COURSE_FILE, "completion.knowledge_checks[0]", "unknown instrument 'kc-nowhere'")
    _one(problems, COURSE_FILE, "modules[0].knowledge_check", "unknown instrument 'kc-elsewhere'")


def test_an_instrument_of_the_wrong_kind_is_refused(fx: Fixture) -> None:
    fx.course["assignments"][0]["rubric"] = "kc-fixture"
    _one(
        fx.problems(),
        COURSE_FILE,
        "assignments[0].rubric",
        "the instrument 'kc-fixture' is a knowledge_check, not a rubric",
    )


def test_an_unknown_vignette_key_is_refused(fx: Fixture) -> None:
    fx.course["modules"][0]["exercises"][1]["vignette"] = "nobody-we-know"
    fx.course["assignments"][0]["vignettes"] = ["fixture-case", "someone-else"]
    problems = fx.problems()
    _one(problems, COURSE_FILE, "modules[0].exercises[1].vignette", "unknown vignette")
    _one(problems, COURSE_FILE, "assignments[0].vignettes[1]", "unknown vignette 'someone-else'")


def test_a_dilemma_card_without_statutes_is_refused(fx: Fixture) -> None:
    fx.course["modules"][0]["exercises"][1]["cards"][0]["statutes"] = []
    _one(
        fx.problems(),
        COURSE_FILE,
        "modules[0].exercises[1].cards[0].statutes",
        "name the statutes",
    )


def test_a_dilemma_card_without_the_country_caveat_is_refused(fx: Fixture) -> None:
    card = fx.course["modules"][0]["exercises"][1]["cards"][0]
    card["discussion"]["de"] = "Das dürfen Sie immer."
    _one(
        fx.problems(),
        COURSE_FILE,
        "modules[0].exercises[1].cards[0].discussion.de",
        "country-specific caveat",
    )


def test_a_card_of_an_unknown_country_is_refused(fx: Fixture) -> None:
    fx.course["modules"][0]["exercises"][1]["cards"][0]["country"] = "FR"
    _one(fx.problems(), COURSE_FILE, "modules[0].exercises[1].cards[0].country", "'FR'")


def test_a_vignette_with_fewer_than_four_organisations_is_refused(fx: Fixture) -> None:
    fx.vignette["documents"][1]["organisation"] = _t("Hill School")
    _one(
        fx.problems(),
        VIGNETTE_FILE,
        "documents",
        "needs documents from at least 4 organisations (found 3)",
    )


def test_a_vignette_without_a_document_that_may_not_be_shared_is_refused(fx: Fixture) -> None:
    fx.vignette["documents"][3] = _document("counselling", "Exit Counselling", "yes")
    _one(fx.problems(), VIGNETTE_FILE, "documents", "not shareable")


def test_a_restricted_document_must_say_why(fx: Fixture) -> None:
    del fx.vignette["documents"][3]["restriction"]
    _one(fx.problems(), VIGNETTE_FILE, "documents[3].restriction", "is missing")


def test_an_age_band_yaml_reads_as_a_number_is_explained(fx: Fixture) -> None:
    fx.write()
    text = fx.vignette_path.read_text("utf-8").replace("age_band: '14_17'", "age_band: 14_17")
    fx.vignette_path.write_text(text, "utf-8")
    with pytest.raises(ContentError) as caught:
        content.load(fx.root)
    [problem] = [str(p) for p in caught.value.problems]
    assert ": age_band: write the age band in quotes" in problem


def test_raw_html_in_a_markdown_text_is_refused(fx: Fixture) -> None:
    fx.course["modules"][3]["material"]["en"] = "Read <script>this</script>."
    _one(fx.problems(), COURSE_FILE, "modules[3].material.en", "Markdown, not HTML")


def test_exercises_that_take_longer_than_their_module_are_refused(fx: Fixture) -> None:
    fx.course["modules"][4]["minutes"] = 20
    _one(fx.problems(), COURSE_FILE, "modules[4].minutes", "the exercises take 30 minutes")


def test_every_problem_is_listed_at_once_and_nothing_is_loaded(fx: Fixture) -> None:
    broken = copy.deepcopy(fx.course)
    broken["modules"][0]["transfer_task"]["phase_task"] = "setup.nothing"
    broken["completion"]["assignments"] = ["no-such-assignment"]
    broken["unexpected"] = True
    fx.course = broken
    fx.vignette["gender"] = "unknown"
    problems = fx.problems()
    _one(problems, COURSE_FILE, "modules[0].transfer_task.phase_task", "unknown phase task")
    _one(problems, COURSE_FILE, "completion.assignments[0]", "unknown assignment")
    _one(problems, COURSE_FILE, "unexpected", "is not a known field")
    _one(problems, VIGNETTE_FILE, "gender", "'unknown' is not one of")
    assert len(problems) == 4
