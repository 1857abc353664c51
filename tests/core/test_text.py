"""The text rule: line ends, control characters, bidirectional overrides and lengths.

The same rule holds for forms, API schemas and every stored domain row.
"""

from __future__ import annotations

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from icommit.core import text
from icommit.core.exceptions import ValidationFailed
from icommit.core.forms import Form
from icommit.plans import services as plans
from icommit.plans.models import Goal
from tests.conftest import World


def test_crlf_and_cr_become_lf() -> None:
    assert text.normalise("a\r\nb\rc\n") == "a\nb\nc\n"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("a\x00b", "NUL"),
        ("a\x07b", "control character"),
        ("a\x1bb", "control character"),
        ("a\x85b", "control character"),
        ("abc\u202edcba", "reading direction"),
        ("x\u2066y", "reading direction"),
    ],
)
def test_forbidden_characters_are_named(value: str, fragment: str) -> None:
    assert fragment in (text.problem(value) or "")


def test_tab_and_newline_are_text_but_newline_is_not_one_line() -> None:
    assert text.problem("a\tb\nc") is None
    assert "one line" in (text.problem("a\nb", multiline=False) or "")
    assert text.problem("a\tb", multiline=False) is None


def test_the_limit_counts_characters_after_normalising() -> None:
    assert text.problem("x" * 10, max_length=10) is None
    assert "11 characters" in (text.problem("x" * 11, max_length=10) or "")
    assert text.clean("a\r\nb", field="f", max_length=3) == "a\nb"


def test_clean_names_the_field() -> None:
    with pytest.raises(ValidationFailed) as caught:
        text.clean("a\x00", field="title")
    assert "title" in caught.value.details


@given(st.text())
def test_clean_text_has_no_carriage_return_and_passes_again(value: str) -> None:
    try:
        cleaned = text.clean(value, field="f")
    except ValidationFailed:
        return
    assert "\r" not in cleaned
    assert text.clean(cleaned, field="f") == cleaned


def test_a_service_refuses_a_nul_and_stores_nothing(world: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        plans.goal_create(actor=world.coordinator, team=world.team, title="Goal\x00")
    assert "title" in caught.value.details
    assert not Goal.objects.exists()


def test_a_service_refuses_a_megabyte_of_description(world: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        plans.goal_create(
            actor=world.coordinator, team=world.team, title="Goal", description="x" * 1_000_000
        )
    assert "description" in caught.value.details
    assert "20000" in caught.value.message
    assert not Goal.objects.exists()


def test_a_stored_text_has_lf_line_ends(world: World) -> None:
    goal = plans.goal_create(
        actor=world.coordinator, team=world.team, title="Goal", description="one\r\ntwo"
    )
    goal.refresh_from_db()
    assert goal.description == "one\ntwo"


class _Sample(Form):
    title = forms.CharField()
    body = forms.CharField(widget=forms.Textarea, required=False)


def test_a_form_refuses_control_characters_and_long_text() -> None:
    form = _Sample({"title": "a\x1bb", "body": "y" * (text.LONG + 1)})
    assert not form.is_valid()
    assert "control character" in form.errors["title"][0]
    assert "at most 20000" in form.errors["body"][0]


def test_a_form_gives_lf_line_ends_and_a_one_line_limit() -> None:
    form = _Sample({"title": "T", "body": "a\r\nb"})
    assert form.is_valid()
    assert form.cleaned_data["body"] == "a\nb"
    assert form.fields["title"].widget.attrs["maxlength"] == str(text.SHORT)
