from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "icommit.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from icommit.core import checks  # noqa: F401 (registers the system checks)
        from icommit.core.audit_guard import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="icommit_audit_guard")
