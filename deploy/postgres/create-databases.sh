#!/bin/sh
# Creates the decision store's role and database with the password from the environment. The
# postgres image sources it at first start (BASH_SOURCE names it then); the tests run it.
set -eu
: "${POSTGRES_USER:?}" "${KYC_DB_PASSWORD:?}"
dir=$(dirname "${BASH_SOURCE:-$0}")
psql -v ON_ERROR_STOP=1 -v kyc_password="$KYC_DB_PASSWORD" --username "$POSTGRES_USER" --dbname postgres \
  -f "$dir/create-databases.sql.in"
