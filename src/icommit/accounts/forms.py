"""Forms for logging in and managing one's own account."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _("Email or password is not correct, or the account cannot log in now."),
        "inactive": _("Email or password is not correct, or the account cannot log in now."),
    }
