#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: Debian's `postgresql` package (installed with
# apt-get when no /usr/lib/postgresql/*/bin/initdb exists), a temporary data directory, listening
# on 127.0.0.1 only (its Unix socket inside the data directory), trust auth for user `postgres`,
# fsync off. initdb refuses to run as root: as root, the server runs as the `postgres` user.
#
# Usage:
#   tests/e2e/postgres.sh start DB       makes a data dir, starts the server on a free port,
#                                        creates database DB; prints DIR=<dir> and
#                                        DATABASE_URL=postgres://postgres@127.0.0.1:<port>/DB
#   tests/e2e/postgres.sh stop DIR       stops the server (fast shutdown), keeps DIR
#   tests/e2e/postgres.sh restart DIR    starts the stopped server again, same port
#   tests/e2e/postgres.sh destroy DIR    stops it if running and removes DIR
# Every wait is bounded (pg_ctl -t). Exit 70 when the server cannot be started.
set -euo pipefail
exec </dev/null

readonly TIMEOUT="${POSTGRES_START_TIMEOUT:-60}"
log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 70
}

bin_dir() {
    local dirs
    dirs="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -z "$dirs" || ! -x "$dirs/initdb" ]]; then
        [[ "$(id -u)" == 0 ]] || die "no PostgreSQL (/usr/lib/postgresql/*/bin/initdb): apt-get install postgresql"
        log "installing Debian's postgresql package (apt-get)"
        (
            flock -w 600 9 || die "apt lock wait timed out"
            DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2 ||
                { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2; }
        ) 9>/tmp/scaffold-e2e-apt.lock
        dirs="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    fi
    printf '%s\n' "$dirs"
}

# as_pg CMD...: CMD as the data directory's owner (the `postgres` user when we are root).
as_pg() {
    if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
    node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();})'
}

pg_start() {
    local dir="$1" bin port
    bin="$(cat "$dir/bin")"
    port="$(cat "$dir/port")"
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t "$TIMEOUT" \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >&2 || { tail -n 30 "$dir/server.log" >&2 || true; die "the server did not start"; }
}

case "${1:-}" in
start)
    db="${2:?usage: postgres.sh start DB}"
    [[ "$db" =~ ^[a-z][a-z0-9_]{0,30}$ ]] || die "bad database name: $db"
    bin="$(bin_dir)"
    dir="$(mktemp -d /tmp/scaffold-pg.XXXXXX)"
    chmod 0755 "$dir"
    printf '%s\n' "$bin" >"$dir/bin"
    free_port >"$dir/port"
    [[ "$(id -u)" == 0 ]] && chown -R postgres: "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    pg_start "$dir"
    port="$(cat "$dir/port")"
    as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db" >&2 || die "createdb failed"
    # Loopback only: the server's listening sockets.
    if command -v ss >/dev/null; then
        pid="$(head -n 1 "$dir/data/postmaster.pid")"
        if ss -ltnp 2>/dev/null | grep "pid=$pid," | grep -qv '127.0.0.1:'; then
            die "the server listens beyond 127.0.0.1"
        fi
    fi
    log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir)"
    printf 'DIR=%s\nDATABASE_URL=postgres://postgres@127.0.0.1:%s/%s\n' "$dir" "$port" "$db"
    ;;
stop)
    dir="${2:?usage: postgres.sh stop DIR}"
    as_pg "$(cat "$dir/bin")/pg_ctl" -D "$dir/data" -m fast -w -t "$TIMEOUT" stop >&2
    ;;
restart)
    dir="${2:?usage: postgres.sh restart DIR}"
    pg_start "$dir"
    ;;
destroy)
    dir="${2:?usage: postgres.sh destroy DIR}"
    [[ "$dir" == /tmp/scaffold-pg.* && -d "$dir" ]] || die "not a data dir of this script: $dir"
    if [[ -f "$dir/data/postmaster.pid" ]]; then
        as_pg "$(cat "$dir/bin")/pg_ctl" -D "$dir/data" -m immediate -w -t "$TIMEOUT" stop >&2 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: postgres.sh start DB | stop DIR | restart DIR | destroy DIR" >&2
    exit 2
    ;;
esac
