#!/usr/bin/env bash
# Runs icommit on PostgreSQL the way deploy/README.md describes it: migrations as the owner role,
# the platform as the runtime role that may only append to the audit tables. Used by .ci/run.
#
# Needs a PostgreSQL superuser through the usual PG* variables (PGHOST, PGPORT, PGUSER, ...)
# and the project's virtual environment. Creates (and afterwards drops) icommit_roles_check,
# or the database named by ROLES_CHECK_DB.
set -euo pipefail
cd "$(dirname "$0")/.."

DB="${ROLES_CHECK_DB:-icommit_roles_check}"
ICOMMIT=.venv/bin/icommit
HOST="${PGHOST:-127.0.0.1}"
PORT="${PGPORT:-5432}"
owner_url="postgres://icommit_owner${OWNER_PASSWORD:+:$OWNER_PASSWORD}@${HOST}:${PORT}/${DB}"
app_url="postgres://icommit_app${APP_PASSWORD:+:$APP_PASSWORD}@${HOST}:${PORT}/${DB}"
data_dir=$(mktemp -d)
trap 'rm -rf "$data_dir"' EXIT

psql -X -q -v ON_ERROR_STOP=1 -d postgres <<SQL
DROP DATABASE IF EXISTS ${DB} WITH (FORCE);
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'icommit_owner') THEN
        CREATE ROLE icommit_owner LOGIN ${OWNER_PASSWORD:+PASSWORD '$OWNER_PASSWORD'};
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'icommit_app') THEN
        CREATE ROLE icommit_app LOGIN ${APP_PASSWORD:+PASSWORD '$APP_PASSWORD'};
    END IF;
END \$\$;
CREATE DATABASE ${DB} OWNER icommit_owner;
SQL

export ICOMMIT_DEMO=1 ICOMMIT_MFA_REQUIRED=0 ICOMMIT_DATA_DIR="$data_dir"
echo "migrating as icommit_owner"
DATABASE_URL="$owner_url" "$ICOMMIT" migrate -v0
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -f deploy/postgres-roles.sql

echo "running the platform as icommit_app: demo data, then the audit chain"
DATABASE_URL="$app_url" "$ICOMMIT" demo >/dev/null
# The demo signs its own history, so the chain verifies at once.
DATABASE_URL="$app_url" "$ICOMMIT" audit verify
# Without any checkpoint, verify must refuse the unanchored chain unless told it is brand-new.
mv "$data_dir/checkpoints" "$data_dir/checkpoints.aside"
if DATABASE_URL="$app_url" "$ICOMMIT" audit verify >/dev/null 2>&1; then
    echo "error: audit verify passed a chain that no checkpoint signs" >&2
    exit 1
fi
DATABASE_URL="$app_url" "$ICOMMIT" audit verify --allow-no-checkpoints
DATABASE_URL="$app_url" "$ICOMMIT" audit checkpoint
DATABASE_URL="$app_url" "$ICOMMIT" audit verify

echo "icommit_app may read and add audit rows, but not change them"
psql -X -q -v ON_ERROR_STOP=1 -d "$app_url" -c "SELECT count(*) FROM core_auditevent" >/dev/null
for statement in "UPDATE core_auditevent SET action = 'forged'" "DELETE FROM core_auditdetail" \
    "TRUNCATE core_auditevent CASCADE"; do
    if psql -X -q -d "$app_url" -c "$statement" >/dev/null 2>&1; then
        echo "error: icommit_app could run: $statement" >&2
        exit 1
    fi
done
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE ${DB} WITH (FORCE);"
echo "roles check passed"
