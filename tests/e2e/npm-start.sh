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
# shellcheck disable=SC2317  # the start_* function runs in harness_start_server
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly E2E_DIR
readonly START_TIMEOUT="${NPM_START_TIMEOUT:-30}"
readonly STOP_TIMEOUT="${NPM_START_STOP_TIMEOUT:-10}"
# shellcheck source=lib/harness.sh
. "$E2E_DIR/lib/harness.sh"

harness_init npm-start "npm start" "$@"
shift 2
harness_require_file package.json
harness_check_timeouts NPM_START_TIMEOUT NPM_START_STOP_TIMEOUT
harness_require_tools node npm curl setsid ps ss:iproute2 timeout:coreutils

harness_open_log "${NPM_START_LOG:-}"

# --- a free port on 127.0.0.1 -----------------------------------------------
port="$(harness_free_ports node 1)" || true
[[ "${port:-}" =~ ^[0-9]+$ ]] || startup_failed "could not pick a free port"

# --- start npm start in its own process group --------------------------------
# Runs in a subshell in the project directory (harness_start_server); sh and node run as npm's
# children in the group.
start_npm() {
    export HOST=127.0.0.1 PORT="$port"
    export CI=true npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
    exec setsid npm start
}
log "starting npm start in $project_dir on 127.0.0.1:$port; log: $log_file"
harness_start_server start_npm

# --- wait until the server answers ----------------------------------------------
# Any HTTP status will do: "/" is outside the API's base path (404 from the dispatcher or the
# local server).
harness_wait_answer "http://127.0.0.1:$port" 5 0.1
harness_log_ready

# --- every listener of the group must be on loopback -------------------------
harness_check_loopback "127.0.0.1:$port"

# --- run the command ----------------------------------------------------------
harness_run_cmd \
    BASE_URL="$harness_base_url" \
    NPM_START_LOG="$log_file" \
    NPM_START_PORT="$port" \
    -- "$@"
