from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "icommit.accounts"
    label = "accounts"
