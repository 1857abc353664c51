"""Template filters for audit events: ``{{ event.action|event_label }}`` reads as a sentence."""

from __future__ import annotations

from django import template

from icommit.core.audit import event_label as label_of

register = template.Library()


@register.filter
def event_label(action: str) -> str:
    """The label of an audit action in the active language (readable words if unregistered)."""
    return label_of(action)
