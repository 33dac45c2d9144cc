#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the storage tests and print the
# line that points them at it:
#
#   eval "$(.ci/postgres.sh)"        # sets GPAI_TEST_POSTGRES_DSN
#   .ci/postgres.sh stop             # stops the server again
#
# Installs Debian's postgresql with apt-get if no server is installed, then
# runs a private cluster as the postgres user (never as root) on a Unix
# socket under $GPAI_PG_DIR (default /tmp/gpai-pg), port $GPAI_PG_PORT
# (default 54329), so it cannot clash with a system cluster. Everything but
# the export line goes to stderr.
set -euo pipefail
dir="${GPAI_PG_DIR:-/tmp/gpai-pg}"
port="${GPAI_PG_PORT:-54329}"
db=gpai_test

log() { echo "postgres.sh: $*" >&2; }

bindir() {
  local pgc
  if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
  pgc=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$pgc" ] && echo "$pgc"
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if [ "${1:-}" = stop ]; then
  bin=$(bindir)
  if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2
  fi
  exit 0
fi

bin=$(bindir || true)
if [ -z "$bin" ]; then
  log "installing postgresql"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
  bin=$(bindir)
fi

if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
  mkdir -p "$dir"
  chown postgres: "$dir"
fi
if [ ! -f "$dir/data/PG_VERSION" ]; then
  log "initdb in $dir/data"
  as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >&2
fi
if ! as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
  # fsync stays on: the suite checks durability semantics, not speed.
  as_pg "$bin/pg_ctl" -D "$dir/data" -w -t 60 -l "$dir/server.log" \
    -o "-p $port -k $dir -c listen_addresses='' -c max_connections=200" start >&2
fi
if ! as_pg "$bin/psql" -h "$dir" -p "$port" -U postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'" postgres | grep -q 1; then
  as_pg "$bin/createdb" -h "$dir" -p "$port" -U postgres "$db" >&2
fi
echo "export GPAI_TEST_POSTGRES_DSN='host=$dir port=$port user=postgres dbname=$db sslmode=disable'"
