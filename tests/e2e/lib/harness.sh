# shellcheck shell=bash
# Shared part of the runtime harnesses (netlify-dev.sh, vercel-dev.sh, wrangler-dev.sh,
# npm-start.sh): each starts a local server for a project in a process group of its own, waits
# until it answers, checks that it listens on loopback only, runs a command against it and stops
# the group. Source it, then call the functions below in this order:
#
#   harness_init NAME SERVER "$@"   log prefix NAME, SERVER (e.g. "netlify dev") in messages;
#                                   checks the usage `PROJECT_DIR -- CMD [ARGS...]` (exit 64) and
#                                   sets project_dir; the caller then does `shift 2`
#   harness_require_file FILE       PROJECT_DIR must hold FILE (exit 64)
#   harness_check_timeouts START_VAR STOP_VAR
#                                   START_TIMEOUT and STOP_TIMEOUT (set by the caller from those
#                                   knobs) must be whole seconds (exit 64)
#   harness_require_tools TOOL[:DEBIAN_PACKAGE]...
#                                   each TOOL must be on PATH (exit 69)
#   harness_open_log LOG            log file: LOG if not empty (kept), else a temp file kept only
#                                   when startup or CMD fails; installs the exit/signal traps
#   harness_free_ports NODE N       prints N distinct free ports of 127.0.0.1, space-separated
#   harness_start_server FN         runs FN (which must end with `exec setsid ...`) in a subshell
#                                   in PROJECT_DIR, output to the log; finds its process group
#   harness_wait_answer URL MAX_TIME POLL
#                                   waits (START_TIMEOUT) until URL/ answers with any HTTP status;
#                                   sets harness_code to it
#   harness_wait_path PATH MAX_TIME until URL PATH answers with a status other than 404 (same
#                                   deadline as harness_wait_answer)
#   harness_log_ready               logs the time to readiness
#   harness_check_loopback [ADDR]   every TCP listener of the group must be on loopback (`ss
#                                   -ltnp`); with ADDR, ss must show ADDR (else an empty list would
#                                   prove nothing)
#   harness_run_cmd [VAR=VALUE...] -- CMD [ARGS...]
#                                   runs CMD with those variables, BASE_URL among them, stdin
#                                   /dev/null; exits with its code
#
# startup_failed MESSAGE prints the log's tail and exits 70. Paths added to harness_cleanup_paths
# are removed on exit. The caller sets START_TIMEOUT and STOP_TIMEOUT (seconds) before sourcing.
# shellcheck disable=SC2317  # functions are called from traps

readonly EXIT_STARTUP_FAILED=70

harness_name="harness"
harness_server="the server"
project_dir=""
server_pid=""
server_pgid=""
cmd_pid=""
keep_log=1
log_file=""
harness_cleanup_paths=()
harness_start_ms=0
harness_deadline=0
harness_code=""
harness_base_url=""

log() { printf '%s: %s\n' "$harness_name" "$*" >&2; }

harness_usage() {
    echo "usage: $0 PROJECT_DIR -- CMD [ARGS...]" >&2
    exit 64
}

harness_init() {
    harness_name="$1"
    harness_server="$2"
    shift 2
    [[ $# -ge 3 && "$2" == "--" ]] || harness_usage
    project_dir="$(cd "$1" 2>/dev/null && pwd)" || { log "no such project directory: $1"; exit 64; }
}

harness_require_file() {
    [[ -f "$project_dir/$1" ]] || { log "no $1 in $project_dir"; exit 64; }
}

harness_check_timeouts() {
    [[ "$START_TIMEOUT" =~ ^[0-9]+$ && "$STOP_TIMEOUT" =~ ^[0-9]+$ ]] ||
        { log "$1 / $2 must be whole seconds"; exit 64; }
}

harness_require_tools() {
    local tool name package
    for tool in "$@"; do
        name="${tool%%:*}"
        package=""
        [[ "$tool" == *:* ]] && package="${tool#*:}"
        command -v "$name" >/dev/null 2>&1 ||
            { log "$name not found on PATH${package:+: install it (Debian package $package)}"; exit 69; }
    done
}

# Live (non-zombie) processes of the group: a killed child may stay a zombie until init reaps it,
# and `kill -0` would count it.
group_alive() {
    [[ -n "$server_pgid" ]] &&
        ps -eo pgid=,stat= | awk -v g="$server_pgid" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}
pid_live() { [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null && [[ "$(ps -o stat= -p "$1" 2>/dev/null)" != Z* ]]; }
server_alive() { group_alive || pid_live "$server_pid"; }
# SIGNAL to the group and to the direct child. Either may be gone already: a failed kill must not
# end the script (under `set -e` a failing last command of an && list does, even in the EXIT trap).
signal_server() {
    if [[ -n "$server_pgid" ]]; then kill "-$1" -- "-$server_pgid" 2>/dev/null || true; fi
    if [[ -n "$server_pid" ]]; then kill "-$1" "$server_pid" 2>/dev/null || true; fi
}

# SIGTERM to the group, SIGKILL after STOP_TIMEOUT; reaps the direct child once it is gone.
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
        log "warning: $harness_server (pid $server_pid) is still running"
    fi
    server_pid=""
    server_pgid=""
    log "stopped $harness_server in $((SECONDS - stop_start))s"
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
    if ((${#harness_cleanup_paths[@]})); then rm -rf "${harness_cleanup_paths[@]}"; fi
    if [[ -n "$log_file" ]]; then
        if ((keep_log == 0 && rc == 0)); then
            rm -f "$log_file"
        else
            log "$harness_server log kept at $log_file"
        fi
    fi
    exit "$rc"
}

harness_open_log() {
    if [[ -n "$1" ]]; then
        log_file="$1"
        mkdir -p "$(dirname "$log_file")"
        : >"$log_file"
        keep_log=1
    else
        log_file="$(mktemp "${TMPDIR:-/tmp}/$harness_name.XXXXXX.log")"
        keep_log=0
    fi
    trap on_exit EXIT
    trap 'log "interrupted"; exit 130' INT
    trap 'log "terminated"; exit 143' TERM
    trap 'log "hangup"; exit 129' HUP
}

startup_failed() {
    log "error: $*"
    log "---- last 60 lines of $log_file ----"
    tail -n 60 "$log_file" >&2 || true
    log "-------------------------------------"
    keep_log=1
    exit "$EXIT_STARTUP_FAILED"
}

harness_free_ports() {
    # Bind N port-0 sockets at once (so they are distinct), print, release.
    timeout 20 "$1" -e '
        const net = require("node:net");
        const servers = Array.from({ length: Number(process.argv[1]) }, () => net.createServer());
        Promise.all(servers.map((s) => new Promise((ok, fail) => {
            s.once("error", fail);
            s.listen(0, "127.0.0.1", ok);
        }))).then(() => {
            console.log(servers.map((s) => s.address().port).join(" "));
            servers.forEach((s) => s.close());
        }, (err) => { console.error(err); process.exit(1); });
    ' "$2" </dev/null
}

harness_start_server() {
    harness_start_ms=$(date +%s%3N)
    # shellcheck disable=SC2031  # the function's exports stay in the subshell, as meant
    (
        cd "$project_dir" || exit
        "$1"
    ) </dev/null >"$log_file" 2>&1 &
    server_pid=$!

    # Find the process group; setsid may need a moment to run. (The subshell is not a group
    # leader, so setsid execs in place and the pid is also the pgid.)
    local deadline=$((SECONDS + 5))
    while :; do
        server_pgid="$(ps -o pgid= -p "$server_pid" 2>/dev/null | tr -d ' ')" || server_pgid=""
        [[ -n "$server_pgid" && "$server_pgid" == "$server_pid" ]] && break
        if ((SECONDS >= deadline)); then
            [[ -n "$server_pgid" ]] || startup_failed "$harness_server exited at once"
            # Never signal our own group; fall back to the single process.
            log "warning: $harness_server is not in its own process group; stopping by pid"
            server_pgid=""
            break
        fi
        sleep 0.05
    done
}

harness_wait_answer() {
    local max_time="$2" poll="$3"
    harness_base_url="$1"
    harness_deadline=$((SECONDS + START_TIMEOUT))
    while ((SECONDS < harness_deadline)); do
        pid_live "$server_pid" || startup_failed "$harness_server exited during startup"
        harness_code="$(curl -s -o /dev/null -w '%{http_code}' --max-time "$max_time" "$harness_base_url/" || true)"
        [[ "$harness_code" =~ ^[1-9][0-9][0-9]$ ]] && return 0
        sleep "$poll"
    done
    startup_failed "$harness_server did not answer on $harness_base_url within ${START_TIMEOUT}s"
}

harness_wait_path() {
    local path="$1" max_time="$2" code
    while ((SECONDS < harness_deadline)); do
        pid_live "$server_pid" || startup_failed "$harness_server exited during startup"
        code="$(curl -s -o /dev/null -w '%{http_code}' --max-time "$max_time" "$harness_base_url$path" || true)"
        [[ "$code" =~ ^[1-9][0-9][0-9]$ && "$code" != 404 ]] && return 0
        sleep 0.2
    done
    startup_failed "$path did not answer (non-404) within ${START_TIMEOUT}s"
}

harness_log_ready() {
    log "ready after $(($(date +%s%3N) - harness_start_ms)) ms at $harness_base_url (GET / -> $harness_code)"
}

harness_check_loopback() {
    local expect="${1:-}" group_pids listeners addr
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
    if [[ -n "$expect" ]]; then
        grep -qxF "$expect" <<<"$listeners" ||
            startup_failed "ss -ltnp does not show $harness_server's listener $expect (cannot check listeners)"
    fi
    while read -r addr; do
        [[ -z "$addr" ]] && continue
        case "$addr" in
            127.*:* | "[::1]":* | localhost:*) ;;
            *) startup_failed "$harness_server listens on $addr, not loopback" ;;
        esac
    done <<<"$listeners"
}

harness_run_cmd() {
    local -a vars=()
    while [[ "$1" != "--" ]]; do
        vars+=("$1")
        shift
    done
    shift
    # In the background so that a SIGTERM/SIGINT to this script runs the trap at once (bash defers
    # traps while a foreground child runs).
    (
        for v in "${vars[@]}"; do export "${v?}"; done
        exec "$@"
    ) </dev/null &
    cmd_pid=$!
    local rc=0
    wait "$cmd_pid" || rc=$?
    cmd_pid=""
    if ! pid_live "$server_pid"; then
        log "warning: $harness_server had exited before the command finished; last 30 log lines:"
        tail -n 30 "$log_file" >&2 || true
        keep_log=1
    fi
    exit "$rc"
}
