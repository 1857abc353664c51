"""Request types for views behind ``login_required``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.views.decorators.http import require_http_methods

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from icommit.accounts.models import User  # for mypy only: core knows no app at run time


class AuthedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


#: Pages with a form: shown with GET, sent with POST, nothing else.
require_GET_POST = require_http_methods(["GET", "POST"])
