"""Reads of instruments and their versions, narrowed by ``access``.

A test's answer key (its choices' scores) leaves this app only through ``version_definition``,
which keeps it from everyone who may not read it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from icommit.access import Action, can, get_visible, require, visible
from icommit.accounts.models import User
from icommit.instruments.engine import Definition, without_answer_key
from icommit.instruments.models import Instrument, InstrumentVersion


def version_list(*, user: User, kind: str = "") -> QuerySet[InstrumentVersion]:
    """Every published version the user may read, newest first within each instrument."""
    require(user, Action.INSTRUMENT_VIEW)  # refused outright to an external learner
    qs = InstrumentVersion.objects.select_related("instrument", "published_by")
    if kind:
        qs = qs.filter(instrument__kind=kind)
    return visible(user, Action.INSTRUMENT_VIEW, qs).order_by("instrument__key", "-number")


def version_get(*, user: User, key: str, number: Any) -> InstrumentVersion:
    """One published version by instrument key and number (NotFound otherwise)."""
    require(user, Action.INSTRUMENT_VIEW)
    return get_visible(
        user,
        Action.INSTRUMENT_VIEW,
        InstrumentVersion.objects.select_related("instrument", "published_by"),
        instrument__key=key,
        number=number,
    )


def answer_key_withheld(*, user: User, version: InstrumentVersion) -> bool:
    """Whether the version is a test whose answer key the user may not read."""
    if not version.parsed.has_answer_key:
        return False
    return not can(user, Action.INSTRUMENT_ANSWER_KEY)


def version_definition(*, user: User, version: InstrumentVersion) -> Definition:
    """The version's definition as the user may read it: a test without its answer key, unless
    they may read that."""
    if answer_key_withheld(user=user, version=version):
        return without_answer_key(version.parsed)
    return version.parsed


def latest_versions(*, user: User, kind: str = "") -> list[InstrumentVersion]:
    """The newest version of each instrument (of one kind, if given)."""
    newest: dict[int, InstrumentVersion] = {}
    for version in version_list(user=user, kind=kind):
        newest.setdefault(version.instrument_id, version)
    return list(newest.values())


def instrument_count() -> int:
    return Instrument.objects.count()
