"""Login, logout, profile and password pages."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login

from icommit.access.roles import PlatformRole
from icommit.accounts import mfa as mfa_service
from icommit.accounts import selectors, services
from icommit.accounts import tokens as token_service
from icommit.accounts.forms import (
    CodeForm,
    EnrolForm,
    LoginForm,
    ReauthForm,
    TokenForm,
    UserFilterForm,
)
from icommit.accounts.middleware import mark_reauth, mfa_verified, recently_reauthenticated
from icommit.accounts.models import User
from icommit.accounts.services import user_end_sessions
from icommit.core import audit
from icommit.core.http import AuthedRequest, require_GET_POST
from icommit.web import registry
from icommit.web.submit import submit_button, submit_form


class LoginView(auth_views.LoginView):
    http_method_names = ["get", "post"]
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]  # narrower form
        response = super().form_valid(form)
        language = form.get_user().language
        if language in dict(settings.LANGUAGES):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=True,
            )
        return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    response = redirect("accounts:login")
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@require_GET
@login_required
def profile(request: AuthedRequest) -> HttpResponse:
    context: dict[str, Any] = {"has_mfa": mfa_service.has_mfa(request.user)}
    # the organisations and teams the person belongs to, drawn by the apps that keep them
    context["profile_panels"] = registry.fill("profile", user=request.user, context=context)
    return render(request, "accounts/profile.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    http_method_names = ["get", "post"]
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            services.user_password_recorded(user=form.user, via="change")
        messages.success(self.request, _("Your password was changed."))
        return response


class PasswordSetView(auth_views.PasswordResetConfirmView):
    http_method_names = ["get", "post"]
    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False

    def form_valid(self, form):
        # The token is bound to the old password hash, so once saved the link is spent.
        with transaction.atomic():
            response = super().form_valid(form)
            services.user_password_recorded(user=form.user, via="link")
        messages.success(self.request, _("Your password is set. You can log in now."))
        return response


# --- two-factor authentication ------------------------------------------------------------


def _next_url(request: HttpRequest) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return reverse("web:home")


@require_GET_POST
@login_required
def mfa(request: AuthedRequest) -> HttpResponse:
    """Verify a code, or enrol an authenticator when the user has none yet."""
    user = request.user
    if mfa_verified(request.user):
        return redirect(_next_url(request))
    if not mfa_service.has_mfa(user):
        return _mfa_enrol(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = mfa_service.mfa_verify(user=user, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            with transaction.atomic():
                audit.record(actor=user, action="account.mfa_verify", obj=user)
            return redirect(_next_url(request))
        with transaction.atomic():
            audit.record(actor=user, action="account.mfa_failed", obj=user)
        if mfa_service.throttled(user):
            message = _("Too many wrong codes in a row: wait a few seconds, then try again.")
        else:
            message = _("This code is not valid. Codes work once and change every 30 seconds.")
        form.add_error("code", message)
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _next_url(request)})


def _mfa_enrol(request: AuthedRequest) -> HttpResponse:
    device = mfa_service.enrolment_device(user=request.user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa_service.mfa_confirm(
            user=request.user, device=device, code=form.cleaned_data["code"]
        )
        if codes is not None:
            otp_login(request, device)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        form.add_error(
            "code",
            _("This code does not match. Check the time on your phone and try the newest code."),
        )
    return render(
        request,
        "accounts/mfa_enrol.html",
        {
            "form": form,
            "qr": mfa_service.qr_svg(device, _("QR code to add icommit to your authenticator app")),
            "secret": mfa_service.secret_base32(device),
            "next": _next_url(request),
        },
    )


def reauth_required(view):
    """Ask for the password (and a code) again before a sensitive change."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not recently_reauthenticated(request):
            return redirect(
                f"{reverse('accounts:reauth')}?{urlencode({'next': request.get_full_path()})}"
            )
        return view(request, *args, **kwargs)

    return wrapped


@require_GET_POST
@login_required
def reauth(request: AuthedRequest) -> HttpResponse:
    form = ReauthForm(request.POST or None)
    needs_code = mfa_service.has_mfa(request.user)
    if request.method == "POST" and form.is_valid():
        ok = request.user.check_password(form.cleaned_data["password"])
        if ok and needs_code:
            ok = (
                mfa_service.mfa_verify(user=request.user, code=form.cleaned_data["code"])
                is not None
            )
        if ok:
            mark_reauth(request)
            return redirect(_next_url(request))
        form.add_error(None, _("The password or the code is not correct."))
    return render(
        request,
        "accounts/reauth.html",
        {"form": form, "needs_code": needs_code, "next": _next_url(request)},
    )


@require_GET_POST
@login_required
@reauth_required
def recovery_codes(request: AuthedRequest) -> HttpResponse:
    """Ask once more (GET), then replace the recovery codes and show them (POST)."""
    if request.method == "GET":
        return render(request, "accounts/recovery_codes_confirm.html")
    codes = mfa_service.recovery_codes_renew(user=request.user)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": reverse("accounts:profile")},
    )


@require_POST
@login_required
def end_all_sessions(request: AuthedRequest) -> HttpResponse:
    """Log out everywhere: every session of this user ends, this one included."""
    user_end_sessions(actor=request.user, user=request.user, reason="user_request")
    logout(request)
    response = redirect("accounts:login")
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


# --- API tokens ----------------------------------------------------------------------------


NEW_TOKEN = "icommit_new_token"  # noqa: S105 (a session key, not a secret)


@require_GET_POST
@login_required
@reauth_required
def token_list(request: AuthedRequest) -> HttpResponse:
    # The clear token lives in the session only until the page after the redirect shows it.
    created = request.session.pop(NEW_TOKEN, None) if request.method == "GET" else None

    def create(form: TokenForm) -> None:
        _token, clear = token_service.token_create(actor=request.user, **form.cleaned_data)
        request.session[NEW_TOKEN] = clear

    return submit_form(
        request,
        TokenForm,
        run=create,
        success=None,  # the page after the redirect shows the token itself
        redirect_to="accounts:tokens",
        template="accounts/tokens.html",
        context={"created": created, "tokens": selectors.token_list(user=request.user)[:50]},
        invalid_status=200,
    )


@require_POST
@login_required
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = selectors.token_get(user=request.user, pk=pk)
    return submit_button(
        request,
        run=lambda: token_service.token_revoke(actor=request.user, token=token),
        success=_("Token revoked."),
        redirect_to="accounts:tokens",
    )


# --- account administration (platform administrators) --------------------------------------


@require_GET
@login_required
def user_list(request: AuthedRequest) -> HttpResponse:
    form = UserFilterForm(request.GET or None)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    qs = selectors.user_list(user=request.user, query=query)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/users.html",
        {"form": form, "page_obj": page, "querystring_prefix": f"q={query}&" if query else ""},
    )


def _managed_user(request: AuthedRequest, pk: int) -> User:
    return selectors.user_get(user=request.user, pk=pk)


@require_POST
@login_required
def user_deactivate(request: AuthedRequest, pk: int) -> HttpResponse:
    user = _managed_user(request, pk)
    return submit_button(
        request,
        run=lambda: services.user_deactivate(actor=request.user, user=user),
        success=_("%(user)s can no longer log in.") % {"user": user},
        redirect_to="accounts:users",
    )


@require_POST
@login_required
def user_reactivate(request: AuthedRequest, pk: int) -> HttpResponse:
    user = _managed_user(request, pk)
    return submit_button(
        request,
        run=lambda: services.user_reactivate(actor=request.user, user=user),
        success=_("%(user)s can log in again.") % {"user": user},
        redirect_to="accounts:users",
    )


@require_POST
@login_required
def user_mfa_reset(request: AuthedRequest, pk: int) -> HttpResponse:
    user = _managed_user(request, pk)
    return submit_button(
        request,
        run=lambda: mfa_service.mfa_reset(actor=request.user, user=user),
        success=_("Two-factor authentication of %(user)s was reset; they were told by email.")
        % {"user": user},
        redirect_to="accounts:users",
    )


@require_POST
@login_required
def user_team_founder(request: AuthedRequest, pk: int) -> HttpResponse:
    """Allow a person to set up teams, or stop allowing it (administrators)."""
    user = _managed_user(request, pk)
    held = request.POST.get("held") == "1"
    services.user_role_set(actor=request.user, user=user, role=PlatformRole.TEAM_FOUNDER, held=held)
    if held:
        messages.success(request, _("%(user)s may now set up teams.") % {"user": user})
    else:
        messages.success(request, _("%(user)s may no longer set up teams.") % {"user": user})
    return redirect("accounts:users")
