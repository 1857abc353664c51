"""Certificates as Open Badges 3.0 credentials: issue, verify, and their numbers.

``issue_credential`` returns a signed OpenBadgeCredential (W3C VC 2.0) secured with a
DataIntegrityProof, cryptosuite eddsa-rdfc-2022, made by openbadgeslib with the JSON-LD
contexts it bundles; its loader refuses every other URL, so nothing is fetched. The holder
is named, never their e-mail. ``verify_credential`` checks a credential against the platform's
own key, offline: it says whether it was issued here, whether it is intact, and whether it is
valid, expired or revoked, with the course and the dates, nothing more about the holder.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openbadgeslib.errors import LibOpenBadgesException
from openbadgeslib.ob3 import (
    Achievement,
    Issuer,
    OB3LdpSigner,
    OB3LdpVerifier,
    OpenBadgeCredential,
)
from openbadgeslib.ob3.credential import IdentityObject

from icommit.core.exceptions import ValidationFailed
from icommit.training.did import (
    IssuerIdentity,
    issuer_identities,
    issuer_identity,
    private_key_pem,
    public_key_pem,
)
from icommit.training.statuslist import PURPOSE, SIZE, credential_status_entry

__all__ = [
    "CERTIFICATE_ALPHABET",
    "ISSUER_NAME",
    "Outcome",
    "Status",
    "Verification",
    "course_iri",
    "credential_iri",
    "issue_credential",
    "new_certificate_number",
    "normalise_certificate_number",
    "verify_credential",
]

log = logging.getLogger(__name__)

ISSUER_NAME = "icommit"
#: Crockford's base32: no I, L, O or U, so a number read aloud or typed is hard to get wrong.
CERTIFICATE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: 16 symbols of 5 bits: 80 random bits, shown in four groups of four.
CERTIFICATE_SYMBOLS = 16
_GROUP = 4
_TYPED_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})
#: What people type or copy between the groups: spaces and hyphens or dashes of any kind.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
CREDENTIAL_PREFIX = "urn:icommit:certificate:"
COURSE_PREFIX = "urn:icommit:course:"
# The library's messages when only the validity window failed: it checks the window last, after
# the proof, the JSON-LD form and the key have all passed.
_EXPIRED = "Credential has expired"
_NOT_YET_VALID = "Credential is not yet valid"


# --- certificate numbers -------------------------------------------------------------------


def new_certificate_number() -> str:
    """Return a new random certificate number, e.g. ``7KQ2-M9XD-0RTB-H4WE`` (80 bits)."""
    value = secrets.randbits(5 * CERTIFICATE_SYMBOLS)
    symbols = []
    for _position in range(CERTIFICATE_SYMBOLS):
        value, digit = divmod(value, 32)
        symbols.append(CERTIFICATE_ALPHABET[digit])
    return _grouped("".join(reversed(symbols)))


def normalise_certificate_number(text: str, *, field: str = "certificate_number") -> str:
    """Return a typed certificate number in its canonical form, or fail naming ``field``."""
    compact = _SEPARATORS.sub("", str(text)).upper().translate(_TYPED_ALIASES)
    if len(compact) != CERTIFICATE_SYMBOLS or any(c not in CERTIFICATE_ALPHABET for c in compact):
        raise ValidationFailed.field(
            field,
            _(
                "A certificate number has 16 letters and digits, such as "
                "7KQ2-M9XD-0RTB-H4WE. Please check the number on the certificate."
            ),
        )
    return _grouped(compact)


def _grouped(compact: str) -> str:
    return "-".join(compact[i : i + _GROUP] for i in range(0, len(compact), _GROUP))


def credential_iri(certificate_number: str) -> str:
    """Return the credential's id: the certificate number as a URN."""
    return CREDENTIAL_PREFIX + normalise_certificate_number(certificate_number)


def course_iri(course_id: str) -> str:
    """Return the achievement's id: the course id as a URN, the same on every platform."""
    return COURSE_PREFIX + quote(course_id, safe="-._~")


# --- issuing ---------------------------------------------------------------------------------


def issue_credential(
    *,
    certificate_number: str,
    holder_name: str,
    course_id: str,
    course_title: str,
    course_description: str,
    criteria: str,
    valid_from: datetime.datetime,
    valid_until: datetime.datetime | None,
    status_index: int,
    status_list_url: str | None = None,
) -> dict[str, Any]:
    """Return a signed OpenBadgeCredential for one certificate, as a JSON-ready dict."""
    _require_text(holder_name=holder_name, course_id=course_id, course_title=course_title)
    for name, moment in (("valid_from", valid_from), ("valid_until", valid_until)):
        if moment is not None and moment.utcoffset() is None:
            raise ValidationFailed.field(name, _("The date needs a time zone."))
    if valid_until is not None and valid_until <= valid_from:
        raise ValidationFailed.field(
            "valid_until", _("A certificate must be valid until after it is issued.")
        )
    if isinstance(status_index, bool) or not 0 <= status_index < SIZE:
        raise ValidationFailed.field(
            "status_index", _("The status list position is outside the list.")
        )
    identity = issuer_identity()
    credential = OpenBadgeCredential(
        id=credential_iri(certificate_number),
        issuer=Issuer(id=identity.did, name=ISSUER_NAME, url=settings.BASE_URL),
        # The holder has no DID or account address to name; the name travels as an identifier.
        recipient_id=None,
        identifiers=[
            IdentityObject(identity_hash=holder_name.strip(), identity_type="name", hashed=False)
        ],
        achievement=Achievement(
            id=course_iri(course_id),
            name=course_title.strip(),
            description=course_description.strip(),
            criteria_narrative=criteria.strip(),
            achievement_type="Certificate",
        ),
        issuance_date=valid_from,
        expiration_date=valid_until,
        credential_status=[credential_status_entry(status_index, status_list_url)],
    )
    signer = OB3LdpSigner(private_key_pem(), identity.verification_method)
    return signer.sign(credential)


def _require_text(**values: str) -> None:
    for name, value in values.items():
        if not isinstance(value, str) or not value.strip():
            raise ValidationFailed.field(name, _("This field is required."))


# --- verifying -------------------------------------------------------------------------------


class Status(models.TextChoices):
    """The state of a certificate that was issued here and is intact."""

    VALID = "valid", gettext_lazy("valid")
    EXPIRED = "expired", gettext_lazy("expired")
    REVOKED = "revoked", gettext_lazy("revoked")
    NOT_YET_VALID = "not_yet_valid", gettext_lazy("not yet valid")


class Outcome(models.TextChoices):
    """What a verification page says, in one word."""

    VALID = "valid", gettext_lazy("valid")
    EXPIRED = "expired", gettext_lazy("expired")
    REVOKED = "revoked", gettext_lazy("revoked")
    NOT_YET_VALID = "not_yet_valid", gettext_lazy("not yet valid")
    ALTERED = "altered", gettext_lazy("altered: the signature does not match")
    NOT_ISSUED_HERE = "not_issued_here", gettext_lazy("not issued here")
    UNREADABLE = "unreadable", gettext_lazy("not a credential file")


@dataclass(frozen=True)
class Verification:
    """What a verification found. Pages show the outcome, the course and the dates only."""

    issued_here: bool
    signature_ok: bool
    status: Status | None = None
    course_id: str = ""
    course_title: str = ""
    valid_from: datetime.datetime | None = None
    valid_until: datetime.datetime | None = None
    certificate_number: str = ""
    readable: bool = True
    #: Why verification failed, in the library's words, for the log; never shown.
    reason: str = ""

    @property
    def outcome(self) -> Outcome:
        if not self.readable:
            return Outcome.UNREADABLE
        if not self.issued_here:
            return Outcome.NOT_ISSUED_HERE
        if not self.signature_ok or self.status is None:
            return Outcome.ALTERED
        return Outcome(self.status.value)


StatusLookup = Callable[[int], bool]


def verify_credential(
    document: str | bytes | dict[str, Any],
    *,
    status_lookup: StatusLookup | None = None,
) -> Verification:
    """Verify a credential against the platform's own key, without the network.

    ``status_lookup(index)`` answers whether the revocation bit at that position is set;
    without it, revocation is not checked.
    """
    doc = _parse(document)
    if doc is None:
        return Verification(issued_here=False, signature_ok=False, readable=False)
    identity = _our_identity(doc)
    if identity is None:
        return Verification(issued_here=False, signature_ok=False)
    verifier = OB3LdpVerifier(pubkey_pem=public_key_pem(), issuer_did=identity.did)
    status = Status.VALID
    try:
        credential = verifier.verify(doc)
    except (LibOpenBadgesException, ValueError, TypeError, KeyError) as exc:
        message = str(exc)
        if message.startswith(_EXPIRED):
            status = Status.EXPIRED
        elif message.startswith(_NOT_YET_VALID):
            status = Status.NOT_YET_VALID
        else:
            log.info("A credential naming this platform failed verification: %s", message[:300])
            return Verification(issued_here=True, signature_ok=False, reason=message[:300])
        # Only the window failed, so everything before it verified: the JSON is what was signed.
        credential = OpenBadgeCredential.from_vc_document(doc)
    revoked = _revoked(credential, status_lookup)
    if revoked is None:
        return Verification(
            issued_here=True, signature_ok=False, reason="no readable revocation entry"
        )
    return Verification(
        issued_here=True,
        signature_ok=True,
        status=Status.REVOKED if revoked else status,
        course_id=_course_id(credential.achievement.id),
        course_title=credential.achievement.name,
        valid_from=credential.issuance_date,
        valid_until=credential.expiration_date,
        certificate_number=(credential.id or "").removeprefix(CREDENTIAL_PREFIX),
    )


def _parse(document: str | bytes | dict[str, Any]) -> dict[str, Any] | None:
    if isinstance(document, dict):
        return document
    try:
        parsed = json.loads(document)
    except (ValueError, TypeError, RecursionError):
        return None
    return parsed if isinstance(parsed, dict) else None


def _our_identity(doc: dict[str, Any]) -> IssuerIdentity | None:
    """Return our identity the credential claims, if its issuer and proof key are ours."""
    issuer = doc.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    proof = doc.get("proof")
    method = proof.get("verificationMethod") if isinstance(proof, dict) else None
    for identity in issuer_identities():
        if issuer_id == identity.did and method == identity.verification_method:
            return identity
    return None


def _revoked(credential: OpenBadgeCredential, lookup: StatusLookup | None) -> bool | None:
    """Return whether the credential is revoked, or None if it has no revocation entry."""
    entries = [e for e in credential.credential_status if e.get("statusPurpose") == PURPOSE]
    if len(entries) != 1:
        return None
    try:
        index = int(entries[0].get("statusListIndex", ""))
    except (TypeError, ValueError):
        return None
    if not 0 <= index < SIZE:
        return None
    return bool(lookup(index)) if lookup is not None else False


def _course_id(achievement_id: str) -> str:
    if achievement_id.startswith(COURSE_PREFIX):
        return unquote(achievement_id.removeprefix(COURSE_PREFIX))
    return ""
