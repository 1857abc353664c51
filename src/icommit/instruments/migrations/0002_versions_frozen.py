"""A published instrument version never changes: the database refuses to update its content."""

from django.db import migrations

TABLE = "instruments_instrumentversion"
COLUMNS = "definition, content_hash, number, instrument_id"

SQLITE = [
    f"CREATE TRIGGER {TABLE}_frozen BEFORE UPDATE OF {COLUMNS} ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'published instrument versions never change'); END;"
]

POSTGRES = [
    """CREATE OR REPLACE FUNCTION icommit_instrument_version_frozen() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'published instrument versions never change';
    END; $$ LANGUAGE plpgsql;""",
    f"CREATE TRIGGER {TABLE}_frozen BEFORE UPDATE ON {TABLE} FOR EACH ROW "
    "WHEN (OLD.definition IS DISTINCT FROM NEW.definition "
    "OR OLD.content_hash IS DISTINCT FROM NEW.content_hash "
    "OR OLD.number IS DISTINCT FROM NEW.number "
    "OR OLD.instrument_id IS DISTINCT FROM NEW.instrument_id) "
    "EXECUTE FUNCTION icommit_instrument_version_frozen();",
]


def install(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_frozen ON {TABLE};")
        schema_editor.execute("DROP FUNCTION IF EXISTS icommit_instrument_version_frozen();")
    else:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_frozen;")


class Migration(migrations.Migration):
    dependencies = [("instruments", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
