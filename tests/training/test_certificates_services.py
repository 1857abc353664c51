# ruff: noqa: F811  (the fixture cert_world imported from certificates_world is a test parameter)
"""Certificates behind the pages: issue and revocation, verification by number and name or by
file, the status list, the expiry reminder, the per-address limit, and the PDF and ZIP jobs."""

from __future__ import annotations

import copy
import datetime
import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest
import zxingcpp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image

from icommit.core.exceptions import Forbidden, NotFound, ValidationFailed
from icommit.core.jobs import job_run, result_path
from icommit.core.models import AuditEvent, Job, OutboxMessage
from icommit.training import credentials, selectors, services, statuslist
from icommit.training import selectors_certificates as found
from icommit.training import services_certificates as files
from icommit.training.models import Certificate
from tests.training.certificates_world import CertWorld, cert_world, make_run  # noqa: F401

pytestmark = pytest.mark.django_db


def _revoke(w: CertWorld, certificate: Certificate, reason: str = "Plagiarised assignment") -> None:
    services.certificate_revoke(actor=w.trainer, certificate=certificate, reason=reason)


# --- issue and revocation (core services) ------------------------------------------------------


def test_an_issued_certificate_holds_a_signed_credential_that_verifies(cert_world) -> None:
    c = cert_world.certificates[0]
    assert c.number == credentials.normalise_certificate_number(c.number)
    assert c.valid_until == datetime.date(c.issued_on.year + 2, c.issued_on.month, c.issued_on.day)
    assert c.credential["id"] == f"urn:icommit:certificate:{c.number}"
    assert c.family_name == "yilmaz-schulz"
    result = credentials.verify_credential(c.credential, status_lookup=lambda i: False)
    assert result.outcome == credentials.Outcome.VALID
    assert AuditEvent.objects.filter(action="training.certificate.issued").count() == 1


def test_revoking_needs_a_reason_and_changes_nothing_without_one(cert_world) -> None:
    c = cert_world.certificates[0]
    with pytest.raises(ValidationFailed) as err, transaction.atomic():
        services.certificate_revoke(actor=cert_world.trainer, certificate=c, reason="  ")
    assert "reason" in err.value.details
    c.refresh_from_db()
    assert c.revoked_at is None
    _revoke(cert_world, c)
    c.refresh_from_db()
    assert c.revoked_at is not None and c.revoke_reason == "Plagiarised assignment"
    assert AuditEvent.objects.filter(action="training.certificate.revoked").count() == 1


def test_only_the_runs_trainers_and_administrators_revoke(cert_world) -> None:
    c = cert_world.certificates[0]
    holder = cert_world.learners[0]
    with pytest.raises(Forbidden):
        services.certificate_revoke(actor=holder, certificate=c, reason="I want to")
    for stranger in (cert_world.other_trainer, cert_world.outsider):
        with pytest.raises(NotFound):
            services.certificate_revoke(actor=stranger, certificate=c, reason="x")
    services.certificate_revoke(actor=cert_world.admin, certificate=c, reason="Issued in error")
    with pytest.raises(Forbidden):  # revoked once is revoked for good
        services.certificate_revoke(actor=cert_world.trainer, certificate=c, reason="again")


def test_the_holder_and_the_runs_trainers_see_a_certificate_nobody_else(cert_world) -> None:
    c = cert_world.certificates[0]
    for user in (cert_world.learners[0], cert_world.trainer, cert_world.co_trainer):
        assert found.certificate_get(user, c.pk) == c
        assert list(found.certificates_for(user)) == [c]
    for user in (cert_world.other_trainer, cert_world.outsider):
        with pytest.raises(NotFound):
            found.certificate_get(user, c.pk)
        assert list(found.certificates_for(user)) == []
    other = cert_world.issue("Bruno Bauer")
    assert list(found.certificates_for(cert_world.learners[0])) == [c]
    assert set(found.certificates_for(cert_world.trainer)) == {c, other}


# --- verification by number and family name ----------------------------------------------------


def test_number_and_family_name_find_a_valid_certificate_as_typed(cert_world) -> None:
    c = cert_world.certificates[0]
    typed = c.number.lower().replace("-", " ").replace("0", "o")
    answer = found.verify_number(typed, "  YILMAZ-SCHULZ ")  # an i for the dotless ı
    assert answer.outcome == found.Outcome.VALID
    assert answer.course.startswith("Comprehensive case analysis")
    assert (answer.valid_from, answer.valid_until) == (c.issued_on, c.valid_until)


def test_a_wrong_family_name_answers_as_a_wrong_number_does(cert_world) -> None:
    c = cert_world.certificates[0]
    wrong_name = found.verify_number(c.number, "Schulz")
    wrong_number = found.verify_number(credentials.new_certificate_number(), "Yılmaz-Schulz")
    assert wrong_name == wrong_number == found.Answer(found.Outcome.NOT_FOUND)


def test_a_malformed_number_or_a_missing_name_is_refused_naming_the_field(cert_world) -> None:
    with pytest.raises(ValidationFailed) as err:
        found.verify_number("12345", "")
    assert set(err.value.details) == {"number", "family_name"}


def test_expiry_and_revocation_show_on_verification(cert_world) -> None:
    old = cert_world.issue("Eva Expired", today=timezone.localdate() - datetime.timedelta(days=800))
    assert found.verify_number(old.number, "Expired").outcome == found.Outcome.EXPIRED
    c = cert_world.certificates[0]
    _revoke(cert_world, c)
    assert found.verify_number(c.number, "Yılmaz-Schulz").outcome == found.Outcome.REVOKED
    _revoke(cert_world, old, "Revoked after it expired")
    assert found.verify_number(old.number, "Expired").outcome == found.Outcome.REVOKED


# --- verification of a credential file ---------------------------------------------------------


def test_the_credential_file_verifies_and_shows_course_and_dates(cert_world) -> None:
    c = cert_world.certificates[0]
    answer = found.verify_document(json.dumps(c.credential))
    assert answer.outcome == found.Outcome.VALID
    assert answer.valid_until == c.valid_until
    assert answer.course.startswith("Comprehensive case analysis")


def test_a_tampered_credential_file_is_altered(cert_world) -> None:
    c = cert_world.certificates[0]
    for path, value in [
        (("credentialSubject", "identifier", 0, "identityHash"), "Someone Else"),
        (("validUntil",), "2099-12-31T23:59:59Z"),
        (("credentialSubject", "achievement", "name"), "Another course"),
    ]:
        doc = copy.deepcopy(c.credential)
        target = doc
        for key in path[:-1]:
            target = target[key]
        assert path[-1] in target or isinstance(target, list)
        target[path[-1]] = value
        assert found.verify_document(doc).outcome == found.Outcome.ALTERED, path


def test_another_issuers_credential_is_not_issued_here(cert_world, settings, tmp_path) -> None:
    key = tmp_path / "other.pem"
    key.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    mine = settings.CREDENTIAL_SIGNING_KEY_FILE
    settings.CREDENTIAL_SIGNING_KEY_FILE = str(key)
    now = timezone.now()
    foreign = credentials.issue_credential(
        certificate_number=credentials.new_certificate_number(),
        holder_name="Amira Yılmaz-Schulz",
        course_id="nonsec-cert",
        course_title="Comprehensive case analysis",
        course_description="A copy of ours",
        criteria="none",
        valid_from=now,
        valid_until=now + datetime.timedelta(days=30),
        status_index=7,
    )
    settings.CREDENTIAL_SIGNING_KEY_FILE = mine
    answer = found.verify_document(foreign)
    assert answer == found.Answer(found.Outcome.NOT_ISSUED_HERE)


def test_a_revoked_or_expired_credential_file_says_so(cert_world) -> None:
    c = cert_world.certificates[0]
    old = cert_world.issue("Eva Expired", today=timezone.localdate() - datetime.timedelta(days=800))
    assert found.verify_document(old.credential).outcome == found.Outcome.EXPIRED
    _revoke(cert_world, c)
    assert found.verify_document(c.credential).outcome == found.Outcome.REVOKED


def test_what_is_no_credential_is_unreadable(cert_world) -> None:
    assert found.verify_document(b"not json").outcome == found.Outcome.UNREADABLE
    assert found.verify_document("[1, 2]").outcome == found.Outcome.UNREADABLE


# --- the status list ---------------------------------------------------------------------------


def test_the_status_list_has_exactly_the_revoked_positions_set(cert_world) -> None:
    c = cert_world.certificates[0]
    kept = cert_world.issue("Bruno Bauer")
    before = found.status_list()
    assert before["credentialSubject"]["statusPurpose"] == "revocation"
    _revoke(cert_world, c)
    after = found.status_list()  # signed again at once: the revocation changed the cache key
    bits = statuslist.decode_bitstring(after["credentialSubject"]["encodedList"])
    assert len(bits) * 8 == statuslist.SIZE
    assert statuslist.bit_is_set(bits, c.status_index)
    assert not statuslist.bit_is_set(bits, kept.status_index)
    assert sum(bin(b).count("1") for b in bits) == 1
    assert after["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert after["issuer"] == c.credential["issuer"]["id"]


# --- reminders before expiry -------------------------------------------------------------------


def test_holders_are_reminded_once_sixty_days_before_expiry(cert_world) -> None:
    today = timezone.localdate()
    ends_in = lambda days: today - datetime.timedelta(days=730 - days)  # noqa: E731
    soon = cert_world.issue("Sara Soon", today=ends_in(30))
    cert_world.issue("Lena Later", today=ends_in(90))
    gone = cert_world.issue("Rolf Revoked", today=ends_in(20))
    _revoke(cert_world, gone)
    renewed = cert_world.issue("Rita Renewed", today=ends_in(40))
    refresher = make_run(cert_world.trainer, title="Refresher", refresher=True)
    again = cert_world.issue("Rita Again", run=refresher)
    Certificate.objects.filter(pk=again.pk).update(learner=renewed.learner)
    assert files.certificates_remind(today) == 1
    message = OutboxMessage.objects.get()
    assert message.to == soon.learner.email
    assert soon.valid_until.isoformat() in message.subject
    assert f"/training/certificates/{soon.pk}/" in message.body
    assert soon.number not in message.body
    event = AuditEvent.objects.get(action="training.certificate.reminded")
    assert event.object_id == str(soon.pk)
    assert files.certificates_remind(today) == 0
    assert OutboxMessage.objects.count() == 1


# --- the verification limit --------------------------------------------------------------------


def test_one_address_may_verify_twenty_times_in_ten_minutes() -> None:
    start = 1_000_000 * files.VERIFY_WINDOW_SECONDS
    for n in range(files.VERIFY_LIMIT):
        assert files.verification_count("192.0.2.1", now=start + n) == n + 1
    with pytest.raises(files.TooManyVerifications) as err:
        files.verification_count("192.0.2.1", now=start + 30)
    assert err.value.status == 429 and "20" in err.value.message
    assert files.verification_count("192.0.2.2", now=start + 30) == 1
    assert files.verification_count("192.0.2.1", now=start + files.VERIFY_WINDOW_SECONDS) == 1


# --- files: the PDF and the ZIP ----------------------------------------------------------------


def _run_job(job: Job) -> bytes:
    job_run(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    return result_path(job).read_bytes()


def test_the_pdf_holds_name_and_number_and_its_qr_leads_to_verification(
    cert_world, settings, tmp_path
) -> None:
    settings.BASE_URL = "https://training.example.org"
    c = cert_world.certificates[0]
    with transaction.atomic():
        job = files.certificate_pdf_start(actor=cert_world.learners[0], certificate=c)
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(_run_job(job))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout
    text = text.decode()
    assert "Amira Yılmaz-Schulz" in text
    assert c.number in text
    assert "Kiel" in text and "Certification 2026" in text
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "p")], check=True)
    page = next(Path(tmp_path).glob("p*.png"))
    codes = [r.text for r in zxingcpp.read_barcodes(Image.open(page))]
    assert codes == [f"https://training.example.org/training/verify/?number={c.number}"]
    assert "chulz" not in codes[0]


def test_a_stranger_cannot_start_or_run_the_pdf(cert_world) -> None:
    c = cert_world.certificates[0]
    with pytest.raises(NotFound), transaction.atomic():
        files.certificate_pdf_start(actor=cert_world.outsider, certificate=c)
    with transaction.atomic():
        job = files.certificate_pdf_start(actor=cert_world.trainer, certificate=c)
    Certificate.objects.filter(pk=c.pk).update(run=make_run(cert_world.other_trainer))
    job_run(str(job.pk))  # the trainer no longer teaches the certificate's run
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and not job.result_path


def test_the_zip_has_every_certificate_of_the_run_and_no_other(cert_world) -> None:
    second = cert_world.issue("Bruno Bauer")
    _revoke(cert_world, second)
    elsewhere = cert_world.issue("Nina Nowhere", run=make_run(cert_world.trainer, title="Other"))
    with transaction.atomic():
        job = files.certificates_zip_start(actor=cert_world.co_trainer, run=cert_world.run)
    names = set(zipfile.ZipFile(io.BytesIO(_run_job(job))).namelist())
    wanted = {
        (slugify(c.holder_name), c.number)
        for c in cert_world.certificates
        if c.run_id == cert_world.run.pk
    }
    assert len(wanted) == 2 and ("bruno-bauer", second.number) in wanted
    assert names == {
        f"{holder}-certificate-{n}.{ext}" for holder, n in wanted for ext in ("pdf", "json")
    }
    assert not any(elsewhere.number in n for n in names)


def test_only_the_runs_trainers_get_the_zip(cert_world) -> None:
    for user, error in [
        (cert_world.learners[0], Forbidden),  # a learner sees the run, may not manage it
        (cert_world.other_trainer, NotFound),
        (cert_world.outsider, NotFound),
    ]:
        with pytest.raises(error), transaction.atomic():
            files.certificates_zip_start(actor=user, run=cert_world.run)
    assert not Job.objects.exists()


def test_the_family_name_is_kept_as_a_blind_index_only(cert_world) -> None:
    c = cert_world.certificates[0]
    assert selectors.certificate_by_number(c.number, "Yılmaz-Schulz") == c
    raw = Certificate.objects.filter(pk=c.pk).values_list("family_index", flat=True).get()
    assert "schulz" not in str(raw).lower()
