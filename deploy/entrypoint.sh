#!/bin/sh
# Entry point of the image: `python -m services "$@"`.
#
# Before `serve <name>` it upgrades that service's database to the latest revision. Alembic
# runs under a PostgreSQL advisory lock (services/common/migrations.py), so when several
# replicas start at once one migrates and the others wait, then find nothing to do.
# Every other command (migrate, check, dlq, load-directory, create-user, ...) runs as is.
set -eu

if [ "${1:-}" = "serve" ] && [ -n "${2:-}" ]; then
    python -m services migrate "$2"
fi
exec python -m services "$@"
