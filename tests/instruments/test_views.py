"""Instrument pages: the list, one version as a reader sees it, the XLSForm, and importing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from icommit.core.models import AuditEvent
from icommit.instruments.engine import import_xlsform
from icommit.instruments.models import InstrumentVersion
from tests.conftest import World
from tests.instruments.test_services import MALFORMED, ClientFor, pulse

SHIPPED = ("msc-diagnostics", 1)


def _upload(name: str, content: str | bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)


def test_everyone_signed_in_sees_the_list_and_only_administrators_the_import_link(
    world: World, client_for: ClientFor
) -> None:
    url = reverse("instruments:list")
    member = client_for(world.member).get(url)
    assert member.status_code == 200
    html = member.content.decode()
    assert "MSC team diagnostics: how we work together" in html
    assert reverse("instruments:version", args=SHIPPED) in html
    assert reverse("instruments:import") not in html
    assert reverse("instruments:import") in client_for(world.admin).get(url).content.decode()


def test_a_version_page_shows_statements_scoring_and_recommendations(
    world: World, client_for: ClientFor
) -> None:
    version = InstrumentVersion.objects.get(instrument__key=SHIPPED[0], number=SHIPPED[1])
    response = client_for(world.outsider).get(reverse("instruments:version", args=SHIPPED))
    assert response.status_code == 200
    html = response.content.decode()
    assert version.content_hash in html
    assert "I can explain in one sentence what our team is for." in html
    assert "Answered only by members from non-security organisations." in html
    assert "reverse-scored" in html
    assert "at least 60 % of its statements" in html
    assert "Needs attention" in html and "below 50" in html
    assert "differ by more than 15" in html
    assert "Recommendations" in html
    missing = reverse("instruments:version", args=("msc-diagnostics", 9))
    assert client_for(world.outsider).get(missing).status_code == 404


def test_a_version_downloads_as_an_xlsform_that_imports_again(
    world: World, client_for: ClientFor
) -> None:
    version = InstrumentVersion.objects.get(instrument__key=SHIPPED[0], number=SHIPPED[1])
    response = client_for(world.member).get(reverse("instruments:xlsform", args=SHIPPED))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert 'filename="msc-diagnostics-v1.xlsx"' in response["Content-Disposition"]
    data = response.content
    assert data.startswith(b"PK")
    assert import_xlsform(data, source="download.xlsx").key == "msc-diagnostics"
    event = AuditEvent.objects.get(action="export.download")
    assert (event.actor, event.purpose, event.object_id) == (
        world.member,
        "instrument.xlsform",
        str(version.pk),
    )


def test_a_version_pyxform_does_not_compile_is_not_handed_out(
    world: World, client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyxform.xls2xform
    from pyxform.errors import PyXFormError

    def refuse(**kwargs: object) -> None:
        raise PyXFormError("unknown question type")

    monkeypatch.setattr(pyxform.xls2xform, "convert", refuse)
    client = client_for(world.member)
    response = client.get(reverse("instruments:xlsform", args=SHIPPED))
    assert response.status_code == 302
    assert response["Location"] == reverse("instruments:version", args=SHIPPED)
    page = client.get(response["Location"]).content.decode()
    assert "cannot be exported as XLSForm: unknown question type" in page
    assert not AuditEvent.objects.filter(action="export.download").exists()


def test_an_administrator_imports_a_file_from_the_page(world: World, client_for: ClientFor) -> None:
    client = client_for(world.admin)
    url = reverse("instruments:import")
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": _upload("team-pulse.yaml", pulse())})
    assert response.status_code == 302
    assert response["Location"] == reverse("instruments:version", args=("team-pulse", 1))
    assert InstrumentVersion.objects.filter(instrument__key="team-pulse").count() == 1
    page = client.get(response["Location"])
    assert "Team pulse" in page.content.decode()


def test_the_import_page_lists_every_problem_and_stores_nothing(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.admin)
    client.get(reverse("instruments:import"))  # the session's first request logs the login
    before = (InstrumentVersion.objects.count(), AuditEvent.objects.count())
    response = client.post(
        reverse("instruments:import"), {"file": _upload("broken.yaml", MALFORMED)}
    )
    assert response.status_code == 422
    html = response.content.decode()
    listed = html.count("<li><code>broken.yaml:")
    assert listed >= 4
    assert f"The file has {listed} problems; nothing was stored:" in html
    assert "agree7" in html and "nowhere" in html
    assert (InstrumentVersion.objects.count(), AuditEvent.objects.count()) == before


def test_importing_the_same_version_again_is_refused_on_the_page(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.admin)
    url = reverse("instruments:import")
    client.post(url, {"file": _upload("team-pulse.yaml", pulse())})
    again = client.post(url, {"file": _upload("team-pulse.yaml", pulse())})
    assert again.status_code == 422
    assert "already published with exactly this content" in again.content.decode()
    changed = client.post(url, {"file": _upload("team-pulse.yaml", pulse(1, "Edited."))})
    assert "cannot change" in changed.content.decode()
    wrong = client.post(url, {"file": _upload("team-pulse.csv", b"a,b")})
    assert wrong.status_code == 422 and ".xlsx" in wrong.content.decode()
    assert InstrumentVersion.objects.filter(instrument__key="team-pulse").count() == 1


def test_only_administrators_reach_the_import_page(world: World, client_for: ClientFor) -> None:
    url = reverse("instruments:import")
    for person in (world.coordinator, world.member):
        client = client_for(person)
        assert client.get(url).status_code == 403
        upload = _upload("team-pulse.yaml", pulse())
        assert client.post(url, {"file": upload}).status_code == 403
    assert not InstrumentVersion.objects.filter(instrument__key="team-pulse").exists()
