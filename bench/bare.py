"""The bare-framework reference of ``make bench``: Django with nothing of icommit in it.

One settings module, URLconf and WSGI application in a file, served by gunicorn exactly as the
platform is (same worker class, same loopback client, same run). Two pages:

* ``/bare/``: a view that returns a fixed page of about the size of the floor page, with no
  middleware, no database and no template: what the framework and the server cost at least.
* ``/bare/template/``: the same page drawn by Django's template engine with a 30-entry loop:
  what a minimal template costs on top.
* ``/bare/query/``: the fixed page after one indexed query through the ORM's connection
  against the platform's own SQLite file (``ICOMMIT_DATA_DIR``): what one query costs.

``make bench`` reports the platform's floor as a multiple of ``/bare/``. Run alone with
``DJANGO_SETTINGS_MODULE=bench.bare gunicorn bench.bare:application``.
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

SECRET_KEY = "bench-bare-reference-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = __name__
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
_DATA_DIR = os.environ.get("ICOMMIT_DATA_DIR", "")
DATABASES: dict[str, object] = (
    {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.path.join(_DATA_DIR, "icommit.sqlite3"),
            "CONN_MAX_AGE": None,
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"},
        }
    }
    if _DATA_DIR
    else {}
)
USE_I18N = False
USE_TZ = True
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": []}]

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


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_PAGE)


def templated(request: HttpRequest) -> HttpResponse:
    template = engines["django"].from_string(_TEMPLATE)
    context = {"title": "Bare Django", "rows": range(30), "padding": "padding " * 600}
    return HttpResponse(template.render(context, request))


def query(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT session_key, session_data, expire_date FROM django_session "
            "WHERE session_key = %s LIMIT 1",
            ["no-such-session"],
        )
        cursor.fetchall()
    return HttpResponse(_PAGE)


urlpatterns = [
    path("bare/", bare),
    path("bare/template/", templated),
    path("bare/query/", query),
    path("healthz", bare),
]

os.environ.setdefault("DJANGO_SETTINGS_MODULE", __name__)
application = get_wsgi_application()
