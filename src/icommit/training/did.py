"""The platform's identity as an issuer of certificates: its Ed25519 key and its DID.

The signing key lives in a file, never in the database: ICOMMIT_CREDENTIAL_SIGNING_KEY_FILE in
production (outside the data folder), generated once into ``DATA_DIR/keys`` in development,
demo and tests. With an https base URL the issuer is ``did:web:<host>``, whose DID document
(``did_document``) publishes the public key; otherwise it is the key's own ``did:key``.
Both name the same key, so a credential issued under either stays verifiable here.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from openbadgeslib.ob3 import did_web_from_url, multikey_from_pem

__all__ = [
    "DEV_KEY_NAME",
    "IssuerIdentity",
    "did_document",
    "did_document_url",
    "issuer_identities",
    "issuer_identity",
    "private_key_pem",
    "public_key_pem",
    "signing_key",
]

#: Name of the generated development key inside ``DATA_DIR / "keys"``.
DEV_KEY_NAME = "credential_signing_key.pem"
SETTING = "ICOMMIT_CREDENTIAL_SIGNING_KEY_FILE"
DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


# --- the signing key ------------------------------------------------------------------------


def signing_key() -> Ed25519PrivateKey:
    """Return the credential signing key: the configured file, or generated outside production."""
    configured = getattr(settings, "CREDENTIAL_SIGNING_KEY_FILE", None)
    if configured:
        path = Path(configured).expanduser()
        if settings.PRODUCTION and path.resolve().is_relative_to(Path(settings.DATA_DIR).resolve()):
            raise ImproperlyConfigured(
                f"{SETTING}={str(path)!r} lies inside the data folder; "
                "the credential signing key must live elsewhere."
            )
        return _load_key(str(path))
    if settings.PRODUCTION:
        raise ImproperlyConfigured(
            f"{SETTING} is required in production: a PEM Ed25519 private key outside the data "
            "folder (openssl genpkey -algorithm ed25519 -out credential-signing.pem)."
        )
    return _load_or_generate(str(Path(settings.DATA_DIR) / "keys" / DEV_KEY_NAME))


def private_key_pem() -> bytes:
    """Return the signing key as unencrypted PKCS#8 PEM, the form openbadgeslib signs with."""
    return signing_key().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def public_key_pem() -> bytes:
    """Return the public half of the signing key as SubjectPublicKeyInfo PEM."""
    return (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


# A key file is read once per process; replacing it takes a restart (as for the audit key).
@functools.lru_cache(maxsize=4)
def _load_key(path: str) -> Ed25519PrivateKey:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"The credential signing key {path} cannot be read: {exc}."
        ) from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(
            f"The credential signing key {path} is not an unencrypted PEM Ed25519 private key."
        )
    return key


def _load_or_generate(path: str) -> Ed25519PrivateKey:
    target = Path(path)
    if target.exists():
        return _load_key(path)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _load_key(path)  # another process generated it first
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return _load_key(path)


# --- the issuer's DIDs ---------------------------------------------------------------------


@dataclass(frozen=True)
class IssuerIdentity:
    """One DID of the platform and the verification method that names its key."""

    did: str
    verification_method: str
    public_key_multibase: str


def issuer_identity() -> IssuerIdentity:
    """Return the identity new credentials are issued under: did:web with https, else did:key."""
    return issuer_identities()[0]


def issuer_identities() -> list[IssuerIdentity]:
    """Return every DID this platform's key answers to, the one used for issuing first."""
    multikey = multikey_from_pem(public_key_pem())
    did_key = f"did:key:{multikey}"
    # The did:key method allows one fragment only: the key itself.
    identities = [IssuerIdentity(did_key, f"{did_key}#{multikey}", multikey)]
    did_web = _did_web()
    if did_web:
        # The fragment names the key, so a new key later gets a method of its own.
        identities.insert(0, IssuerIdentity(did_web, f"{did_web}#{multikey}", multikey))
    return identities


def _did_web() -> str | None:
    base_url = settings.BASE_URL
    if urlsplit(base_url).scheme != "https":
        return None  # did:web trusts TLS; an http address can name nothing
    return did_web_from_url(base_url)


def did_document_url() -> str | None:
    """Return where the did:web document must be served, or None without an https base URL."""
    if not _did_web():
        return None
    base = settings.BASE_URL.rstrip("/")
    if urlsplit(base).path.strip("/"):
        return f"{base}/did.json"
    return f"{base}/.well-known/did.json"


def did_document() -> dict[str, Any] | None:
    """Return the did:web document publishing the public key, or None without did:web."""
    identity = issuer_identity()
    if not identity.did.startswith("did:web:"):
        return None
    method = {
        "id": identity.verification_method,
        "type": "Multikey",
        "controller": identity.did,
        "publicKeyMultibase": identity.public_key_multibase,
    }
    return {
        "@context": list(DID_CONTEXTS),
        "id": identity.did,
        "verificationMethod": [method],
        "assertionMethod": [identity.verification_method],
    }
