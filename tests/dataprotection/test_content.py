"""The retention content ships no period: a file carrying a number for any country is refused
with the field named, and nothing is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from icommit.core.content import ContentError
from icommit.dataprotection.content import RETENTION_PATH, load_retention


def test_the_shipped_retention_content_loads_without_a_period() -> None:
    loaded = load_retention()
    assert loaded.categories
    for category in loaded.categories.values():
        assert set(category.periods.values()) == {None}


@pytest.mark.parametrize("country", ["DE", "general"])
def test_a_retention_file_carrying_a_number_is_refused(tmp_path: Path, country: str) -> None:
    data = yaml.safe_load(RETENTION_PATH.read_text(encoding="utf-8"))
    data["categories"][1]["periods"][country] = 24
    path = tmp_path / "v1.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        load_retention(path)
    message = str(raised.value)
    assert f"categories[1].periods.{country}" in message
    assert "must be null" in message


def test_the_retention_guidance_names_the_statutes_the_review_asked_for() -> None:
    loaded = load_retention()
    de = loaded.country_guidance("DE", "en")
    assert "§ 84(3) and (4) SGB X" in de and "§ 500 StPO" in de and "§ 489" in de
    assert "Berufsangehörigen" in loaded.country_guidance("DE", "de")
    dk = loaded.country_guidance("DK", "en")
    assert "databeskyttelsesloven" in dk and "retshåndhævelsesloven" in dk
    assert "§ 33 BDSG" in loaded.categories["third_parties"].guidance_in("en")
    ground = loaded.ground("law_enforcement")
    assert ground is not None and "§ 500 StPO" in ground.label_in("en")
    assert not any("Nachbefragungen" in c.guidance_in("de") for c in loaded.categories.values())
