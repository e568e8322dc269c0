#!/usr/bin/env bash
# Run Cloudflare's real local Workers runtime (`wrangler dev --local`: the Worker bundled by esbuild
# and run in workerd) for a project, run a command against it, then stop it.
#
# Usage:
#   tests/e2e/wrangler-dev.sh PROJECT_DIR -- CMD [ARGS...]
#
# PROJECT_DIR holds wrangler.toml (and .dev.vars, if the Worker needs settings). CMD runs in the
# caller's cwd and PATH, with stdin from /dev/null and these in its environment:
#   BASE_URL          http://127.0.0.1:<port>   (the Worker)
#   WRANGLER_DEV_LOG  wrangler's log file (the Worker's console output lands here)
#   WRANGLER_DEV_PORT
# The script exits with CMD's exit code; if wrangler dev does not come up it prints the log's tail
# and exits 70.
#
# Knobs (environment):
#   WRANGLER_DEV_START_TIMEOUT  seconds to wait for the Worker to answer (default 60)
#   WRANGLER_DEV_STOP_TIMEOUT   seconds between SIGTERM and SIGKILL (default 10)
#   WRANGLER_DEV_LOG            log file to use and keep (default: a temp file, kept only when
#                               startup or CMD fails)
#
# Offline: no login (no Cloudflare credentials reach it, and a private, empty config home), no
# telemetry or error reports, no update check, no request.cf fetch, remote bindings off (--local).
# Every listener (the Worker, the inspector, miniflare's internal ones) must be on loopback: the
# script checks with `ss -ltnp` and fails otherwise.
# shellcheck disable=SC2317  # functions are called from traps
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly E2E_DIR
readonly START_TIMEOUT="${WRANGLER_DEV_START_TIMEOUT:-60}"
readonly STOP_TIMEOUT="${WRANGLER_DEV_STOP_TIMEOUT:-10}"
readonly EXIT_STARTUP_FAILED=70

log() { printf 'wrangler-dev: %s\n' "$*" >&2; }
usage() {
    echo "usage: $0 PROJECT_DIR -- CMD [ARGS...]" >&2
    exit 64
}

[[ $# -ge 3 && "$2" == "--" ]] || usage
project_dir="$(cd "$1" 2>/dev/null && pwd)" || { log "no such project directory: $1"; exit 64; }
shift 2
[[ -f "$project_dir/wrangler.toml" ]] || { log "no wrangler.toml in $project_dir"; exit 64; }
[[ "$START_TIMEOUT" =~ ^[0-9]+$ && "$STOP_TIMEOUT" =~ ^[0-9]+$ ]] ||
    { log "WRANGLER_DEV_START_TIMEOUT / WRANGLER_DEV_STOP_TIMEOUT must be whole seconds"; exit 64; }
for tool in curl:curl setsid:util-linux ps:procps ss:iproute2 timeout:coreutils; do
    command -v "${tool%%:*}" >/dev/null 2>&1 ||
        { log "${tool%%:*} not found on PATH: install it (Debian package ${tool#*:})"; exit 69; }
done

# Node 22 + wrangler (cached).
tools="$(bash "$E2E_DIR/install-wrangler.sh")" || { log "tool install failed (tests/e2e/install-wrangler.sh)"; exit "$EXIT_STARTUP_FAILED"; }
NODE22_BIN="$(sed -n 's/^NODE22_BIN=//p' <<<"$tools")"
WRANGLER_JS="$(sed -n 's/^WRANGLER_JS=//p' <<<"$tools")"
[[ -x "$NODE22_BIN/node" && -f "$WRANGLER_JS" ]] || { log "install-wrangler.sh printed no usable paths"; exit "$EXIT_STARTUP_FAILED"; }

# --- state used by cleanup -------------------------------------------------
server_pid=""
server_pgid=""
cmd_pid=""
keep_log=1
config_home="$(mktemp -d "${TMPDIR:-/tmp}/wrangler-dev-config.XXXXXX")"
if [[ -n "${WRANGLER_DEV_LOG:-}" ]]; then
    log_file="$WRANGLER_DEV_LOG"
    mkdir -p "$(dirname "$log_file")"
    : >"$log_file"
else
    log_file="$(mktemp "${TMPDIR:-/tmp}/wrangler-dev.XXXXXX.log")"
    keep_log=0
fi

# Live (non-zombie) processes of the group: a killed workerd may stay a zombie until init reaps
# it, and `kill -0` would count it.
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
    if ! pid_live "$server_pid"; then
        wait "$server_pid" 2>/dev/null || true
    else
        log "warning: wrangler dev (pid $server_pid) is still running"
    fi
    server_pid=""
    server_pgid=""
    log "stopped wrangler dev in $((SECONDS - stop_start))s"
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
    rm -rf "$config_home"
    if ((keep_log == 0 && rc == 0)); then
        rm -f "$log_file"
    else
        log "wrangler dev log kept at $log_file"
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
# The Worker's port and the inspector's (wrangler's default inspector port is a fixed 9229, which
# two runs at once would fight over). Bind both port-0 sockets at once, print, release.
read -r port inspector_port < <(
    timeout 20 "$NODE22_BIN/node" -e '
        const net = require("node:net");
        const servers = [0, 1].map(() => net.createServer());
        Promise.all(servers.map((s) => new Promise((ok, fail) => {
            s.once("error", fail);
            s.listen(0, "127.0.0.1", ok);
        }))).then(() => {
            console.log(servers.map((s) => s.address().port).join(" "));
            servers.forEach((s) => s.close());
        }, (err) => { console.error(err); process.exit(1); });
    ' </dev/null
) || true
[[ "${port:-}" =~ ^[0-9]+$ && "${inspector_port:-}" =~ ^[0-9]+$ ]] || startup_failed "could not pick free ports"

# --- start wrangler dev in its own process group ----------------------------
log "starting wrangler dev in $project_dir on 127.0.0.1:$port (inspector $inspector_port); log: $log_file"
start_time=$SECONDS
(
    cd "$project_dir"
    # No credentials: local mode needs none, and none may reach it.
    unset CLOUDFLARE_API_TOKEN CLOUDFLARE_API_KEY CLOUDFLARE_EMAIL CLOUDFLARE_ACCOUNT_ID \
        CLOUDFLARE_API_USER_SERVICE_KEY CLOUDFLARE_ACCESS_CLIENT_ID CLOUDFLARE_ACCESS_CLIENT_SECRET \
        CF_API_TOKEN CF_API_KEY CF_EMAIL CF_ACCOUNT_ID WRANGLER_CF_AUTHORIZATION_TOKEN
    # Settings come from wrangler.toml and .dev.vars only, never from this process's environment.
    unset CLOUDFLARE_INCLUDE_PROCESS_ENV CLOUDFLARE_ENV
    # wrangler's global config (an OAuth login, metrics.json with a device id, logs, the dev
    # registry of running Workers) lives in $XDG_CONFIG_HOME/.wrangler: a private, empty one.
    export XDG_CONFIG_HOME="$config_home"
    export WRANGLER_REGISTRY_PATH="$config_home/registry"
    export WRANGLER_SEND_METRICS=false
    export WRANGLER_SEND_ERROR_REPORTS=false
    # request.cf comes from a download from Cloudflare unless this is false (then a fixed mock).
    export CLOUDFLARE_CF_FETCH_ENABLED=false
    # The banner is where wrangler checks the npm registry for a newer version; a few warning and
    # error paths check too, with no switch: point the registry they read at a closed loopback port.
    export WRANGLER_HIDE_BANNER=true
    export npm_config_registry="http://127.0.0.1:9/"
    export CI=true
    export NO_COLOR=1
    export BROWSER=none
    # setsid: new session and process group (this subshell is not a group leader, so setsid
    # execs in place and the pid is also the pgid); workerd runs as wrangler's child in it.
    exec setsid "$NODE22_BIN/node" "$WRANGLER_JS" dev \
        --local \
        --ip 127.0.0.1 \
        --port "$port" \
        --inspector-ip 127.0.0.1 \
        --inspector-port "$inspector_port" \
        --show-interactive-dev-session=false \
        --live-reload=false \
        --log-level info
) </dev/null >"$log_file" 2>&1 &
server_pid=$!

# Find the process group; setsid may need a moment to run.
deadline=$((SECONDS + 5))
while :; do
    server_pgid="$(ps -o pgid= -p "$server_pid" 2>/dev/null | tr -d ' ')" || server_pgid=""
    [[ -n "$server_pgid" && "$server_pgid" == "$server_pid" ]] && break
    if ((SECONDS >= deadline)); then
        [[ -n "$server_pgid" ]] || startup_failed "wrangler dev exited at once"
        # Never signal our own group; fall back to the single process.
        log "warning: wrangler dev is not in its own process group; stopping by pid"
        server_pgid=""
        break
    fi
    sleep 0.05
done

# --- wait until the Worker answers --------------------------------------------
# Any HTTP status will do: "/" is outside the API's base path (the dispatcher answers 404), and
# wrangler holds requests until the Worker is loaded.
base_url="http://127.0.0.1:$port"
deadline=$((SECONDS + START_TIMEOUT))
ready=0
while ((SECONDS < deadline)); do
    pid_live "$server_pid" || startup_failed "wrangler dev exited during startup"
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base_url/" || true)"
    if [[ "$code" =~ ^[1-9][0-9][0-9]$ ]]; then
        ready=1
        break
    fi
    sleep 0.2
done
((ready)) || startup_failed "wrangler dev did not answer on $base_url within ${START_TIMEOUT}s"
log "ready after $((SECONDS - start_time))s at $base_url (GET / -> $code)"

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
log "listening: $(tr '\n' ' ' <<<"$listeners")"
# ss must see our processes (it needs to own them or be root): an empty list proves nothing.
grep -qx "127.0.0.1:$port" <<<"$listeners" ||
    startup_failed "ss -ltnp does not show the Worker's listener 127.0.0.1:$port (cannot check listeners)"
while read -r addr; do
    [[ -z "$addr" ]] && continue
    case "$addr" in
        127.*:* | "[::1]":*) ;;
        *) startup_failed "wrangler dev listens on $addr, not loopback" ;;
    esac
done <<<"$listeners"

# --- run the command ----------------------------------------------------------
# In the background so that a SIGTERM/SIGINT to this script runs the trap at once (bash defers
# traps while a foreground child runs); its stdin is /dev/null.
BASE_URL="$base_url" \
    WRANGLER_DEV_LOG="$log_file" \
    WRANGLER_DEV_PORT="$port" \
    "$@" </dev/null &
cmd_pid=$!
cmd_rc=0
wait "$cmd_pid" || cmd_rc=$?
cmd_pid=""
if ! pid_live "$server_pid"; then
    log "warning: wrangler dev had exited before the command finished; last 30 log lines:"
    tail -n 30 "$log_file" >&2 || true
    keep_log=1
fi
exit "$cmd_rc"
