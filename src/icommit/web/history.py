"""The history panel: audit events about one object, as a page or an htmx fragment.

Invariant: no panel lists an event whose action is confidential towards the team
(``audit.TEAM_CONFIDENTIAL``, e.g. taking part in a diagnostics round), whatever it is given.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from icommit.core.audit import TEAM_CONFIDENTIAL
from icommit.core.http import AuthedRequest


def render_history(
    request: AuthedRequest, *, subject: Any, history: Any, back: str
) -> HttpResponse:
    # the selectors leave these events out already; this is the last gate before the page
    shown = [event for event in history if event.action not in TEAM_CONFIDENTIAL]
    template = "core/includes/history.html#panel" if request.htmx else "web/history.html"
    response = render(request, template, {"subject": subject, "history": shown, "back": back})
    response["Vary"] = "HX-Request"
    return response
