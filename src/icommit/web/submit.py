"""Form → service → response, the one way every page answers a service.

``submit_form`` serves a page with a form, ``submit_button`` a button without one, and
``answer_or_back`` anything else that may be refused (a download, a job's progress page).
What the user can act on is shown: ``ValidationFailed`` next to the fields it names (unknown
names on the form as a whole), ``Conflict`` on the form, or as a message on the page a button
came from. ``NotFound`` and ``Forbidden`` are never caught here: they go on to the error pages
(``core.middleware``), so a refusal looks the same wherever it happens. Success is a message and
a redirect (302), so reloading the next page sends nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise

from icommit.core.exceptions import Conflict, IcommitError, ValidationFailed
from icommit.core.forms import attach_error

F = TypeVar("F", bound=forms.BaseForm)
T = TypeVar("T")

#: The service errors a page shows to the user; NotFound and Forbidden go to the error pages.
PAGE_ERRORS = (ValidationFailed, Conflict)

#: A redirect target: a URL or URL name, or a function of the service's result that gives one.
Target = str | Promise | Callable[[Any], str]
#: A success message (or none), or a function of the service's result that gives one.
Message = str | Promise | Callable[[Any], str] | None


def submit_form(
    request: HttpRequest,
    form: Callable[..., F],
    *,
    run: Callable[[F], T],
    success: Message,
    redirect_to: Target,
    template: str = "",
    context: Mapping[str, Any] | None = None,
    page: Callable[[F, int], HttpResponse] | None = None,
    invalid_status: int = 422,
    conflict_to: str = "",
    place_error: Callable[[F, IcommitError], None] = attach_error,
) -> HttpResponse:
    """Show ``form`` on GET; on POST bind it, run the service and answer.

    ``form`` is the form class, or a ``functools.partial`` of it with its other arguments; it
    is called with ``data`` and ``files`` on POST. ``run`` gets the valid form and calls the
    service. The page is ``template`` with ``context`` and the form as ``form``, or ``page(form,
    status)`` where the form shares a page with others. An invalid form, or one the service
    refused, is shown again with ``invalid_status``. ``conflict_to`` sends a ``Conflict`` there
    as a message instead, for forms the user cannot correct (a stale page).
    """
    if page is None:
        if not template:
            raise TypeError("submit_form needs a template or a page")

        def page(shown: F, status: int) -> HttpResponse:
            return render(request, template, {**(context or {}), "form": shown}, status=status)

    if request.method != "POST":
        return page(form(), 200)
    bound = form(data=request.POST, files=request.FILES)
    if bound.is_valid():
        try:
            result = run(bound)
        except Conflict as exc:
            if conflict_to:
                messages.error(request, exc.message)
                return redirect(conflict_to)
            place_error(bound, exc)
        except ValidationFailed as exc:
            place_error(bound, exc)
        else:
            return _done(request, result, success, redirect_to)
    return page(bound, invalid_status)


def submit_button(
    request: HttpRequest,
    *,
    run: Callable[[], T],
    success: Message,
    redirect_to: Target,
    back: str = "",
) -> HttpResponse:
    """Run the service of a button without a form (archive, close, revoke) and answer.

    Success says ``success`` and goes to ``redirect_to``; a refusal the user can understand
    (``PAGE_ERRORS``) says why and goes ``back``, by default to ``redirect_to``.
    """
    if not back:
        if callable(redirect_to):
            raise TypeError("submit_button needs back= when redirect_to depends on the result")
        back = str(redirect_to)
    return answer_or_back(request, lambda: _done(request, run(), success, redirect_to), back=back)


def answer_or_back(
    request: HttpRequest, answer: Callable[[], HttpResponse], *, back: str
) -> HttpResponse:
    """Answer with ``answer()`` (a download, a job's progress page, a page of results); a
    refusal the user can understand (``PAGE_ERRORS``) says why and goes ``back`` instead."""
    try:
        return answer()
    except PAGE_ERRORS as exc:
        messages.error(request, exc.message)
        return redirect(back)


def _done(request: HttpRequest, result: Any, success: Message, redirect_to: Target) -> HttpResponse:
    if success is not None:
        messages.success(request, success(result) if callable(success) else str(success))
    return redirect(redirect_to(result) if callable(redirect_to) else str(redirect_to))
