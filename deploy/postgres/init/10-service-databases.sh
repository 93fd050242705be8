#!/usr/bin/env bash
# Runs once, when the postgres image starts on an empty data volume (it runs every file of
# /docker-entrypoint-initdb.d as the superuser). Creates one login role and one database per
# service, each role owning its database and the only ordinary role allowed to connect to it:
# no service can read another's tables.
#
# Passwords come from <NAME>_DB_PASSWORD (INTAKE_DB_PASSWORD, ...). SERVICE_DATABASES names
# the databases (default: intake cases notify reporting; tests use throwaway names).
# Safe to run again: existing roles and databases are left as they are.
set -Eeuo pipefail

create_service_database() {
    local name="$1" password="$2"
    psql --no-psqlrc -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" \
        --dbname "${POSTGRES_DB:-postgres}" --set=name="$name" --set=password="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'name', :'password')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'name') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'name', :'name')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name') \gexec
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
GRANT ALL ON DATABASE :"name" TO :"name";
SQL
}

for name in ${SERVICE_DATABASES:-intake cases notify reporting}; do
    password_variable="$(printf '%s' "$name" | tr '[:lower:]-' '[:upper:]_')_DB_PASSWORD"
    password="${!password_variable:-}"
    if [ -z "$password" ]; then
        echo "error: $password_variable is empty; set it in deploy/.env" >&2
        exit 1
    fi
    create_service_database "$name" "$password"
    echo "database $name: owned by role $name"
done
