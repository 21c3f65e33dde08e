#!/bin/sh
# Creates and migrates Temporal's two PostgreSQL databases with temporal-sql-tool, as
# Temporal's own compose examples do now that the auto-setup image is deprecated.
# Idempotent: re-running it on an initialised database only applies newer versions.
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${POSTGRES_PWD:?}"
# The admin-tools image keeps the schema here; elsewhere (the tests) SCHEMA_DIR says where.
SCHEMA_DIR="${SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"
DBNAME="${DBNAME:-temporal}"
VISIBILITY_DBNAME="${VISIBILITY_DBNAME:-temporal_visibility}"
tool() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "${DB_PORT:-5432}" -u "$POSTGRES_USER" --pw "$POSTGRES_PWD" "$@"; }

# Compose starts this once PostgreSQL's health check passes. The tool leaves an existing
# database alone; any failure (a wrong password, say) stops the set-up here, with its message.
for db in "$DBNAME" "$VISIBILITY_DBNAME"; do
  if output=$(tool --db "$db" create-database 2>&1); then
    echo "database $db is there"
  elif printf '%s' "$output" | grep -q 'already exists'; then
    echo "database $db is there"
  else
    printf '%s\n' "$output" >&2
    echo "cannot create database $db" >&2
    exit 1
  fi
done
tool --db "$DBNAME" setup-schema -v 0.0
tool --db "$DBNAME" update-schema -d "$SCHEMA_DIR/temporal/versioned"
tool --db "$VISIBILITY_DBNAME" setup-schema -v 0.0
tool --db "$VISIBILITY_DBNAME" update-schema -d "$SCHEMA_DIR/visibility/versioned"
echo "Temporal schema is up to date"
