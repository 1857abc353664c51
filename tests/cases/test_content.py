"""Consent templates and legal bases: the shipped content, and every rule of their validator."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from icommit.cases.content import (
    AUDIENCES,
    CONSENT_PATH,
    GENERAL,
    LEGAL_BASES_PATH,
    PLACEHOLDERS,
    SECTIONS,
    ConsentTemplate,
    LegalBasis,
    consent_content,
    consent_template,
    consent_templates,
    fill,
    legal_bases,
    legal_bases_content,
    legal_basis,
    load_consent,
    load_legal_bases,
    paragraphs,
)
from icommit.core.content import LANGUAGES, ContentError
from icommit.stakeholders.sectors import Sector

CONSENT = CONSENT_PATH.read_text(encoding="utf-8")
BASES = LEGAL_BASES_PATH.read_text(encoding="utf-8")


def texts_of(value: object) -> list[dict[str, str]]:
    """Every translated text inside a loaded dataclass (dicts keyed by language)."""
    found: list[dict[str, str]] = []
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            found += texts_of(getattr(value, field.name))
    elif isinstance(value, dict) and set(value) == set(LANGUAGES):
        found.append(value)
    return found


# --- the shipped content -----------------------------------------------------------------------


def test_the_shipped_consent_templates_load_for_every_audience_in_general_and_germany() -> None:
    shipped = load_consent()
    assert set(shipped.templates) == {
        (audience, country) for audience in AUDIENCES for country in (GENERAL, "DE")
    }
    assert shipped.version == 1


def test_every_consent_text_has_english_and_german() -> None:
    for template in consent_content().templates.values():
        texts = texts_of(template)
        # title, intro, signature, guidance, limits and heading + text of three sections
        assert len(texts) == 11
        for text in texts:
            assert text["en"].strip() and text["de"].strip()


def test_every_template_keeps_the_three_things_apart_in_three_sections() -> None:
    for template in consent_content().templates.values():
        assert [s.key for s in template.sections] == list(SECTIONS)
        support, release, basis = template.sections
        assert support.heading["de"].endswith("Zustimmung zur Unterstützung") or (
            template.audience == "easy"
        )
        for lang in LANGUAGES:
            for name in ("recipients", "categories", "purpose"):
                assert "{" + name + "}" in release.text[lang]
            # the legal basis is explained as a separate matter, not as part of the release
            assert "{recipients}" not in basis.text[lang]
            assert "{recipients}" not in support.text[lang]
        if template.audience != "easy":
            assert "Schweigepflichtentbindung" in release.heading["de"]
            assert "Art. 10" in basis.text["en"] and "recital 43" in basis.text["en"]
            assert "Art. 6(1)(a)" in basis.text["en"] and "Art. 9(2)(a)" in basis.text["en"]
            assert "Art. 7" in basis.text["en"] and "Art. 77" in basis.text["en"]


def test_every_template_says_withdrawal_works_for_the_future_and_never_promises_secrecy() -> None:
    for template in consent_content().templates.values():
        release = template.release.text
        assert "icommit" in release["en"] and "icommit" in release["de"]
        assert "promise" in release["en"] and "versprechen" in release["de"]
        assert "legal service" in template.limits["en"]
        assert "Rechtsabteilung" in template.limits["de"]
        assert template.version >= 1 and template.sources


def test_the_german_templates_name_german_law_and_the_general_ones_do_not() -> None:
    for audience in AUDIENCES:
        german = consent_template(audience, "DE")
        general = consent_template(audience)
        assert german.country == "DE" and general.country == GENERAL
        assert "§ 138" in german.release.text["de"] and "§ 67b" in german.release.text["de"]
        assert "§ 203" in german.release.text["de"]
        for text in texts_of(general):
            assert "§" not in text["en"] and "§" not in text["de"]


def test_the_minor_templates_ask_the_young_person_and_weigh_the_guardians() -> None:
    german = consent_template("minor", "DE")
    assert "kein festes Alter" in german.intro["de"]
    assert "Einsichtsfähigkeit" in german.intro["de"]
    assert "extremistischen Einflusses" in german.guidance["de"]
    assert "extremist influence" in consent_template("minor").guidance["en"]
    assert "Sorgeberechtigten" in german.signature["de"]


def test_templates_fall_back_to_general_for_a_country_without_its_own() -> None:
    danish = consent_templates("DK")
    assert set(danish) == set(AUDIENCES)
    assert all(t.country == GENERAL for t in danish.values())
    assert consent_templates("de")["adult"].country == "DE"
    assert consent_template("easy", "DK") is consent_template("easy")
    with pytest.raises(KeyError):
        consent_template("child", "DE")


def test_fill_puts_in_values_and_leaves_a_line_for_missing_ones() -> None:
    text = consent_template("adult", "DE").release.text["en"]
    filled = fill(text, {"recipients": "Youth office Musterstadt", "professional": "{date}"})
    assert "Recipient organisations: Youth office Musterstadt" in filled
    assert "{" not in filled.replace("{date}", "")  # a value is not read as a placeholder
    assert "Purpose: ______________" in filled
    assert paragraphs(consent_template("easy").support.text, "de")[0] == (
        "{organisation} möchte Ihnen helfen."
    )


def test_the_shipped_legal_bases_load_with_both_languages() -> None:
    shipped = load_legal_bases()
    assert set(shipped.countries) == {"DE", "DK", GENERAL}
    for entries in shipped.countries.values():
        for basis in entries:
            for text in texts_of(basis):
                assert text["en"].strip() and text["de"].strip()
            assert "legal service" in basis.note["en"] and "Rechtsabteilung" in basis.note["de"]
            assert basis.statute
            assert basis.sectors is None or basis.sectors <= set(Sector.values)


def test_german_legal_bases_include_imminent_danger_and_the_named_provisions() -> None:
    german = legal_bases("DE")
    statutes = {b.statute for b in german if b.country == "DE"}
    assert {
        "§ 34 StGB",
        "§ 138 StGB",
        "§ 4 KKG",
        "§ 8a SGB VIII",
        "§ 69(1) no. 1 SGB X",
    } <= statutes
    assert {"§ 65(1) SGB VIII", "§ 68a(8) StGB"} <= statutes
    danger = [b for b in german if b.country == "DE" and b.imminent_danger]
    assert [b.statute for b in danger] == ["§ 34 StGB"]
    assert german[-1].country == GENERAL  # the general entries come last
    kkg = legal_basis("de_kkg_4")
    assert isinstance(kkg, LegalBasis)
    assert kkg.kind == "permission" and kkg.usable_by("school") and not kkg.usable_by("police")
    assert kkg.covers("children") and not kkg.covers("ideology")


def test_danish_legal_bases_are_section_115_and_the_general_entries() -> None:
    danish = legal_bases("DK")
    assert [b.code for b in danish] == ["dk_rpl_115", "general_imminent_danger"]
    section_115 = danish[0]
    assert "§ 115" in section_115.statute
    assert "criminal cases" in section_115.does_not_allow["en"]
    assert "no duty" in section_115.does_not_allow["en"]
    general = legal_basis("general_imminent_danger")
    assert general is not None and general.imminent_danger and general.usable_by("housing")
    assert "name" in general.statute.lower()
    assert legal_bases("FR") == (general,)
    assert legal_basis("de_stpo_481") is None
    assert legal_bases_content() is legal_bases_content()


def test_the_placeholders_are_exactly_the_ones_the_page_fills_in() -> None:
    assert {
        "client_pseudonym",
        "organisation",
        "professional",
        "recipients",
        "categories",
        "purpose",
        "date",
    } == PLACEHOLDERS


# --- every rule of the validator ---------------------------------------------------------------


def broken(tmp_path: Path, source: str, old: str, new: str, count: int = 1) -> Path:
    assert old in source, f"the shipped file no longer contains {old!r}"
    path = tmp_path / "v1.yaml"
    path.write_text(source.replace(old, new, count), encoding="utf-8")
    return path


def problems_of(loader: object, path: Path) -> str:
    with pytest.raises(ContentError) as error:
        loader(path)  # type: ignore[operator]
    return str(error.value)


ADULT_GENERAL = "  - audience: adult\n    country: general\n"
EASY_DE = "  - audience: easy\n    country: DE\n"
RELEASE_EN = (
    "          I release {professional} of {organisation} from their duty of confidentiality"
)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("version: 1\nchanges", "version: one\nchanges", "version: expected int"),
        (
            "sources:\n  - 'DOMAIN.md \"Information",
            "sources: []\nunused:\n  - 'DOMAIN.md \"Information",
            "sources: name at least one source",
        ),
        ("version: 1\nchanges", "version: 1\nauthor: me\nchanges", "author: is not a field"),
        (
            ADULT_GENERAL,
            "  - audience: adults\n    country: general\n",
            "templates[0].audience: 'adults' is not one of",
        ),
        (
            ADULT_GENERAL,
            "  - audience: adult\n    country: Germany\n",
            "templates[0].country: 'Germany' is not a country",
        ),
        (
            EASY_DE,
            "  - audience: easy\n    country: general\n",
            "a second template for easy/general",
        ),
        (
            ADULT_GENERAL,
            "  - audience: adult\n    country: AT\n",
            "templates: no 'general' template for the audience 'adult'",
        ),
        (
            ADULT_GENERAL + "    version: 1\n",
            ADULT_GENERAL + "    version: 0\n",
            "templates[0].version: must be a whole number",
        ),
        (
            ADULT_GENERAL + "    version: 1\n    sources:\n",
            ADULT_GENERAL + "    version: 1\n    references:\n",
            "templates[0].sources: is missing",
        ),
        (
            ADULT_GENERAL + "    version: 1\n",
            ADULT_GENERAL + "    version: 1\n    purpose: x\n",
            "templates[0].purpose: is not a field of this entry",
        ),
        (
            '      de: "Zustimmung zur Unterstützung und Schweigepflichtentbindung"\n',
            "",
            "templates[0].title.de: needs a non-empty de text",
        ),
        (
            '        de: "Teil 1: Zustimmung zur Unterstützung"\n',
            "",
            "templates[0].support.heading.de: needs a non-empty de text",
        ),
        ("    support:\n", "    backing:\n", "templates[0].support: is missing"),
        (
            "    support:\n      heading:",
            "    support:\n      hint: x\n      heading:",
            "templates[0].support.hint: is not a field of this entry",
        ),
        (ADULT_GENERAL, "  - just a line\n" + ADULT_GENERAL, "templates[0]: expected a mapping"),
        (
            ADULT_GENERAL + "    version: 1\n    sources:\n",
            ADULT_GENERAL + "    version: 1\n    sources:\n      - ''\n",
            "templates[0].sources: every source must be a non-empty text",
        ),
        (
            "    legal_basis:\n      heading:",
            "    legal_bases:\n      heading:",
            "templates[0].legal_basis: is missing",
        ),
        (
            "        Case reference: {client_pseudonym}",
            "        Case reference: {client_name}",
            "templates[0].intro.en: unknown placeholder ['client_name']",
        ),
        (
            "        Case reference: {client_pseudonym}",
            "        Case reference: {client_pseudonym} {",
            "templates[0].intro.en: has a brace that is not part of a placeholder",
        ),
        (
            "        Case reference: {client_pseudonym}",
            "        Case reference: (pseudonym)",
            "templates[0].intro: en and de use different placeholders",
        ),
        (
            "          Recipient organisations: {recipients}",
            "          Recipient sectors: police",
            "templates[0].release.text.en: a release must name {recipients}",
        ),
        (
            "          Purpose: {purpose}",
            "          Purpose: support",
            "templates[0].release.text.en: a release must name {purpose}",
        ),
        (
            "Country-specific: check with your organisation's legal service before you use it,"
            " and use",
            "Use",
            "templates[0].limits.en: must say to check with the organisation's legal service",
        ),
    ],
)
def test_a_broken_consent_file_is_refused_naming_the_field(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    text = problems_of(load_consent, broken(tmp_path, CONSENT, old, new))
    assert expected in text
    assert str(tmp_path / "v1.yaml") in text


def test_a_consent_problem_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = broken(tmp_path, CONSENT, RELEASE_EN, RELEASE_EN.replace("{professional}", "{doctor}"))
    with pytest.raises(ContentError) as error:
        load_consent(path)
    (problem,) = [p for p in error.value.problems if "unknown placeholder" in p.message]
    lines = path.read_text(encoding="utf-8").splitlines()
    # the line of the release text (its "en:" key)
    assert "en: |-" in lines[problem.line - 1]
    assert "{doctor}" in lines[problem.line]
    assert problem.field == "templates[0].release.text.en"
    assert problem.file == str(path)


def test_every_problem_of_a_consent_file_is_listed_at_once(tmp_path: Path) -> None:
    source = CONSENT.replace("    support:\n", "    backing:\n").replace(
        "          Purpose: {purpose}", "          Purpose: x", 1
    )
    path = tmp_path / "v1.yaml"
    path.write_text(source, encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_consent(path)
    assert len(error.value.problems) >= 6 + 1  # six templates lack "support", one release "purpose"


DE_34 = '    - code: de_stgb_34\n      kind: permission\n      statute: "§ 34 StGB"\n'


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("version: 1\nchanges", "changes", "version: is missing"),
        ("    - code: de_kkg_4", "    - code: de_stgb_34", "code: 'de_stgb_34' appears twice"),
        ("    - code: de_kkg_4", "    - code: DE-KKG-4", "code: use lower-case letters"),
        (DE_34, DE_34.replace("permission", "right"), "kind: 'right' is not one of"),
        (DE_34, DE_34.replace('"§ 34 StGB"', '""'), "statute: name the statute"),
        (DE_34, DE_34.replace('"§ 34 StGB"', '"Criminal Code"'), "name the provision with its"),
        (DE_34, DE_34.replace('      statute: "§ 34 StGB"\n', ""), "[0].statute: is missing"),
        (
            "      imminent_danger: true\n",
            "      imminent_danger: yes please\n",
            "countries.DE[0].imminent_danger: expected bool",
        ),
        (
            '        de: "Rechtfertigender Notstand: Abwehr einer gegenwärtigen Gefahr'
            ' (§ 34 StGB)"\n',
            "",
            "countries.DE[0].label.de: needs a non-empty de text",
        ),
        (
            "    - code: de_stgb_34\n",
            "    - code: de_stgb_34\n      allows_not: x\n",
            "countries.DE[0].allows_not: is not a field of this entry",
        ),
        (
            '        de: "Länderspezifisch (DE): Prüfen Sie dies mit der Rechtsabteilung Ihrer'
            ' Organisation."',
            '        de: "Länderspezifisch (DE)."',
            "countries.DE[0].note.de: must say to check with the organisation's legal service",
        ),
        (
            "      sectors: [youth_welfare]\n",
            "      sectors: [youth_welfare, social]\n",
            "unknown sector code(s) ['social']",
        ),
        (
            "      sectors: [youth_welfare]\n",
            "      sectors: all\n",
            "sectors: expected 'any' or a list of sector codes",
        ),
        (
            "      sectors: [youth_welfare]\n",
            "      sectors: [youth_welfare, youth_welfare]\n",
            "a sector code appears twice",
        ),
        (
            "      categories: [identity, offence, risk, online]\n",
            "      categories: [identity, crimes]\n",
            "countries.DE[1].categories: unknown data category code(s) ['crimes']",
        ),
        ("  DK:\n", "  Denmark:\n", "countries.Denmark: 'Denmark' is not a country"),
        ("  general:\n", "  EU:\n", "countries: needs 'general' entries for every country"),
        ("  DK:\n", "  DK: []\n  DX:\n", "countries.DK: expected a list of entries"),
        (
            "    - code: dk_rpl_115\n",
            "    - code\n    - code: dk_rpl_115\n",
            "DK[0]: expected a mapping",
        ),
    ],
)
def test_a_broken_legal_bases_file_is_refused_naming_the_field(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    text = problems_of(load_legal_bases, broken(tmp_path, BASES, old, new))
    assert expected in text
    assert str(tmp_path / "v1.yaml") in text


def test_a_legal_basis_problem_names_the_line(tmp_path: Path) -> None:
    path = broken(tmp_path, BASES, "      sectors: [youth_welfare]\n", "      sectors: [social]\n")
    with pytest.raises(ContentError) as error:
        load_legal_bases(path)
    (problem,) = error.value.problems
    assert path.read_text(encoding="utf-8").splitlines()[problem.line - 1] == (
        "      sectors: [social]"
    )


def test_a_general_entry_may_describe_its_statute_without_a_number() -> None:
    general = legal_basis("general_imminent_danger")
    assert general is not None and not any(ch.isdigit() for ch in general.statute)


def test_category_codes_are_checked_against_the_given_set(tmp_path: Path) -> None:
    path = tmp_path / "v1.yaml"
    path.write_text(BASES, encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_legal_bases(path, categories={"identity", "offence", "risk"})
    assert "unknown data category code(s) ['online']" in str(error.value)


def test_loaded_templates_are_frozen() -> None:
    template = consent_template("adult")
    assert isinstance(template, ConsentTemplate)
    with pytest.raises(dataclasses.FrozenInstanceError):
        template.version = 2  # type: ignore[misc]
