"""Role profiles in version 2 (issue 12): distinct duties and secrecy per profession or office.

Version-1 profiles keep their three flags and go on rendering; an organisation moves to
version 2 only by saving a new version from the template.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from icommit.core.exceptions import ValidationFailed
from icommit.core.models import AuditEvent
from icommit.stakeholders import selectors, services
from icommit.stakeholders.models import RoleProfileVersion
from tests.conftest import World
from tests.stakeholders.conftest import profile_values

pytestmark = pytest.mark.usefixtures("v2_content")


def v2_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "content_version": 2,
        "mandate": "Support young people and families.",
        "duties": [
            {
                "code": "child_protection_assessment",
                "applies": True,
                "statute": "§ 8a SGB VIII",
                "note": "Together with skilled staff.",
            },
            {
                "code": "legality_principle",
                "applies": False,
                "statute": "",
                "note": "We do not report offences to the police.",
            },
        ],
        "secrecy_roles": [
            {
                "role": "Social workers",
                "kind": "professional",
                "statute": "§ 203(1) StGB",
                "note": "",
            },
            {"role": "Reception", "kind": "official", "statute": "§ 3 TVöD", "note": ""},
        ],
        "methods": "Counselling.",
        "needs": [{"code": "exit_counselling", "text": ""}],
        "offers": [{"code": "family_work", "text": "Family work"}],
        "contact": "Desk, 0123",
        "availability": "Weekdays",
    }
    values.update(overrides)
    return values


def _save(world: World, values: dict[str, Any], based_on: int | None = None) -> RoleProfileVersion:
    with transaction.atomic():
        return services.role_profile_save(
            actor=world.member, organisation=world.police, values=values, based_on=based_on
        )


def test_a_version_2_profile_records_each_duty_and_secrecy_per_role(world: World) -> None:
    version = _save(world, v2_values(), based_on=0)
    version.refresh_from_db()
    assert version.content_version == 2
    assert version.duties[0] == {
        "code": "child_protection_assessment",
        "applies": True,
        "statute": "§ 8a SGB VIII",
        "note": "Together with skilled staff.",
    }
    assert version.duties[1]["applies"] is False
    assert [r["kind"] for r in version.secrecy_roles] == ["professional", "official"]
    assert version.duty_to_report is None and version.duty_of_care is None
    # The sharing decision asks one question: professional secrecy binds, official does not.
    assert version.is_bound
    assert version.secrecy_source == "Social workers: § 203(1) StGB"
    event = AuditEvent.objects.filter(action="organisation.profile_save").latest("pk")
    assert event is not None


def test_official_secrecy_alone_does_not_count_as_bound(world: World) -> None:
    version = _save(
        world,
        v2_values(
            secrecy_roles=[
                {"role": "Officers", "kind": "official", "statute": "§ 37 BeamtStG", "note": ""}
            ]
        ),
    )
    assert not version.is_bound


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"duties": [{"code": "mind_reading", "applies": True, "statute": "x"}]}, "duties[0].code"),
        ({"duties": [{"code": "care", "applies": True, "statute": ""}]}, "duties[0].statute"),
        ({"duties": [{"code": "care", "statute": "x"}]}, "duties[0].applies"),
        (
            {
                "duties": [
                    {"code": "care", "applies": False},
                    {"code": "care", "applies": False},
                ]
            },
            "duties[1].code",
        ),
        (
            {"secrecy_roles": [{"role": "Doctors", "kind": "holy", "statute": "x"}]},
            "secrecy_roles[0].kind",
        ),
        (
            {"secrecy_roles": [{"role": "Doctors", "kind": "professional"}]},
            "secrecy_roles[0].statute",
        ),
        ({"secrecy_roles": [{"kind": "none"}]}, "secrecy_roles[0].role"),
    ],
)
def test_errors_name_the_field(world: World, change: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        _save(world, v2_values(**change))
    assert field in err.value.details


def test_secrecy_none_needs_no_statute(world: World) -> None:
    version = _save(
        world, v2_values(secrecy_roles=[{"role": "Volunteers", "kind": "none", "statute": ""}])
    )
    assert not version.is_bound


def test_a_version_1_profile_keeps_its_flags_and_renders(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    v1 = _save(world, profile_values(duty_to_report=True, duty_to_report_note="Old note."))
    assert v1.content_version == 1 and v1.duty_to_report is True
    page = client_for(world.outsider).get(reverse("stakeholders:detail", args=[world.police.pk]))
    text = page.content.decode()
    assert "Duty to report" in text and "Old note." in text
    # A newer template is offered to the organisation's own people, with what would change.
    own = client_for(world.member).get(reverse("stakeholders:detail", args=[world.police.pk]))
    own_text = own.content.decode()
    assert "A newer template (version 2) is available." in own_text
    assert "Legal duties" in own.context["template_update"].fields
    assert "Mandate" in own.context["template_update"].fields
    assert "Duties split into distinct duties" in own_text  # the template's own change note
    assert "?start=v2" in own_text
    assert "A newer template" not in text  # not for people who cannot edit it


def test_starting_from_template_2_never_overwrites_silently(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    _save(world, profile_values(contact="Paul, 0123"))
    client = client_for(world.member)
    url = reverse("stakeholders:profile_edit", args=[world.police.pk])
    plain = client.get(url)
    assert plain.context["v2"] is False  # editing keeps the version-1 shape
    edit = client.get(url + "?start=v2")
    assert edit.context["v2"] is True and edit.context["upgrade"] is True
    assert edit.context["form"].initial["contact"] == "Paul, 0123"
    assert edit.context["form"].initial["based_on"] == 1
    assert "This draft comes from version 2" in edit.content.decode()
    # Nothing changed yet.
    assert RoleProfileVersion.objects.filter(profile__organisation=world.police).count() == 1
    data = _post_data(edit)
    saved = client.post(url + "?start=v2", data)
    assert saved.status_code == 302, saved.context and saved.context["form"].errors
    current = selectors.role_profile_of(organisation=world.police).current
    assert current.number == 2 and current.content_version == 2
    assert current.template == "police"
    assert [d["code"] for d in current.duties] == [
        "legality_principle",
        "report_planned_offences",
        "care",
    ]
    assert current.secrecy_roles[0]["kind"] == "official"
    first = RoleProfileVersion.objects.get(profile__organisation=world.police, number=1)
    assert first.content_version == 1 and first.duty_of_care is True  # the old one stays


def _post_data(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """What a browser would send back: every field's initial value."""
    data: dict[str, str] = {}
    context = response.context
    forms = [context["form"]]
    for formset in (
        context["duties"],
        context["secrecy_roles"],
        *[s for s, _l, _k in context["item_sets"]],
    ):
        if formset is None:
            continue
        management = formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{formset.prefix}-{name}"] = str(management[name].value())
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = str(value)
    return data


def test_the_form_edits_duties_and_secrecy_without_javascript(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.member)
    url = reverse("stakeholders:profile_edit", args=[world.police.pk])
    edit = client.get(url)
    assert edit.context["v2"] is True and edit.context["from_template"] is True
    data = _post_data(edit)
    data["contact"] = "Desk"
    # Say a duty does not apply, and add a role.
    data["duties-2-applies"] = "no"
    data["secrecy-1-role"] = "Police doctors"
    data["secrecy-1-kind"] = "professional"
    bad = client.post(url, data)
    assert bad.status_code == 422
    assert "Name the statute this secrecy rests on." in bad.content.decode()
    data["secrecy-1-statute"] = "§ 203(1) StGB"
    data["duties-0-applies"] = "yes"
    data["duties-0-statute"] = ""
    bad = client.post(url, data)
    assert "Name the statute this duty rests on." in bad.content.decode()
    data["duties-0-statute"] = "§ 163 StPO"
    ok = client.post(url, data)
    assert ok.status_code == 302
    current = selectors.role_profile_of(organisation=world.police).current
    assert current.duties[0]["statute"] == "§ 163 StPO"
    assert current.duties[2]["applies"] is False
    assert current.secrecy_roles[1] == {
        "role": "Police doctors",
        "kind": "professional",
        "statute": "§ 203(1) StGB",
        "note": "",
    }
    assert current.is_bound


def test_the_profile_page_shows_each_duty_with_whom_it_informs(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    _save(world, v2_values())
    page = client_for(world.outsider).get(reverse("stakeholders:detail", args=[world.police.pk]))
    text = page.content.decode()
    assert (
        "Assess a risk to a child&#x27;s welfare" in text
        or "Assess a risk to a child's welfare" in text
    )
    assert "Informs: the family court where needed" in text
    assert "Statute: § 8a SGB VIII" in text
    assert "Country law (DE) — check with your organisation's legal service" in text
    assert "does not apply" in text
    assert "Social workers" in text and "Professional secrecy" in text
    assert "Duty to report" not in text
    versions = client_for(world.outsider).get(
        reverse("stakeholders:profile_versions", args=[world.police.pk])
    )
    assert "Informs: the family court where needed" in versions.content.decode()
    assert "Informs: the public prosecutor" not in text  # a duty that does not apply informs no one


def test_the_api_takes_and_gives_the_version_2_shape(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/organisations/{world.police.pk}/profile"
    client = client_for(world.member)
    created = client.post(
        url, json.dumps({**v2_values(), "based_on": 0}), content_type="application/json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["content_version"] == 2
    assert body["duties"][0]["code"] == "child_protection_assessment"
    assert body["secrecy_roles"][1]["kind"] == "official"
    assert body["duty_to_report"] is None
    bad = client.post(
        url,
        json.dumps(v2_values(duties=[{"code": "care", "applies": True, "statute": ""}])),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert "duties[0].statute" in bad.json()["details"]
    missing = client.post(
        url, json.dumps(v2_values(duties=[{"code": "care"}])), content_type="application/json"
    )
    assert missing.status_code == 422
    assert "applies" in json.dumps(missing.json()["details"])
