"""Triggers that make the audit tables append-only, on SQLite and PostgreSQL alike."""

from django.db import migrations

TABLES = ["core_auditevent", "core_auditdetail"]

SQLITE = [
    sql
    for table in TABLES
    for sql in (
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"WHEN icommit_audit_locked() BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"WHEN icommit_audit_locked() BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;",
    )
]

POSTGRES = [
    """CREATE OR REPLACE FUNCTION icommit_audit_append_only() RETURNS trigger AS $$
    BEGIN
        IF coalesce(current_setting('icommit.allow_audit_purge', true), '') = 'on' THEN
            IF TG_LEVEL = 'ROW' THEN RETURN OLD; END IF;
            RETURN NULL;
        END IF;
        RAISE EXCEPTION 'audit rows are append-only';
    END; $$ LANGUAGE plpgsql;""",
] + [
    sql
    for table in TABLES
    for sql in (
        f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION icommit_audit_append_only();",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION icommit_audit_append_only();",
    )
]


def install(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table};")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
        schema_editor.execute("DROP FUNCTION IF EXISTS icommit_audit_append_only();")
    else:
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete;")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
