#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (the store's concurrency tests need a real server).
#
#   eval "$(scripts/pg_test_cluster.sh start)"   # exports FRAMELENS_TEST_PG_URL, FRAMELENS_TEST_PG_DIR
#   scripts/pg_test_cluster.sh stop "$FRAMELENS_TEST_PG_DIR"
#
# `start` installs Debian's postgresql when no server binaries are found (needs root and
# apt), creates a cluster in a fresh temp folder, listens only on a unix socket inside that
# folder (no port can clash, nothing outside the machine can connect), trusts local users, and
# prints the exports on stdout; everything else goes to stderr. Durability is off (fsync,
# synchronous_commit): the data is thrown away after the run. As root the server runs as the
# `postgres` user, which initdb requires.
set -euo pipefail

log() { echo "pg_test_cluster: $*" >&2; }

find_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
        echo "$dir"
    elif command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
        pg_config --bindir
    fi
}

as_owner() {
    # Run a server binary as the cluster's owner: `postgres` when we are root.
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

start() {
    local bindir base data port=5432
    bindir=$(find_bindir)
    if [ -z "$bindir" ]; then
        if [ "$(id -u)" != 0 ]; then
            log "no PostgreSQL server found; install Debian's postgresql package (needs root)"
            exit 1
        fi
        log "installing postgresql from Debian"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq --no-install-recommends postgresql >&2
        bindir=$(find_bindir)
        [ -n "$bindir" ] || { log "postgresql installed but initdb not found"; exit 1; }
    fi
    # /tmp, not $TMPDIR: the server user must reach the folder, and a unix socket path
    # must stay under 108 bytes.
    base=$(mktemp -d /tmp/framelens-pg.XXXXXX)
    data="$base/data"
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        chown postgres "$base"
    fi
    as_owner "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
        --no-sync >"$base/initdb.log" 2>&1 || {
        cat "$base/initdb.log" >&2
        exit 1
    }
    as_owner "$bindir/pg_ctl" -D "$data" -l "$base/server.log" -w -t 60 start \
        -o "-c listen_addresses='' -k $base -p $port -c fsync=off -c synchronous_commit=off \
-c full_page_writes=off -c max_connections=200" >&2 || {
        cat "$base/server.log" >&2
        exit 1
    }
    as_owner "$bindir/createdb" -h "$base" -p "$port" -U postgres framelens
    log "cluster running in $base (PostgreSQL $("$bindir/postgres" --version | awk '{print $3}'))"
    echo "export FRAMELENS_TEST_PG_URL='postgresql+psycopg://postgres@/framelens?host=$base&port=$port'"
    echo "export FRAMELENS_TEST_PG_DIR='$base'"
}

stop() {
    local base=${1:-${FRAMELENS_TEST_PG_DIR:-}} bindir
    [ -n "$base" ] && [ -d "$base/data" ] || { log "no cluster folder given"; exit 0; }
    bindir=$(find_bindir)
    as_owner "$bindir/pg_ctl" -D "$base/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$base"
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    *)
        echo "usage: $0 start | stop DIR" >&2
        exit 2
        ;;
esac
