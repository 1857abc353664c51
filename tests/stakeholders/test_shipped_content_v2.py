"""The shipped role-profile content, version 2: decisions of the practitioner review, pinned.

These read the real files under ``src/icommit/content`` (not a fixture), so a later edit that
brings back one of the corrected statements fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from icommit.stakeholders.content import CONTENT_DIR, V2Content, load_content


@pytest.fixture(scope="module")
def v2() -> V2Content:
    loaded = load_content(CONTENT_DIR).v2
    assert loaded is not None
    return loaded


def test_the_provider_agreement_informs_the_youth_office_not_the_court_or_police(
    v2: V2Content,
) -> None:
    agreement = v2.duties["child_protection_provider_agreement"]
    assert agreement.kind == "duty"
    assert agreement.informs["en"] == "the youth office"
    assert "8a(4)" in agreement.label["en"]
    # the youth office's own mandate no longer speaks for the independent providers
    assessment = v2.duties["child_protection_assessment"].description["en"]
    assert "to assess with an experienced professional" not in assessment
    assert "own duty by agreement (§ 8a(4) SGB VIII), listed separately" in assessment
    for sector in ("civil_society", "exit_counselling", "family_counselling"):
        codes = {d.duty: d for d in v2.templates[sector].duties}
        assert "child_protection_assessment" not in codes, sector
        assert codes["child_protection_provider_agreement"].statute == "§ 8a(4) SGB VIII"
    for sector in ("womens_services", "mens_work"):
        codes = {d.duty: d for d in v2.templates[sector].duties}
        assert codes["child_protection_notice_permission"].statute == "§ 4 KKG", sector
        assert "child_protection_provider_agreement" in codes, sector
    civil = {d.duty: d for d in v2.templates["civil_society"].duties}
    assert civil["child_protection_notice_permission"].statute == "§ 4 KKG"


def test_no_secrecy_entries_name_the_assistants_of_bound_professionals(v2: V2Content) -> None:
    assert "§ 203(4) StGB binds them too" in v2.secrecy["none"].description["en"]
    assert "§ 203 Abs. 4 StGB" in v2.secrecy["none"].description["de"]
    for template in v2.templates.values():
        for role in template.secrecy:
            if "not a criminal offence" in role.note["en"]:
                assert "§ 203(4) StGB" in role.note["en"], (template.sector, role.role["en"])
                assert "§ 203 Abs. 4 StGB" in role.note["de"], (template.sector, role.role["en"])


def test_collective_agreements_cite_the_secrecy_paragraph(v2: V2Content) -> None:
    for template in v2.templates.values():
        for role in template.secrecy:
            assert "3(1) TV-L" not in role.statute, template.sector
    employment = next(r for r in v2.templates["employment"].secrecy if r.kind == "official").statute
    assert "§ 67 BBG" in employment and "TV-BA" in employment


def test_witness_duty_is_stated_for_police_prison_probation_and_clinic_staff(
    v2: V2Content,
) -> None:
    for sector in ("police", "prison", "probation", "health"):
        codes = {d.duty: d for d in v2.templates[sector].duties}
        assert codes["witness_testimony"].applies, sector
    health = {d.duty: d for d in v2.templates["health"].duties}["witness_testimony"]
    assert health.note["en"].startswith(
        "Applies to psychologists who are not licensed psychotherapists and to social workers"
    )


def test_english_texts_carry_no_german_terms(v2: V2Content) -> None:
    for template in v2.templates.values():
        texts = [template.mandate["en"], template.methods["en"], template.changes["en"]]
        texts += [item.text["en"] for item in (*template.needs, *template.offers)]
        for text in texts:
            assert "Geschlechterbild" not in text, template.sector
            assert "Vereinbarung zum Informationsaustausch" not in text, template.sector


def test_advice_under_kkg_is_pseudonymised_and_prosecution_cites_87_2(v2: V2Content) -> None:
    assert (
        "pseudonymised advice" in v2.duties["child_protection_notice_permission"].description["en"]
    )
    prosecution = {d.duty: d for d in v2.templates["prosecution"].duties}
    assert prosecution["immigration_notification"].statute == "§ 87(2), (4) AufenthG"


def test_ethnic_origin_is_an_art9_category_and_german_law_is_not_landesrecht(
    v2: V2Content,
) -> None:
    origin = v2.categories["origin"]
    assert origin.special == "art9"
    assert origin.label == {"en": "Racial or ethnic origin", "de": "Ethnische Herkunft"}
    assert origin.reason is not None and "never as a risk factor" in origin.reason["en"]
    assert "child-care institutions" in v2.categories["residence"].reason["en"]  # type: ignore[index]
    identity = v2.categories["identity"].reason
    assert identity is not None and "release from confidentiality" in identity["en"]
    text = (Path(CONTENT_DIR) / "data_categories" / "v2.yaml").read_text()
    assert "Landesrecht" not in text
