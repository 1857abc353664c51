from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "icommit.accounts"
    label = "accounts"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from icommit.accounts import signals

        user_logged_in.connect(signals.on_login, dispatch_uid="icommit_login")
        user_logged_out.connect(signals.on_logout, dispatch_uid="icommit_logout")
        user_login_failed.connect(signals.on_login_failed, dispatch_uid="icommit_login_failed")
        user_locked_out.connect(signals.on_locked_out, dispatch_uid="icommit_locked_out")
