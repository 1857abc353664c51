"""Audit chain version 2: events chain the SHA-256 of their sealed detail row.

Existing events get ``version`` 1 and keep verifying under the rule they were hashed with; new
events are version 2. On SQLite, adding the columns rebuilds the table, which drops its
triggers: they are installed again here, so the tables stay append-only.
"""

from django.db import migrations, models


def reinstall_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in ("core_auditevent", "core_auditdetail"):
        for op in ("UPDATE", "DELETE"):
            name = f"{table}_no_{op.lower()}"
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE {op} ON {table} WHEN icommit_audit_locked() "
                "BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;"
            )


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_detail_sealed")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="version",
            field=models.PositiveSmallIntegerField(default=1),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="detail_hash",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.RunPython(reinstall_sqlite_triggers, migrations.RunPython.noop),
    ]
