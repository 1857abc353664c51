"""The audit event types of accounts: sign-in, second factor, API tokens, account changes.

Names are stored in the hash chain and never change; only their labels may.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from icommit.core.audit import event_type

event_type("user.create", _("Created an account"))
event_type(
    "user.restart",
    _("Started afresh an account that a self-registration had created and nobody activated"),
)
event_type("user.role_grant", _("Granted a platform role"))
event_type("user.role_revoke", _("Took back a platform role"))
event_type("user.language", _("Changed the language"))
event_type("user.deactivate", _("Deactivated an account"))
event_type("user.reactivate", _("Reactivated an account"))
event_type("account.login", _("Logged in"))
event_type("account.login_failed", _("A login failed"))
event_type("account.locked", _("An account was locked after repeated failed logins"))
event_type("account.logout", _("Logged out"))
event_type("account.password_set", _("Set the password through the emailed link"))
event_type("account.password_change", _("Changed the password"))
event_type("account.mfa_enrol", _("Set up the authenticator app"))
event_type("account.mfa_verify", _("Confirmed the login with a code"))
event_type("account.mfa_failed", _("Entered a wrong login code"))
event_type("account.mfa_reset", _("Removed the second factor of an account"))
event_type("account.recovery_codes", _("Created new recovery codes"))
event_type("account.sessions_end", _("Ended every session and API token of an account"))
event_type("account.token_create", _("Created an API token"))
event_type("account.token_revoke", _("Revoked an API token"))
