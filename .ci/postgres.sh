#!/usr/bin/env bash
# Install and start a local PostgreSQL server for the store tests (Debian, run as root).
#
# Prints one line, ``export EVISYNTH_TEST_PG_URL=postgresql+psycopg://...``, on stdout and
# writes the same line to .ci/postgres.env, so callers can either ``eval "$(...)"`` or
# ``source .ci/postgres.env``. Safe to run more than once.
set -euo pipefail
cd "$(dirname "$0")"

PG_USER="${EVISYNTH_PG_USER:-evisynth}"
PG_PASS="${EVISYNTH_PG_PASSWORD:-evisynth}"
PG_DB="${EVISYNTH_PG_DB:-evisynth_test}"
PG_PORT="${EVISYNTH_PG_PORT:-5432}"

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
    apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
fi

ver="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$ver main"; then
    pg_createcluster "$ver" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$ver" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
    pg_ctlcluster "$ver" main start >&2
fi
# Wait until the server accepts connections.
for _ in $(seq 1 30); do
    if su postgres -c "psql -p $PG_PORT -tAc 'select 1'" >/dev/null 2>&1; then break; fi
    sleep 1
done

su postgres -c "psql -p $PG_PORT -v ON_ERROR_STOP=1 -q" >&2 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASS';
  END IF;
END \$\$;
SQL
if ! su postgres -c "psql -p $PG_PORT -tAc \"SELECT 1 FROM pg_database WHERE datname = '$PG_DB'\"" | grep -q 1; then
    su postgres -c "createdb -p $PG_PORT -O $PG_USER $PG_DB" >&2
fi

line="export EVISYNTH_TEST_PG_URL=postgresql+psycopg://$PG_USER:$PG_PASS@127.0.0.1:$PG_PORT/$PG_DB"
echo "$line" > postgres.env
echo "$line"
