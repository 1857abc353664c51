from django.apps import AppConfig


class SharedTestAppConfig(AppConfig):
    """A test-only app with the smallest shared item, so the kernel is tested without cases."""

    name = "tests.sharedtestapp"
    label = "sharedtestapp"

    def ready(self) -> None:
        from icommit.sharing.items import register
        from tests.sharedtestapp.models import Note, NoteAudience

        register(Note, NoteAudience)
