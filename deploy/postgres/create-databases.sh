#!/bin/sh
# Creates the decision store's role and database with the password from the environment.
set -eu
psql -v ON_ERROR_STOP=1 -v kyc_password="$KYC_DB_PASSWORD" --username "$POSTGRES_USER" --dbname postgres \
  -f /docker-entrypoint-initdb.d/create-databases.sql.in
