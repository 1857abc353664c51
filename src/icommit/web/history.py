"""The history panel: audit events about one object, as a page or an htmx fragment.

The events come from ``web.selectors.object_history``, which leaves out every action that is
confidential towards the team (``audit.TEAM_CONFIDENTIAL``, e.g. taking part in a round).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from icommit.core.http import AuthedRequest


def render_history(
    request: AuthedRequest, *, subject: Any, history: Any, back: str
) -> HttpResponse:
    template = "core/includes/history.html#panel" if request.htmx else "web/history.html"
    response = render(request, template, {"subject": subject, "history": history, "back": back})
    response["Vary"] = "HX-Request"
    return response
