#!/bin/bash
# Entrypoint of the streaming replica (docker-compose.multi.yml), for the official postgres:15 image and
# deploy/postgres alike: on an empty data directory, copy the primary with Debian's pg_basebackup (-R writes
# primary_conninfo and standby.signal), then run PostgreSQL as a hot standby.
set -euo pipefail
export PGDATA="${PGDATA:-/var/lib/postgresql/data}"
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" && chown -R postgres:postgres "$PGDATA" && chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  export PGPASSWORD="${REPLICATION_PASSWORD:-replicator}"
  until pg_basebackup -h "${PRIMARY_HOST:-db}" -U replicator -D "$PGDATA" -R -X stream -c fast; do
    echo "waiting for the primary"; rm -rf "${PGDATA:?}"/*; sleep 2
  done
  chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on -c hot_standby_feedback=on
