#!/usr/bin/env bash
# Back up icommit: the database, the private files and the audit checkpoints, into one folder
# per run, with checksums. Old runs are removed after BACKUP_KEEP_DAYS (default 30).
#
#   deploy/backup.sh /srv/backups/icommit
#
# Reads the service's environment: ICOMMIT_DATA_DIR (default /var/lib/icommit), DATABASE_URL
# (PostgreSQL: pg_dump; unset: an online copy of the SQLite file), ICOMMIT_CHECKPOINT_DIR.
# It never copies keys: back up /etc/icommit/keys separately and keep them apart from these
# backups (see deploy/README.md).
set -euo pipefail

dest="${1:?usage: $0 BACKUP_FOLDER}"
data="${ICOMMIT_DATA_DIR:-/var/lib/icommit}"
checkpoints="${ICOMMIT_CHECKPOINT_DIR:-$data/checkpoints}"
keep_days="${BACKUP_KEEP_DAYS:-30}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="$dest/icommit-$stamp"

umask 077
mkdir -p "$target"
trap 'echo "backup failed; removing $target" >&2; rm -rf "$target"' ERR

if [ -n "${DATABASE_URL:-}" ]; then
  pg_dump --format=custom --no-owner --no-privileges --file "$target/database.pgdump" \
    --dbname "$DATABASE_URL"
else
  db="$data/icommit.sqlite3"
  [ -f "$db" ] || { echo "no SQLite database at $db" >&2; exit 1; }
  # SQLite's online backup API: a consistent copy while the app keeps running (WAL included).
  python3 - "$db" "$target/icommit.sqlite3" <<'PY'
import sqlite3
import sys

source = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=60)
copy = sqlite3.connect(sys.argv[2])
source.backup(copy)
result = copy.execute("PRAGMA integrity_check").fetchone()[0]
copy.close()
source.close()
if result != "ok":
    sys.exit(f"integrity check of the copy failed: {result}")
PY
fi

if [ -d "$data/private" ]; then
  tar -C "$data" -czf "$target/private.tar.gz" private
fi
if [ -d "$checkpoints" ]; then
  tar -C "$(dirname "$checkpoints")" -czf "$target/checkpoints.tar.gz" "$(basename "$checkpoints")"
fi

(cd "$target" && sha256sum -- * > SHA256SUMS)
trap - ERR
echo "backup written to $target"

find "$dest" -mindepth 1 -maxdepth 1 -type d -name 'icommit-*' -mtime +"$keep_days" \
  -exec rm -rf {} +
