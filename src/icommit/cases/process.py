"""The case process: its stages, the one table of allowed moves, and its shipped content.

Invariant: a case moves only along ``TRANSITIONS``; a move into a stage that ends a referral or
a case (not taken on, passed elsewhere, closed) names one of that stage's exit codes from the
content. ``move_problem`` is pure: it reads nothing but its arguments, so the case services
and their tests ask it, and nothing else decides whether a move is allowed.

The content (``content/cases/process/v<n>.yaml``) says per stage what it means, who is
responsible, how many days it should take, what is recorded and how information is shared
in it; the triage questions as a decision aid; the exit codes; and the moments that need
planning ahead. ``load`` checks all of it and raises one ``ContentError`` listing every problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from icommit.core.content import (
    CONTENT_DIR,
    Checker,
    load_yaml,
    relative,
    translated,
)


class Stage(StrEnum):
    REFERRED = "referred"
    TRIAGE = "triage"
    REJECTED = "rejected"
    REDIRECTED = "redirected"
    ACCEPTED = "accepted"
    INFORMATION_GATHERING = "information_gathering"
    ASSESSMENT = "assessment"
    CASE_CONFERENCE = "case_conference"
    CONSENT = "consent"
    PLAN_ACTIVE = "plan_active"
    REVIEW = "review"
    CLOSED = "closed"
    AFTERCARE = "aftercare"


S = Stage
#: Every allowed move, and only those. A re-referral (from an ended referral or case back to
#: "referred") starts the process again for the same person.
TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    S.REFERRED: frozenset({S.TRIAGE}),
    S.TRIAGE: frozenset({S.ACCEPTED, S.REJECTED, S.REDIRECTED}),
    S.REJECTED: frozenset({S.REFERRED}),
    S.REDIRECTED: frozenset({S.REFERRED}),
    S.ACCEPTED: frozenset({S.INFORMATION_GATHERING, S.CLOSED}),
    S.INFORMATION_GATHERING: frozenset({S.ASSESSMENT, S.CLOSED}),
    S.ASSESSMENT: frozenset({S.CASE_CONFERENCE, S.CLOSED}),
    S.CASE_CONFERENCE: frozenset({S.CONSENT, S.INFORMATION_GATHERING, S.CLOSED}),
    S.CONSENT: frozenset({S.PLAN_ACTIVE, S.CLOSED}),
    S.PLAN_ACTIVE: frozenset({S.REVIEW, S.CLOSED}),
    S.REVIEW: frozenset({S.PLAN_ACTIVE, S.CASE_CONFERENCE, S.CLOSED}),
    S.CLOSED: frozenset({S.AFTERCARE, S.REFERRED}),
    S.AFTERCARE: frozenset({S.CLOSED, S.REFERRED}),
}
#: Stages entered only with one of their exit codes.
NEEDS_CODE = frozenset({S.REJECTED, S.REDIRECTED, S.CLOSED})
#: Stages in which a referral or a case has ended (not taken on, passed elsewhere, closed); the
#: retention periods run from the day a case entered one (``stage_since``).
ENDED = frozenset({S.REJECTED, S.REDIRECTED, S.CLOSED})
#: Who may be responsible for a stage (keys of the content's ``roles``).
ROLES = ("referrer", "case_manager", "lead", "case_team")

PATH = CONTENT_DIR / "cases" / "process" / "v1.yaml"


def move_problem(
    current: str, target: str, *, code: str = "", codes: dict[str, frozenset[str]]
) -> str | None:
    """Why the move from ``current`` to ``target`` is not allowed, or None if it is.

    ``codes`` maps each stage of ``NEEDS_CODE`` to its exit codes (``Process.code_sets``).
    """
    try:
        here, there = Stage(current), Stage(target)
    except ValueError:
        return "unknown stage"
    if there not in TRANSITIONS[here]:
        return f"a case cannot move from {here.value} to {there.value}"
    if there in NEEDS_CODE:
        if not code:
            return f"moving to {there.value} needs a reason code"
        if code not in codes.get(there.value, frozenset()):
            return f"{code!r} is not a reason code for {there.value}"
    elif code:
        return f"moving to {there.value} takes no reason code"
    return None


# --- content -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageText:
    stage: Stage
    title: dict[str, str]
    entry: dict[str, str]
    responsible: str
    days: int
    recorded: dict[str, str]
    sharing: dict[str, str]

    def title_in(self, language: str) -> str:
        return translated(self.title, language)


@dataclass(frozen=True)
class Code:
    code: str
    text: dict[str, str]


@dataclass(frozen=True)
class Question:
    key: str
    question: dict[str, str]
    guidance: dict[str, str]


@dataclass(frozen=True)
class Ahead:
    key: str
    months: int
    text: dict[str, str]


@dataclass(frozen=True)
class Process:
    version: int
    roles: dict[str, dict[str, str]]
    stages: dict[Stage, StageText]
    exit_codes: dict[str, tuple[Code, ...]]
    triage: tuple[Question, ...]
    ahead: tuple[Ahead, ...]

    @property
    def code_sets(self) -> dict[str, frozenset[str]]:
        return {stage: frozenset(c.code for c in codes) for stage, codes in self.exit_codes.items()}


def _key(check: Checker, node: Any, name: str, where: str, seen: set[str]) -> str | None:
    value = check.require(node, name, str, where)
    if value is None:
        return None
    if value in seen:
        check.add(node, f"{where}.{name}", f"{value!r} appears twice")
        return None
    seen.add(value)
    return value


def _count(check: Checker, node: Any, name: str, where: str) -> int:
    value = check.require(node, name, int, where)
    if isinstance(value, bool) or (isinstance(value, int) and value < 0):
        check.add(node, f"{where}.{name}", "must be a whole number of 0 or more")
        return 0
    return value or 0


def load(path: Path = PATH) -> Process:
    """Parse and check the case process; raise ContentError listing every problem."""
    data = load_yaml(path)
    check = Checker(relative(path))
    version = check.require(data, "version", int, "") or 0
    check.text(data, "changes", "")
    sources = check.require(data, "sources", list, "")
    if sources is not None and not sources:
        check.add(data, "sources", "name at least one source")

    roles: dict[str, dict[str, str]] = {}
    raw_roles = check.require(data, "roles", dict, "") or {}
    for role in ROLES:
        text = check.text(raw_roles, role, "roles")
        if text is not None:
            roles[role] = text
    for role in raw_roles:
        if role not in ROLES:
            check.add(raw_roles, f"roles.{role}", "is not a role of the case process")

    stages: dict[Stage, StageText] = {}
    raw_stages = check.require(data, "stages", dict, "") or {}
    for stage in Stage:
        where = f"stages.{stage.value}"
        node = raw_stages.get(stage.value)
        if node is None:
            check.add(raw_stages, where, "every stage of the process needs its text")
            continue
        texts = {name: check.text(node, name, where) for name in ("title", "entry", "recorded")}
        sharing = check.text(node, "sharing", where)
        responsible = check.require(node, "responsible", str, where)
        if responsible is not None and responsible not in ROLES:
            check.add(node, f"{where}.responsible", f"{responsible!r} is not a role")
        days = _count(check, node, "days", where)
        if all(texts.values()) and sharing and responsible in ROLES:
            stages[stage] = StageText(
                stage=stage,
                title=texts["title"] or {},
                entry=texts["entry"] or {},
                responsible=responsible or "",
                days=days,
                recorded=texts["recorded"] or {},
                sharing=sharing,
            )
    for name in raw_stages:
        if name not in {s.value for s in Stage}:
            check.add(raw_stages, f"stages.{name}", "is not a stage of the case process")

    exit_codes: dict[str, tuple[Code, ...]] = {}
    raw_codes = check.require(data, "exit_codes", dict, "") or {}
    for stage in sorted(NEEDS_CODE):
        where = f"exit_codes.{stage.value}"
        entries = check.require(raw_codes, stage.value, list, "exit_codes") or []
        if not entries:
            check.add(raw_codes, where, "needs at least one code")
        seen: set[str] = set()
        codes = []
        for index, node in enumerate(entries):
            code = _key(check, node, "code", f"{where}[{index}]", seen)
            text = check.text(node, "text", f"{where}[{index}]")
            if code and text:
                codes.append(Code(code, text))
        exit_codes[stage.value] = tuple(codes)
    for name in raw_codes:
        if name not in {s.value for s in NEEDS_CODE}:
            check.add(raw_codes, f"exit_codes.{name}", "only stages that end something have codes")

    triage: list[Question] = []
    seen_keys: set[str] = set()
    for index, node in enumerate(check.require(data, "triage", list, "") or []):
        where = f"triage[{index}]"
        key = _key(check, node, "key", where, seen_keys)
        question = check.text(node, "question", where)
        guidance = check.text(node, "guidance", where)
        if key and question and guidance:
            triage.append(Question(key, question, guidance))

    ahead: list[Ahead] = []
    seen_ahead: set[str] = set()
    for index, node in enumerate(check.require(data, "transitions_ahead", list, "") or []):
        where = f"transitions_ahead[{index}]"
        key = _key(check, node, "key", where, seen_ahead)
        months = _count(check, node, "months", where)
        text = check.text(node, "text", where)
        if key and text:
            ahead.append(Ahead(key, months, text))

    check.raise_if_any()
    return Process(
        version=version,
        roles=roles,
        stages=stages,
        exit_codes=exit_codes,
        triage=tuple(triage),
        ahead=tuple(ahead),
    )


@cache
def process() -> Process:
    """The shipped case process, loaded and checked once per process."""
    return load()
