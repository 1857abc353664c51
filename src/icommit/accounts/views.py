"""Login, logout, profile and password pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from icommit.accounts.forms import LoginForm
from icommit.core.http import AuthedRequest
from icommit.stakeholders.selectors import my_memberships
from icommit.teams.selectors import my_team_memberships


class LoginView(auth_views.LoginView):
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


@login_required
def profile(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": my_memberships(user=request.user),
            "team_memberships": my_team_memberships(user=request.user),
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password was changed."))
        return super().form_valid(form)


class PasswordSetView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False

    def form_valid(self, form):
        messages.success(self.request, _("Your password is set. You can log in now."))
        return super().form_valid(form)
