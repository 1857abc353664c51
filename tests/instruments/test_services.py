"""Publishing instrument versions: the shipped file after migrate, and imports by administrators.

A published version never changes: the same number with other content is refused, the same
content again is refused for an import (and a no-op for a shipped file), and a file with
problems is refused with every problem listed and nothing stored.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client

from icommit.accounts.models import User
from icommit.core.exceptions import Conflict, Forbidden, ValidationFailed
from icommit.core.models import AuditDetail, AuditEvent
from icommit.instruments import services, shipped
from icommit.instruments.engine import content_hash, export_xlsform, load_yaml
from icommit.instruments.models import Instrument, InstrumentVersion, Kind, Origin
from tests.conftest import World

#: ``client_for``: a client logged in as the user with a second factor verified.
ClientFor = Callable[[User], Client]

PULSE = """\
format: icommit-instrument/1
key: team-pulse
version: {version}
kind: diagnostics
languages: [en, de]
title: {{en: Team pulse, de: Teampuls}}
changes: {{en: "{changes}", de: "{changes}"}}
scales:
  agree5:
    choices:
      - {{value: 1, label: {{en: Strongly disagree, de: Gar nicht}}}}
      - {{value: 2, label: {{en: Disagree, de: Eher nicht}}}}
      - {{value: 3, label: {{en: Neither, de: Teils}}}}
      - {{value: 4, label: {{en: Agree, de: Eher ja}}}}
      - {{value: 5, label: {{en: Strongly agree, de: Voll}}}}
    missing:
      - {{value: dont_know, label: {{en: "Don't know", de: Weiß nicht}}}}
domains:
  - {{key: purpose, title: {{en: Purpose, de: Zweck}}}}
scoring:
  method: mean
  min_answered: 0.5
  divergence_threshold: 15
  bands:
    - {{key: low, label: {{en: Needs attention, de: Handlungsbedarf}}, below: 50}}
    - {{key: high, label: {{en: Working well, de: Gut}}}}
recommendations:
  - domain: purpose
    band: low
    text:
      en: Write the team's purpose down together.
      de: Schreiben Sie den Zweck gemeinsam auf.
    phase_tasks: [setup.charter]
    modules: [msc-team.01-purpose-and-problem]
sections:
  - key: main
    title: {{en: The team, de: Das Team}}
    items:
      - {{key: goal, type: likert, scale: agree5, domain: purpose,
         text: {{en: "We pursue one shared goal.", de: "Wir verfolgen ein gemeinsames Ziel."}}}}
      - {{key: plan, type: likert, scale: agree5, domain: purpose, reverse: true,
         text: {{en: "Our plans change every meeting.", de: "Unsere Pläne ändern sich ständig."}}}}
"""

#: Four problems in one file: a wrong kind, no title, an item on an unknown scale, a band
#: pointing past the end.
MALFORMED = """\
format: icommit-instrument/1
key: broken-pulse
version: 1
kind: horoscope
languages: [en]
scales:
  agree5:
    choices:
      - {value: 1, label: {en: "No"}}
      - {value: 2, label: {en: "Yes"}}
domains:
  - {key: purpose, title: {en: Purpose}}
sections:
  - key: main
    title: {en: Main}
    items:
      - {key: goal, type: likert, scale: agree7, domain: purpose, text: {en: "Goal?"}}
      - {key: plan, type: likert, scale: agree5, domain: nowhere, text: {en: "Plan?"}}
"""


def pulse(version: int = 1, changes: str = "First version.") -> str:
    return PULSE.format(version=version, changes=changes)


def pulse_xlsx(version: int = 1, changes: str = "First version.") -> bytes:
    """The same instrument as an XLSForm workbook (what export writes, import reads)."""
    return export_xlsform(load_yaml(pulse(version, changes), source="pulse.yaml"))


def do_import(actor: User, filename: str, data: bytes | str) -> InstrumentVersion:
    raw = data.encode() if isinstance(data, str) else data
    with transaction.atomic():
        return services.instrument_import(actor=actor, filename=filename, data=raw)


def _stored() -> tuple[int, int, int, int]:
    return (
        Instrument.objects.count(),
        InstrumentVersion.objects.count(),
        AuditEvent.objects.count(),
        AuditDetail.objects.count(),
    )


# --- shipped ---------------------------------------------------------------------------------


def test_the_shipped_instrument_is_published_after_migrate(db: None) -> None:
    version = InstrumentVersion.objects.get(instrument__key="msc-diagnostics", number=1)
    [path] = [
        p for p in shipped.shipped_files() if p.parent.name == "msc-diagnostics" and p.stem == "v1"
    ]
    definition = shipped.load_shipped(path)
    assert version.content_hash == content_hash(definition)
    assert len(version.content_hash) == 64
    assert version.instrument.kind == Kind.DIAGNOSTICS and version.origin == Origin.SHIPPED
    assert version.source_name.endswith("msc-diagnostics/v1.yaml")
    assert version.published_by is None
    assert list(version.parsed.languages) == ["en", "de"]
    assert len(version.parsed.domains) == 16


def test_publishing_shipped_files_again_changes_nothing(db: None) -> None:
    before = _stored()
    assert shipped.shipped_sync() == []
    assert _stored() == before


def test_a_shipped_file_changed_under_a_published_number_is_refused(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = shipped.FOLDER / "msc-diagnostics" / "v1.yaml"
    changed = source.read_text(encoding="utf-8").replace(
        "I can explain in one sentence what our team is for.",
        "I can explain in two sentences what our team is for.",
    )
    (tmp_path / "msc-diagnostics").mkdir()
    (tmp_path / "msc-diagnostics" / "v1.yaml").write_text(changed, encoding="utf-8")
    monkeypatch.setattr(shipped, "FOLDER", tmp_path)
    before = _stored()
    with pytest.raises(Conflict):
        shipped.shipped_sync()
    assert _stored() == before


# --- importing -------------------------------------------------------------------------------


def test_an_administrator_imports_a_yaml_file_and_the_event_records_its_hash(
    world: World,
) -> None:
    version = do_import(world.admin, "team-pulse.yaml", pulse())
    assert (version.instrument.key, version.number) == ("team-pulse", 1)
    assert version.origin == Origin.IMPORTED and version.source_name == "team-pulse.yaml"
    assert version.published_by == world.admin
    assert version.content_hash == content_hash(load_yaml(pulse(), source="x.yaml"))
    assert [i.key for i in version.parsed.items()] == ["goal", "plan"]
    event = AuditEvent.objects.get(action="instrument.version.published")
    assert event.actor == world.admin and event.object_id == str(version.pk)
    assert AuditDetail.objects.get(event=event).data == {
        "key": "team-pulse",
        "number": 1,
        "hash": version.content_hash,
        "origin": "imported",
    }


def test_a_changed_instrument_is_published_as_a_new_version(world: World) -> None:
    first = do_import(world.admin, "team-pulse.yaml", pulse())
    second = do_import(world.admin, "team-pulse-v2.yml", pulse(2, "Second version."))
    assert second.number == 2 and second.instrument == first.instrument
    assert second.content_hash != first.content_hash
    first.refresh_from_db()
    assert first.definition["version"] == 1  # the first version is untouched


def test_a_shipped_instrument_is_not_imported_over(world: World) -> None:
    """A release may ship v2 of a shipped instrument with other content; an imported v2 would
    then stop migrate, so adaptations are imported under a key of their own."""
    source = (shipped.FOLDER / "msc-diagnostics" / "v1.yaml").read_text(encoding="utf-8")
    before = _stored()
    with pytest.raises(ValidationFailed) as caught:
        do_import(world.admin, "msc-v2.yaml", source.replace("\nversion: 1\n", "\nversion: 2\n", 1))
    assert "key of its own" in caught.value.details["key"][0]
    assert _stored() == before
    adapted = source.replace("\nkey: msc-diagnostics\n", "\nkey: msc-diagnostics-kiel\n", 1)
    version = do_import(world.admin, "kiel.yaml", adapted)
    assert (version.instrument.key, version.number, version.origin) == (
        "msc-diagnostics-kiel",
        1,
        Origin.IMPORTED,
    )


def test_the_same_number_with_other_content_is_a_conflict(world: World) -> None:
    do_import(world.admin, "team-pulse.yaml", pulse())
    before = _stored()
    with pytest.raises(Conflict) as caught:
        do_import(world.admin, "team-pulse.yaml", pulse(1, "Quietly changed."))
    assert "cannot change" in caught.value.message
    assert _stored() == before


def test_the_same_content_again_is_a_conflict(world: World) -> None:
    do_import(world.admin, "team-pulse.yaml", pulse())
    before = _stored()
    with pytest.raises(Conflict) as caught:
        do_import(world.admin, "again.yaml", pulse())
    assert "exactly this content" in caught.value.message
    assert _stored() == before


def test_a_malformed_yaml_file_lists_every_problem_and_stores_nothing(world: World) -> None:
    before = _stored()
    with pytest.raises(ValidationFailed) as caught:
        do_import(world.admin, "broken.yaml", MALFORMED)
    problems = caught.value.details["problems"]
    assert len(problems) >= 4, problems
    assert all(p.startswith("broken.yaml:") for p in problems)
    text = "\n".join(problems)
    for field in ("kind", "title", "agree7", "nowhere"):
        assert field in text, field
    assert f"{len(problems)} problem" in caught.value.message
    assert _stored() == before


def test_yaml_that_does_not_parse_is_refused_with_its_line(world: World) -> None:
    before = _stored()
    with pytest.raises(ValidationFailed) as caught:
        do_import(world.admin, "broken.yaml", "key: [unclosed\nversion: 1\n")
    [problem] = caught.value.details["problems"]
    assert problem.startswith("broken.yaml:")
    assert _stored() == before


def test_recommendations_must_point_at_real_tasks_and_modules(world: World) -> None:
    text = (
        pulse()
        .replace("[setup.charter]", "[setup.nothing]")
        .replace("[msc-team.01-purpose-and-problem]", "[no-such-module]")
    )
    before = _stored()
    with pytest.raises(ValidationFailed) as caught:
        do_import(world.admin, "team-pulse.yaml", text)
    problems = caught.value.details["problems"]
    assert any("setup.nothing" in p for p in problems)
    assert any("no-such-module" in p for p in problems)
    assert _stored() == before


def test_an_instrument_cannot_change_its_kind(world: World) -> None:
    do_import(world.admin, "team-pulse.yaml", pulse())
    text = pulse(2).replace("kind: diagnostics", "kind: survey")
    with pytest.raises(ValidationFailed) as caught:
        do_import(world.admin, "team-pulse.yaml", text)
    assert "kind" in caught.value.details


def test_an_xlsform_is_imported_as_its_yaml_twin(world: World) -> None:
    version = do_import(world.admin, "team-pulse.xlsx", pulse_xlsx())
    assert (version.instrument.key, version.number) == ("team-pulse", 1)
    assert version.content_hash == content_hash(load_yaml(pulse(), source="pulse.yaml"))


def test_a_malformed_xlsform_names_every_row_and_stores_nothing(world: World) -> None:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(pulse_xlsx()))
    survey = workbook["survey"]
    header = [c.value for c in survey[1]]
    rows = {row[header.index("name")].value: row for row in survey.iter_rows(min_row=2)}
    rows["goal"][header.index("type")].value = "geopoint"
    survey.cell(row=1, column=len(header) + 1, value="constraint")
    survey.cell(row=rows["plan"][0].row, column=len(header) + 1, value=". > 3")
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = _stored()
    with pytest.raises(ValidationFailed) as caught:
        do_import(world.admin, "pulse.xlsx", buffer.getvalue())
    problems = caught.value.details["problems"]
    assert len(problems) >= 2, problems
    # each problem names the sheet and the row (as the line of the file)
    goal_row, plan_row = rows["goal"][0].row, rows["plan"][0].row
    assert any(p.startswith(f"pulse.xlsx:{goal_row}: survey.type") for p in problems), problems
    assert any("geopoint" in p for p in problems)
    assert any(p.startswith(f"pulse.xlsx:{plan_row}: survey.constraint") for p in problems)
    assert _stored() == before


def test_a_file_that_is_not_a_workbook_is_refused(world: World) -> None:
    before = _stored()
    with pytest.raises(ValidationFailed) as caught:
        do_import(world.admin, "pulse.xlsx", b"this is not a zip file")
    assert caught.value.details["problems"]
    assert _stored() == before


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("pulse.txt", b"key: x"),
        ("pulse.yaml", b"\xff\xfe not utf-8"),
        ("pulse.yaml", b"#" * (services.MAX_IMPORT_BYTES + 1)),
    ],
)
def test_files_of_the_wrong_type_or_size_are_refused(
    world: World, filename: str, data: bytes
) -> None:
    before = _stored()
    with pytest.raises(ValidationFailed) as caught:
        do_import(world.admin, filename, data)
    assert "file" in caught.value.details
    assert _stored() == before


@pytest.mark.parametrize("who", ["coordinator", "member", "outsider"])
def test_only_administrators_import(world: World, who: str) -> None:
    before = _stored()
    with pytest.raises(Forbidden):
        do_import(getattr(world, who), "team-pulse.yaml", pulse())
    assert _stored() == before
