"""``team_links_for``: the team sub-pages the viewer may open, for the team page's navigation."""

from __future__ import annotations

from typing import Any

from django import template

from icommit.web import registry

register = template.Library()


@register.simple_tag(takes_context=True)
def team_links_for(context: Any, team: Any) -> list[registry.Link]:
    """The registered team sub-pages whose guarding action the viewer may do on ``team``."""
    request = context.get("request")
    return registry.team_links(user=getattr(request, "user", None), team=team)
