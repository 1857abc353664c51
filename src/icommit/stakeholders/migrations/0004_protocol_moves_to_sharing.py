"""The sharing protocol moves to the ``sharing`` app: only Django's model state changes; the
tables stay, under their names, and ``sharing`` takes them over (its migration 0001)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('stakeholders', '0003_text_limits'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveField(
                model_name='sharingprotocol',
                name='changed_by',
            ),
            migrations.RemoveField(
                model_name='sharingprotocol',
                name='team',
            ),
            migrations.DeleteModel(
                name='ProtocolRow',
            ),
            migrations.DeleteModel(
                name='SharingProtocol',
            ),
            ],
            database_operations=[],
        ),
    ]
