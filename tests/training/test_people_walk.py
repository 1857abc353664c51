# ruff: noqa: F811  (the fixture pw imported from people_world is a test parameter)
"""An approved external learner walks the whole site: from the home page, every link on every
page they can reach answers 200; the navigation offers nothing they cannot open; organisation,
team, case and instrument pages answer 404 or 403."""

from __future__ import annotations

import datetime
import re
from html import unescape
from urllib.parse import urldefrag, urlsplit

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from icommit.training import services
from tests.conftest import verified_client
from tests.training.people_world import PeopleWorld, pw  # noqa: F401

pytestmark = pytest.mark.django_db

_HREF = re.compile(r'<a\s[^>]*href="([^"]+)"')
#: where the walk stops: nothing a learner clicks leads this far
MAX_PAGES = 250


def _learner_in_a_run(pw: PeopleWorld):  # type: ignore[no-untyped-def]  # a User
    learner = pw.approved()
    today = timezone.localdate()
    with transaction.atomic():
        run = services.run_create(
            actor=pw.trainer,
            course="nonsec-cert",
            title="Certification Kiel",
            city="Kiel",
            language="en",
            starts_on=today - datetime.timedelta(days=3),
            ends_on=today + datetime.timedelta(days=60),
            open_for_requests=True,
        )
        services.enrol(actor=pw.trainer, run=run, learner_ids=[learner.pk])
        services.session_save(
            actor=pw.trainer,
            run=run,
            starts_at=timezone.now() + datetime.timedelta(days=2),
            minutes=120,
            module=run.modules[0],
            place="Town hall",
        )
    pw.certify(learner)  # and a certificate from an earlier run
    return learner


def test_an_external_learner_reaches_only_their_training(pw: PeopleWorld) -> None:
    learner = _learner_in_a_run(pw)
    client = verified_client(learner)
    home = client.get(reverse("web:home"))
    assert home.status_code == 200
    html = home.content.decode()
    assert "Your training" in html and "Certification Kiel" in html
    assert "Your teams" not in html
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S)
    assert nav is not None
    shown = set(_HREF.findall(nav.group(1)))
    assert shown == {reverse("web:home"), reverse("training:home")}

    seen: dict[str, int] = {}
    queue = [reverse("web:home")]
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        response = client.get(path, follow=True)  # e.g. API tokens ask to re-authenticate
        landed = response.redirect_chain[-1][0] if response.redirect_chain else path
        seen[path] = 0 if landed.startswith(reverse("accounts:login")) else response.status_code
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in _HREF.findall(response.content.decode()):
            target, _fragment = urldefrag(unescape(href))
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not target.startswith("/"):
                continue  # another site, or a fragment of this page
            if target.startswith(("/static/", "/api/")):
                continue
            if target not in seen:
                queue.append(target)
    broken = {path: status for path, status in seen.items() if status != 200}
    assert broken == {}, broken
    assert len(seen) > 10
    assert any(p.startswith("/training/runs/") for p in seen)
    assert any(p.startswith("/training/certificates/") for p in seen)
    assert not any(p.startswith(("/organisations/", "/teams/", "/instruments/")) for p in seen)


def test_an_external_learner_finds_no_organisation_team_case_or_instrument(
    pw: PeopleWorld,
) -> None:
    client = verified_client(pw.approved())
    refused = {
        reverse("stakeholders:detail", args=[pw.youth.pk]): 404,
        reverse("teams:detail", args=[pw.team.pk]): 404,
        reverse("cases:list", args=[pw.team.pk]): 404,
        reverse("training:coverage", args=[pw.team.pk]): 404,
        reverse("training:learners"): 403,
        reverse("instruments:list"): 403,
        reverse("web:audit"): 403,
    }
    for path, status in refused.items():
        assert client.get(path).status_code == status, path
    # the list of organisations is open to anyone signed in (no link leads there): it lists none
    listed = client.get(reverse("stakeholders:list"))
    assert listed.status_code == 200 and not listed.context["page_obj"].object_list
    api = client.get("/api/v1/organisations")
    assert api.status_code == 200 and api.json()["items"] == []
    assert client.get(f"/api/v1/teams/{pw.team.pk}").status_code == 404
