#!/usr/bin/env bash
# Run Vercel's real local runtime (`vercel dev --local`: no project link, no login) for a project,
# run a command against it, then stop it.
#
# Usage:
#   tests/e2e/vercel-dev.sh PROJECT_DIR -- CMD [ARGS...]
#
# PROJECT_DIR holds vercel.json (and .env, if the functions need settings: vercel dev loads it).
# CMD runs in the caller's cwd and PATH, with stdin from /dev/null and these in its environment:
#   BASE_URL         http://127.0.0.1:<port>   (vercel dev: public/, rewrites, api/ functions)
#   VERCEL_DEV_LOG   vercel dev's log file (function console output lands here)
#   VERCEL_DEV_PORT
# The script exits with CMD's exit code; if vercel dev does not come up it prints the log's tail
# and exits 70.
#
# Knobs (environment):
#   VERCEL_DEV_START_TIMEOUT  seconds to wait for the server to answer (default 90)
#   VERCEL_DEV_STOP_TIMEOUT   seconds between SIGTERM and SIGKILL (default 10)
#   VERCEL_DEV_LOG            log file to use and keep (default: a temp file, kept only when
#                             startup or CMD fails)
#   VERCEL_DEV_READY_PATH     path that must answer with a status other than 404 before CMD
#                             starts (default: none; only "/" must answer)
#
# Offline: --local (no project link, so no API calls and no env pulled from Vercel), a private
# global config directory (-Q), no Vercel credentials or project ids from the caller's
# environment, no update check, no telemetry. Every listener (the server, its local Queues and
# Runtime Cache servers, each function's process) must be on loopback: the script checks with
# `ss -ltnp` and fails otherwise.
# shellcheck disable=SC2317  # functions are called from traps
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly E2E_DIR
readonly START_TIMEOUT="${VERCEL_DEV_START_TIMEOUT:-90}"
readonly STOP_TIMEOUT="${VERCEL_DEV_STOP_TIMEOUT:-10}"
readonly EXIT_STARTUP_FAILED=70

log() { printf 'vercel-dev: %s\n' "$*" >&2; }
usage() {
    echo "usage: $0 PROJECT_DIR -- CMD [ARGS...]" >&2
    exit 64
}

[[ $# -ge 3 && "$2" == "--" ]] || usage
project_dir="$(cd "$1" 2>/dev/null && pwd)" || { log "no such project directory: $1"; exit 64; }
shift 2
[[ -f "$project_dir/vercel.json" ]] || { log "no vercel.json in $project_dir"; exit 64; }
[[ "$START_TIMEOUT" =~ ^[0-9]+$ && "$STOP_TIMEOUT" =~ ^[0-9]+$ ]] ||
    { log "VERCEL_DEV_START_TIMEOUT / VERCEL_DEV_STOP_TIMEOUT must be whole seconds"; exit 64; }
for tool in curl:curl setsid:util-linux ps:procps ss:iproute2 timeout:coreutils node:nodejs; do
    command -v "${tool%%:*}" >/dev/null 2>&1 ||
        { log "${tool%%:*} not found on PATH: install it (Debian package ${tool#*:})"; exit 69; }
done

# vercel (cached; runs on the node on PATH, >= 20).
tools="$(bash "$E2E_DIR/install-vercel.sh")" ||
    { log "tool install failed (tests/e2e/install-vercel.sh)"; exit "$EXIT_STARTUP_FAILED"; }
VERCEL_BIN="$(sed -n 's/^VERCEL_BIN=//p' <<<"$tools")"
VERCEL_CONFIG_DIR="$(sed -n 's/^VERCEL_CONFIG_DIR=//p' <<<"$tools")"
[[ -x "$VERCEL_BIN" && -d "$VERCEL_CONFIG_DIR" ]] ||
    { log "install-vercel.sh printed no usable paths"; exit "$EXIT_STARTUP_FAILED"; }

# --- state used by cleanup -------------------------------------------------
server_pid=""
server_pgid=""
cmd_pid=""
keep_log=1
if [[ -n "${VERCEL_DEV_LOG:-}" ]]; then
    log_file="$VERCEL_DEV_LOG"
    mkdir -p "$(dirname "$log_file")"
    : >"$log_file"
else
    log_file="$(mktemp "${TMPDIR:-/tmp}/vercel-dev.XXXXXX.log")"
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
    if ! kill -0 "$server_pid" 2>/dev/null; then
        wait "$server_pid" 2>/dev/null || true
    else
        log "warning: vercel dev (pid $server_pid) is still running"
    fi
    server_pid=""
    server_pgid=""
    log "stopped vercel dev in $((SECONDS - stop_start))s"
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
        log "vercel dev log kept at $log_file"
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

# --- a free port on 127.0.0.1 -------------------------------------------------
port="$(timeout 20 node -e '
    const s = require("node:net").createServer();
    s.once("error", (err) => { console.error(err); process.exit(1); });
    s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });
' </dev/null)" || true
[[ "${port:-}" =~ ^[0-9]+$ ]] || startup_failed "could not pick a free port"

# --- start vercel dev in its own process group --------------------------------
log "starting vercel dev in $project_dir on 127.0.0.1:$port; log: $log_file"
start_time=$SECONDS
(
    cd "$project_dir"
    # No credentials, project link or outer vercel dev from the caller's environment.
    unset VERCEL_TOKEN VERCEL_ORG_ID VERCEL_PROJECT_ID __VERCEL_DEV_RUNNING
    export CI=true
    export NO_UPDATE_NOTIFIER=1
    export VERCEL_TELEMETRY_DISABLED=1
    export BROWSER=none
    export FORCE_COLOR=0
    export NO_COLOR=1
    # setsid: new session and process group (this subshell is not a group leader, so setsid
    # execs in place and the pid is also the pgid).
    exec setsid "$VERCEL_BIN" dev \
        --local \
        --yes \
        --listen "127.0.0.1:$port" \
        --global-config "$VERCEL_CONFIG_DIR"
) </dev/null >"$log_file" 2>&1 &
server_pid=$!

deadline=$((SECONDS + 5))
while :; do
    server_pgid="$(ps -o pgid= -p "$server_pid" 2>/dev/null | tr -d ' ')" || server_pgid=""
    [[ -n "$server_pgid" && "$server_pgid" == "$server_pid" ]] && break
    if ((SECONDS >= deadline)); then
        [[ -n "$server_pgid" ]] || startup_failed "vercel dev exited at once"
        log "warning: vercel dev is not in its own process group; stopping by pid"
        server_pgid="$server_pid"
        break
    fi
    sleep 0.05
done

# --- wait until it answers ------------------------------------------------------
base_url="http://127.0.0.1:$port"
deadline=$((SECONDS + START_TIMEOUT))
ready=0
while ((SECONDS < deadline)); do
    kill -0 "$server_pid" 2>/dev/null || startup_failed "vercel dev exited during startup"
    if curl -s -o /dev/null --max-time 5 "$base_url/"; then
        ready=1
        break
    fi
    sleep 0.2
done
((ready)) || startup_failed "vercel dev did not answer on $base_url within ${START_TIMEOUT}s"

if [[ -n "${VERCEL_DEV_READY_PATH:-}" ]]; then
    ready=0
    while ((SECONDS < deadline)); do
        kill -0 "$server_pid" 2>/dev/null || startup_failed "vercel dev exited during startup"
        code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$base_url$VERCEL_DEV_READY_PATH" || true)"
        if [[ "$code" =~ ^[1-9][0-9][0-9]$ && "$code" != 404 ]]; then
            ready=1
            break
        fi
        sleep 0.2
    done
    ((ready)) || startup_failed "$VERCEL_DEV_READY_PATH did not answer (non-404) within ${START_TIMEOUT}s"
fi
log "ready after $((SECONDS - start_time))s at $base_url"

# --- every listener of the group must be on loopback ---------------------------
group_pids="$(ps -eo pid=,pgid= | awk -v g="$server_pgid" '$2 == g { print $1 }')"
listeners="$(ss -Hltnp 2>/dev/null | while read -r _ _ _ local_addr _ procs; do
    for p in $group_pids; do
        if [[ "$procs" == *"pid=$p,"* ]]; then echo "$local_addr"; break; fi
    done
done | sort -u)"
[[ -n "$listeners" ]] || startup_failed "ss shows no listener of vercel dev (pgid $server_pgid)"
log "listening: $(tr '\n' ' ' <<<"$listeners")"
while read -r addr; do
    case "$addr" in
        127.*:* | "[::1]":*) ;;
        *) startup_failed "vercel dev listens on $addr, not loopback" ;;
    esac
done <<<"$listeners"

# --- run the command ------------------------------------------------------------
# In the background so that a SIGTERM/SIGINT to this script runs the trap at once (bash defers
# traps while a foreground child runs).
BASE_URL="$base_url" \
    VERCEL_DEV_LOG="$log_file" \
    VERCEL_DEV_PORT="$port" \
    "$@" </dev/null &
cmd_pid=$!
cmd_rc=0
wait "$cmd_pid" || cmd_rc=$?
cmd_pid=""
if ! kill -0 "$server_pid" 2>/dev/null; then
    log "warning: vercel dev had exited before the command finished; last 30 log lines:"
    tail -n 30 "$log_file" >&2 || true
    keep_log=1
fi
exit "$cmd_rc"
