"""Definitions are frozen, round-trip through their dict form and hash by content."""

from __future__ import annotations

import dataclasses
import json
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from icommit.instruments import engine
from icommit.instruments.engine import (
    Definition,
    DefinitionError,
    Problem,
    content_hash,
    definition_from_dict,
    definition_to_dict,
    load_yaml,
    tr,
)

from .factories import minimal, to_yaml

ENGINE_DIR = Path(engine.__file__).parent


def test_the_engine_imports_without_django() -> None:
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'django' or name.startswith('django.'):\n"
        "            raise ImportError('django is blocked')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import icommit.instruments.engine as e\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)\n"
        "print(len(e.__all__))\n"
    )
    src = str(Path(engine.__file__).parents[3])
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": src},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == len(engine.__all__)


def test_no_engine_module_imports_django() -> None:
    imports = re.compile(r"^\s*(?:from|import)\s+django\b", re.MULTILINE)
    for path in ENGINE_DIR.glob("*.py"):
        assert not imports.search(path.read_text(encoding="utf-8")), path.name


def test_every_public_name_is_exported() -> None:
    for name in engine.__all__:
        assert hasattr(engine, name), name


def test_a_definition_round_trips_through_its_dict_form(collaboration: Definition) -> None:
    data = definition_to_dict(collaboration)
    assert json.loads(json.dumps(data)) == data
    assert definition_from_dict(data) == collaboration


def test_the_dict_form_loads_as_yaml_too(social_diagnostics: Definition) -> None:
    text = to_yaml(definition_to_dict(social_diagnostics))
    assert load_yaml(text, source="dumped.yaml") == social_diagnostics


def test_equal_definitions_have_equal_hashes(collaboration: Definition) -> None:
    again = definition_from_dict(definition_to_dict(collaboration))
    assert again is not collaboration
    assert content_hash(again) == content_hash(collaboration)
    assert len(content_hash(collaboration)) == 64


def test_whole_numbers_hash_the_same_as_floats() -> None:
    as_int = minimal()
    as_float = minimal()
    as_float["scoring"]["bands"][0]["below"] = 50.0
    assert content_hash(definition_from_dict(as_int)) == content_hash(
        definition_from_dict(as_float)
    )


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(version=2),
        lambda d: d["title"].update(de="Anders"),
        lambda d: d["sections"][0]["items"][0].update(reverse=True),
        lambda d: d["sections"][0]["items"][0].update(weight=2),
        lambda d: d["scales"]["agree5"]["choices"][0].update(score=0),
        lambda d: d["scoring"].update(min_answered=0.75),
        lambda d: d["scoring"]["bands"][0].update(below=40),
        lambda d: d["scoring"].update(min_respondents=6),
    ],
)
def test_any_change_changes_the_hash(change: object) -> None:
    base = minimal()
    changed = minimal()
    change(changed)  # type: ignore[operator]  # the lambdas above mutate the dict
    assert content_hash(definition_from_dict(base)) != content_hash(definition_from_dict(changed))


def test_definitions_are_frozen_all_the_way_down(collaboration: Definition) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        collaboration.version = 2  # type: ignore[misc]  # proving it is refused
    with pytest.raises(TypeError):
        collaboration.title["en"] = "changed"  # type: ignore[index]  # proving it is refused
    with pytest.raises(TypeError):
        collaboration.scales.pop("agree5")  # type: ignore[attr-defined]  # proving it is refused
    assert hash(collaboration) == hash(definition_from_dict(definition_to_dict(collaboration)))


def test_a_definition_survives_pickling(collaboration: Definition) -> None:
    assert pickle.loads(pickle.dumps(collaboration)) == collaboration  # noqa: S301 (own data)


def test_items_domains_and_scales_are_found_by_key(collaboration: Definition) -> None:
    keys = [it.key for it in collaboration.items()]
    assert keys[:3] == ["welcome", "purpose_1", "purpose_2"]
    assert collaboration.item("heard").domain == "purpose"
    assert tr(collaboration.domain("sharing").title, "de") == "Informationsaustausch"
    inline = collaboration.scale_of(collaboration.item("sharing_2"))
    assert inline is not None
    assert [c.score for c in inline.choices] == [3.0, 2.0, 0.0]
    assert inline.is_missing("unknown")
    with pytest.raises(KeyError):
        collaboration.item("nope")


def test_tr_falls_back_to_the_first_language() -> None:
    assert tr({"en": "Yes", "de": "Ja"}, "de") == "Ja"
    assert tr({"en": "Yes", "de": "Ja"}, "fr") == "Yes"
    assert tr(None, "en") == ""


def test_problems_read_as_file_line_field_message() -> None:
    assert str(Problem("a.yaml", 3, "key", "is missing")) == "a.yaml:3: key: is missing"
    assert str(Problem("answers", None, "q1", "is required")) == "answers: q1: is required"
    err = DefinitionError([Problem("a.yaml", 3, "key", "x"), Problem("a.yaml", 4, "kind", "y")])
    assert len(err.problems) == 2
    assert err.code == "instrument_definition_invalid"
    assert "a.yaml:4: kind: y" in str(err)


def test_the_default_minimum_of_respondents_leaves_the_hash_as_it_was() -> None:
    """Published versions written before the field existed keep their content hash."""
    base = minimal()
    explicit = minimal()
    explicit["scoring"]["min_respondents"] = 5
    assert content_hash(definition_from_dict(base)) == content_hash(definition_from_dict(explicit))
    assert "min_respondents" not in definition_to_dict(definition_from_dict(explicit))["scoring"]
