#!/bin/sh
# Creates and migrates Temporal's two PostgreSQL databases with temporal-sql-tool, as
# Temporal's own compose examples do now that the auto-setup image is deprecated.
# Idempotent: re-running it on an initialised database only applies newer versions.
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${POSTGRES_PWD:?}"
SCHEMA_DIR=/etc/temporal/schema/postgresql/v12
tool() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "${DB_PORT:-5432}" -u "$POSTGRES_USER" --pw "$POSTGRES_PWD" "$@"; }

# Compose starts this once PostgreSQL's health check passes.
for db in temporal temporal_visibility; do
  tool --db "$db" create-database 2>/dev/null || echo "database $db exists"
done
tool --db temporal setup-schema -v 0.0
tool --db temporal update-schema -d "$SCHEMA_DIR/temporal/versioned"
tool --db temporal_visibility setup-schema -v 0.0
tool --db temporal_visibility update-schema -d "$SCHEMA_DIR/visibility/versioned"
echo "Temporal schema is up to date"
