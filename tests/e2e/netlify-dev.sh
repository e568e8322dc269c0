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
# shellcheck disable=SC2317  # the start_* function runs in harness_start_server
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly E2E_DIR
readonly START_TIMEOUT="${NETLIFY_DEV_START_TIMEOUT:-90}"
readonly STOP_TIMEOUT="${NETLIFY_DEV_STOP_TIMEOUT:-10}"
# shellcheck source=lib/harness.sh
. "$E2E_DIR/lib/harness.sh"

harness_init netlify-dev "netlify dev" "$@"
shift 2
harness_check_timeouts NETLIFY_DEV_START_TIMEOUT NETLIFY_DEV_STOP_TIMEOUT
harness_require_tools curl setsid ps

# Node 22 + netlify-cli (cached); exports NODE22_BIN, NETLIFY_BIN,
# NETLIFY_CONFIG_HOME and puts Node 22 first on PATH for netlify. CMD gets the
# caller's PATH back.
readonly CALLER_PATH="$PATH"
# shellcheck source=install-tools.sh
. "$E2E_DIR/install-tools.sh" </dev/null || { log "tool install failed"; exit "$EXIT_STARTUP_FAILED"; }

harness_open_log "${NETLIFY_DEV_LOG:-}"

# --- free ports on 127.0.0.1 -----------------------------------------------
read -r port functions_port static_port < <(harness_free_ports "$NODE22_BIN/node" 3) || true
[[ "${port:-}" =~ ^[0-9]+$ && "${functions_port:-}" =~ ^[0-9]+$ && "${static_port:-}" =~ ^[0-9]+$ ]] ||
    startup_failed "could not pick free ports"

mkdir -p "$project_dir/public"

# --- start netlify dev in its own process group -----------------------------
preload="--require \"$E2E_DIR/listen-loopback.cjs\""
if [[ "${NETLIFY_DEV_NO_FUNCTION_RETRY:-0}" == 1 ]]; then
    preload="$preload --require \"$E2E_DIR/function-no-retry.cjs\""
fi
# Runs in a subshell in the project directory (harness_start_server).
# shellcheck disable=SC2031  # (install-tools.sh sets CI in its own subshell)
start_netlify() {
    export CI=true
    export NETLIFY_TELEMETRY_DISABLED=1
    export XDG_CONFIG_HOME="$NETLIFY_CONFIG_HOME" # private netlify config (install-tools.sh)
    export NO_UPDATE_NOTIFIER=1
    export BROWSER=none
    export FORCE_COLOR=0
    export NO_COLOR=1
    export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }$preload"
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
}
log "starting netlify dev in $project_dir on 127.0.0.1:$port (functions $functions_port, static $static_port); log: $log_file"
harness_start_server start_netlify

# --- wait until it answers ----------------------------------------------------
harness_wait_answer "http://127.0.0.1:$port" 2 0.2
if [[ -n "${NETLIFY_DEV_READY_PATH:-}" ]]; then
    harness_wait_path "$NETLIFY_DEV_READY_PATH" 10
fi
harness_log_ready

# --- every listener of the group must be on loopback -------------------------
if command -v ss >/dev/null 2>&1; then
    harness_check_loopback ""
fi

# --- run the command (with the caller's PATH) ---------------------------------
harness_run_cmd \
    PATH="$CALLER_PATH" \
    BASE_URL="$harness_base_url" \
    NETLIFY_DEV_LOG="$log_file" \
    NETLIFY_DEV_PORT="$port" \
    NETLIFY_DEV_FUNCTIONS_PORT="$functions_port" \
    NETLIFY_DEV_STATIC_PORT="$static_port" \
    -- "$@"
