"""The one way pages answer a service: a tiny register page and button, served by the helpers.

The "service" keeps one name in a dict and refuses some names with each error of the tree, so
every path of ``submit_form`` and ``submit_button`` is driven through the real middleware.
"""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

from icommit.core.exceptions import Conflict, Forbidden, NotFound, ValidationFailed
from icommit.core.forms import Form
from icommit.web.submit import answer_or_back, submit_button, submit_form

REGISTER: dict[str, str] = {}
SHOWN: list[NameForm] = []


def name_set(*, name: str) -> str:
    """The service: keeps the name unless the name says which refusal to raise."""
    refusals: dict[str, Exception] = {
        "taken": ValidationFailed.field("name", "This name is taken."),
        "nickname": ValidationFailed("No nicknames.", details={"nickname": ["No nicknames."]}),
        "closed": Conflict("The register is closed."),
        "hidden": NotFound(),
        "chief": Forbidden(),
    }
    if name in refusals:
        raise refusals[name]
    REGISTER["name"] = name
    return name


class NameForm(Form):
    name = forms.CharField(max_length=20)


def _page(form: NameForm, status: int) -> HttpResponse:
    SHOWN.append(form)
    return HttpResponse(form.as_div(), status=status)


def register(request: HttpRequest) -> HttpResponse:
    return submit_form(
        request,
        NameForm,
        run=lambda form: name_set(name=form.cleaned_data["name"]),
        success=lambda name: f"{name} is registered.",
        redirect_to=lambda name: f"/names/{name}/",
        page=_page,
    )


def register_from_template(request: HttpRequest) -> HttpResponse:
    return submit_form(
        request,
        NameForm,
        run=lambda form: name_set(name=form.cleaned_data["name"]),
        success="Registered.",
        redirect_to="/names/",
        template="core/includes/form.html",
        invalid_status=200,
    )


def register_hidden(request: HttpRequest) -> HttpResponse:
    """The name travels in a hidden field: a conflict shows the page afresh instead."""
    return submit_form(
        request,
        NameForm,
        run=lambda form: name_set(name=form.cleaned_data["name"]),
        success=None,
        redirect_to="/names/",
        page=_page,
        conflict_to="/register/",
    )


def register_button(request: HttpRequest) -> HttpResponse:
    return submit_button(
        request,
        run=lambda: name_set(name=request.POST.get("name", "")),
        success="Done.",
        redirect_to="/names/",
        back="/register/",
    )


def register_card(request: HttpRequest) -> HttpResponse:
    """Not a redirect: the answer is a document (here, a card with the name)."""
    return answer_or_back(
        request,
        lambda: HttpResponse(f"Card of {name_set(name=request.POST.get('name', ''))}"),
        back="/register/",
    )


urlpatterns = [
    path("register/", register),
    path("register/template/", register_from_template),
    path("register/hidden/", register_hidden),
    path("register/button/", register_button),
    path("register/card/", register_card),
    path("", include("icommit.urls")),  # the error pages draw the site's navigation
]

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


@pytest.fixture(autouse=True)
def empty_register() -> None:
    REGISTER.clear()
    SHOWN.clear()


def _said(response: Any) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_the_form_is_shown_unbound_on_get(client: Client) -> None:
    response = client.get("/register/")
    assert response.status_code == 200
    assert not SHOWN[-1].is_bound


def test_an_invalid_form_is_shown_again_with_its_errors_and_changes_nothing(
    client: Client,
) -> None:
    response = client.post("/register/", {"name": "x" * 21})
    assert response.status_code == 422
    assert "at most 20 characters" in response.content.decode()
    assert REGISTER == {}
    assert _said(response) == []


def test_a_page_may_keep_another_status_for_an_invalid_form(client: Client) -> None:
    response = client.post("/register/template/", {"name": ""})
    assert response.status_code == 200
    assert "field-invalid" in response.content.decode()


def test_a_refused_value_is_shown_next_to_the_field_the_service_names(client: Client) -> None:
    response = client.post("/register/", {"name": "taken"})
    assert response.status_code == 422
    assert SHOWN[-1].errors == {"name": ["This name is taken."]}
    assert REGISTER == {}


def test_a_refusal_naming_no_field_of_the_form_is_shown_on_the_whole_form(client: Client) -> None:
    response = client.post("/register/", {"name": "nickname"})
    assert response.status_code == 422
    assert SHOWN[-1].non_field_errors() == ["No nicknames."]
    assert "name" not in SHOWN[-1].errors


def test_a_conflict_is_shown_on_the_form(client: Client) -> None:
    response = client.post("/register/", {"name": "closed"})
    assert response.status_code == 422
    assert SHOWN[-1].non_field_errors() == ["The register is closed."]
    assert REGISTER == {}


def test_a_conflict_on_a_form_the_user_cannot_correct_is_said_on_the_fresh_page(
    client: Client,
) -> None:
    response = client.post("/register/hidden/", {"name": "closed"})
    assert response.status_code == 302
    assert response["Location"] == "/register/"
    assert _said(response) == [("error", "The register is closed.")]


def test_success_says_so_and_redirects_to_what_was_made(client: Client) -> None:
    response = client.post("/register/", {"name": "Ada"})
    assert response.status_code == 302
    assert response["Location"] == "/names/Ada/"
    assert _said(response) == [("success", "Ada is registered.")]
    assert REGISTER == {"name": "Ada"}


def test_success_without_a_message_only_redirects(client: Client) -> None:
    response = client.post("/register/hidden/", {"name": "Ada"})
    assert (response.status_code, response["Location"]) == (302, "/names/")
    assert _said(response) == []


@pytest.mark.parametrize(("name", "status"), [("hidden", 404), ("chief", 403)])
@pytest.mark.parametrize("url", ["/register/", "/register/button/", "/register/card/"])
def test_not_found_and_forbidden_go_on_to_the_error_pages(
    client: Client, url: str, name: str, status: int
) -> None:
    response = client.post(url, {"name": name})
    assert response.status_code == status
    assert _said(response) == []
    assert REGISTER == {}


def test_a_button_says_it_is_done_and_redirects(client: Client) -> None:
    response = client.post("/register/button/", {"name": "Ada"})
    assert (response.status_code, response["Location"]) == (302, "/names/")
    assert _said(response) == [("success", "Done.")]


@pytest.mark.parametrize(
    ("name", "said"), [("closed", "The register is closed."), ("taken", "This name is taken.")]
)
def test_a_refused_button_says_why_and_goes_back(client: Client, name: str, said: str) -> None:
    response = client.post("/register/button/", {"name": name})
    assert (response.status_code, response["Location"]) == (302, "/register/")
    assert _said(response) == [("error", said)]
    assert REGISTER == {}


def test_a_button_whose_target_depends_on_the_result_must_say_where_to_go_back() -> None:
    with pytest.raises(TypeError):
        submit_button(HttpRequest(), run=lambda: None, success=None, redirect_to=lambda _r: "/")


def test_an_answer_that_is_no_redirect_is_given_as_it_is(client: Client) -> None:
    response = client.post("/register/card/", {"name": "Ada"})
    assert (response.status_code, response.content) == (200, b"Card of Ada")


def test_a_refused_answer_says_why_and_goes_back(client: Client) -> None:
    response = client.post("/register/card/", {"name": "closed"})
    assert (response.status_code, response["Location"]) == (302, "/register/")
    assert _said(response) == [("error", "The register is closed.")]
