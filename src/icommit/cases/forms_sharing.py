"""Forms of notes, sharing decisions, consents and restriction requests on a case.

The forms check shape only (a choice among those offered, a date, a file's size and type);
every rule of the law and the protocol is the services' (``cases.services``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from icommit.cases.models import ConsentKind

#: What each of the three kinds of consent means, kept apart in words as in data.
CONSENT_EXPLANATIONS: dict[str, Any] = {
    ConsentKind.PARTICIPATION.value: _(
        "The client agrees to take part in voluntary support. This is not a legal basis for "
        "sharing any information."
    ),
    ConsentKind.RELEASE.value: _(
        "The client releases a named professional or organisation from confidentiality "
        "(Schweigepflichtentbindung) towards named organisations, for named data categories "
        "and a purpose."
    ),
    ConsentKind.SHARING.value: _(
        "The client consents to named data categories being shared with named organisations "
        "for a purpose: one of several possible legal bases under data-protection law "
        "(public bodies can rarely rely on it; offence data needs a legal authorisation)."
    ),
}
