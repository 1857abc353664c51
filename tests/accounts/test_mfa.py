"""Two-factor authentication: enrolment, verification, one use per code, recovery, reset."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from icommit.accounts import mfa
from icommit.core.exceptions import Forbidden
from icommit.core.models import AuditEvent
from icommit.core.outbox import outbox_flush
from tests.conftest import World
from tests.factories import PASSWORD, UserFactory


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset)
    return f"{value:06d}"


def password_login(client: Client, email: str) -> None:
    response = client.post(reverse("accounts:login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 302


def test_a_user_without_mfa_can_reach_nothing_but_enrolment(world: World, client: Client) -> None:
    password_login(client, "member@test.org")
    for url in ["/", reverse("teams:detail", args=[world.team.pk]), reverse("accounts:profile")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:mfa"))
    api = client.get("/api/v1/me")
    assert api.status_code == 401 and api.json()["code"] == "mfa_required"
    page = client.get(reverse("accounts:mfa"))
    assert "<svg" in page.content.decode()


def test_enrolment_with_a_code_gives_recovery_codes_and_access(
    world: World, client: Client
) -> None:
    password_login(client, "member@test.org")
    client.get(reverse("accounts:mfa"))
    device = TOTPDevice.objects.get(user=world.member, confirmed=False)
    response = client.post(reverse("accounts:mfa"), {"code": code_for(device)})
    assert response.status_code == 200
    assert "Your recovery codes" in response.content.decode(), response.content.decode()[-1500:]
    assert len(response.context["codes"]) == 10
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(
        action="account.mfa_enrol", object_id=str(world.member.pk)
    ).exists()


def test_a_used_code_is_never_accepted_twice(world: World) -> None:
    device = TOTPDevice.objects.create(user=world.member, name="app", confirmed=True)
    code = code_for(device)
    assert mfa.mfa_verify(user=world.member, code=code) is not None
    assert mfa.mfa_verify(user=world.member, code=code) is None


def test_login_asks_for_a_code_and_accepts_a_recovery_code_once(
    world: World, client: Client
) -> None:
    TOTPDevice.objects.create(user=world.member, name="app", confirmed=True)
    codes = mfa.recovery_codes_renew(user=world.member)
    password_login(client, "member@test.org")
    assert client.get("/")["Location"].startswith(reverse("accounts:mfa"))
    response = client.post(reverse("accounts:mfa"), {"code": codes[0], "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    other = Client()
    password_login(other, "member@test.org")
    again = other.post(reverse("accounts:mfa"), {"code": codes[0]})
    assert "not valid" in again.content.decode()


def test_an_administrator_resets_mfa_audited_and_notified(world: World) -> None:
    TOTPDevice.objects.create(user=world.member, name="app", confirmed=True)
    with pytest.raises(Forbidden):
        mfa.mfa_reset(actor=world.coordinator, user=world.member)
    mfa.mfa_reset(actor=world.admin, user=world.member)
    assert not mfa.has_mfa(world.member)
    assert AuditEvent.objects.filter(action="account.mfa_reset", actor=world.admin).exists()
    outbox_flush()
    assert mail.outbox[-1].to == ["member@test.org"]


def test_mfa_off_only_outside_production(settings) -> None:  # type: ignore[no-untyped-def]
    from icommit.core.checks import production_settings

    settings.MFA_REQUIRED = False
    settings.PRODUCTION, settings.DEV, settings.DEMO = True, False, False
    settings.BASE_URL = "https://icommit.example.org"
    assert "icommit.E003" in [e.id for e in production_settings()]
    settings.PRODUCTION, settings.DEV = False, True
    assert production_settings() == []


def test_a_wrong_code_is_refused_and_slows_further_tries(world: World, client: Client) -> None:
    password_login(client, "member@test.org")
    client.get(reverse("accounts:mfa"))
    device = TOTPDevice.objects.get(user=world.member, confirmed=False)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    response = client.post(reverse("accounts:mfa"), {"code": wrong})
    assert "does not match" in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert not device.confirmed


@pytest.mark.django_db
def test_the_qr_code_marked_safe_escapes_its_title() -> None:
    """qr_svg marks segno's SVG safe: that holds only while segno escapes the title it is given."""
    device = mfa.enrolment_device(user=UserFactory())
    svg = mfa.qr_svg(device, '<script>alert("x")</script> & co')
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg and "&amp; co" in svg
