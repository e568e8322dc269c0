#!/usr/bin/env bash
# Start a local database engine for a generated project on a free port of 127.0.0.1, run a command
# against it, then stop it: the project's own `npm run db:local` command line (from its
# package.json: the README's), with only its port replaced by a free one, run with the engine at
# the version the project pins, installed into the tool cache by tests/e2e/install-db-engine.sh
# (the project's node_modules need not hold it).
#
# Usage:
#   DB_ENGINE=dynalite|azurite tests/e2e/db-engine.sh PROJECT_DIR -- CMD [ARGS...]
#
#   dynalite   DynamoDB's API, in memory. CMD gets DYNAMODB_ENDPOINT (http://127.0.0.1:<port>);
#              the table is the project's to create (`npm run db:create-table`).
#   azurite    Azure Storage's official emulator, its Table service only, in memory. CMD gets
#              AZURE_STORAGE_CONNECTION_STRING (the emulator's well-known development account,
#              published in Azurite's documentation; no secret), the table is made on first use.
#
# Both also get DB_ENGINE_URL (the engine's origin), DB_ENGINE_PORT and DB_ENGINE_LOG. CMD runs in
# the caller's cwd with stdin from /dev/null; the script exits with its code, or 70 if the engine
# does not come up (the log's tail is printed). The engine runs in a process group of its own,
# stopped as a whole on exit; every listener of the group must be on loopback (`ss -ltnp`).
#
# Knobs (environment): DB_ENGINE_TIMEOUT (seconds to wait for the engine, default 60),
# DB_ENGINE_STOP_TIMEOUT (seconds between SIGTERM and SIGKILL, default 10), DB_ENGINE_LOG (a log
# file to keep; default a temp file kept only on failure).
# shellcheck disable=SC2317  # the start_* function runs in harness_start_server
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly E2E_DIR
readonly START_TIMEOUT="${DB_ENGINE_TIMEOUT:-60}"
readonly STOP_TIMEOUT="${DB_ENGINE_STOP_TIMEOUT:-10}"
# shellcheck source=lib/harness.sh
. "$E2E_DIR/lib/harness.sh"

harness_init db-engine "${DB_ENGINE:-the database engine}" "$@"
shift 2
harness_check_timeouts DB_ENGINE_TIMEOUT DB_ENGINE_STOP_TIMEOUT
harness_require_tools node npm curl setsid ps ss:iproute2 timeout:coreutils
# The command `db:local` must start, and the flag that takes its port.
case "${DB_ENGINE:-}" in
    dynalite) engine_bin=dynalite port_flag=--port ;;
    azurite) engine_bin=azurite-table port_flag=--tablePort ;;
    *) log "set DB_ENGINE to dynalite or azurite"; exit 64 ;;
esac
harness_require_file package.json
db_local="$(cd "$project_dir" && node -p 'require("./package.json").scripts?.["db:local"] ?? ""')"
read -r -a db_local_words <<<"$db_local"
[[ "${db_local_words[0]:-}" == "$engine_bin" ]] ||
    { log "the project's db:local script is '$db_local', not a $engine_bin command line"; exit 64; }

# --- the engine, pinned, from the tool cache ---------------------------------
engine_vars="$(bash "$E2E_DIR/install-db-engine.sh" "$DB_ENGINE")" || { log "installing $DB_ENGINE failed"; exit 69; }
ENGINE_NODE="$(sed -n 's/^ENGINE_NODE=//p' <<<"$engine_vars")"
ENGINE_JS="$(sed -n 's/^ENGINE_JS=//p' <<<"$engine_vars")"
[[ -x "$ENGINE_NODE" && -f "$ENGINE_JS" ]] || { log "install-db-engine.sh printed no engine: $engine_vars"; exit 69; }

harness_open_log "${DB_ENGINE_LOG:-}"

port="$(harness_free_ports node 1)" || true
[[ "${port:-}" =~ ^[0-9]+$ ]] || startup_failed "could not pick a free port"
# The engine's working directory (neither should write there in memory; if one does, it goes).
workspace="$(mktemp -d "${TMPDIR:-/tmp}/db-engine-$DB_ENGINE.XXXXXX")"
harness_cleanup_paths+=("$workspace")

# db:local's arguments, its port replaced (it must name one: the README's commands point there).
engine_args=("${db_local_words[@]:1}")
replaced=0
for i in "${!engine_args[@]}"; do
    if [[ "${engine_args[$i]}" == "$port_flag" && $((i + 1)) -lt ${#engine_args[@]} ]]; then
        engine_args[i + 1]="$port"
        replaced=1
    fi
done
((replaced)) || { log "the project's db:local script sets no $port_flag: '$db_local'"; exit 64; }

start_engine() {
    cd "$workspace" || exit
    exec setsid "$ENGINE_NODE" "$ENGINE_JS" "${engine_args[@]}"
}
log "starting $DB_ENGINE (db:local: $engine_bin ${engine_args[*]}); log: $log_file"
harness_start_server start_engine
# Any HTTP status will do: both answer a plain GET with an error of their own.
harness_wait_answer "http://127.0.0.1:$port" 5 0.1
harness_log_ready
harness_check_loopback "127.0.0.1:$port"

case "$DB_ENGINE" in
    dynalite)
        harness_run_cmd DB_ENGINE_URL="$harness_base_url" DB_ENGINE_PORT="$port" DB_ENGINE_LOG="$log_file" \
            DYNAMODB_ENDPOINT="$harness_base_url" -- "$@"
        ;;
    azurite)
        # Azurite's development account: the name and key its documentation publishes.
        key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
        connection="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;"
        connection+="TableEndpoint=$harness_base_url/devstoreaccount1;"
        harness_run_cmd DB_ENGINE_URL="$harness_base_url" DB_ENGINE_PORT="$port" DB_ENGINE_LOG="$log_file" \
            AZURE_STORAGE_CONNECTION_STRING="$connection" -- "$@"
        ;;
esac
