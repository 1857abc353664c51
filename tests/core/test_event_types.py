"""Audit event types: every action the code records is registered with a label, and pages show it.

The source scan reads every ``record(action=...)`` call under ``src/icommit``: literal names, and
the few places that choose a name at run time, each resolved by a rule below. A new place that
builds a name must add its rule here, so no name can reach ``record`` unregistered unseen.
"""

from __future__ import annotations

import ast
import html
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from icommit.accounts.models import User
from icommit.core import audit
from icommit.core.models import AuditEvent
from icommit.teams.services import team_update
from tests.conftest import World
from tests.web.test_translations import compile_catalogue

ClientFor = Callable[[User], Client]

SRC = Path(__file__).resolve().parents[2] / "src" / "icommit"


def _files() -> list[tuple[str, ast.Module]]:
    return [
        (str(path.relative_to(SRC)), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(SRC.rglob("*.py"))
        if "migrations" not in path.parts
    ]


def _constants(node: ast.AST) -> set[str]:
    """String constants inside ``node`` that look like action names."""
    return {
        n.value
        for n in ast.walk(node)
        if isinstance(n, ast.Constant)
        and isinstance(n.value, str)
        and audit.EVENT_NAME.fullmatch(n.value)
    }


def _names_given_to_minutes_events(files: list[tuple[str, ast.Module]]) -> set[str]:
    """The names apps hand the minutes workflow: every ``Events(...)`` construction."""
    found: set[str] = set()
    for _path, tree in files:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called(node) == "Events":
                found |= _constants(node)
    return found


def _names_given_to_cases_record(
    files: list[tuple[str, ast.Module]], where: str = "cases/services.py", helper: str = "_record"
) -> set[str]:
    """The names an app's services hand their record helper (its second argument): cases and the
    apps above it seal case events with the client's key through such a helper."""
    found: set[str] = set()
    for path, tree in files:
        if path != where:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called(node) == helper and len(node.args) > 1:
                name = node.args[1]
                if isinstance(name, ast.Constant) and isinstance(name.value, str):
                    found.add(name.value)
    return found


#: Where ``record`` gets a name chosen at run time (file, function) → how to find the names.
DYNAMIC: dict[tuple[str, str], Callable[[ast.AST, list[tuple[str, ast.Module]]], set[str]]] = {
    # a dict from how the password was set to the action name
    ("accounts/services.py", "user_password_recorded"): lambda fn, files: _constants(fn),
    # the minutes workflow records the names its caller's ``Events`` carry
    ("minutes/services.py", "_record"): lambda fn, files: _names_given_to_minutes_events(files),
    # cases' services record through one helper that seals details with the client's key
    ("cases/services.py", "_record"): lambda fn, files: _names_given_to_cases_record(files),
    # the apps above cases do the same with helpers of their own
    ("analysis/services.py", "_record"): lambda fn, files: _names_given_to_cases_record(
        files, "analysis/services.py"
    ),
    ("assessments/services.py", "_record"): lambda fn, files: _names_given_to_cases_record(
        files, "assessments/services.py"
    ),
    ("conferences/services.py", "_case_record"): lambda fn, files: _names_given_to_cases_record(
        files, "conferences/services.py", "_case_record"
    ),
    ("interventions/services.py", "_record"): lambda fn, files: _names_given_to_cases_record(
        files, "interventions/services.py"
    ),
    # training's services record through a helper that adds the run's team
    ("training/services.py", "_record"): lambda fn, files: _names_given_to_cases_record(
        files, "training/services.py"
    ),
}


def _called(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def used_action_names() -> tuple[dict[str, list[str]], list[str]]:
    """Every action name the source hands ``record`` → where; and dynamic sites without a rule."""
    files = _files()
    used: dict[str, list[str]] = {}
    unresolved: list[str] = []
    for path, tree in files:
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _called(node) == "record"):
                continue
            value = next((k.value for k in node.keywords if k.arg == "action"), None)
            if value is None:
                continue
            where = f"{path}:{node.lineno}"
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                used.setdefault(value.value, []).append(where)
                continue
            # innermost function around the call
            around = [f for f in functions if f.lineno <= node.lineno <= (f.end_lineno or 0)]
            function = max(around, key=lambda f: f.lineno) if around else None
            rule = DYNAMIC.get((path, function.name)) if function is not None else None
            names = rule(function, files) if rule is not None and function is not None else set()
            if not names:
                unresolved.append(f"{where} ({ast.unparse(value)})")
            for name in names:
                used.setdefault(name, []).append(where)
    return used, unresolved


# --- every name is registered ----------------------------------------------------------------


def test_the_scan_finds_literal_and_run_time_names() -> None:
    used, _unresolved = used_action_names()
    assert {
        "team.update",
        "diagnostics.round.participated",
        "export.download",
        "account.password_set",  # chosen at run time
        "account.password_change",
        "meeting.freeze",
    } <= set(used)
    assert len(used) >= 78


def test_every_place_that_chooses_a_name_at_run_time_has_a_rule() -> None:
    _used, unresolved = used_action_names()
    assert unresolved == [], (
        "record() gets a name built at run time here; add a rule to DYNAMIC that finds "
        f"its names: {unresolved}"
    )


def test_every_action_name_used_in_the_source_is_registered() -> None:
    used, _unresolved = used_action_names()
    missing = {name: where for name, where in used.items() if name not in audit.EVENT_TYPES}
    assert missing == {}, "declare these with audit.event_type in the app's events.py"


def test_every_label_is_a_translatable_phrase() -> None:
    for name, kind in audit.EVENT_TYPES.items():
        if str(kind.label).startswith("Test event") or name.startswith("test."):
            continue  # registered by the tests
        assert isinstance(kind.label, Promise), name
        text = str(kind.label)
        assert text and text[0].isupper() and not text.endswith("."), (name, text)


def test_who_took_part_in_a_round_is_confidential_towards_the_team() -> None:
    assert audit.EVENT_TYPES["diagnostics.round.participated"].confidential_to_team
    assert "diagnostics.round.participated" in audit.TEAM_CONFIDENTIAL
    assert "diagnostics.round.opened" not in audit.TEAM_CONFIDENTIAL


# --- the registry refuses -------------------------------------------------------------------


@pytest.mark.django_db
def test_record_refuses_an_unregistered_action_and_appends_nothing() -> None:
    refused = pytest.raises(audit.UnregisteredEvent, match=r"'team\.renamed' is not registered")
    with refused, transaction.atomic():
        audit.record(actor=None, action="team.renamed")
    assert not AuditEvent.objects.filter(action="team.renamed").exists()


def test_a_name_registered_twice_differently_is_refused() -> None:
    assert audit.event_type("team.update", audit.EVENT_TYPES["team.update"].label)  # the same: ok
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        audit.event_type("team.update", _("Renamed the team"))
    with pytest.raises(ImproperlyConfigured, match="not dotted lowercase words"):
        audit.event_type("Team Update", _("Changed the team"))
    assert str(audit.EVENT_TYPES["team.update"].label) == "Changed the team's name, place or scope"


def test_an_unregistered_name_reads_as_its_words() -> None:
    assert audit.event_label("user.forged") == "User forged"
    assert audit.event_label("legacy.thing_done") == "Legacy thing done"
    assert audit.event_label("forged") == "Forged"
    assert audit.event_label("") == "—"


# --- pages show the label ---------------------------------------------------------------------


def _rename(world: World) -> None:
    team_update(
        actor=world.coordinator,
        team=world.team,
        name="Alpha Renamed",
        city="C",
        country="DE",
        scope="vie",
    )


def test_the_history_panel_shows_the_label_and_keeps_the_name(
    world: World, client_for: ClientFor
) -> None:
    _rename(world)
    url = reverse("teams:history", args=[world.team.pk])
    for headers in ({}, {"HX-Request": "true"}):
        body = client_for(world.coordinator).get(url, headers=headers).content.decode()
        assert "Changed the team's name, place or scope" in html.unescape(body)
        assert 'title="team.update"' in body


def test_the_history_panel_speaks_the_readers_language(world: World, client_for: ClientFor) -> None:
    # a label the German catalogue already holds, so this holds before new labels are translated
    audit.event_type("test.audit_log", _("Audit log"))
    with transaction.atomic():
        audit.record(actor=world.coordinator, action="test.audit_log", obj=world.team)
    compile_catalogue()
    url = reverse("teams:history", args=[world.team.pk])
    client = client_for(world.coordinator)
    # re-setting LOCALE_PATHS drops Django's cached catalogues, so the fresh .mo is read
    with override_settings(LOCALE_PATHS=list(settings.LOCALE_PATHS)):
        german = client.get(url, headers={"HX-Request": "true", "Accept-Language": "de"})
        english = client.get(url, headers={"HX-Request": "true", "Accept-Language": "en"})
    assert "Audit-Protokoll" in german.content.decode()
    assert "Audit log" not in german.content.decode()
    assert "Audit log" in english.content.decode()


def test_the_history_panel_shows_a_registered_label_in_german(
    world: World, client_for: ClientFor
) -> None:
    _rename(world)
    compile_catalogue()
    url = reverse("teams:history", args=[world.team.pk])
    with override_settings(LOCALE_PATHS=list(settings.LOCALE_PATHS)):
        body = client_for(world.coordinator).get(url, headers={"Accept-Language": "de"})
    assert "Name, Ort oder Bereich des Teams geändert" in html.unescape(body.content.decode())


def test_an_old_event_under_an_unregistered_name_renders_readably() -> None:
    old = AuditEvent(seq=1, at=timezone.now(), action="legacy.thing_done")
    panel = render_to_string("core/includes/history.html#panel", {"history": [old]})
    assert "Legacy thing done" in panel and 'title="legacy.thing_done"' in panel
    with translation.override("de"):
        assert "Legacy thing done" in render_to_string(
            "core/includes/history.html#panel", {"history": [old]}
        )


def test_the_audit_log_shows_the_label_beside_the_stored_name(
    world: World, client_for: ClientFor
) -> None:
    _rename(world)
    page = client_for(world.admin).get(reverse("web:audit"), {"action": "team.update"})
    body = html.unescape(page.content.decode())
    assert "Changed the team's name, place or scope" in body
    assert "<code>team.update</code>" in body
