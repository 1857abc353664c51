"""Request types for views behind ``login_required``, and the person the kernels take."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.http import HttpRequest
from django.views.decorators.http import require_http_methods

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from django_htmx.middleware import HtmxDetails

    from icommit.accounts.models import User  # for mypy only: core knows no app at run time


#: Whoever asks, as the kernels (access, web, core) see them: they know no app, so not the
#: platform's ``User`` model; apps take ``accounts.models.User``. ``None`` is nobody.
Person: TypeAlias = "AbstractBaseUser | AnonymousUser | None"


class AuthedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


#: Pages with a form: shown with GET, sent with POST, nothing else.
require_GET_POST = require_http_methods(["GET", "POST"])
