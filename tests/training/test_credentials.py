"""Certificates as Open Badges 3.0 credentials: issued, verified, revoked, numbered, offline.

The proof of an issued credential is also recomputed here from the eddsa-rdfc-2022 spec with
pyld, hashlib and cryptography alone, so these tests do not take the signing library's word.
"""

from __future__ import annotations

import base64
import copy
import datetime
import gzip
import hashlib
import itertools
import json
import os
import re
import socket
import stat
from importlib import resources
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.core.exceptions import ImproperlyConfigured
from pyld import jsonld

from icommit.core.exceptions import ValidationFailed
from icommit.training import did, statuslist
from icommit.training.credentials import (
    CERTIFICATE_ALPHABET,
    Outcome,
    Status,
    issue_credential,
    new_certificate_number,
    normalise_certificate_number,
    verify_credential,
)

HOST = "training.example.org"
NOW = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
CONTEXT_FILES = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": "ob-v3p0-extensions.json",
}
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


@pytest.fixture
def https(settings):
    settings.BASE_URL = f"https://{HOST}"
    return settings


@pytest.fixture
def http(settings):
    settings.BASE_URL = "http://127.0.0.1:8000"
    return settings


def _issue(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "certificate_number": "7kq2m9xd0rtbh4we",
        "holder_name": "Amira Yılmaz-Schulz",
        "course_id": "social-diagnostics",
        "course_title": "Social Diagnostics for non-security actors",
        "course_description": "Comprehensive case analysis from several perspectives.",
        "criteria": "Attended 80 % of sessions, passed the checks and the practice assignment.",
        "valid_from": NOW - datetime.timedelta(days=1),
        "valid_until": NOW + datetime.timedelta(days=730),
        "status_index": 40_123,
    }
    values.update(changes)
    return issue_credential(**values)


# --- an independent eddsa-rdfc-2022 verifier ------------------------------------------------


class LocalLoader:
    """A JSON-LD document loader that serves the bundled context files and nothing else."""

    def __init__(self) -> None:
        self.loaded: list[str] = []

    def __call__(self, url: str, options: Any = None) -> dict[str, Any]:
        name = CONTEXT_FILES.get(url)
        if name is None:
            raise ValueError(f"refusing to load {url}")
        self.loaded.append(url)
        folder = resources.files("openbadgeslib.ob3.contexts")
        document = json.loads(folder.joinpath(name).read_text("utf-8"))
        return {"contextUrl": None, "documentUrl": url, "document": document}


def _b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + B58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\x00" * (len(text) - len(text.lstrip("1"))) + body


def _key_from_multibase(multibase: str) -> Ed25519PublicKey:
    assert multibase.startswith("z")
    raw = _b58decode(multibase[1:])
    assert raw[:2] == b"\xed\x01", "multicodec ed25519-pub"
    assert len(raw) == 34
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def _canonical(document: dict[str, Any], loader: LocalLoader) -> bytes:
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader}
    nquads = jsonld.normalize(document, options)
    assert nquads
    return nquads.encode("utf-8")


def _verify_from_first_principles(document: dict[str, Any], public_key: Ed25519PublicKey) -> None:
    """vc-di-eddsa §3.3: transform, hash, verify; raises InvalidSignature on any mismatch."""
    proof = document["proof"]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    proof_config = {key: value for key, value in proof.items() if key != "proofValue"}
    proof_config["@context"] = document["@context"]
    loader = LocalLoader()
    proof_hash = hashlib.sha256(_canonical(proof_config, loader)).digest()
    document_hash = hashlib.sha256(_canonical(unsecured, loader)).digest()
    assert proof["proofValue"].startswith("z")
    signature = _b58decode(proof["proofValue"][1:])
    assert len(signature) == 64
    public_key.verify(signature, proof_hash + document_hash)
    assert set(loader.loaded) <= set(CONTEXT_FILES)


def _public_key_of_method(method: str) -> Ed25519PublicKey:
    """Resolve our verification method: did:web through our DID document, did:key by itself."""
    if method.startswith("did:key:"):
        return _key_from_multibase(method.partition("#")[0].removeprefix("did:key:"))
    document = did.did_document()
    assert document is not None
    (entry,) = [m for m in document["verificationMethod"] if m["id"] == method]
    assert entry["type"] == "Multikey"
    return _key_from_multibase(entry["publicKeyMultibase"])


# --- issuing and verifying -------------------------------------------------------------------


def test_an_issued_credential_verifies_and_its_proof_checks_out_from_first_principles(https):
    credential = _issue()

    result = verify_credential(credential)
    assert (result.issued_here, result.signature_ok, result.status) == (True, True, Status.VALID)
    assert result.outcome == Outcome.VALID
    assert result.course_id == "social-diagnostics"
    assert result.course_title == "Social Diagnostics for non-security actors"
    assert result.valid_until == NOW + datetime.timedelta(days=730)
    assert result.certificate_number == "7KQ2-M9XD-0RTB-H4WE"

    method = credential["proof"]["verificationMethod"]
    assert method.startswith(f"did:web:{HOST}#z")
    assert credential["proof"]["proofPurpose"] == "assertionMethod"
    _verify_from_first_principles(credential, _public_key_of_method(method))


def test_the_first_principles_verifier_rejects_a_changed_credential(https):
    credential = _issue()
    changed = copy.deepcopy(credential)
    changed["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    key = _public_key_of_method(credential["proof"]["verificationMethod"])
    with pytest.raises(InvalidSignature):
        _verify_from_first_principles(changed, key)


def test_the_credential_is_an_open_badge_naming_the_holder_course_dates_and_status(https):
    credential = _issue()

    assert credential["@context"][:2] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"] == "urn:icommit:certificate:7KQ2-M9XD-0RTB-H4WE"
    assert credential["issuer"]["id"] == f"did:web:{HOST}"
    assert credential["issuer"]["url"] == f"https://{HOST}"
    assert credential["validFrom"] == (NOW - datetime.timedelta(days=1)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    assert credential["validUntil"].startswith(str((NOW + datetime.timedelta(days=730)).date()))
    subject = credential["credentialSubject"]
    assert subject["identifier"] == [
        {
            "type": "IdentityObject",
            "hashed": False,
            "identityHash": "Amira Yılmaz-Schulz",
            "identityType": "name",
        }
    ]
    achievement = subject["achievement"]
    assert achievement["id"] == "urn:icommit:course:social-diagnostics"
    assert achievement["name"] == "Social Diagnostics for non-security actors"
    assert achievement["criteria"]["narrative"].startswith("Attended 80 %")
    assert achievement["achievementType"] == "Certificate"
    assert credential["credentialStatus"] == {
        "id": f"https://{HOST}{statuslist.STATUS_LIST_PATH}#40123",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "40123",
        "statusListCredential": f"https://{HOST}{statuslist.STATUS_LIST_PATH}",
    }
    # No e-mail address, no account: the subject has no id at all.
    assert "id" not in subject
    assert "@" not in json.dumps(credential).replace('"@context"', "")


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("credentialSubject", "identifier", 0, "identityHash"), "Amira Yilmaz-Schulz"),
        (("validUntil",), "2099-01-01T00:00:00Z"),
        (("credentialSubject", "achievement", "name"), "MSC team training"),
        (("credentialStatus", "statusListIndex"), "40124"),
        (("id",), "urn:icommit:certificate:7KQ2-M9XD-0RTB-H4WF"),
    ],
)
def test_changing_one_value_makes_verification_fail(https, path, value):
    credential = _issue()
    changed = copy.deepcopy(credential)
    target = changed
    for step in path[:-1]:
        target = target[step]
    assert target[path[-1]] != value
    target[path[-1]] = value

    result = verify_credential(changed)

    assert result.issued_here
    assert not result.signature_ok
    assert result.status is None
    assert result.outcome == Outcome.ALTERED
    assert (result.course_title, result.valid_until) == ("", None)
    assert verify_credential(credential).signature_ok


def test_a_changed_proof_makes_verification_fail(https):
    credential = _issue()
    proof = credential["proof"]["proofValue"]
    credential["proof"]["proofValue"] = proof[:-2] + ("11" if proof[-2:] != "11" else "22")

    assert verify_credential(credential).outcome == Outcome.ALTERED


def test_an_expired_credential_is_intact_and_expired_and_a_changed_one_is_not(https):
    credential = _issue(
        valid_from=NOW - datetime.timedelta(days=800),
        valid_until=NOW - datetime.timedelta(days=70),
    )

    result = verify_credential(credential)
    assert (result.signature_ok, result.status) == (True, Status.EXPIRED)
    assert result.valid_until == NOW - datetime.timedelta(days=70)

    credential["validUntil"] = (NOW + datetime.timedelta(days=70)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert verify_credential(credential).outcome == Outcome.ALTERED


def test_revocation_follows_the_status_lookup_of_the_credentials_own_position(https):
    credential = _issue(status_index=77)
    asked: list[int] = []

    def revoked(index: int) -> bool:
        asked.append(index)
        return index == 77

    assert verify_credential(credential, status_lookup=revoked).outcome == Outcome.REVOKED
    assert asked == [77]
    assert verify_credential(credential, status_lookup=lambda i: i == 78).status == Status.VALID
    expired = _issue(
        status_index=77,
        valid_from=NOW - datetime.timedelta(days=800),
        valid_until=NOW - datetime.timedelta(days=70),
    )
    assert verify_credential(expired, status_lookup=revoked).status == Status.REVOKED


def test_a_credential_that_starts_later_is_not_yet_valid(https):
    credential = _issue(valid_from=NOW + datetime.timedelta(days=3))
    assert verify_credential(credential).outcome == Outcome.NOT_YET_VALID


def test_a_credential_of_another_issuer_is_not_issued_here(https, tmp_path):
    ours = _issue()
    other_key = tmp_path / "other.pem"
    other_key.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    https.CREDENTIAL_SIGNING_KEY_FILE = str(other_key)
    https.BASE_URL = "https://elsewhere.example.net"
    theirs = _issue()
    https.BASE_URL = f"https://{HOST}"
    # The same host with a key that is not ours: claims to be us, but we did not sign it.
    impostor = _issue()
    https.CREDENTIAL_SIGNING_KEY_FILE = None

    for credential in (theirs, impostor):
        result = verify_credential(credential)
        assert (result.issued_here, result.signature_ok) == (False, False)
        assert result.outcome == Outcome.NOT_ISSUED_HERE
        assert result.course_title == ""
    assert verify_credential(ours).outcome == Outcome.VALID


def test_a_file_that_is_no_credential_is_unreadable(https):
    assert verify_credential(b"\x89PNG not json").outcome == Outcome.UNREADABLE
    assert verify_credential("[1, 2]").outcome == Outcome.UNREADABLE
    assert verify_credential("{}").outcome == Outcome.NOT_ISSUED_HERE


def test_a_credential_verifies_from_its_json_text(https):
    text = json.dumps(_issue(), ensure_ascii=False).encode("utf-8")
    assert verify_credential(text).outcome == Outcome.VALID


def test_without_an_https_base_url_the_issuer_is_the_keys_did_key(http):
    credential = _issue()

    issuer = credential["issuer"]["id"]
    assert issuer.startswith("did:key:z6Mk")
    multikey = issuer.removeprefix("did:key:")
    assert credential["proof"]["verificationMethod"] == f"{issuer}#{multikey}"
    assert verify_credential(credential).outcome == Outcome.VALID
    _verify_from_first_principles(
        credential, _public_key_of_method(credential["proof"]["verificationMethod"])
    )
    assert did.did_document() is None
    assert did.did_document_url() is None


def test_a_credential_issued_under_did_key_stays_ours_once_did_web_is_configured(http):
    credential = _issue()
    http.BASE_URL = f"https://{HOST}"
    assert verify_credential(credential).outcome == Outcome.VALID


def test_bad_input_to_issuing_names_the_field():
    cases = [
        ({"holder_name": "  "}, "holder_name"),
        ({"course_title": ""}, "course_title"),
        ({"valid_from": datetime.datetime(2025, 1, 1)}, "valid_from"),
        ({"valid_until": NOW - datetime.timedelta(days=2)}, "valid_until"),
        ({"status_index": statuslist.SIZE}, "status_index"),
        ({"status_index": -1}, "status_index"),
        ({"certificate_number": "12345"}, "certificate_number"),
    ]
    for changes, field in cases:
        with pytest.raises(ValidationFailed) as caught:
            _issue(**changes)
        assert list(caught.value.details) == [field], changes


def test_issuing_and_verifying_need_no_network(https, monkeypatch):
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)

    credential = _issue()
    assert verify_credential(credential).outcome == Outcome.VALID
    status_list = statuslist.status_list_credential(revoked=[3])
    assert status_list["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    with pytest.raises(OSError, match="network is off"):
        socket.create_connection(("example.org", 443))


# --- the signing key and the DID document -----------------------------------------------------


def test_the_development_key_is_generated_once_into_the_data_folder_readable_by_owner_only(
    settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    key_file = tmp_path / "keys" / did.DEV_KEY_NAME
    assert not key_file.exists()

    first = did.public_key_pem()

    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert did.public_key_pem() == first
    assert b"PRIVATE KEY" in key_file.read_bytes()


def test_a_configured_key_file_signs(https, tmp_path):
    key = Ed25519PrivateKey.generate()
    path = tmp_path / "credential-signing.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    https.CREDENTIAL_SIGNING_KEY_FILE = str(path)

    credential = _issue()

    _verify_from_first_principles(credential, key.public_key())
    assert verify_credential(credential).outcome == Outcome.VALID


def test_production_needs_a_key_file_outside_the_data_folder(settings, tmp_path):
    settings.PRODUCTION = True
    settings.DATA_DIR = tmp_path / "data"
    settings.CREDENTIAL_SIGNING_KEY_FILE = None
    with pytest.raises(ImproperlyConfigured, match="ICOMMIT_CREDENTIAL_SIGNING_KEY_FILE"):
        did.signing_key()
    settings.CREDENTIAL_SIGNING_KEY_FILE = str(tmp_path / "data" / "keys" / "signing.pem")
    with pytest.raises(ImproperlyConfigured, match="inside the data folder"):
        did.signing_key()
    assert not (tmp_path / "data" / "keys").exists()


def test_a_key_file_that_is_not_an_ed25519_key_is_refused(settings, tmp_path):
    path = tmp_path / "p256.pem"
    path.write_bytes(
        generate_private_key(SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    settings.CREDENTIAL_SIGNING_KEY_FILE = str(path)
    with pytest.raises(ImproperlyConfigured, match="not an unencrypted PEM Ed25519"):
        did.signing_key()
    settings.CREDENTIAL_SIGNING_KEY_FILE = str(tmp_path / "missing.pem")
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        did.signing_key()


def test_the_did_document_publishes_the_signing_key_as_a_multikey(https):
    document = did.did_document()

    assert document is not None
    assert document["id"] == f"did:web:{HOST}"
    assert "https://w3id.org/security/multikey/v1" in document["@context"]
    (method,) = document["verificationMethod"]
    assert method["type"] == "Multikey"
    assert method["controller"] == document["id"]
    assert document["assertionMethod"] == [method["id"]]
    assert method["id"] == f"did:web:{HOST}#{method['publicKeyMultibase']}"
    published = _key_from_multibase(method["publicKeyMultibase"])
    raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
    assert published.public_bytes(*raw) == did.signing_key().public_key().public_bytes(*raw)
    assert did.did_document_url() == f"https://{HOST}/.well-known/did.json"
    assert "PRIVATE" not in json.dumps(document)


@pytest.mark.parametrize(
    ("base_url", "expected_did", "expected_url"),
    [
        ("https://example.org/icommit", "did:web:example.org:icommit", "/icommit/did.json"),
        ("https://example.org:8443", "did:web:example.org%3A8443", "/.well-known/did.json"),
    ],
)
def test_did_web_follows_the_base_url(settings, base_url, expected_did, expected_url):
    settings.BASE_URL = base_url
    assert did.issuer_identity().did == expected_did
    url = did.did_document_url()
    assert url is not None
    assert url.startswith(base_url)
    assert url.endswith(expected_url)


# --- the status list -------------------------------------------------------------------------


def test_the_status_list_has_the_specs_minimum_entries_and_a_set_bit_reads_back(https):
    document = statuslist.status_list_credential(revoked=[5, 99_999], now=NOW)

    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["id"] == f"https://{HOST}{statuslist.STATUS_LIST_PATH}"
    assert document["issuer"] == f"did:web:{HOST}"
    assert document["validUntil"] > document["validFrom"]
    subject = document["credentialSubject"]
    assert (subject["type"], subject["statusPurpose"]) == ("BitstringStatusList", "revocation")
    encoded = subject["encodedList"]
    assert encoded.startswith("u")
    assert "=" not in encoded
    compressed = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    bits = gzip.decompress(compressed)
    assert len(bits) * 8 >= 131_072
    nearby = (4, 5, 6, 99_998, 99_999, 100_000)
    assert [i for i in nearby if statuslist.bit_is_set(bits, i)] == [5, 99_999]
    assert sum(bin(byte).count("1") for byte in bits) == 2
    _verify_from_first_principles(
        document, _public_key_of_method(document["proof"]["verificationMethod"])
    )


def test_setting_and_clearing_bits_and_the_encoding_round_trip():
    bits = statuslist.new_bitstring()
    for index in (0, 7, 8, 65_537, statuslist.SIZE - 1):
        statuslist.set_bit(bits, index)
    statuslist.set_bit(bits, 8, False)
    assert bits[0] == 0b1000_0001

    decoded = statuslist.decode_bitstring(statuslist.encode_bitstring(bits))

    assert decoded == bits
    positions = (0, 7, 8, 65_537, statuslist.SIZE - 1)
    readback = [statuslist.bit_is_set(decoded, i) for i in positions]
    assert readback == [True, True, False, True, True]
    assert statuslist.encode_bitstring(bits) == statuslist.encode_bitstring(bytes(bits))
    with pytest.raises(ValueError, match=r"0\.\.131071"):
        statuslist.set_bit(bits, statuslist.SIZE)


def test_status_positions_are_random_and_spread_not_sequential():
    taken: set[int] = set()
    drawn = []
    for _ in range(300):
        index = statuslist.random_free_index(taken)
        assert index not in taken
        taken.add(index)
        drawn.append(index)

    assert drawn != sorted(drawn)
    steps = [b - a for a, b in itertools.pairwise(drawn)]
    assert sum(1 for step in steps if abs(step) <= 1) < 5
    buckets = {index * 16 // statuslist.SIZE for index in drawn}
    assert len(buckets) == 16
    # A nearly full list still finds its last free position; a full one says so.
    assert statuslist.random_free_index(set(range(64)) - {17}, size=64) == 17
    with pytest.raises(statuslist.StatusListFull):
        statuslist.random_free_index(set(range(64)), size=64)


# --- certificate numbers -----------------------------------------------------------------------


def test_certificate_numbers_carry_80_random_bits_and_do_not_repeat():
    numbers = [new_certificate_number() for _ in range(10_000)]

    assert len(set(numbers)) == len(numbers)
    pattern = re.compile(rf"^[{CERTIFICATE_ALPHABET}]{{4}}(-[{CERTIFICATE_ALPHABET}]{{4}}){{3}}$")
    assert all(pattern.match(number) for number in numbers)
    assert len(set(CERTIFICATE_ALPHABET)) == 32  # 5 bits a symbol, 16 symbols: 80 bits
    compact = [number.replace("-", "") for number in numbers]
    for position in range(16):
        # Every position, the first included, uses the whole alphabet: no fixed or short part.
        assert len({number[position] for number in compact}) == 32
    assert numbers != sorted(numbers)


def test_a_typed_certificate_number_is_normalised():
    assert normalise_certificate_number("7kq2m9xd0rtbh4we") == "7KQ2-M9XD-0RTB-H4WE"
    assert normalise_certificate_number(" 7KQ2 m9xd-0rtb  H4WE ") == "7KQ2-M9XD-0RTB-H4WE"
    assert normalise_certificate_number("7KQ2\u2013M9XD\u2011ORTB-H4WE") == "7KQ2-M9XD-0RTB-H4WE"
    # Letters people confuse with digits are read as the digits (Crockford's base32).
    assert normalise_certificate_number("7KQ2-M9XD-ORTB-H4WE") == "7KQ2-M9XD-0RTB-H4WE"
    assert normalise_certificate_number("iLQ2-M9XD-0RTB-H4WE") == "11Q2-M9XD-0RTB-H4WE"
    for wrong in ("", "7KQ2-M9XD-0RTB", "7KQ2-M9XD-0RTB-H4WEX", "UKQ2-M9XD-0RTB-H4WE", "7KQ2?"):
        with pytest.raises(ValidationFailed) as caught:
            normalise_certificate_number(wrong, field="number")
        assert list(caught.value.details) == ["number"]
