#!/bin/bash
# /docker-entrypoint-initdb.d script of the primary (docker-compose.multi.yml; the official image and
# deploy/postgres run it once on a new data directory): a role for streaming replication and its pg_hba line.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -qc \
  "CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '${REPLICATION_PASSWORD:-replicator}'"
echo "host replication replicator all scram-sha-256" >>"$PGDATA/pg_hba.conf"
