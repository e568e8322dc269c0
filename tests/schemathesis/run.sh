#!/usr/bin/env bash
# schemathesis against a generated project served by netlify dev, with two users.
#
# Usage (BASE_URL comes from the harness):
#   tests/e2e/netlify-dev.sh PROJECT -- bash tests/schemathesis/run.sh PROJECT
#
# PROJECT is generated from tests/schemathesis/spec.yaml with the handlers of overlay/ copied in
# (tests/e2e_schemathesis.rs does both). The document tested is the project's own openapi.yaml;
# its `servers` is `/api`, so requests go to $BASE_URL/api/...
#
# Steps (all run; the exit code is 1 if any failed):
#   1. users:      api_checks.py: alice and bob, each other's objects 404, lists, 401s
#   2. dots:       api_checks.py: no path parameter pattern of the document admits `.` or `..`
#                  (URLs cannot carry them: clients and netlify dev remove dot segments)
#   3. alice:      schemathesis, every check and phase, as alice with bob as her peer (the
#                  object_level_authorization check replays alice's reads as bob); then the NDJSON
#                  report must show a 2xx for every operation (the run reached the handlers)
#   4. anonymous:  schemathesis without credentials on the protected operations: every check,
#                  401 for each, no 2xx
#   5. leak:       negative control: a request header makes the read handler ignore the owner;
#                  schemathesis must then report object_level_authorization, or step 3 proves nothing
#   6. state:      the overlay's store was not reloaded during the run (netlify dev kept it warm)
#
# schemathesis (pinned, with constraints.txt) is installed on first use into a venv under
# ${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e/schemathesis-<version>/ (built in a temporary
# directory, marked complete, then renamed into place, so an interrupted install is never used;
# tests/lib/install.sh, under the lock `.install-schemathesis.lock`).
# Needs python3 (>= 3.9) with the venv module and, on a cold cache, PyPI.
#
# Knobs: ST_MAX_EXAMPLES (40; per operation), ST_SEED (20261125), ST_TIMEOUT (240 s for step 3;
# steps 4 and 5 get half), ST_WORKERS (1; see README.md before raising it), ST_KEEP (a directory:
# keep the reports there).
set -euo pipefail

readonly SCHEMATHESIS_VERSION=4.32.5
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly HERE
readonly MAX_EXAMPLES="${ST_MAX_EXAMPLES:-40}"
readonly SEED="${ST_SEED:-20261125}"
readonly TIMEOUT="${ST_TIMEOUT:-240}"
readonly WORKERS="${ST_WORKERS:-1}"

# log, die (exit 2 here) and the cache install steps.
# shellcheck source=../lib/install.sh
. "$HERE/../lib/install.sh"
install_init schemathesis-run
install_die_status=2

[[ $# -eq 1 ]] || die "usage: $0 PROJECT_DIR (with BASE_URL set, e.g. by tests/e2e/netlify-dev.sh)"
project="$(cd "$1" && pwd)" || die "no such project directory: $1"
openapi="$project/openapi.yaml"
[[ -f "$openapi" ]] || die "$openapi not found: the project must ship its OpenAPI document"
[[ -n "${BASE_URL:-}" ]] || die "BASE_URL is not set (run under tests/e2e/netlify-dev.sh)"
for v in "$MAX_EXAMPLES" "$SEED" "$TIMEOUT" "$WORKERS"; do
    [[ "$v" =~ ^[0-9]+$ ]] || die "ST_MAX_EXAMPLES, ST_SEED, ST_TIMEOUT and ST_WORKERS must be whole numbers"
done

# ---- the venv ------------------------------------------------------------------------------
venv="$cache_root/schemathesis-$SCHEMATHESIS_VERSION"
install_need python3 "needed for schemathesis"
install_need flock util-linux
python3 -c 'import sys; sys.exit(sys.version_info < (3, 9))' || die "python3 is older than 3.9: $(python3 --version 2>&1)"
# The venv is the cache directory itself, with its own marker name; the marker holds what the venv
# was built from: the constraints and the Python that runs it.
marker=".scaffold-installed"
install_marker_content="$(cat "$HERE/constraints.txt" - <<<"$SCHEMATHESIS_VERSION $(python3 -c 'import sys; print(sys.version)')" | sha256sum | cut -c1-64)"

# Console scripts would point into the temporary directory after the rename: everything runs as
# `python -m`.
install_schemathesis() { install_pip_venv "$1" "$HERE/constraints.txt" "schemathesis==$SCHEMATHESIS_VERSION"; }
check_schemathesis() {
    local got
    got="$("$1/bin/python" -m schemathesis.cli --version 2>&1)" || true
    [[ "$got" == *"version $SCHEMATHESIS_VERSION" ]] ||
        { echo "the venv does not run schemathesis $SCHEMATHESIS_VERSION: $got"; return 1; }
}
warm_schemathesis() { install_marked "$1" && "$1/bin/python" -c ''; }

install_lock .install-schemathesis.lock 600 '.schemathesis-*'
install_one "schemathesis $SCHEMATHESIS_VERSION (PyPI)" "$venv" ".schemathesis-$SCHEMATHESIS_VERSION" \
    install_schemathesis check_schemathesis warm_schemathesis
exec 9>&- # the lock is for the install only
py="$venv/bin/python"
server_path="$("$py" -c 'import yaml,sys; print(yaml.safe_load(open(sys.argv[1]))["servers"][0]["url"])' "$openapi")" ||
    die "cannot read servers[0].url of $openapi"
[[ "$server_path" == /* ]] || die "servers[0].url of $openapi is not a path: $server_path"
api="${BASE_URL%/}${server_path%/}"

# ---- the run -------------------------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/scaffold-schemathesis.XXXXXX")"
cleanup() {
    if [[ -n "${ST_KEEP:-}" ]]; then
        mkdir -p "$ST_KEEP" && cp -R "$work/." "$ST_KEEP/" && log "reports kept in $ST_KEEP"
    fi
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work" # schemathesis writes nothing else, but keep any stray file out of the repository

alice="$("$py" "$HERE/api_checks.py" token st-alice)"
bob="$("$py" "$HERE/api_checks.py" token st-bob)"
# Web Fuzzing Commons auth document: the users schemathesis knows; `peers` must not see each
# other's objects (the object_level_authorization check).
cat >"$work/users.json" <<EOF
{
  "auth": [
    { "name": "alice", "fixedHeaders": [{ "name": "Authorization", "value": "Bearer $alice" }] },
    { "name": "bob", "fixedHeaders": [{ "name": "Authorization", "value": "Bearer $bob" }] }
  ]
}
EOF
cat >"$work/two-users.toml" <<EOF
[auth.wfc]
path = "$work/users.json"
user = "alice"
peers = ["alice", "bob"]
EOF
: >"$work/empty.toml"

export SCHEMATHESIS_HOOKS="$HERE/hooks.py"
export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ next to hooks.py in the repository
export SCAFFOLD_ST_DROPPED="$work/dropped.txt"
: >"$SCAFFOLD_ST_DROPPED"

# One schemathesis run: NAME CONFIG TIMEOUT ARGS...; the NDJSON report lands in $work/NAME.ndjson.
schemathesis() {
    local name="$1" config="$2" limit="$3"
    shift 3
    local rc=0 start=$SECONDS
    log "schemathesis ($name): $*"
    timeout --kill-after=10 "$limit" "$py" -m schemathesis.cli --config-file "$config" run "$openapi" \
        --url "$api" \
        --max-examples "$MAX_EXAMPLES" \
        --seed "$SEED" \
        --workers "$WORKERS" \
        --generation-database none \
        --request-timeout 30 \
        --no-color \
        --report ndjson,junit \
        --report-ndjson-path "$work/$name.ndjson" \
        --report-junit-path "$work/$name.junit.xml" \
        "$@" || rc=$?
    if ((rc == 124 || rc == 137)); then
        log "schemathesis ($name) did not finish within ${limit}s"
    fi
    log "schemathesis ($name): exit $rc after $((SECONDS - start))s"
    return "$rc"
}

failed=()
step() {
    local name="$1"
    shift
    echo
    echo "=============================== $name ==============================="
    if "$@"; then
        echo "--- $name: passed"
    else
        echo "--- $name: FAILED"
        failed+=("$name")
    fi
}

instance="$("$py" "$HERE/api_checks.py" instance "$api")" || die "GET $api/health failed: is the overlay in place?"

# 1. Two users by hand: deterministic, and says plainly what broke.
step users "$py" "$HERE/api_checks.py" users "$api"

# 2. The document's path parameters against URL normalisation (deterministic; see api_checks.py).
step dots "$py" "$HERE/api_checks.py" dots "$api" "$openapi"

# 3. alice, bob as peer: every check (`all`), every phase, then proof that the run reached the handlers.
alice_run() {
    schemathesis alice "$work/two-users.toml" "$TIMEOUT" --checks all &&
        "$py" "$HERE/api_checks.py" statuses "$work/alice.ndjson" "$openapi" "$api" --authenticated
}
step alice alice_run

# 4. Nobody signed in, protected operations only (tagged `movies`; the public route is tested in 2).
anonymous_run() {
    schemathesis anonymous "$work/empty.toml" $((TIMEOUT / 2)) --checks all --include-tag movies \
        --phases examples,coverage,fuzzing &&
        "$py" "$HERE/api_checks.py" statuses "$work/anonymous.ndjson" "$openapi" "$api" --anonymous
}
step anonymous anonymous_run

# 5. Negative control: with `X-Fixture-Leak: ignore-owner` the read handler of the overlay returns
#    any user's movie. schemathesis must fail with object_level_authorization (ST402).
leak_run() {
    local rc=0
    schemathesis leak "$work/two-users.toml" $((TIMEOUT / 2)) --checks object_level_authorization \
        --include-tag movies --phases stateful --header 'X-Fixture-Leak: ignore-owner' >"$work/leak.out" 2>&1 || rc=$?
    if ((rc != 0)) && grep -q 'ST402' "$work/leak.out"; then
        grep -m1 -A6 'ST402 ' "$work/leak.out" | grep -v '^[[:space:]]*$' | sed 's/^ */        /'
        echo "  ok    schemathesis reports object_level_authorization when the read handler ignores the owner"
        return 0
    fi
    cat "$work/leak.out"
    echo "  FAIL  schemathesis did not report object_level_authorization (exit $rc) for a read handler that ignores the owner:"
    echo "        the two-user configuration of step 3 is not in effect"
    return 1
}
step leak leak_run

# The store lived through every step: one warm load of the function served them all.
same_instance() {
    local now
    now="$("$py" "$HERE/api_checks.py" instance "$api")" || return 1
    echo "  store instance at the start $instance, at the end $now"
    [[ "$now" == "$instance" ]]
}
step state same_instance

echo
dropped="$(wc -l <"$SCAFFOLD_ST_DROPPED")"
if ((dropped > 0)); then
    echo "hooks.py dropped $dropped failure(s) on responses netlify dev sent itself (never the function):"
    sed 's/^/  /' "$SCAFFOLD_ST_DROPPED"
fi
if ((${#failed[@]} > 0)); then
    echo "schemathesis-run: FAILED: ${failed[*]}"
    exit 1
fi
echo "schemathesis-run: all passed (schemathesis $SCHEMATHESIS_VERSION, seed $SEED, max examples $MAX_EXAMPLES)"
