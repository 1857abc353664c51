"""The shipped Social Diagnostics instrument (version 1) and its domain → data category file.

The analysis app builds on the fixed structure in these files (SDX-SPEC: domain keys in order,
item keys, the answer shape), so these tests pin that structure, and what the content must say:
both languages everywhere, concern and resource anchored per domain with "unknown" as a value of
its own, a guide note per domain naming the domain's data category, a rationale for every rating,
nothing scored, and every domain classed under a data category that exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest

from icommit.core.content import CONTENT_DIR
from icommit.instruments.engine import check_answers, content_hash
from icommit.instruments.engine.definition import AnswerError, Definition
from icommit.instruments.engine.yaml_format import parse_yaml
from icommit.instruments.models import InstrumentVersion, Kind, Origin
from icommit.instruments.shipped import load_shipped, shipped_files, shipped_sync
from icommit.stakeholders.content import content as stakeholder_content

PATH = CONTENT_DIR / "instruments" / "social-diagnostics" / "v1.yaml"
DOMAINS_PATH = CONTENT_DIR / "analysis" / "domains.yaml"

DOMAINS = [
    "family",
    "peers",
    "education",
    "work",
    "housing",
    "physical_health",
    "mental_health",
    "substances",
    "justice",
    "ideology",
    "identity",
    "online",
    "leisure",
    "gender",
    "legal_status",
    "discrimination",
    "safety",
    "religion",
]
SECTIONS = [
    "client",
    *(f"domain_{d}" for d in DOMAINS),
    "known_facts",
    "function",
    "markers",
    "formulation",
    "gender_lens",
]
CONCERN_WORDS = {
    "en": ["None", "Minor", "Moderate", "Severe"],
    "de": ["Keine", "Geringe", "Mittlere", "Hohe"],
}
RESOURCE_WORDS = {
    "en": ["None", "Some", "Good", "Strong"],
    "de": ["Keine", "Geringe", "Gute", "Starke"],
}
LANGUAGES = ("en", "de")


@cache
def definition() -> Definition:
    return load_shipped(PATH)


@cache
def raw() -> Any:
    return parse_yaml(PATH.read_text(encoding="utf-8"), source=str(PATH))


@cache
def domain_file() -> Any:
    return parse_yaml(DOMAINS_PATH.read_text(encoding="utf-8"), source=str(DOMAINS_PATH))


def texts(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(path, mapping) for every mapping in the tree that holds a text in some language."""
    if isinstance(node, dict):
        if any(lang in node for lang in LANGUAGES):
            yield path, node
        for key, value in node.items():
            yield from texts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from texts(value, f"{path}[{i}]")


def full_answers() -> dict[str, Any]:
    """A complete perspective: every domain rated (some unknown), every part filled in."""
    answers: dict[str, Any] = {
        "client_view": "Says school was the worst time; wants to get his own flat.",
        "client_goals": "A training place and a flat of his own.",
        "client_involved": "with_client",
        "facts": [
            {
                "domain": "housing",
                "fact": "Notice to leave by the end of the month.",
                "source": "records",
                "reliability": "confirmed",
            }
        ],
        "functions": [
            {"need": "belonging", "what_it_gives": "Friends", "equivalent": "Football club"}
        ],
        "behaviour_markers": [
            {"behaviour_marker": "Missed the group's meeting", "behaviour_direction": "away"}
        ],
        "attitude_markers": [
            {
                "attitude_marker": "Questions the group's view of women",
                "attitude_direction": "unclear",
            }
        ],
        "hypotheses": [
            {
                "hypothesis": "The group replaces the family he lost.",
                "competing": "He stays for the money.",
                "check": "Ask about debts.",
            }
        ],
        "needs": "A home, a training place.",
        "tasks": [{"service": "Housing office", "task": "Find a flat"}],
        "gender_considered": "considered",
        "gender_notes": "The group offered him the role of protector.",
    }
    for i, d in enumerate(DOMAINS):
        answers[d] = {
            "concern": "unknown" if i % 5 == 0 else i % 4,
            "resource": (i + 1) % 4,
            "rationale": f"Reasons for {d}.",
        }
        answers[f"{d}_basis"] = "client"
    return answers


# --- the file as the engine reads it --------------------------------------------------------


def test_the_file_loads_in_the_engine_as_social_diagnostics_version_1() -> None:
    defn = definition()
    assert (defn.key, defn.version, defn.kind) == ("social-diagnostics", 1, "social_diagnostics")
    assert defn.languages == ("en", "de")
    assert len(defn.sources) >= 5
    assert defn.scoring is None and defn.recommendations == ()


def test_exactly_the_18_domains_in_order_each_defined_in_both_languages() -> None:
    defn = definition()
    assert [d.key for d in defn.domains] == DOMAINS
    for domain in defn.domains:
        for lang in LANGUAGES:
            assert domain.title[lang].strip()
            assert domain.description is not None and len(domain.description[lang]) > 40


def test_sections_come_in_the_agreed_order_with_the_clients_view_first() -> None:
    assert [s.key for s in definition().sections] == SECTIONS
    client = definition().sections[0]
    assert [i.key for i in client.items] == ["client_view", "client_goals", "client_involved"]


def test_every_text_has_english_and_german() -> None:
    found = list(texts(raw()))
    assert len(found) > 400
    for path, node in found:
        for lang in LANGUAGES:
            assert isinstance(node.get(lang), str) and node[lang].strip(), f"{path}.{lang}"
        assert set(node) <= set(LANGUAGES), path


def test_german_uses_the_agreed_terms() -> None:
    german = " ".join(node["de"] for _path, node in texts(raw()))
    for term in (
        "Lebensbereich",
        "Belastung",
        "Ressource",
        "Unbekannt",
        "Begründ",
        "Perspektive",
        "Fallverständnis",
        "Hypothese",
        "Gegenhypothese",
        "funktionales Äquivalent",
        "Verhaltens- und Einstellungsmarker",
    ):
        assert term in german, term
    # the practitioners' review: "Spuren" is not the word for the two tracks, "Distanzierung" is a
    # stage in the assessments, not the behaviour track, and attitudes are "Einstellungen"
    for wrong in (
        "Spuren",
        "Distanzierung",
        "Haltung",
        "Einige:",
        "Ordnungsverfahren",
        "wegen dem",
    ):
        assert wrong not in german, wrong
    assert "zwei getrennte Stränge" in german and "Verhaltensmarker (Disengagement)" in german


# --- domains: anchors, unknown, guide note, paired rating ------------------------------------


@pytest.mark.parametrize("domain", DOMAINS)
def test_each_domain_has_concern_and_resource_anchored_0_to_3_plus_unknown(domain: str) -> None:
    defn = definition()
    for kind, words in (("concern", CONCERN_WORDS), ("resource", RESOURCE_WORDS)):
        scale = defn.scales[f"{kind}_{domain}"]
        assert [c.value for c in scale.choices] == [0, 1, 2, 3]
        expected = (
            ["unknown", "not_applicable"] if scale.key == "resource_religion" else ["unknown"]
        )
        assert [c.value for c in scale.missing] == expected
        assert dict(scale.missing[0].label) == {"en": "Unknown", "de": "Unbekannt"}
        assert scale.counts, "ratings are never averaged into a score"
        for lang in LANGUAGES:
            for choice, word in zip(scale.choices, words[lang], strict=True):
                label = choice.label[lang]
                assert label.startswith(f"{word}: "), label
                anchor = label.removeprefix(f"{word}: ")
                # one short, concrete sentence per level
                assert anchor[0].isupper() and anchor.endswith("."), label
                assert not re.search(r"[.!?] [A-ZÄÖÜ]", anchor), f"more than one sentence: {label}"
                assert len(anchor) <= 190, label


def test_anchors_are_written_per_domain_and_resources_are_not_the_absence_of_concern() -> None:
    defn = definition()
    anchors: list[str] = []
    for domain in DOMAINS:
        concern = [
            c.label["en"].split(": ", 1)[1] for c in defn.scales[f"concern_{domain}"].choices
        ]
        resource = [
            c.label["en"].split(": ", 1)[1] for c in defn.scales[f"resource_{domain}"].choices
        ]
        assert not set(concern) & set(resource), domain
        # the strongest resource is not just "no concern" in other words
        assert resource[3] != concern[0]
        anchors += concern + resource
    assert len(anchors) == len(set(anchors)) == 18 * 8


@pytest.mark.parametrize("domain", DOMAINS)
def test_each_domain_section_has_unknown_guidance_a_guide_note_and_a_paired_rating(
    domain: str,
) -> None:
    defn = definition()
    section = next(s for s in defn.sections if s.key == f"domain_{domain}")
    assert dict(section.title) == dict(defn.domain(domain).title)
    assert section.intro is not None
    assert "unknown" in section.intro["en"] and "not a middle value" in section.intro["en"]
    assert "„unbekannt“" in section.intro["de"] and "kein Mittelwert" in section.intro["de"]
    guide, paired, basis = section.items
    assert (guide.key, guide.type) == (f"{domain}_guide", "note")
    assert guide.text["en"].startswith("Ask the person first")
    assert guide.text["de"].startswith("Fragen Sie zuerst die Person")
    assert "Sources:" in guide.text["en"] and "Quellen:" in guide.text["de"]
    assert guide.hint is not None
    assert "Gender:" in guide.hint["en"] and "Geschlecht:" in guide.hint["de"]
    assert (paired.key, paired.type, paired.rationale) == (domain, "paired", "required")
    assert [(p.key, p.scale) for p in paired.pairs] == [
        ("concern", f"concern_{domain}"),
        ("resource", f"resource_{domain}"),
    ]
    assert [dict(p.label) for p in paired.pairs] == [
        {"en": "Concern", "de": "Belastung"},
        {"en": "Resource", "de": "Ressource"},
    ]
    assert not paired.required, "an organisation rates the domains it knows"
    assert (basis.key, basis.type, basis.scale, basis.domain) == (
        f"{domain}_basis",
        "choice",
        "basis",
        domain,
    )
    assert not basis.required


@pytest.mark.parametrize("domain", DOMAINS)
def test_each_guide_note_names_the_domains_data_category_in_both_languages(domain: str) -> None:
    categories = stakeholder_content().data_categories
    code = domain_file()["domains"][domain]["category"]
    label = categories[code].label
    guide = definition().item(f"{domain}_guide")
    assert guide.hint is not None
    assert guide.hint["en"].startswith(f"Data category: {label['en']}"), guide.hint["en"]
    assert guide.hint["de"].startswith(f"Datenkategorie: {label['de']}"), guide.hint["de"]


def test_no_item_is_scored() -> None:
    defn = definition()
    every = [*defn.items(), *(sub for it in defn.items() for sub in it.items)]
    assert every
    assert [it.key for it in every if it.scored] == []
    named = [it for it in every if it.domain is not None]
    assert {it.key for it in named} == {f"{d}_basis" for d in DOMAINS}
    assert all(defn.scales[it.scale or ""].counts for it in named)


def test_it_is_not_a_risk_assessment_and_religion_is_never_a_risk_in_itself() -> None:
    defn = definition()
    assert defn.description is not None
    assert "not a risk of violence" in defn.description["en"]
    assert "not a risk assessment" in defn.description["en"]
    assert "nicht ein Gewaltrisiko" in defn.description["de"]
    assert "keine Risikoeinschätzung" in defn.description["de"]
    religion = defn.domain("religion").description
    ideology = defn.domain("ideology").description
    assert religion is not None and ideology is not None
    assert "never a risk" in religion["en"] and "apart from ideology" in religion["en"]
    assert "religion is rated in its own domain" in ideology["en"].lower()
    # concern about religion arises from practice or a community, never from belief as such
    for choice in defn.scales["concern_religion"].choices:
        assert not re.search(r"\bbelie(f|ve)", choice.label["en"], re.I), choice.label["en"]
    safety = defn.domain("safety").description
    assert safety is not None and "Not a risk the person poses" in safety["en"]


def test_faith_that_plays_no_part_is_not_applicable_not_a_missing_resource() -> None:
    """A person without faith is no deficit: the religion resource has a second missing value,
    "not applicable", next to "unknown"; it is not a number, and no other scale offers it."""
    defn = definition()
    scale = defn.scales["resource_religion"]
    na = scale.choice("not_applicable")
    assert na is not None and scale.is_missing("not_applicable") and na.score is None
    assert dict(na.label) == {
        "en": "Not applicable: faith plays no part in the person's life",
        "de": "Entfällt: Glaube spielt im Leben der Person keine Rolle",
    }
    # the lowest anchor no longer covers "has no faith": that is what not applicable is for
    assert "has none" not in scale.choices[0].label["en"]
    answers = {
        **full_answers(),
        "religion": {"concern": 0, "resource": "not_applicable", "rationale": "No faith."},
    }
    check_answers(defn, answers, audience="non_security", complete=True)
    intro = next(s for s in defn.sections if s.key == "domain_religion").intro
    assert intro is not None
    assert "rate concern 0 and resource “not applicable”: that is no deficit" in intro["en"]
    assert "die Ressource mit „entfällt“: Das ist kein Defizit" in intro["de"]
    for change in (
        {"religion": {"concern": "not_applicable", "resource": 0, "rationale": "x"}},
        {"family": {"concern": 0, "resource": "not_applicable", "rationale": "x"}},
    ):
        with pytest.raises(AnswerError) as caught:
            check_answers(
                defn, {**full_answers(), **change}, audience="non_security", complete=True
            )
        assert "'not_applicable' is not one of" in str(caught.value)


def test_before_any_rating_the_client_is_told_who_reads_it_and_where_confidentiality_ends() -> None:
    """Information is gathered before the consent step, so the client section (the first) asks
    the practitioner to tell the person first what the record is for, who may read it, that
    police and prosecution must pursue offences and that a social worker's notes can be seized."""
    client = definition().sections[0]
    assert client.key == "client" and client.intro is not None
    en, de = client.intro["en"], client.intro["de"]
    assert en.startswith("Start here, before any rating. First tell the person what this record")
    for words in (
        "which organisations may read it",
        "where confidentiality ends",
        "they must pursue",
        "notes can be seized",
        "(country law DE, check with your organisation's legal service: "
        "§§ 152(2), 160, 163, 94, 97 StPO)",
    ):
        assert words in en, words
    assert en.index("First tell the person") < en.index("Then write down")
    assert de.startswith("Beginnen Sie hier, vor jeder Einschätzung. Sagen Sie der Person zuerst")
    for words in (
        "welche Organisationen sie lesen dürfen",
        "wo die Vertraulichkeit endet",
        "müssen sie verfolgen",
        "beschlagnahmt werden",
        "prüfen Sie es mit der Rechtsabteilung Ihrer Organisation: §§ 152 Abs. 2, 160, 163, 94, 97",
    ):
        assert words in de, words
    assert de.index("Sagen Sie der Person zuerst") < de.index("Halten Sie dann fest")


def test_every_statute_named_points_to_the_organisations_legal_service() -> None:
    """A statement about a country's law names the country and sends the reader to check it."""
    found = 0
    for doc in (raw(), domain_file()):
        for path, node in texts(doc):
            en, de = node.get("en", ""), node.get("de", "")
            if re.search(r"StPO|StGB|SGB|AufenthG|BZRG|KKG", en):
                found += 1
                assert "DE, check with your organisation's legal service" in en, path
                assert "DE, prüfen Sie es mit der Rechtsabteilung Ihrer Organisation" in de, path
    assert found >= 12


def test_the_practitioners_corrections_to_law_and_anchors_are_in_place() -> None:
    defn = definition()

    def hint(key: str, lang: str = "en") -> str:
        h = defn.item(key).hint
        assert h is not None
        return h[lang]

    def guide(key: str, lang: str = "en") -> str:
        return defn.item(key).text[lang]

    # justice: no admissions drawn out; a spent conviction is no concern
    assert "Do not ask for details of offences that have not been tried" in guide("justice_guide")
    assert "How do you see what happened" not in guide("justice_guide")
    assert (
        "never requires admitting an offence"
        in (defn.scales["resource_justice"].choices[3].label["en"])
    )
    for lang in LANGUAGES:
        assert "§ 51 BZRG" in hint("justice_guide", lang)
        # reporting duty for planned serious offences; disclosure to avert a present danger
        assert "§ 138 StGB" in guide("safety_guide", lang)
        assert "§ 34 StGB" in guide("safety_guide", lang)
        # child protection the same day, and the limit on passing on what was entrusted
        assert "§ 8a SGB VIII" in guide("family_guide", lang)
        assert "§ 4 KKG" in guide("family_guide", lang)
        assert "§ 65 SGB VIII" in hint("family_guide", lang)
        # the duty to inform the immigration authority binds public bodies, within § 88 AufenthG
        assert "§ 88 AufenthG" in hint("legal_status_guide", lang)
    assert "Independent NGOs are not public bodies" in hint("legal_status_guide")
    assert "every public body" not in hint("legal_status_guide").lower()
    # gender identity: protected by icommit, not claimed to be an Art. 9 category
    assert (
        "sex life and sexual orientation are (Art. 9 GDPR), and icommit protects gender identity"
        in hint("gender_guide")
    )
    # online anchors describe the person's situation, not a viewer → sharer → producer ladder
    online = [c.label["en"] for c in defn.scales["concern_online"].choices]
    assert not any(re.search(r"\b(views|shares|produces|spreads)\b", a) for a in online), online
    # "the scene" read for a client who is in none
    assert defn.description is not None
    assert "read “outside the scene” as “in the person's life”" in defn.description["en"]
    assert "„außerhalb der Szene“ als „im Leben der Person“" in defn.description["de"]
    assert any("Lösel, King, Bender and Jugl (2018)" in s for s in defn.sources)


# --- the other parts ------------------------------------------------------------------------


def test_client_facts_function_markers_formulation_and_gender_have_the_agreed_keys() -> None:
    defn = definition()
    involved = defn.item("client_involved")
    assert involved.required
    assert [c.value for c in involved.choices] == ["with_client", "from_client", "without_client"]
    for key in ("client_view", "client_goals", "needs", "gender_notes"):
        assert defn.item(key).type == "text"

    facts = defn.item("facts")
    assert facts.type == "group"
    assert [s.key for s in facts.items] == ["domain", "fact", "source", "reliability"]
    assert [c.value for c in facts.sub_item("domain").choices] == DOMAINS
    assert facts.sub_item("fact").required
    assert [c.value for c in facts.sub_item("source").choices] == [
        "client",
        "family",
        "own_observation",
        "other_service",
        "records",
        "third_party",
    ]
    assert [c.value for c in facts.sub_item("reliability").choices] == [
        "confirmed",
        "probable",
        "unconfirmed",
    ]

    functions = defn.item("functions")
    assert [s.key for s in functions.items] == ["need", "what_it_gives", "equivalent"]
    assert [c.value for c in functions.sub_item("need").choices] == [
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

    # behaviour (disengagement) and attitudes (deradicalisation): two tracks, never one
    for track in ("behaviour", "attitude"):
        group = defn.item(f"{track}_markers")
        assert [s.key for s in group.items] == [f"{track}_marker", f"{track}_direction"]
        assert [c.value for c in group.sub_item(f"{track}_direction").choices] == [
            "towards",
            "away",
            "unclear",
        ]
    assert defn.section_of("behaviour_markers").key == defn.section_of("attitude_markers").key

    hypotheses = defn.item("hypotheses")
    assert [s.key for s in hypotheses.items] == ["hypothesis", "competing", "check"]
    assert [s.key for s in defn.item("tasks").items] == ["service", "task"]

    considered = defn.item("gender_considered")
    assert considered.required
    assert [c.value for c in considered.choices] == ["considered", "not_considered"]
    notes = defn.item("gender_notes")
    assert notes.required_if is not None
    assert (notes.required_if.item, notes.required_if.values) == (
        "gender_considered",
        ("considered",),
    )


def test_a_complete_perspective_fits_the_instrument() -> None:
    check_answers(definition(), full_answers(), audience="non_security", complete=True)
    check_answers(definition(), full_answers(), audience="security", complete=True)


def test_a_perspective_may_rate_only_some_domains() -> None:
    answers = {
        k: v for k, v in full_answers().items() if k not in DOMAINS and not k.endswith("_basis")
    }
    answers["housing"] = {"concern": 2, "resource": "unknown", "rationale": "Notice to leave."}
    check_answers(definition(), answers, audience="non_security", complete=True)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"family": {"concern": 1, "resource": 2}}, "rationale: is required"),
        ({"family": {"concern": 4, "resource": 2, "rationale": "x"}}, "concern: 4 is not one of"),
        ({"family": {"concern": "unknown", "rationale": "x"}}, "resource needs a rating"),
        ({"family": {"concern": 1, "resource": 1, "risk": 3, "rationale": "x"}}, "'risk' is not"),
        ({"family_basis": "rumour"}, "'rumour' is not one of"),
        ({"client_involved": None}, "is required"),
        ({"gender_notes": ""}, "is required"),
        ({"gender_considered": None}, "is required"),
        ({"facts": [{"domain": "housing", "source": "records"}]}, "fact: is required"),
        ({"facts": [{"domain": "risk", "fact": "x"}]}, "'risk' is not one of"),
    ],
)
def test_an_incomplete_or_wrong_perspective_is_refused(
    change: dict[str, Any], problem: str
) -> None:
    answers = {**full_answers(), **change}
    with pytest.raises(AnswerError) as caught:
        check_answers(definition(), answers, audience="non_security", complete=True)
    assert problem in str(caught.value)


def test_gender_notes_are_needed_only_once_gender_was_considered() -> None:
    answers = {**full_answers(), "gender_considered": "not_considered", "gender_notes": ""}
    check_answers(definition(), answers, audience="non_security", complete=True)


# --- domains.yaml ---------------------------------------------------------------------------


def test_domains_file_gives_every_domain_an_existing_data_category_with_a_reason() -> None:
    data = domain_file()
    assert data["instrument"] == "social-diagnostics" and data["version"] == 1
    assert list(data["domains"]) == DOMAINS
    codes = set(stakeholder_content().data_categories)
    for domain, entry in data["domains"].items():
        assert set(entry) == {"category", "reason"}, domain
        assert entry["category"] in codes, domain
        for lang in LANGUAGES:
            assert len(entry["reason"][lang]) > 40, (domain, lang)


def test_domains_are_classed_as_their_content_requires() -> None:
    domains = domain_file()["domains"]
    special = {code: c.special for code, c in stakeholder_content().data_categories.items()}
    expected = {
        "physical_health": "health",
        "mental_health": "health",
        "substances": "health",
        "justice": "offence",
        "ideology": "ideology",
        "religion": "ideology",
        "online": "online",
        "legal_status": "residence",
        "discrimination": "victimisation",
    }
    for domain, category in expected.items():
        assert domains[domain]["category"] == category, domain
    # ties to extremist groups reveal views: never a plain social-situation category
    assert special[domains["peers"]["category"]] == "art9"
    # safety records threats the person faces; icommit ships no risk items
    assert domains["safety"]["category"] != "risk"
    assert special[domains["justice"]["category"]] == "art10"


# --- publishing -----------------------------------------------------------------------------


def test_the_shipped_sync_publishes_the_instrument(db: None) -> None:
    assert PATH in shipped_files()
    version = InstrumentVersion.objects.get(instrument__key="social-diagnostics", number=1)
    assert version.instrument.kind == Kind.SOCIAL_DIAGNOSTICS
    assert version.origin == Origin.SHIPPED and version.published_by is None
    assert version.content_hash == content_hash(definition())
    assert version.source_name.endswith("social-diagnostics/v1.yaml")
    assert [d.key for d in version.parsed.domains] == DOMAINS
    # publishing again is a no-op: the same content is already there
    assert "social-diagnostics" not in " ".join(shipped_sync())
    assert InstrumentVersion.objects.filter(instrument__key="social-diagnostics").count() == 1
