"""What apps plug into the pages the web kit draws: navigation, page panels, team-page links.

The web kit knows no app (decision 0011). Apps register from their ``plugin`` module; pages ask
``fill`` for a slot's panels, whose providers add to the page context and whose templates the
page includes, in ``order``. Registries fill once at start-up and are read-only afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from icommit.access import Action, can
from icommit.core.http import Person

#: fills the page context for one slot: (user, context, obj) -> None
Provider = Callable[..., None]


@dataclass(frozen=True)
class Panel:
    slot: str
    template: str
    provider: Provider | None
    order: int


@dataclass(frozen=True)
class Link:
    label: str | Promise
    url_name: str
    order: int
    #: the action that guards the page, asked on the team; None: everyone who sees the team
    action: Action | None = None


@dataclass(frozen=True)
class NavItem:
    name: str
    label: str | Promise
    url_name: str
    icon: str
    order: int
    #: (user, facts) -> whether the item shows; None shows it to every signed-in person
    shown: Callable[[Any, Any], bool] | None


_PANELS: list[Panel] = []
_TEAM_LINKS: list[Link] = []
_NAV: list[NavItem] = []
#: URL namespace (or "namespace:url_name") -> the navigation entry its pages highlight
_SECTIONS: dict[str, str] = {}
#: (user) -> whether the session may see navigation (e.g. passed its second factor)
_NAV_GATES: list[Callable[[Any], bool]] = []
#: (actor, language) -> None; remembers a signed-in person's language
_LANGUAGE_SAVERS: list[Callable[..., None]] = []


def panel(
    slot: str, template: str = "", provider: Provider | None = None, order: int = 100
) -> None:
    """Add a panel to a page slot: ``provider(user=, context=, obj=)`` fills, ``template`` draws."""
    entry = Panel(slot, template, provider, order)
    if entry not in _PANELS:
        _PANELS.append(entry)


def fill(slot: str, *, user: Person, context: dict[str, Any], obj: Any = None) -> list[str]:
    """Run the slot's providers on ``context``; return the templates to include, in order."""
    templates = []
    for entry in sorted((p for p in _PANELS if p.slot == slot), key=lambda p: p.order):
        if entry.provider is not None:
            entry.provider(user=user, context=context, obj=obj)
        if entry.template:
            templates.append(entry.template)
    return templates


def team_link(
    label: str | Promise, url_name: str, order: int, *, action: Action | None = None
) -> None:
    """Link a team sub-page (``url_name`` takes the team's pk) from the team page; ``action`` is
    what the page requires on the team, so the link shows only to those who may open it."""
    entry = Link(label, url_name, order, action)
    if entry not in _TEAM_LINKS:
        _TEAM_LINKS.append(entry)


def team_links(*, user: Person = None, team: Any = None) -> list[Link]:
    """The team sub-pages, in order; given a user and a team, only those the user may open."""
    links = sorted(_TEAM_LINKS, key=lambda link: link.order)
    if user is None and team is None:
        return links
    return [link for link in links if link.action is None or can(user, link.action, team)]


def nav_item(
    name: str,
    label: str | Promise,
    url_name: str,
    icon: str,
    order: int,
    shown: Callable[[Any, Any], bool] | None = None,
) -> None:
    """Add an entry to the main navigation; its own app's pages highlight it."""
    if all(item.name != name for item in _NAV):
        _NAV.append(NavItem(name, label, url_name, icon, order, shown))


def nav_items() -> list[NavItem]:
    """The navigation entries, in order."""
    return sorted(_NAV, key=lambda item: item.order)


def nav_section(namespace: str, name: str) -> None:
    """Highlight navigation entry ``name`` on the pages of ``namespace`` (or "namespace:url")."""
    _SECTIONS[namespace] = name


def nav_current(namespace: str, url_name: str) -> str:
    """The navigation entry a page belongs to ("" for none)."""
    return _SECTIONS.get(f"{namespace}:{url_name}", _SECTIONS.get(namespace, ""))


def nav_gate(check: Callable[[Any], bool]) -> None:
    """Hide the navigation from a session the check refuses."""
    if check not in _NAV_GATES:
        _NAV_GATES.append(check)


def nav_allowed(user: Person) -> bool:
    """Whether every registered gate lets this session see the navigation."""
    return all(check(user) for check in _NAV_GATES)


def language_saver(save: Callable[..., None]) -> None:
    """Name the function that remembers a signed-in person's language (``actor=, language=``)."""
    _LANGUAGE_SAVERS[:] = [save]


def save_language(*, actor: Person, language: str) -> None:
    """Remember the language for a signed-in person, where an app keeps it."""
    for save in _LANGUAGE_SAVERS:
        save(actor=actor, language=language)
