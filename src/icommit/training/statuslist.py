"""The revocation status list of certificates: a W3C Bitstring Status List credential.

One bit per certificate at a position drawn at random (``random_free_index``), so neither the
position nor the list says in which order or when certificates were issued; the list has
``SIZE`` = 131,072 entries, the specification's minimum, so a holder hides among them. A set
bit means revoked. The list is GZIP-compressed, multibase base64url-encoded and signed like
the certificates (eddsa-rdfc-2022, the platform's key).
"""

from __future__ import annotations

import base64
import datetime
import gzip
import secrets
from collections.abc import Collection, Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone
from openbadgeslib.ob3 import add_data_integrity_proof, decode_encoded_list, status_entry

from icommit.training.did import issuer_identity, private_key_pem

__all__ = [
    "PURPOSE",
    "SIZE",
    "STATUS_LIST_PATH",
    "VALIDITY",
    "StatusListFull",
    "bit_is_set",
    "credential_status_entry",
    "decode_bitstring",
    "encode_bitstring",
    "new_bitstring",
    "random_free_index",
    "set_bit",
    "status_list_credential",
    "status_list_url",
]

#: Entries in the list: Bitstring Status List v1.0 asks for at least 131,072 (16 KiB).
SIZE = 131_072
PURPOSE = "revocation"
#: Where the platform serves the list, below its base URL (the training app routes it).
STATUS_LIST_PATH = "/training/credentials/status/revocation"
#: How long a signed list is valid: verifiers refuse an older copy, so a replayed list from
#: before a revocation stops working after a day. Serve a freshly signed list.
VALIDITY = datetime.timedelta(days=1)
#: Random draws tried before picking among the free positions directly (a nearly full list).
_DRAWS = 64


class StatusListFull(Exception):
    """Every position of the status list is taken."""


def status_list_url() -> str:
    """Return the public address of the revocation status list."""
    return settings.BASE_URL.rstrip("/") + STATUS_LIST_PATH


def credential_status_entry(index: int, list_url: str | None = None) -> dict[str, Any]:
    """Return the credentialStatus entry pointing at bit ``index`` of the revocation list."""
    _check_index(index)
    return status_entry(list_url or status_list_url(), PURPOSE, index)


def random_free_index(taken: Collection[int], size: int = SIZE) -> int:
    """Return a position not in ``taken``, drawn uniformly at random with ``secrets``."""
    for _attempt in range(_DRAWS):
        index = secrets.randbelow(size)
        if index not in taken:
            return index
    free = [index for index in range(size) if index not in taken]
    if not free:
        raise StatusListFull(f"All {size} positions of the status list are taken.")
    return secrets.choice(free)


# --- the bitstring -------------------------------------------------------------------------


def new_bitstring(size: int = SIZE) -> bytearray:
    """Return a list of ``size`` entries with no bit set."""
    if size <= 0 or size % 8:
        raise ValueError(f"A status list has a positive multiple of 8 entries, not {size}.")
    return bytearray(size // 8)


def set_bit(bits: bytearray, index: int, value: bool = True) -> None:
    """Set the bit at ``index`` (clear it with ``value=False``); 0 is the first byte's highest."""
    _check_index(index, len(bits) * 8)
    mask = 0x80 >> (index % 8)
    if value:
        bits[index // 8] |= mask
    else:
        bits[index // 8] &= ~mask & 0xFF


def bit_is_set(bits: bytes | bytearray, index: int) -> bool:
    """Return whether the bit at ``index`` is set."""
    _check_index(index, len(bits) * 8)
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def encode_bitstring(bits: bytes | bytearray) -> str:
    """Return the ``encodedList`` value: 'u' + base64url without padding of the GZIPped bits."""
    # mtime=0: the same list always encodes to the same text.
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode_bitstring(encoded: str) -> bytearray:
    """Return the bits of an ``encodedList`` value (size-capped against GZIP bombs)."""
    return bytearray(decode_encoded_list(encoded))


def _check_index(index: int, size: int = SIZE) -> None:
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < size:
        raise ValueError(f"A status list position lies in 0..{size - 1}, not {index!r}.")


# --- the signed list -----------------------------------------------------------------------


def status_list_credential(
    *,
    revoked: Iterable[int],
    list_url: str | None = None,
    now: datetime.datetime | None = None,
    validity: datetime.timedelta = VALIDITY,
) -> dict[str, Any]:
    """Return the signed BitstringStatusListCredential with the bits of ``revoked`` set."""
    bits = new_bitstring()
    for index in revoked:
        set_bit(bits, index)
    url = list_url or status_list_url()
    issued = (now or timezone.now()).astimezone(datetime.UTC).replace(microsecond=0)
    identity = issuer_identity()
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": identity.did,
        "validFrom": _iso(issued),
        "validUntil": _iso(issued + validity),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encode_bitstring(bits),
        },
    }
    return add_data_integrity_proof(
        document, private_key_pem(), identity.verification_method, created=issued
    )


def _iso(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
