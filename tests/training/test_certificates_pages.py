# ruff: noqa: F811  (the fixture cert_world imported from certificates_world is a test parameter)
"""The certificate pages and API: the certificate for its holder and trainers, its credential
and PDF, revocation, a run's certificates, public verification (page and API, rate-limited),
the status list and the DID document, the renewal path and the home-page reminder."""

from __future__ import annotations

import copy
import datetime
import json
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from icommit.core.models import Job
from icommit.training import services_certificates as files
from icommit.training import statuslist
from icommit.training.models import Certificate
from tests.conftest import verified_client
from tests.training.certificates_world import CertWorld, cert_world, make_run  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limit() -> None:
    cache.clear()  # the verification counter lives in the cache


def _page(c: Certificate) -> str:
    return reverse("training:certificate", kwargs={"certificate_pk": c.pk})


def _verify(client: Client, **data: object) -> object:
    return client.post(reverse("training:verify"), data)


def _by_number(client: Client, number: str, family: str) -> object:
    return _verify(client, way="number", **{"n-number": number, "n-family_name": family})


def _main(response: object) -> str:
    text = response.content.decode()  # type: ignore[attr-defined]  # a test client response
    return text[text.index("<main") : text.index("</main>")]


# --- the certificate page ----------------------------------------------------------------------


def test_the_holder_sees_the_certificate_and_its_downloads(cert_world) -> None:
    c = cert_world.certificates[0]
    client = verified_client(cert_world.learners[0])
    page = client.get(_page(c))
    assert page.status_code == 200
    html = _main(page)
    for shown in ("Amira Yılmaz-Schulz", c.number, "Certification 2026", "Kiel", "badge-ok"):
        assert shown in html
    assert reverse("training:certificate_revoke", kwargs={"certificate_pk": c.pk}) not in html
    download = client.get(reverse("training:certificate_json", kwargs={"certificate_pk": c.pk}))
    assert download["Content-Type"] == "application/ld+json"
    assert download["Content-Disposition"] == f'attachment; filename="certificate-{c.number}.json"'
    assert json.loads(download.content) == c.credential
    started = client.post(reverse("training:certificate_pdf", kwargs={"certificate_pk": c.pk}))
    job = Job.objects.get(owner=cert_world.learners[0])
    assert started.status_code == 302 and started["Location"] == reverse("web:job", args=[job.pk])
    assert job.params["certificate"] == str(c.pk)
    # the progress page leads back to the certificate, and to no other site
    progress = client.get(started["Location"]).content.decode()
    assert f'href="{_page(c)}">Back to where you started it' in progress
    job.params["back"] = "//evil.example/"
    job.save(update_fields=["params"])
    assert "Back to where you started it" not in client.get(started["Location"]).content.decode()


def test_strangers_do_not_find_a_certificate(cert_world) -> None:
    c = cert_world.certificates[0]
    for user in (cert_world.outsider, cert_world.other_trainer):
        client = verified_client(user)
        assert client.get(_page(c)).status_code == 404
        json_url = reverse("training:certificate_json", kwargs={"certificate_pk": c.pk})
        assert client.get(json_url).status_code == 404
    assert Client().get(_page(c)).status_code == 302  # to the login page


def test_a_trainer_revokes_with_a_reason_after_confirming(cert_world) -> None:
    c = cert_world.certificates[0]
    client = verified_client(cert_world.trainer)
    page = _main(client.get(_page(c)))
    url = reverse("training:certificate_revoke", kwargs={"certificate_pk": c.pk})
    assert 'data-confirm="revoke-dialog"' in page and f'action="{url}"' in page
    refused = client.post(url, {"reason": "   "})
    assert refused.status_code == 422
    assert "This field is required" in _main(refused)
    c.refresh_from_db()
    assert c.revoked_at is None
    done = client.post(url, {"reason": "The practice analysis was copied."})
    assert done.status_code == 302 and done["Location"] == _page(c)
    c.refresh_from_db()
    assert c.revoked_at is not None
    html = _main(client.get(_page(c)))
    assert "Revoked" in html and "The practice analysis was copied." in html
    assert client.get(url).status_code == 403  # nothing left to revoke


def test_the_holder_may_not_revoke(cert_world) -> None:
    c = cert_world.certificates[0]
    url = reverse("training:certificate_revoke", kwargs={"certificate_pk": c.pk})
    response = verified_client(cert_world.learners[0]).post(url, {"reason": "no"})
    assert response.status_code == 403
    c.refresh_from_db()
    assert c.revoked_at is None


def test_lists_take_the_same_queries_for_3_and_12_certificates(cert_world) -> None:
    def counts() -> tuple[int, int]:
        out = []
        client = verified_client(cert_world.trainer)
        for url in (
            reverse("training:certificates"),
            reverse("training:run_certificates", kwargs={"run_pk": cert_world.run.pk}),
        ):
            client.get(url)  # warm the session and caches
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            out.append(len(queries))
        return out[0], out[1]

    for n in range(2):
        cert_world.issue(f"Learner Few{n}")
    few = counts()
    for n in range(9):
        cert_world.issue(f"Learner Many{n}")
    assert Certificate.objects.count() == 12
    assert counts() == few


def test_the_runs_page_offers_the_zip_to_its_trainers_only(cert_world) -> None:
    run_url = reverse("training:run_certificates", kwargs={"run_pk": cert_world.run.pk})
    zip_url = reverse("training:certificates_zip", kwargs={"run_pk": cert_world.run.pk})
    trainer = verified_client(cert_world.co_trainer)
    assert zip_url in _main(trainer.get(run_url))
    started = trainer.post(zip_url)
    assert started.status_code == 302
    assert Job.objects.get(owner=cert_world.co_trainer).kind == files.ZIP_KIND
    learner = verified_client(cert_world.learners[0])
    assert learner.get(run_url).status_code == 403
    assert learner.post(zip_url).status_code == 403
    assert verified_client(cert_world.other_trainer).post(zip_url).status_code == 404


def test_the_holder_is_offered_open_refresher_runs(cert_world) -> None:
    c = cert_world.certificates[0]
    refresher = make_run(cert_world.trainer, title="Refresher Kiel", refresher=True)
    refresher.ends_on = timezone.localdate() + datetime.timedelta(days=30)
    refresher.open_for_requests = True
    refresher.save()
    closed = make_run(cert_world.trainer, title="Closed refresher", refresher=True)
    html = _main(verified_client(cert_world.learners[0]).get(_page(c)))
    assert "Renew your certificate" in html and "Refresher Kiel" in html
    assert closed.title not in html
    assert "Renew your certificate" not in _main(verified_client(cert_world.trainer).get(_page(c)))


def test_the_home_page_reminds_a_holder_before_expiry(cert_world) -> None:
    today = timezone.localdate()
    soon = cert_world.issue("Sara Soon", today=today - datetime.timedelta(days=700))
    home = _main(verified_client(soon.learner).get(reverse("web:home")))
    assert "expires on" in home and _page(soon) in home
    later = cert_world.learners[0]
    assert _page(cert_world.certificates[0]) not in _main(
        verified_client(later).get(reverse("web:home"))
    )


# --- verification: the page --------------------------------------------------------------------


def test_verification_by_number_and_name_shows_outcome_course_and_dates_only(cert_world) -> None:
    c = cert_world.certificates[0]
    prefilled = Client().get(reverse("training:verify") + f"?number={c.number}")
    assert f'value="{c.number}"' in _main(prefilled)
    response = _by_number(Client(), c.number, "Yilmaz-Schulz")
    html = _main(response)
    assert response.status_code == 200
    assert "Result:" in html and "Valid" in html and "Comprehensive case analysis" in html
    for hidden in ("Amira", "Certification 2026", "Kiel", "Tara Trainer"):
        assert hidden not in html


def test_a_wrong_name_gives_the_same_page_as_a_wrong_number(cert_world) -> None:
    c = cert_world.certificates[0]
    other = "ZZZZ-ZZZZ-ZZZZ-ZZZZ" if c.number != "ZZZZ-ZZZZ-ZZZZ-ZZZZ" else "YYYY-YYYY-YYYY-YYYY"

    def answer(number: str, family: str) -> str:
        html = _main(_by_number(Client(), number, family))
        return html[html.index('<section class="card verify-answer"') : html.index("</section>")]

    wrong_name = answer(c.number, "Schulz")
    wrong_number = answer(other, "Yılmaz-Schulz")
    assert wrong_name == wrong_number
    assert "Not found" in wrong_name


def test_expired_and_revoked_certificates_show_so(cert_world) -> None:
    old = cert_world.issue("Eva Expired", today=timezone.localdate() - datetime.timedelta(days=800))
    assert "Expired" in _main(_by_number(Client(), old.number, "expired"))
    c = cert_world.certificates[0]
    verified_client(cert_world.trainer).post(
        reverse("training:certificate_revoke", kwargs={"certificate_pk": c.pk}),
        {"reason": "Issued in error"},
    )
    html = _main(_by_number(Client(), c.number, "Yılmaz-Schulz"))
    assert "Revoked" in html and "has been revoked" in html
    assert "Issued in error" not in html


def test_a_bad_number_is_refused_naming_the_field(cert_world) -> None:
    response = _by_number(Client(), "12-34", "")
    assert response.status_code == 422
    html = _main(response)
    assert "A certificate number has 16 letters and digits" in html
    assert "This field is required" in html  # the family name
    assert "Result:" not in html


def _upload(client: Client, content: bytes, name: str = "certificate.json") -> object:
    return _verify(
        client,
        way="file",
        **{"f-credential": SimpleUploadedFile(name, content, content_type="application/json")},
    )


def test_a_credential_file_verifies_and_a_tampered_one_is_altered(cert_world) -> None:
    c = cert_world.certificates[0]
    good = _main(_upload(Client(), json.dumps(c.credential).encode()))
    assert "Valid" in good and "Comprehensive case analysis" in good
    assert "Amira" not in good
    tampered = copy.deepcopy(c.credential)
    tampered["credentialSubject"]["identifier"][0]["identityHash"] = "Mallory"
    altered = _main(_upload(Client(), json.dumps(tampered).encode()))
    assert "Altered" in altered and "Comprehensive" not in altered


def test_a_credential_of_another_issuer_is_not_issued_here(cert_world) -> None:
    foreign = copy.deepcopy(cert_world.certificates[0].credential)
    foreign["issuer"]["id"] = "did:web:elsewhere.example.org"
    html = _main(_upload(Client(), json.dumps(foreign).encode()))
    assert "Not issued here" in html


def test_uploads_must_be_small_json(cert_world) -> None:
    too_big = _upload(Client(), b'{"a": "' + b"x" * (64 * 1024) + b'"}')
    assert too_big.status_code == 422 and "larger than 64 KB" in _main(too_big)
    not_json = _upload(Client(), b"%PDF-1.7 ...", name="certificate.pdf")
    assert not_json.status_code == 422 and "not a JSON credential" in _main(not_json)
    nothing = _verify(Client(), way="file")
    assert nothing.status_code == 422 and "This field is required" in _main(nothing)


def test_verification_is_limited_per_address(cert_world) -> None:
    c = cert_world.certificates[0]
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _n in range(files.VERIFY_LIMIT):
        assert _by_number(client, c.number, "Yilmaz-Schulz").status_code == 200
    refused = _by_number(client, c.number, "Yilmaz-Schulz")
    assert refused.status_code == 429
    html = _main(refused)
    assert "Too many verifications" in html and "Result:" not in html
    other = Client(REMOTE_ADDR="198.51.100.8")
    assert _by_number(other, c.number, "Yilmaz-Schulz").status_code == 200
    api = Client(REMOTE_ADDR="198.51.100.7").post(
        "/api/v1/training/verify",
        {"number": c.number, "family_name": "Yilmaz-Schulz"},
        content_type="application/json",
    )
    assert api.status_code == 429 and api.json()["code"] == "rate_limited"


def test_the_verification_limit_is_counted_across_worker_processes(cert_world) -> None:
    """Another process (as another worker of the server would) counts verifications from an
    address; this process then refuses the next one: the counter is not kept per process."""
    script = (
        "from icommit.training import services_certificates as s\n"
        f"for _ in range(s.VERIFY_LIMIT): s.verification_count('198.51.100.9', now={time.time()})\n"
    )
    env = {
        **os.environ,
        # the test settings, so that the other process finds this worker's cache
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "ICOMMIT_DATA_DIR": str(settings.DATA_DIR),
        "ICOMMIT_SECRET_KEY": settings.SECRET_KEY,
    }
    done = subprocess.run(
        [sys.executable, "-m", "icommit", "shell", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    with pytest.raises(files.TooManyVerifications):
        files.verification_count("198.51.100.9")


# --- verification: the API ---------------------------------------------------------------------


def _api_verify(body: dict[str, object]) -> object:
    return Client().post("/api/v1/training/verify", body, content_type="application/json")


def test_the_api_verifies_without_an_account(cert_world) -> None:
    c = cert_world.certificates[0]
    found = _api_verify({"number": c.number.lower(), "family_name": "YILMAZ-SCHULZ"})
    assert found.status_code == 200
    assert found.json() == {
        "outcome": "valid",
        "label": "Valid",
        "explanation": "This certificate was issued here and is valid.",
        "course": found.json()["course"],
        "valid_from": c.issued_on.isoformat(),
        "valid_until": c.valid_until.isoformat(),
    }
    assert found.json()["course"].startswith("Comprehensive case analysis")
    wrong_name = _api_verify({"number": c.number, "family_name": "Schulz"}).json()
    wrong_number = _api_verify(
        {"number": "ZZZZ-ZZZZ-ZZZZ-ZZZY", "family_name": "Yilmaz-Schulz"}
    ).json()
    assert wrong_name == wrong_number
    assert wrong_name["outcome"] == "not_found" and wrong_name["course"] is None
    by_file = _api_verify({"credential": c.credential}).json()
    assert by_file["outcome"] == "valid"
    tampered = copy.deepcopy(c.credential)
    tampered["validUntil"] = "2099-01-01T00:00:00Z"
    assert _api_verify({"credential": tampered}).json()["outcome"] == "altered"


def test_the_api_refuses_bad_input_naming_the_field(cert_world) -> None:
    bad = _api_verify({"number": "nope", "family_name": ""})
    assert bad.status_code == 422
    assert set(bad.json()["details"]) == {"number", "family_name"}
    both = _api_verify({"number": "x", "credential": {}})
    assert both.status_code == 422 and "credential" in both.json()["details"]


def test_the_api_serves_certificates_to_holder_and_trainers(cert_world) -> None:
    c = cert_world.certificates[0]
    holder = verified_client(cert_world.learners[0])
    listed = holder.get("/api/v1/training/certificates").json()
    assert [row["number"] for row in listed["items"]] == [c.number]
    one = holder.get(f"/api/v1/training/certificates/{c.pk}").json()
    assert one["status"] == "valid" and one["city"] == "Kiel"
    assert one["verification_url"].endswith(f"/training/verify/?number={c.number}")
    credential = holder.get(f"/api/v1/training/certificates/{c.pk}/credential")
    assert credential["Content-Type"] == "application/ld+json"
    assert json.loads(credential.content) == c.credential
    assert holder.post(f"/api/v1/training/certificates/{c.pk}/pdf").status_code == 202
    refused = holder.post(
        f"/api/v1/training/certificates/{c.pk}/revoke", {"reason": "x"}, "application/json"
    )
    assert refused.status_code == 403
    stranger = verified_client(cert_world.outsider)
    assert stranger.get(f"/api/v1/training/certificates/{c.pk}").status_code == 404
    trainer = verified_client(cert_world.trainer)
    empty = trainer.post(
        f"/api/v1/training/certificates/{c.pk}/revoke", {"reason": "  "}, "application/json"
    )
    assert empty.status_code == 422 and "reason" in empty.json()["details"]
    done = trainer.post(
        f"/api/v1/training/certificates/{c.pk}/revoke",
        {"reason": "Issued in error"},
        "application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "revoked"
    zipped = trainer.post(f"/api/v1/training/runs/{cert_world.run.pk}/certificates/zip")
    assert zipped.status_code == 202 and zipped.json()["url"].startswith("/jobs/")


# --- the status list and the DID document ------------------------------------------------------


def test_the_status_list_is_public_and_shows_a_revocation_at_once(cert_world) -> None:
    c = cert_world.certificates[0]
    url = statuslist.STATUS_LIST_PATH
    first = Client().get(url)
    assert first.status_code == 200 and first["Content-Type"] == "application/ld+json"
    bits = statuslist.decode_bitstring(first.json()["credentialSubject"]["encodedList"])
    assert not statuslist.bit_is_set(bits, c.status_index)
    verified_client(cert_world.trainer).post(
        reverse("training:certificate_revoke", kwargs={"certificate_pk": c.pk}),
        {"reason": "Issued in error"},
    )
    bits = statuslist.decode_bitstring(Client().get(url).json()["credentialSubject"]["encodedList"])
    assert statuslist.bit_is_set(bits, c.status_index)


def test_the_did_document_is_served_only_with_an_https_base_url(db, settings) -> None:
    settings.BASE_URL = "http://127.0.0.1:8000"
    assert Client().get("/.well-known/did.json").status_code == 404
    assert Client().get("/did.json").status_code == 404
    settings.BASE_URL = "https://training.example.org"
    response = Client().get("/.well-known/did.json")
    assert response.status_code == 200
    document = response.json()
    assert document["id"] == "did:web:training.example.org"
    assert document["assertionMethod"] == [document["verificationMethod"][0]["id"]]
    settings.BASE_URL = "https://example.org/icommit"  # did:web looks for <base>/did.json
    assert Client().get("/did.json").json()["id"] == "did:web:example.org:icommit"
