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
# shellcheck disable=SC2317  # the start_* function runs in harness_start_server
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly E2E_DIR
readonly START_TIMEOUT="${WRANGLER_DEV_START_TIMEOUT:-60}"
readonly STOP_TIMEOUT="${WRANGLER_DEV_STOP_TIMEOUT:-10}"
# shellcheck source=lib/harness.sh
. "$E2E_DIR/lib/harness.sh"

harness_init wrangler-dev "wrangler dev" "$@"
shift 2
harness_require_file wrangler.toml
harness_check_timeouts WRANGLER_DEV_START_TIMEOUT WRANGLER_DEV_STOP_TIMEOUT
harness_require_tools curl:curl setsid:util-linux ps:procps ss:iproute2 timeout:coreutils

# Node 22 + wrangler (cached).
tools="$(bash "$E2E_DIR/install-wrangler.sh")" || { log "tool install failed (tests/e2e/install-wrangler.sh)"; exit "$EXIT_STARTUP_FAILED"; }
NODE22_BIN="$(sed -n 's/^NODE22_BIN=//p' <<<"$tools")"
WRANGLER_JS="$(sed -n 's/^WRANGLER_JS=//p' <<<"$tools")"
[[ -x "$NODE22_BIN/node" && -f "$WRANGLER_JS" ]] || { log "install-wrangler.sh printed no usable paths"; exit "$EXIT_STARTUP_FAILED"; }

config_home="$(mktemp -d "${TMPDIR:-/tmp}/wrangler-dev-config.XXXXXX")"
harness_cleanup_paths+=("$config_home")
harness_open_log "${WRANGLER_DEV_LOG:-}"

# --- free ports on 127.0.0.1 -----------------------------------------------
# The Worker's port and the inspector's (wrangler's default inspector port is a fixed 9229, which
# two runs at once would fight over).
read -r port inspector_port < <(harness_free_ports "$NODE22_BIN/node" 2) || true
[[ "${port:-}" =~ ^[0-9]+$ && "${inspector_port:-}" =~ ^[0-9]+$ ]] || startup_failed "could not pick free ports"

# --- start wrangler dev in its own process group ----------------------------
# Runs in a subshell in the project directory (harness_start_server); workerd runs as wrangler's
# child in the group.
start_wrangler() {
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
    exec setsid "$NODE22_BIN/node" "$WRANGLER_JS" dev \
        --local \
        --ip 127.0.0.1 \
        --port "$port" \
        --inspector-ip 127.0.0.1 \
        --inspector-port "$inspector_port" \
        --show-interactive-dev-session=false \
        --live-reload=false \
        --log-level info
}
log "starting wrangler dev in $project_dir on 127.0.0.1:$port (inspector $inspector_port); log: $log_file"
harness_start_server start_wrangler

# --- wait until the Worker answers --------------------------------------------
# Any HTTP status will do: "/" is outside the API's base path (the dispatcher answers 404), and
# wrangler holds requests until the Worker is loaded.
harness_wait_answer "http://127.0.0.1:$port" 5 0.2
harness_log_ready

# --- every listener of the group must be on loopback -------------------------
harness_check_loopback "127.0.0.1:$port"

# --- run the command ----------------------------------------------------------
harness_run_cmd \
    BASE_URL="$harness_base_url" \
    WRANGLER_DEV_LOG="$log_file" \
    WRANGLER_DEV_PORT="$port" \
    -- "$@"
