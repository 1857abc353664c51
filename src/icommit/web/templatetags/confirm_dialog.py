"""The ``confirm_ticket`` tag: a signed description of one destructive button for ``web:confirm``.

Without JavaScript a destructive button opens the confirmation page by GET; the page shows only
what a ticket signed here says (label, message, where the form posts, its hidden fields), for the
person it was drawn for, so nobody can make the page ask something the application did not.
"""

from __future__ import annotations

from typing import Any

from django import template

from icommit.web.confirm import ticket_sign

register = template.Library()


@register.simple_tag(takes_context=True)
def confirm_ticket(context: Any, action: str, label: str, message: str, **fields: Any) -> str:
    """Sign what the confirmation page of this button shows and posts."""
    request = context.get("request")
    user = getattr(request, "user", None)
    back = request.get_full_path() if request is not None else "/"
    return ticket_sign(
        user_id=getattr(user, "pk", None),
        action=action,
        label=str(label),
        message=str(message),
        fields={k: str(v) for k, v in fields.items() if v is not None},
        back=back,
    )
