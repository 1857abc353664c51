"""May this item of a case go to this organisation, on this basis? One pure function.

``share_problem`` is the rule book in code: the team's protocol (its decision for the flow),
the secrecy the item's author was bound by, and the basis the sharer names. It returns None when
the share is allowed, or the reason it is refused, in words a practitioner understands. No ORM:
the services gather the facts, the truth-table tests call it directly.

The rules (DOMAIN.md, "Rules icommit enforces in code"):

- Nothing goes to an organisation that does not take part in the case now.
- Imminent danger overrides the protocol and secrecy, but needs a written reason.
- A client whose processing is restricted (Art. 18 GDPR): nothing is shared, except on a statute
  with a written reason (to protect another person's rights or for an important public interest,
  Art. 18(2) GDPR) or because of imminent danger.
- A statutory duty (e.g. § 138 StGB, § 8a SGB VIII) is not blocked by the protocol: a team's
  agreement cannot waive the law. It needs a written reason.
- Items from security actors (police, prosecution, prison, probation: processed under Directive
  2016/680) never leave on consent, only on a statute, a protocol row (which names its legal
  source) or imminent danger.
- Otherwise the protocol decides the minimum: no row or "never" refuses; "with consent" needs a
  consent or release on file that covers the category and the recipient; "with a recorded legal
  basis" needs a statute; "always" needs nothing more.
- Rule 4: an item recorded by someone bound by professional secrecy, the protection of social
  data or pastoral secrecy leaves their organisation only with a release from confidentiality
  covering the category and the recipient, or a statute (a recorded legal exception) — towards
  anyone, security actor or not; "always" in the protocol does not lift it.
- An agreement to take part in support is never a basis for sharing.

Official secrecy (§ 37 BeamtStG, § 203(2) StGB) is not in ``SECRECY_BOUND`` on purpose: it yields
to any transmission the law allows, and the client cannot release an official from it. An
"always" row must name its legal source, so such items still leave only on a named basis.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from icommit.sharing.decision import SharingRule

#: Secrecy kinds (vocabulary v2) whose holders need a release or a legal exception to disclose.
SECRECY_BOUND = frozenset({"professional", "social_data", "pastoral"})


class Basis:
    PROTOCOL = "protocol"
    CONSENT = "consent"
    STATUTE = "statute"
    DANGER = "danger"


@dataclass(frozen=True)
class Offer:
    """What the sharer puts forward for one recipient."""

    basis: str
    #: for ``consent``: the kind of the consent named ("release", "sharing", "participation"),
    #: and whether it is in effect and covers this category and this recipient
    consent_kind: str = ""
    consent_covers: bool = False
    statute: str = ""
    reason: str = ""
    #: for ``statute``: the law obliges (a duty), not merely allows
    duty: bool = False


def secrecy_bound(secrecy: str) -> bool:
    return secrecy in SECRECY_BOUND


def share_problem(
    *,
    protocol: SharingRule | None,
    secrecy: str,
    offer: Offer,
    recipient_participates: bool,
    restricted: bool = False,
    origin_is_security: bool = False,
) -> str | None:
    """None if the share is allowed; otherwise why not. ``protocol`` None: no row applies."""
    if not recipient_participates:
        return _("This organisation does not take part in the case.")
    if offer.basis == Basis.DANGER:
        if not offer.reason.strip():
            return _("Sharing because of imminent danger needs a written reason.")
        return None
    if offer.basis == Basis.STATUTE and not offer.statute.strip():
        return _("Name the statutory provision this share rests on.")
    if restricted and not (offer.basis == Basis.STATUTE and offer.reason.strip()):
        return _(
            "Processing of this client's data is restricted: share only on a statutory "
            "provision with a written reason, or because of imminent danger."
        )
    if offer.basis == Basis.STATUTE and offer.duty:
        if not offer.reason.strip():
            return _("A share under a statutory duty needs a written reason.")
        return None
    if offer.basis == Basis.CONSENT and origin_is_security:
        return _(
            "This comes from a police, prosecution, prison or probation service: consent is "
            "not a legal basis for sharing it; name the statute."
        )
    if protocol is None:
        return _(
            "The team's protocol has no row for this flow; nothing may be shared until one is "
            "agreed (or because of imminent danger)."
        )
    if protocol == SharingRule.NEVER:
        return _("The team's protocol says this information never goes to this organisation.")
    if offer.basis == Basis.CONSENT:
        if offer.consent_kind not in ("release", "sharing"):
            return _(
                "An agreement to take part in support is not a consent to share; choose a "
                "release from confidentiality or a consent to share."
            )
        if not offer.consent_covers:
            return _(
                "The consent chosen does not cover this data category and this organisation, "
                "or it was withdrawn or has expired."
            )
    elif offer.basis not in (Basis.STATUTE, Basis.PROTOCOL):
        return _("Choose the legal basis of this share.")
    if secrecy_bound(secrecy):
        released = offer.basis == Basis.CONSENT and offer.consent_kind == "release"
        if not released and offer.basis != Basis.STATUTE:
            return _(
                "This was recorded by someone bound by secrecy: it leaves the organisation only "
                "with a release from confidentiality that covers it and this organisation, or "
                "on a statutory provision."
            )
    if protocol == SharingRule.CONSENT and offer.basis != Basis.CONSENT:
        return _("The team's protocol allows this only with consent; choose the consent on file.")
    if protocol == SharingRule.LEGAL_BASIS and offer.basis != Basis.STATUTE:
        return _(
            "The team's protocol allows this only on a recorded legal basis; name the statute."
        )
    return None
