"""The crawl of the demo as every demo user (tests/demo/test_demo.py): nothing shown leads to a
refusal.

From the home page, the team list and the organisation list, every GET link and GET form shown
is followed, one object per URL pattern, and the team and organisation pages it reaches are
read the same way: no 403 or 404 (nor any other error), and no select that offers Django's
"---------" instead of words. Every POST form shown (destructive
buttons included) is checked against the access matrix and the policy instead of being sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.urls import Resolver404, resolve, reverse

from icommit.access import can
from icommit.access.matrix import URLS, Open
from icommit.accounts.models import User
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team
from tests.conftest import verified_client

#: pages whose links and forms are read (the others are only opened)
READ = {"web:home", "teams:list", "stakeholders:list", "teams:detail", "stakeholders:detail"}


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, str] = field(default_factory=dict)


class _Page(HTMLParser):
    """The links and forms of one page."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            method = (a.get("method") or "get").lower()
            self._form = Form(method, a.get("action") or self.url)
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None and a.get("type") == "hidden":
            self._form.fields[a.get("name", "")] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def _local(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith("/static/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _name(url: str) -> str | None:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return match.view_name


def _object(rule_obj: str | None, kwargs: dict[str, Any]) -> Any:
    if rule_obj == "team":
        return Team.objects.get(pk=kwargs.get("team_pk", kwargs.get("pk")))
    if rule_obj == "org":
        return Organisation.objects.get(pk=kwargs["pk"])
    return None


def _post_allowed(user: User, action: str) -> str | None:
    """None when the matrix declares the form's URL and the policy lets the user post it."""
    path = urlsplit(action).path
    match = resolve(path)
    rule = URLS.get(match.view_name, {}).get("POST")
    if rule is None:
        return f"POST {path} ({match.view_name}) is not declared"
    if isinstance(rule.need, Open):
        return None
    obj = _object(rule.obj, match.kwargs)
    if any(can(user, need, obj) for need in (rule.need, *rule.also)):
        return None
    return f"POST {path} ({match.view_name}) shown, but {rule.need} is not allowed"


def crawl(user: User) -> Iterator[str]:
    """Open what the user is shown; yield a line for each refusal or wrongly shown button."""
    client = verified_client(user)
    start = [reverse("web:home"), reverse("teams:list"), reverse("stakeholders:list")]
    queue = [(url, "start") for url in start]
    seen_names = {_name(url) for url in start}
    while queue:
        url, came_from = queue.pop(0)
        response = client.get(url)
        if response.status_code >= 400:
            yield f"GET {url} (from {came_from}): {response.status_code}"
            continue
        name = _name(url)
        if response.status_code == 200 and b">---------<" in response.content:
            yield f"GET {url} (from {came_from}): a select offers Django's dashes, not words"
        if response.status_code != 200 or name not in READ:
            continue
        page = _Page(url)
        page.feed(response.content.decode())
        found = list(page.links)
        for form in page.forms:
            if form.method == "get":
                query = urlencode(form.fields)
                found.append(form.action + (f"?{query}" if query else ""))
            else:
                problem = _post_allowed(user, form.action)
                if problem:
                    yield f"{problem} (on {url})"
        for href in found:
            target = _local(href)
            target_name = _name(target) if target else None
            if target is None or target_name is None or target_name in seen_names:
                continue
            seen_names.add(target_name)
            queue.append((target, url))
