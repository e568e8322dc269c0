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
# shellcheck disable=SC2317  # the start_* function runs in harness_start_server
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly E2E_DIR
readonly START_TIMEOUT="${VERCEL_DEV_START_TIMEOUT:-90}"
readonly STOP_TIMEOUT="${VERCEL_DEV_STOP_TIMEOUT:-10}"
# shellcheck source=lib/harness.sh
. "$E2E_DIR/lib/harness.sh"

harness_init vercel-dev "vercel dev" "$@"
shift 2
harness_require_file vercel.json
harness_check_timeouts VERCEL_DEV_START_TIMEOUT VERCEL_DEV_STOP_TIMEOUT
harness_require_tools curl:curl setsid:util-linux ps:procps ss:iproute2 timeout:coreutils node:nodejs

# vercel (cached; runs on the node on PATH, >= 20).
tools="$(bash "$E2E_DIR/install-vercel.sh")" ||
    { log "tool install failed (tests/e2e/install-vercel.sh)"; exit "$EXIT_STARTUP_FAILED"; }
VERCEL_BIN="$(sed -n 's/^VERCEL_BIN=//p' <<<"$tools")"
VERCEL_CONFIG_DIR="$(sed -n 's/^VERCEL_CONFIG_DIR=//p' <<<"$tools")"
[[ -x "$VERCEL_BIN" && -d "$VERCEL_CONFIG_DIR" ]] ||
    { log "install-vercel.sh printed no usable paths"; exit "$EXIT_STARTUP_FAILED"; }

harness_open_log "${VERCEL_DEV_LOG:-}"

# --- a free port on 127.0.0.1 -------------------------------------------------
port="$(harness_free_ports node 1)" || true
[[ "${port:-}" =~ ^[0-9]+$ ]] || startup_failed "could not pick a free port"

# --- start vercel dev in its own process group --------------------------------
# Runs in a subshell in the project directory (harness_start_server).
start_vercel() {
    # No credentials, project link or outer vercel dev from the caller's environment.
    unset VERCEL_TOKEN VERCEL_ORG_ID VERCEL_PROJECT_ID __VERCEL_DEV_RUNNING
    export CI=true
    export NO_UPDATE_NOTIFIER=1
    export VERCEL_TELEMETRY_DISABLED=1
    export BROWSER=none
    export FORCE_COLOR=0
    export NO_COLOR=1
    exec setsid "$VERCEL_BIN" dev \
        --local \
        --yes \
        --listen "127.0.0.1:$port" \
        --global-config "$VERCEL_CONFIG_DIR"
}
log "starting vercel dev in $project_dir on 127.0.0.1:$port; log: $log_file"
harness_start_server start_vercel

# --- wait until it answers ------------------------------------------------------
harness_wait_answer "http://127.0.0.1:$port" 5 0.2
if [[ -n "${VERCEL_DEV_READY_PATH:-}" ]]; then
    harness_wait_path "$VERCEL_DEV_READY_PATH" 30
fi
harness_log_ready

# --- every listener of the group must be on loopback ---------------------------
harness_check_loopback "127.0.0.1:$port"

# --- run the command ------------------------------------------------------------
harness_run_cmd \
    BASE_URL="$harness_base_url" \
    VERCEL_DEV_LOG="$log_file" \
    VERCEL_DEV_PORT="$port" \
    -- "$@"
