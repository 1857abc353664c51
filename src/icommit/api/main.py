"""The NinjaAPI object: authentication, every error mapped to ``{code, message, details}``, and
the routers the apps registered (``api.registry``)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import SessionAuth

from icommit.api.auth import TokenAuth
from icommit.api.registry import ROUTERS
from icommit.core.exceptions import IcommitError


class Docs(Swagger):
    """Swagger UI in a page of our own (``api/docs.html``): the page has a language, landmarks and
    a heading outline, its CSS (``api-docs.css``) gives every text enough contrast, and its script
    (``api-docs.js``) runs under the site's CSP. Deep links are off: Swagger UI puts each one
    inside the operation's toggle button, a link nested in a button."""

    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        """The page, with Swagger UI's settings handed over by ``json_script`` (escaped for a
        ``<script>`` element) instead of ninja's pre-encoded string marked safe."""
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        # the browser session authenticates with CSRF (SessionAuth(csrf=True) below), so "try
        # it out" sends the token
        context = {"swagger_settings": settings, "api": api, "add_csrf": True}
        return render(request, self.template, context)


api = NinjaAPI(
    title="icommit API",
    version="1.0.0",
    urls_namespace="api-1.0.0",
    auth=[TokenAuth(), SessionAuth(csrf=True)],
    docs_url="/docs",
    docs=Docs(settings={"deepLinking": False}),
    docs_decorator=require_GET,
)


def _error(
    request: HttpRequest, status: int, code: str, message: str, details: object = None
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "details": details}, status=status
    )


@api.exception_handler(IcommitError)
def _icommit_error(request: HttpRequest, exc: IcommitError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path")]
        details.setdefault(".".join(loc) or "body", []).append(err.get("msg", "invalid"))
    return _error(request, 422, "invalid", "The input is not valid.", details)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", "Log in or send a valid API token.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # Raised by ninja itself, e.g. 400 for a body that is not JSON.
    if exc.status_code == 400:
        return _error(request, 400, "unparsable", "The request body is not valid JSON.")
    return _error(request, exc.status_code, "error", str(exc))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", "Not found.")


# Every app mounts its router from its ``plugin`` (api.registry); they are added here, after the
# handlers above, in the order the apps were installed.
for _prefix, _router in ROUTERS:
    api.add_router(_prefix, _router)
