#!/usr/bin/env bash
# Run Netlify's real local runtime (`netlify dev`, offline) for a project, run a
# command against it, then stop it.
#
# Usage:
#   tests/e2e/netlify-dev.sh PROJECT_DIR -- CMD [ARGS...]
#
# CMD runs with these in its environment:
#   BASE_URL          http://127.0.0.1:<port>   (netlify dev's proxy: static files,
#                                                redirects, /.netlify/functions/*)
#   NETLIFY_DEV_LOG   netlify dev's log file (function console output lands here)
#   NETLIFY_DEV_PORT, NETLIFY_DEV_FUNCTIONS_PORT, NETLIFY_DEV_STATIC_PORT
# The script exits with CMD's exit code; if netlify dev does not come up it
# prints the log's tail and exits 70.
#
# Knobs (environment):
#   NETLIFY_DEV_START_TIMEOUT  seconds to wait for the server to answer (default 90)
#   NETLIFY_DEV_STOP_TIMEOUT   seconds between SIGTERM and SIGKILL (default 10)
#   NETLIFY_DEV_LOG            log file to use and keep (default: a temp file, kept
#                              only when startup or CMD fails)
#   NETLIFY_DEV_READY_PATH     path that must answer with a status other than 404
#                              before CMD starts (default: none; only "/" must answer)
#   NETLIFY_DEV_NO_FUNCTION_RETRY  1: a 403/404 from a function mounted with `config.path`
#                              is not retried with .html/.htm/index.html paths (see
#                              function-no-retry.cjs; default 0: netlify dev as it is)
#
# Every listener netlify dev opens is forced onto 127.0.0.1 (see
# listen-loopback.cjs); the script fails if it finds one that is not on loopback.
# shellcheck disable=SC2317  # functions are called from traps
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly E2E_DIR
readonly START_TIMEOUT="${NETLIFY_DEV_START_TIMEOUT:-90}"
readonly STOP_TIMEOUT="${NETLIFY_DEV_STOP_TIMEOUT:-10}"
readonly EXIT_STARTUP_FAILED=70

log() { printf 'netlify-dev: %s\n' "$*" >&2; }
usage() {
    echo "usage: $0 PROJECT_DIR -- CMD [ARGS...]" >&2
    exit 64
}

[[ $# -ge 3 && "$2" == "--" ]] || usage
project_dir="$(cd "$1" 2>/dev/null && pwd)" || { log "no such project directory: $1"; exit 64; }
shift 2
[[ "$START_TIMEOUT" =~ ^[0-9]+$ && "$STOP_TIMEOUT" =~ ^[0-9]+$ ]] ||
    { log "NETLIFY_DEV_START_TIMEOUT / NETLIFY_DEV_STOP_TIMEOUT must be whole seconds"; exit 64; }
for tool in curl setsid ps; do
    command -v "$tool" >/dev/null 2>&1 || { log "$tool not found on PATH"; exit 69; }
done

# Node 22 + netlify-cli (cached); exports NODE22_BIN, NETLIFY_BIN,
# NETLIFY_CONFIG_HOME and puts Node 22 first on PATH for netlify. CMD gets the
# caller's PATH back.
readonly CALLER_PATH="$PATH"
# shellcheck source=install-tools.sh
. "$E2E_DIR/install-tools.sh" </dev/null || { log "tool install failed"; exit "$EXIT_STARTUP_FAILED"; }

# --- state used by cleanup -------------------------------------------------
server_pid=""
server_pgid=""
cmd_pid=""
keep_log=1
if [[ -n "${NETLIFY_DEV_LOG:-}" ]]; then
    log_file="$NETLIFY_DEV_LOG"
    mkdir -p "$(dirname "$log_file")"
    : >"$log_file"
else
    log_file="$(mktemp "${TMPDIR:-/tmp}/netlify-dev.XXXXXX.log")"
    keep_log=0
fi

group_alive() { [[ -n "$server_pgid" ]] && kill -0 -- "-$server_pgid" 2>/dev/null; }
server_alive() { group_alive || { [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; }; }
signal_server() {
    [[ -n "$server_pgid" ]] && kill "-$1" -- "-$server_pgid" 2>/dev/null
    [[ -n "$server_pid" ]] && kill "-$1" "$server_pid" 2>/dev/null
    return 0
}

stop_server() {
    [[ -n "$server_pid" ]] || return 0
    local stop_start=$SECONDS deadline
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
    # Reap our direct child, only once it is gone (so this cannot hang).
    if ! kill -0 "$server_pid" 2>/dev/null; then
        wait "$server_pid" 2>/dev/null || true
    else
        log "warning: netlify dev (pid $server_pid) is still running"
    fi
    server_pid=""
    server_pgid=""
    log "stopped netlify dev in $((SECONDS - stop_start))s"
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
        log "netlify dev log kept at $log_file"
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

# --- free ports on 127.0.0.1 -----------------------------------------------
# Bind three port-0 sockets at once (so they are distinct), print, release.
read -r port functions_port static_port < <(
    timeout 20 "$NODE22_BIN/node" -e '
        const net = require("node:net");
        const servers = [0, 1, 2].map(() => net.createServer());
        Promise.all(servers.map((s) => new Promise((ok, fail) => {
            s.once("error", fail);
            s.listen(0, "127.0.0.1", ok);
        }))).then(() => {
            console.log(servers.map((s) => s.address().port).join(" "));
            servers.forEach((s) => s.close());
        }, (err) => { console.error(err); process.exit(1); });
    ' </dev/null
) || true
[[ "${port:-}" =~ ^[0-9]+$ && "${functions_port:-}" =~ ^[0-9]+$ && "${static_port:-}" =~ ^[0-9]+$ ]] ||
    startup_failed "could not pick free ports"

mkdir -p "$project_dir/public"

# --- start netlify dev in its own process group -----------------------------
preload="--require \"$E2E_DIR/listen-loopback.cjs\""
if [[ "${NETLIFY_DEV_NO_FUNCTION_RETRY:-0}" == 1 ]]; then
    preload="$preload --require \"$E2E_DIR/function-no-retry.cjs\""
fi
log "starting netlify dev in $project_dir on 127.0.0.1:$port (functions $functions_port, static $static_port); log: $log_file"
start_time=$SECONDS
# shellcheck disable=SC2031  # (install-tools.sh sets CI in its own subshell)
(
    cd "$project_dir"
    export CI=true
    export NETLIFY_TELEMETRY_DISABLED=1
    export XDG_CONFIG_HOME="$NETLIFY_CONFIG_HOME" # private netlify config (install-tools.sh)
    export NO_UPDATE_NOTIFIER=1
    export BROWSER=none
    export FORCE_COLOR=0
    export NO_COLOR=1
    export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }$preload"
    # setsid: new session and process group (this subshell is not a group
    # leader, so setsid execs in place and the pid is also the pgid).
    exec setsid "$NETLIFY_BIN" dev \
        --offline \
        --internal-disable-edge-functions \
        --no-open \
        --skip-gitignore \
        --framework '#static' \
        --dir public \
        --port "$port" \
        --functions-port "$functions_port" \
        --staticServerPort "$static_port"
) </dev/null >"$log_file" 2>&1 &
server_pid=$!

# Find the process group; setsid may need a moment to run.
deadline=$((SECONDS + 5))
while :; do
    server_pgid="$(ps -o pgid= -p "$server_pid" 2>/dev/null | tr -d ' ')" || server_pgid=""
    [[ -n "$server_pgid" && "$server_pgid" == "$server_pid" ]] && break
    if ((SECONDS >= deadline)); then
        if [[ -z "$server_pgid" ]]; then
            startup_failed "netlify dev exited at once"
        fi
        # Never signal our own group; fall back to the single process.
        log "warning: netlify dev is not in its own process group; stopping by pid"
        server_pgid="$server_pid"
        break
    fi
    sleep 0.05
done

# --- wait until it answers ----------------------------------------------------
base_url="http://127.0.0.1:$port"
deadline=$((SECONDS + START_TIMEOUT))
ready=0
while ((SECONDS < deadline)); do
    kill -0 "$server_pid" 2>/dev/null || startup_failed "netlify dev exited during startup"
    if curl -s -o /dev/null --max-time 2 "$base_url/"; then
        ready=1
        break
    fi
    sleep 0.2
done
((ready)) || startup_failed "netlify dev did not answer on $base_url within ${START_TIMEOUT}s"

if [[ -n "${NETLIFY_DEV_READY_PATH:-}" ]]; then
    ready=0
    while ((SECONDS < deadline)); do
        kill -0 "$server_pid" 2>/dev/null || startup_failed "netlify dev exited during startup"
        code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$base_url$NETLIFY_DEV_READY_PATH" || true)"
        if [[ "$code" =~ ^[1-9][0-9][0-9]$ && "$code" != 404 ]]; then
            ready=1
            break
        fi
        sleep 0.2
    done
    ((ready)) || startup_failed "$NETLIFY_DEV_READY_PATH did not answer (non-404) within ${START_TIMEOUT}s"
fi
log "ready after $((SECONDS - start_time))s at $base_url"

# --- every listener of the group must be on loopback -------------------------
if command -v ss >/dev/null 2>&1; then
    group_pids="$(ps -eo pid=,pgid= | awk -v g="$server_pgid" '$2 == g { print $1 }')"
    listeners="$(ss -Hltnp 2>/dev/null | while read -r _ _ _ local_addr _ procs; do
        for p in $group_pids; do
            if [[ "$procs" == *"pid=$p,"* ]]; then echo "$local_addr"; break; fi
        done
    done | sort -u)"
    log "listening: $(tr '\n' ' ' <<<"$listeners")"
    while read -r addr; do
        [[ -z "$addr" ]] && continue
        case "$addr" in
            127.*:* | "[::1]":* | localhost:*) ;;
            *) startup_failed "netlify dev listens on $addr, not loopback" ;;
        esac
    done <<<"$listeners"
fi

# --- run the command ----------------------------------------------------------
# In the background so that a SIGTERM/SIGINT to this script runs the trap at
# once (bash defers traps while a foreground child runs); its stdin is
# /dev/null.
PATH="$CALLER_PATH" \
    BASE_URL="$base_url" \
    NETLIFY_DEV_LOG="$log_file" \
    NETLIFY_DEV_PORT="$port" \
    NETLIFY_DEV_FUNCTIONS_PORT="$functions_port" \
    NETLIFY_DEV_STATIC_PORT="$static_port" \
    "$@" </dev/null &
cmd_pid=$!
cmd_rc=0
wait "$cmd_pid" || cmd_rc=$?
cmd_pid=""
if ! kill -0 "$server_pid" 2>/dev/null; then
    log "warning: netlify dev had exited before the command finished; last 30 log lines:"
    tail -n 30 "$log_file" >&2 || true
    keep_log=1
fi
exit "$cmd_rc"
