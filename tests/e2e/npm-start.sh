#!/usr/bin/env bash
# Run a generated project's own local server (`npm start`, i.e. its local/server.js: aws-lambda and
# azure-functions projects) on a free port of 127.0.0.1, run a command against it, then stop it.
#
# Usage:
#   tests/e2e/npm-start.sh PROJECT_DIR -- CMD [ARGS...]
#
# PROJECT_DIR holds package.json with a `start` script that listens on $HOST:$PORT, and its
# node_modules. The server gets this script's environment (the project's settings, e.g. JWT_ISSUER,
# JWT_AUDIENCE, JWT_JWKS_URL) plus HOST=127.0.0.1 and PORT. CMD runs in the caller's cwd and PATH,
# with stdin from /dev/null and these in its environment:
#   BASE_URL        http://127.0.0.1:<port>
#   NPM_START_LOG   the server's log file (the function's console output lands here)
#   NPM_START_PORT
# The script exits with CMD's exit code; if the server does not come up it prints the log's tail
# and exits 70.
#
# Knobs (environment):
#   NPM_START_TIMEOUT       seconds to wait for the server to answer (default 30)
#   NPM_START_STOP_TIMEOUT  seconds between SIGTERM and SIGKILL (default 10)
#   NPM_START_LOG           log file to use and keep (default: a temp file, kept only when startup
#                           or CMD fails)
#
# npm runs `sh -c "node local/server.js"`, so the server is a grandchild: the script starts npm in
# a process group of its own (setsid) and stops the whole group. Every listener of the group must
# be on loopback: the script checks with `ss -ltnp` and fails otherwise.
# shellcheck disable=SC2317  # functions are called from traps
set -euo pipefail

readonly START_TIMEOUT="${NPM_START_TIMEOUT:-30}"
readonly STOP_TIMEOUT="${NPM_START_STOP_TIMEOUT:-10}"
readonly EXIT_STARTUP_FAILED=70

log() { printf 'npm-start: %s\n' "$*" >&2; }
usage() {
    echo "usage: $0 PROJECT_DIR -- CMD [ARGS...]" >&2
    exit 64
}

[[ $# -ge 3 && "$2" == "--" ]] || usage
project_dir="$(cd "$1" 2>/dev/null && pwd)" || { log "no such project directory: $1"; exit 64; }
shift 2
[[ -f "$project_dir/package.json" ]] || { log "no package.json in $project_dir"; exit 64; }
[[ "$START_TIMEOUT" =~ ^[0-9]+$ && "$STOP_TIMEOUT" =~ ^[0-9]+$ ]] ||
    { log "NPM_START_TIMEOUT / NPM_START_STOP_TIMEOUT must be whole seconds"; exit 64; }
for tool in node npm curl setsid ps ss:iproute2 timeout:coreutils; do
    command -v "${tool%%:*}" >/dev/null 2>&1 ||
        { log "${tool%%:*} not found on PATH${tool#*:}"; exit 69; }
done

# --- state used by cleanup -------------------------------------------------
server_pid=""
server_pgid=""
cmd_pid=""
keep_log=1
if [[ -n "${NPM_START_LOG:-}" ]]; then
    log_file="$NPM_START_LOG"
    mkdir -p "$(dirname "$log_file")"
    : >"$log_file"
else
    log_file="$(mktemp "${TMPDIR:-/tmp}/npm-start.XXXXXX.log")"
    keep_log=0
fi

# Live (non-zombie) processes of the group.
group_alive() {
    [[ -n "$server_pgid" ]] &&
        ps -eo pgid=,stat= | awk -v g="$server_pgid" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}
pid_live() { [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null && [[ "$(ps -o stat= -p "$1" 2>/dev/null)" != Z* ]]; }
server_alive() { group_alive || pid_live "$server_pid"; }
signal_server() {
    [[ -n "$server_pgid" ]] && kill "-$1" -- "-$server_pgid" 2>/dev/null
    [[ -n "$server_pid" ]] && kill "-$1" "$server_pid" 2>/dev/null
    return 0
}

stop_server() {
    [[ -n "$server_pid" ]] || return 0
    local deadline
    if server_alive; then
        signal_server TERM
        deadline=$((SECONDS + STOP_TIMEOUT))
        while server_alive && ((SECONDS < deadline)); do sleep 0.1; done
        if server_alive; then
            log "server did not stop within ${STOP_TIMEOUT}s; sending SIGKILL"
            signal_server KILL
            deadline=$((SECONDS + 5))
            while server_alive && ((SECONDS < deadline)); do sleep 0.1; done
        fi
    fi
    if ! pid_live "$server_pid"; then
        wait "$server_pid" 2>/dev/null || true
    else
        log "warning: npm start (pid $server_pid) is still running"
    fi
    server_pid=""
    server_pgid=""
}

stop_cmd() {
    [[ -n "$cmd_pid" ]] || return 0
    if kill -0 "$cmd_pid" 2>/dev/null; then
        kill -TERM "$cmd_pid" 2>/dev/null || true
        local deadline=$((SECONDS + STOP_TIMEOUT))
        while kill -0 "$cmd_pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
        kill -KILL "$cmd_pid" 2>/dev/null || true
    fi
    wait "$cmd_pid" 2>/dev/null || true
    cmd_pid=""
}

on_exit() {
    local rc=$?
    trap - EXIT INT TERM HUP
    stop_cmd
    stop_server
    if ((keep_log == 0 && rc == 0)); then
        rm -f "$log_file"
    else
        log "server log kept at $log_file"
    fi
    exit "$rc"
}
trap on_exit EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM
trap 'log "hangup"; exit 129' HUP

startup_failed() {
    log "error: $*"
    log "---- last 60 lines of $log_file ----"
    tail -n 60 "$log_file" >&2 || true
    log "-------------------------------------"
    keep_log=1
    exit "$EXIT_STARTUP_FAILED"
}

# --- a free port on 127.0.0.1 -----------------------------------------------
port="$(timeout 20 node -e '
    const s = require("node:net").createServer();
    s.once("error", (err) => { console.error(err); process.exit(1); });
    s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });
' </dev/null)" || true
[[ "${port:-}" =~ ^[0-9]+$ ]] || startup_failed "could not pick a free port"

# --- start npm start in its own process group --------------------------------
log "starting npm start in $project_dir on 127.0.0.1:$port; log: $log_file"
start_ms=$(date +%s%3N)
(
    cd "$project_dir"
    export HOST=127.0.0.1 PORT="$port"
    export CI=true npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
    # setsid: new session and process group (this subshell is not a group leader, so setsid execs
    # in place and the pid is also the pgid); sh and node run as npm's children in it.
    exec setsid npm start
) </dev/null >"$log_file" 2>&1 &
server_pid=$!

deadline=$((SECONDS + 5))
while :; do
    server_pgid="$(ps -o pgid= -p "$server_pid" 2>/dev/null | tr -d ' ')" || server_pgid=""
    [[ -n "$server_pgid" && "$server_pgid" == "$server_pid" ]] && break
    if ((SECONDS >= deadline)); then
        [[ -n "$server_pgid" ]] || startup_failed "npm start exited at once"
        # Never signal our own group; fall back to the single process.
        log "warning: npm start is not in its own process group; stopping by pid"
        server_pgid=""
        break
    fi
    sleep 0.05
done

# --- wait until the server answers ----------------------------------------------
# Any HTTP status will do: "/" is outside the API's base path (404 from the dispatcher or the
# local server).
base_url="http://127.0.0.1:$port"
deadline=$((SECONDS + START_TIMEOUT))
ready=0
while ((SECONDS < deadline)); do
    pid_live "$server_pid" || startup_failed "npm start exited during startup"
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base_url/" || true)"
    if [[ "$code" =~ ^[1-9][0-9][0-9]$ ]]; then
        ready=1
        break
    fi
    sleep 0.1
done
((ready)) || startup_failed "npm start did not answer on $base_url within ${START_TIMEOUT}s"
log "ready after $(($(date +%s%3N) - start_ms)) ms at $base_url (GET / -> $code)"

# --- every listener of the group must be on loopback -------------------------
if [[ -n "$server_pgid" ]]; then
    group_pids="$(ps -eo pid=,pgid= | awk -v g="$server_pgid" '$2 == g { print $1 }')"
else
    group_pids="$server_pid"
fi
listeners="$(ss -Hltnp 2>/dev/null | while read -r _ _ _ local_addr _ procs; do
    for p in $group_pids; do
        if [[ "$procs" == *"pid=$p,"* ]]; then echo "$local_addr"; break; fi
    done
done | sort -u)"
# ss must see our processes (it needs to own them or be root): an empty list proves nothing.
grep -qx "127.0.0.1:$port" <<<"$listeners" ||
    startup_failed "ss -ltnp does not show the server's listener 127.0.0.1:$port (cannot check listeners)"
while read -r addr; do
    [[ -z "$addr" ]] && continue
    case "$addr" in
        127.*:* | "[::1]":*) ;;
        *) startup_failed "the server listens on $addr, not loopback" ;;
    esac
done <<<"$listeners"

# --- run the command ----------------------------------------------------------
# In the background so that a SIGTERM/SIGINT to this script runs the trap at once (bash defers
# traps while a foreground child runs); its stdin is /dev/null.
BASE_URL="$base_url" \
    NPM_START_LOG="$log_file" \
    NPM_START_PORT="$port" \
    "$@" </dev/null &
cmd_pid=$!
cmd_rc=0
wait "$cmd_pid" || cmd_rc=$?
cmd_pid=""
if ! pid_live "$server_pid"; then
    log "warning: npm start had exited before the command finished; last 30 log lines:"
    tail -n 30 "$log_file" >&2 || true
    keep_log=1
fi
exit "$cmd_rc"
