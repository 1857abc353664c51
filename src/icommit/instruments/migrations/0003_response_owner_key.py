"""An answer set may belong to a person: its answers are then sealed with that person's key.

Existing answer sets have no owner and stay sealed with the platform key. The answers column is
unchanged (text envelopes): only the field class that picks the key changes, so the database is
left alone for it (SQLite would otherwise copy the whole table).
"""

import django.db.models.deletion
from django.db import migrations, models

import icommit.instruments.models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_subjectkey"),
        ("instruments", "0002_versions_frozen"),
    ]

    operations = [
        migrations.AddField(
            model_name="response",
            name="owner_key",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.subjectkey",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="response",
                    name="answers",
                    field=icommit.instruments.models.OwnedJSONField(
                        default=dict, owner="owner_key_id"
                    ),
                ),
            ],
        ),
    ]
