"""The shipped certification course (nonsec-cert), its vignettes and its instruments, read through
the training content loader and the instrument loader: the course is complete as issue 15 asks,
the vignettes are balanced across phenomena, gender, age and setting and each teaches sharing, and
the rubric's criteria are the course's competencies, level for level."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from icommit.instruments.engine import Definition, score
from icommit.instruments.shipped import FOLDER, load_shipped
from icommit.training import content

LANGUAGES = ("en", "de")
MODULES = [
    "nonsec-cert.01-social-diagnostics",
    "nonsec-cert.02-concerns-and-resources",
    "nonsec-cert.03-perspectives",
    "nonsec-cert.04-gender",
    "nonsec-cert.05-risk-references",
    "nonsec-cert.06-practice",
]
CAVEAT = {"en": "check with your organisation's legal service", "de": "Rechtsabteilung"}
STATUTE = re.compile(r"§|Art\. \d|(Directive|Richtlinie) \(EU\)")


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _instrument(key: str) -> Definition:
    """The newest shipped version of an instrument: the one a course uses."""
    newest = max((FOLDER / key).glob("v*.yaml"), key=lambda path: int(path.stem[1:]))
    return load_shipped(newest)


@pytest.fixture(scope="module")
def course() -> content.Course:
    assert content.validate_all() == []
    found = content.course("nonsec-cert")
    assert found is not None
    return found


@pytest.fixture(scope="module")
def vignettes() -> tuple[content.Vignette, ...]:
    return content.vignettes()


# --- the course ---------------------------------------------------------------------------------


def test_the_certification_course_certifies_for_two_years_with_a_refresher(
    course: content.Course,
) -> None:
    assert course.certificate.kind == "certification"
    assert course.certificate.validity_months == 24
    refresher = course.certificate.refresher
    assert refresher is not None and len(refresher.modules) == 2
    assert set(refresher.modules) <= set(MODULES)


def test_completion_needs_attendance_the_knowledge_check_both_assignments_and_signoff(
    course: content.Course,
) -> None:
    assert course.completion.attendance_share == 0.8
    assert course.completion.knowledge_checks == ("kc-nonsec-cert",)
    assert course.completion.assignments == ("practice-analysis", "consent-conversation")
    assert course.completion.signoff is True


def test_the_assignments_are_a_two_rater_analysis_and_an_observed_conversation(
    course: content.Course,
) -> None:
    by_key = {a.key: a for a in course.assignments}
    analysis, conversation = by_key["practice-analysis"], by_key["consent-conversation"]
    assert (analysis.kind, analysis.rubric, analysis.raters) == (
        "analysis",
        "rubric-social-diagnostics",
        2,
    )
    assert analysis.any_vignette
    assert (conversation.kind, conversation.rubric, conversation.raters) == (
        "observed",
        "rubric-consent-conversation",
        1,
    )


def test_the_competency_framework_has_five_to_seven_competencies_with_four_levels(
    course: content.Course,
) -> None:
    assert 5 <= len(course.competencies) <= 7
    for competency in course.competencies:
        assert [level.level for level in competency.levels] == [1, 2, 3, 4], competency.key
    used = {key for module in course.modules for key in module.competencies}
    assert used == {c.key for c in course.competencies}, "a competency no module teaches"


def test_the_modules_follow_the_catalogue_each_with_material_of_300_to_700_words(
    course: content.Course,
) -> None:
    assert [m.id for m in course.modules] == MODULES
    for module in course.modules:
        for lang in LANGUAGES:
            assert 300 <= _words(module.material[lang]) <= 700, (module.id, lang)
        assert 3 <= len(module.outcomes) <= 5, module.id
        assert module.exercises and module.transfer_task.phase_task, module.id
    assert {m.transfer_task.phase_task for m in course.modules} >= {
        "operation.case-conferences",
        "operation.consent",
        "operation.gender-in-cases",
    }


def test_the_exercises_include_case_work_role_play_bias_comparison_and_discussion(
    course: content.Course,
) -> None:
    kinds = Counter(e.kind for m in course.modules for e in m.exercises)
    assert {"case_work", "role_play", "bias_comparison", "discussion"} <= set(kinds)
    used = {e.vignette for m in course.modules for e in m.exercises if e.vignette}
    assert len(used) >= 5, "the exercises should work with most vignettes"


def test_every_legal_card_names_its_statutes_and_ends_with_the_caveat(
    course: content.Course,
) -> None:
    cards = [c for m in course.modules for e in m.exercises for c in e.cards]
    assert cards
    for card in cards:
        assert card.country == "DE" and card.statutes, card.key
        for lang in LANGUAGES:
            assert CAVEAT[lang] in card.discussion[lang], (card.key, lang)


# --- the vignettes ------------------------------------------------------------------------------


def test_there_are_about_eight_vignettes_set_in_germany(
    vignettes: tuple[content.Vignette, ...],
) -> None:
    assert 7 <= len(vignettes) <= 10
    for vignette in vignettes:
        assert any("German" in source for source in vignette.sources), vignette.key


def test_the_vignettes_are_balanced_across_phenomena_gender_age_and_setting(
    vignettes: tuple[content.Vignette, ...],
) -> None:
    assert {"vrwe", "vie", "mixed"} <= {v.phenomenon for v in vignettes}
    assert sum(v.gender == "female" for v in vignettes) >= 3
    ages = {v.age_band for v in vignettes}
    assert {"14_17", "18_20", "21_26", "27_40", "over_40"} <= ages
    assert len({v.setting for v in vignettes}) >= 3
    assert any(v.family_only for v in vignettes)


def test_every_vignette_has_several_organisations_and_a_document_that_may_not_be_shared(
    vignettes: tuple[content.Vignette, ...],
) -> None:
    for vignette in vignettes:
        documents = vignette.documents
        assert 4 <= len(documents) <= 6, vignette.key
        assert 4 <= len({d.organisation["en"] for d in documents}) <= 5, vignette.key
        assert any(d.shareable == "no" for d in documents), vignette.key


def test_every_restriction_names_a_statute_and_sends_the_reader_to_the_legal_service(
    vignettes: tuple[content.Vignette, ...],
) -> None:
    for vignette in vignettes:
        for document in vignette.documents:
            if document.shareable == "yes":
                assert document.restriction is None, (vignette.key, document.key)
                continue
            assert document.restriction is not None, (vignette.key, document.key)
            for lang in LANGUAGES:
                text = document.restriction[lang]
                assert STATUTE.search(text) and CAVEAT[lang] in text, (vignette.key, lang)


def test_documents_are_80_to_250_words_and_teaching_notes_name_no_right_answer(
    vignettes: tuple[content.Vignette, ...],
) -> None:
    for vignette in vignettes:
        for document in vignette.documents:
            for lang in LANGUAGES:
                assert 80 <= _words(document.body[lang]) <= 250, (vignette.key, document.key)
        for lang in LANGUAGES:
            notes = vignette.teaching_notes[lang]
            assert "Sharing traps" in notes or "Fallen bei der Weitergabe" in notes
            assert not re.search(r"(correct|right) rating", notes, re.IGNORECASE), vignette.key


# --- the instruments ----------------------------------------------------------------------------


def test_the_rubric_criteria_are_the_competencies_level_for_level(
    course: content.Course,
) -> None:
    rubric = _instrument("rubric-social-diagnostics")
    assert rubric.kind == "rubric"
    competencies = {c.key: c for c in course.competencies}
    assert [d.key for d in rubric.domains] == list(competencies)
    criteria = [item for item in rubric.items() if item.domain]
    assert [item.domain for item in criteria] == list(competencies)
    for item in criteria:
        competency = competencies[item.domain]
        assert [c.value for c in item.choices] == [1, 2, 3, 4], item.key
        for choice, level in zip(item.choices, competency.levels, strict=True):
            for lang in LANGUAGES:
                assert choice.label[lang].endswith(level.text[lang]), (item.key, level.level)
        for lang in LANGUAGES:
            assert item.text[lang] == competency.title[lang]


def test_the_consent_rubric_has_six_to_eight_criteria_with_four_described_levels() -> None:
    rubric = _instrument("rubric-consent-conversation")
    assert rubric.kind == "rubric"
    criteria = [item for item in rubric.items() if item.domain]
    assert 6 <= len(criteria) <= 8
    for item in criteria:
        assert [c.value for c in item.choices] == [1, 2, 3, 4], item.key
        assert len({c.label["en"] for c in item.choices}) == 4, item.key


def test_the_knowledge_check_asks_scenarios_with_one_best_answer_and_passes_at_75() -> None:
    kc = _instrument("kc-nonsec-cert")
    assert kc.kind == "knowledge_check"
    assert kc.scoring is not None and kc.scoring.pass_mark == 75
    assert kc.scoring.min_answered == 1
    items = list(kc.items())
    assert 12 <= len(items) <= 16
    best: dict[str, str] = {}
    for item in items:
        assert item.type == "choice" and item.domain and item.required, item.key
        scores = sorted(c.score for c in item.choices)
        assert scores == [0] * (len(scores) - 1) + [1], item.key
        best[item.key] = next(str(c.value) for c in item.choices if c.score == 1)
    assert max(Counter(best.values()).values()) <= len(items) // 2
    law = [item for item in items if item.domain == "law"]
    assert len(law) >= 5
    for item in law:
        assert item.hint is not None and CAVEAT["en"] in item.hint["en"], item.key
        assert STATUTE.search(" ".join(c.label["en"] for c in item.choices)), item.key

    wrong = {item.key: next(str(c.value) for c in item.choices if c.score == 0) for item in items}
    keys = list(best)
    allowed = len(items) - -(-len(items) * 3 // 4)  # wrong answers still passing at 75 per cent

    def with_wrong(n: int) -> bool | None:
        answers = best | {key: wrong[key] for key in keys[:n]}
        return score(kc, answers, audience="non_security").passed

    assert with_wrong(0) is True
    assert with_wrong(allowed) is True
    assert with_wrong(allowed + 1) is False
