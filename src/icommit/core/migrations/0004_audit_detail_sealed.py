"""Audit details are sealed (AES-GCM) instead of stored as plain JSON.

On SQLite, changing the columns rebuilds the table, which drops its triggers: they are
installed again here, so the table stays append-only.
"""

from django.db import migrations, models


def reinstall_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    table = "core_auditdetail"
    for op in ("UPDATE", "DELETE"):
        name = f"{table}_no_{op.lower()}"
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")
        schema_editor.execute(
            f"CREATE TRIGGER {name} BEFORE {op} ON {table} WHEN icommit_audit_locked() "
            "BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;"
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0003_subjectkey")]

    operations = [
        migrations.RemoveField(model_name="auditdetail", name="data"),
        migrations.AddField(
            model_name="auditdetail",
            name="sealed",
            field=models.TextField(default=""),
            preserve_default=False,
        ),
        migrations.RunPython(reinstall_sqlite_triggers, migrations.RunPython.noop),
    ]
