#!/bin/sh
# Run by the postgres image on first start: creates the service roles with passwords from env.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v inspection_password="$INSPECTION_DB_PASSWORD" \
  -v eldercare_password="$ELDERCARE_DB_PASSWORD" \
  -v charity_password="$CHARITY_DB_PASSWORD" \
  -v notify_password="$NOTIFY_DB_PASSWORD" \
  -v views_password="$VIEWS_DB_PASSWORD" \
  -f /docker-entrypoint-initdb.d/init.sql.in
