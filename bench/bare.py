"""The bare-framework reference of ``make bench``: Django with nothing of icommit in it.

One settings module, URLconf and WSGI application in a file, served by gunicorn exactly as the
platform is (same worker class, same loopback client, same run). Its own SQLite file in the
bench's data folder (``ICOMMIT_DATA_DIR``/``bare.sqlite3``), migrated by ``bench/run.py``
(``python -m django migrate --settings bench.bare``). Pages:

* ``/bare/``: a view that returns a fixed page of about the size of the floor page, with no
  database and no template: what the framework and the server cost at least (the request
  passes Django's session, CSRF and authentication middleware, which do nothing without a
  session cookie: the bench asks for it with a client that has none).
* ``/bare/template/``: the same page drawn by Django's template engine (compiled once, as the
  platform's cached template loader does) with a 30-entry loop.
* ``/bare/query/``: the fixed page after one indexed query on the SQLite file.
* ``/bare/auth/``: **the fair reference for the floor**, a minimal signed-in Django page:
  Django's own session and authentication middleware load the session and the user (two
  queries, as the platform's floor does before its second factor and access facts), CSRF
  middleware, and a template of the floor's size with the user's name and a form with a CSRF
  token. ``/bare/login/`` signs the bench's client in (a user made on the first call; the
  reference server listens on loopback only, for the length of the run).

``make bench`` reports the platform's floor as a multiple of ``/bare/`` and of ``/bare/auth/``.
Run alone with ``DJANGO_SETTINGS_MODULE=bench.bare gunicorn bench.bare:application``.
"""

from __future__ import annotations

import functools
import os
from typing import Any

from django.contrib.auth import get_user_model, login
from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import path

SECRET_KEY = "bench-bare-reference-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = __name__
INSTALLED_APPS: list[str] = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
]
MIDDLEWARE: list[str] = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
SESSION_ENGINE = "django.contrib.sessions.backends.db"
_DATA_DIR = os.environ.get("ICOMMIT_DATA_DIR", "")
DATABASES: dict[str, object] = (
    {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.path.join(_DATA_DIR, "bare.sqlite3"),
            "CONN_MAX_AGE": None,
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"},
        }
    }
    if _DATA_DIR
    else {}
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_I18N = False
USE_TZ = True
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ]
        },
    }
]

_ROWS = "".join(f"<li>Entry {i}</li>" for i in range(30))
_PAGE = (
    "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>bare</title></head>"
    f"<body><main><h1>Bare Django</h1><ul>{_ROWS}</ul>{'<p>padding</p>' * 300}</main></body></html>"
)
_TEMPLATE = (
    "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{{ title }}</title></head>"
    "<body><main><h1>{{ title }}</h1><ul>{% for row in rows %}<li>Entry {{ row }}</li>"
    "{% endfor %}</ul>{{ padding }}</main></body></html>"
)
_AUTH_TEMPLATE = (
    "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{{ title }}</title></head>"
    "<body><header><span>{{ user.get_username }}</span><form method='post' action='/bare/'>"
    "{% csrf_token %}<button>Log out</button></form></header><main><h1>{{ title }}</h1>"
    "<ul>{% for row in rows %}<li>Entry {{ row }}</li>{% endfor %}</ul>{{ padding }}</main>"
    "</body></html>"
)
_CONTEXT = {"title": "Bare Django", "rows": range(30), "padding": "padding " * 650}


@functools.cache
def _compiled(source: str) -> Any:
    return engines["django"].from_string(source)


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_PAGE)


def templated(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_compiled(_TEMPLATE).render(_CONTEXT, request))


def query(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT session_key, session_data, expire_date FROM django_session "
            "WHERE session_key = %s LIMIT 1",
            ["no-such-session"],
        )
        cursor.fetchall()
    return HttpResponse(_PAGE)


def sign_in(request: HttpRequest) -> HttpResponse:
    user, _ = get_user_model().objects.get_or_create(username="bench")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return HttpResponseRedirect("/bare/auth/")


def signed_in(request: HttpRequest) -> HttpResponse:
    if request.GET.get("count"):  # the bench's query count, not timed
        with CaptureQueriesContext(connection) as queries:
            response = _signed_in(request)
        response["X-Bare-Queries"] = str(len(queries))
        return response
    return _signed_in(request)


def _signed_in(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return HttpResponseRedirect("/bare/login/")
    return HttpResponse(_compiled(_AUTH_TEMPLATE).render(_CONTEXT, request))


urlpatterns = [
    path("bare/", bare),
    path("bare/template/", templated),
    path("bare/query/", query),
    path("bare/login/", sign_in),
    path("bare/auth/", signed_in),
    path("healthz", bare),
]


@functools.cache
def _handler() -> WSGIHandler:
    """Django set up on the first request (this module is also the settings module that
    ``manage``-style commands import, which must not set Django up a second time)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", __name__)
    return get_wsgi_application()


def application(environ: dict[str, Any], start_response: Any) -> Any:
    return _handler()(environ, start_response)
