"""What each app holds about a client, registered by the app: how to erase it and how to export it.

The apps above cases (analysis, casework) hold items about a client of their own. They register
here from their ``plugin`` module; erasure, retention and the data-subject export of this app go
through every registration, so no app's data about a client is forgotten and this app imports
none of them.

Contract of a registration:

- ``erase(client, actor)`` deletes or blanks every row of the app about the client (values sealed
  with the client's key die with the key anyway, which the caller destroys afterwards; plain
  columns that could tell anything about the client must go here) and returns counts per kind
  of row, for the audit event. It must be idempotent.
- ``export(client)`` returns every item the app holds about the client, one ``ExportPart`` each,
  with the organisation the item comes from, so that each origin organisation releases its own
  parts. Values are read while the client's key exists.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from icommit.accounts.models import User
from icommit.cases.models import Client


@dataclass(frozen=True)
class Access:
    """One opening or sharing of an item: which organisation, when, for what purpose, on which
    basis. Never the person (the export names organisations, not staff)."""

    organisation: str
    at: datetime.datetime
    what: str  # "shared" | "opened" | ...
    purpose: str = ""
    basis: str = ""


@dataclass(frozen=True)
class ExportPart:
    """One item about the client, as its origin organisation would release it."""

    kind: str  # e.g. "analysis.perspective"
    title: str
    origin_organisation_id: int
    created_at: datetime.datetime
    #: the item's content, JSON-safe (str, numbers, bools, lists, dicts); no staff names
    data: dict[str, Any]
    #: who it went to and who opened it (organisations only)
    accesses: tuple[Access, ...] = ()
    #: the data category (content/data_categories) of the item, when it has one
    category: str = ""
    #: organisations the item is shared with now (ids); the lead organisation opens a part of
    #: another organisation in the assembled export only when it is one of them
    shared_with: tuple[int, ...] = ()


@dataclass(frozen=True)
class ClientData:
    key: str
    label: Promise | str
    erase: Callable[[Client, User | None], dict[str, int]]
    export: Callable[[Client], list[ExportPart]]
    #: Art. 30 lines this app adds: (purpose, data categories, recipients, legal bases)
    processing: tuple[dict[str, Any], ...] = field(default=())


_REGISTERED: dict[str, ClientData] = {}


def register(data: ClientData) -> None:
    """Register an app's client data (once, from its ``plugin``)."""
    existing = _REGISTERED.get(data.key)
    if existing is not None and existing != data:
        raise ValueError(f"client data {data.key!r} is registered twice")
    _REGISTERED[data.key] = data


def registered() -> list[ClientData]:
    """Every registration, in the order the apps registered."""
    return list(_REGISTERED.values())
