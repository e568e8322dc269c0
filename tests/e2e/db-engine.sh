#!/usr/bin/env bash
# A throwaway local database engine for a generated project, as its users run it: the project's
# own `npm run db:local` command line (from its package.json: the README's), with only its port
# replaced by a free one of 127.0.0.1, run with the engine at the version the project pins,
# installed into the tool cache by tests/e2e/install-db-engine.sh (the project's node_modules need
# not hold it). In memory: a stopped engine forgets everything.
#
# Usage:
#   tests/e2e/db-engine.sh start ENGINE PROJECT_DIR
#       ENGINE: dynalite (DynamoDB's API; db:local `dynalite ... --port N`) or azurite (Azure
#       Storage's Table service; db:local `azurite-table ... --tablePort N`). Starts it in a process
#       group of its own, waits until it answers (bounded), checks with `ss` that every listener
#       of the group is on 127.0.0.1; prints
#         DIR=<state dir>  URL=http://127.0.0.1:<port>
#         and the setting that points a project at it: DYNAMODB_ENDPOINT=<url>, or
#         AZURE_STORAGE_CONNECTION_STRING=<Azurite's published development account at <url>>
#   tests/e2e/db-engine.sh stop DIR       stops the engine (SIGTERM, SIGKILL after 10 s), keeps DIR
#   tests/e2e/db-engine.sh restart DIR    starts it again on the same port (empty)
#   tests/e2e/db-engine.sh destroy DIR    stops it if running and removes DIR
# Exit 70 when the engine cannot be started, 64 on a usage error.
set -euo pipefail
exec </dev/null

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly E2E_DIR
readonly TIMEOUT="${DB_ENGINE_TIMEOUT:-60}"
log() { printf 'db-engine.sh: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 70
}
usage() {
    echo "usage: db-engine.sh start dynalite|azurite PROJECT_DIR | stop DIR | restart DIR | destroy DIR" >&2
    exit 64
}
for tool in node curl setsid ps ss; do
    command -v "$tool" >/dev/null 2>&1 || { log "$tool not found on PATH"; exit 69; }
done

# Live (non-zombie) processes of group PGID.
group_alive() {
    ps -eo pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

engine_start() {
    local dir="$1" pgid deadline code listeners
    (
        cd "$dir/work"
        mapfile -t args <"$dir/args"
        exec setsid "$(cat "$dir/node")" "$(cat "$dir/js")" "${args[@]}"
    ) >>"$dir/engine.log" 2>&1 &
    pgid=$!
    printf '%s\n' "$pgid" >"$dir/pgid"
    # setsid may need a moment: until then the process is in our group, not its own.
    deadline=$((SECONDS + 5))
    until [[ "$(ps -o pgid= -p "$pgid" 2>/dev/null | tr -d ' ')" == "$pgid" ]]; do
        kill -0 "$pgid" 2>/dev/null || { tail -n 30 "$dir/engine.log" >&2 || true; die "the engine exited at once"; }
        ((SECONDS < deadline)) || die "the engine did not get a process group of its own"
        sleep 0.05
    done
    deadline=$((SECONDS + TIMEOUT))
    while :; do
        group_alive "$pgid" || { tail -n 30 "$dir/engine.log" >&2 || true; die "the engine exited during startup"; }
        # Any HTTP status will do: both answer a plain GET with an error of their own.
        code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$(cat "$dir/url")/" || true)"
        [[ "$code" =~ ^[1-9][0-9][0-9]$ ]] && break
        ((SECONDS < deadline)) || { tail -n 30 "$dir/engine.log" >&2 || true; die "no answer within ${TIMEOUT}s"; }
        sleep 0.1
    done
    # Every listener of the group on loopback, and ss must see ours (else the check proves nothing).
    local pids
    pids="$(ps -eo pid=,pgid= | awk -v g="$pgid" '$2 == g { print $1 }')"
    listeners="$(ss -Hltnp 2>/dev/null | while read -r _ _ _ addr _ procs; do
        for p in $pids; do
            if [[ "$procs" == *"pid=$p,"* ]]; then echo "$addr"; break; fi
        done
    done | sort -u)"
    grep -qxF "127.0.0.1:$(cat "$dir/port")" <<<"$listeners" ||
        die "ss -ltnp does not show the engine's listener (cannot check listeners): $listeners"
    while read -r addr; do
        [[ -z "$addr" || "$addr" == 127.*:* ]] || die "the engine listens on $addr, not loopback"
    done <<<"$listeners"
    log "$(cat "$dir/engine") on $(cat "$dir/url") (listening: $(tr '\n' ' ' <<<"$listeners"))"
}

engine_stop() {
    local dir="$1" pgid deadline
    pgid="$(cat "$dir/pgid" 2>/dev/null || true)"
    [[ "$pgid" =~ ^[0-9]+$ ]] || return 0
    if group_alive "$pgid"; then
        kill -TERM -- "-$pgid" 2>/dev/null || true
        deadline=$((SECONDS + 10))
        while group_alive "$pgid" && ((SECONDS < deadline)); do sleep 0.1; done
        if group_alive "$pgid"; then
            kill -KILL -- "-$pgid" 2>/dev/null || true
            deadline=$((SECONDS + 5))
            while group_alive "$pgid" && ((SECONDS < deadline)); do sleep 0.1; done
        fi
    fi
    rm -f "$dir/pgid"
}

state_dir() {
    [[ "$1" == /tmp/scaffold-db-engine.* && -f "$1/engine" ]] || { log "not a state dir of this script: $1"; exit 64; }
}

case "${1:-}" in
start)
    [[ $# -eq 3 ]] || usage
    engine="$2"
    project="$(cd "$3" && pwd)" || usage
    case "$engine" in
        dynalite) bin=dynalite port_flag=--port ;;
        azurite) bin=azurite-table port_flag=--tablePort ;;
        *) usage ;;
    esac
    db_local="$(cd "$project" && node -p 'require("./package.json").scripts?.["db:local"] ?? ""')"
    read -r -a words <<<"$db_local"
    [[ "${words[0]:-}" == "$bin" ]] || { log "the project's db:local script is '$db_local', not a $bin command line"; exit 64; }
    vars="$(bash "$E2E_DIR/install-db-engine.sh" "$engine")" || die "installing $engine failed"
    dir="$(mktemp -d /tmp/scaffold-db-engine.XXXXXX)"
    mkdir "$dir/work"
    printf '%s\n' "$engine" >"$dir/engine"
    sed -n 's/^ENGINE_NODE=//p' <<<"$vars" >"$dir/node"
    sed -n 's/^ENGINE_JS=//p' <<<"$vars" >"$dir/js"
    node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();})' >"$dir/port"
    port="$(cat "$dir/port")"
    printf 'http://127.0.0.1:%s\n' "$port" >"$dir/url"
    # db:local's arguments, one a line, its port replaced (it must name one: the README's
    # commands point there).
    args=("${words[@]:1}")
    replaced=0
    for i in "${!args[@]}"; do
        if [[ "${args[$i]}" == "$port_flag" ]] && ((i + 1 < ${#args[@]})); then
            args[i + 1]="$port"
            replaced=1
        fi
    done
    ((replaced)) || { rm -rf "$dir"; log "the project's db:local script sets no $port_flag: '$db_local'"; exit 64; }
    printf '%s\n' "${args[@]}" >"$dir/args"
    # A start that fails (die exits) leaves no engine and no state behind.
    trap 'engine_stop "$dir"; rm -rf "$dir"' EXIT
    engine_start "$dir"
    trap - EXIT
    url="$(cat "$dir/url")"
    printf 'DIR=%s\nURL=%s\n' "$dir" "$url"
    if [[ "$engine" == dynalite ]]; then
        printf 'DYNAMODB_ENDPOINT=%s\n' "$url"
    else
        # Azurite's development account: the name and key its documentation publishes.
        key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
        printf 'AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=%s;TableEndpoint=%s/devstoreaccount1;\n' "$key" "$url"
    fi
    ;;
stop)
    [[ $# -eq 2 ]] || usage
    state_dir "$2"
    engine_stop "$2"
    ;;
restart)
    [[ $# -eq 2 ]] || usage
    state_dir "$2"
    engine_stop "$2"
    trap 'engine_stop "$2"' EXIT
    engine_start "$2"
    trap - EXIT
    ;;
destroy)
    [[ $# -eq 2 ]] || usage
    state_dir "$2"
    engine_stop "$2"
    rm -rf "$2"
    ;;
*) usage ;;
esac
