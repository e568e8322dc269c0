#!/usr/bin/env bash
# Whole-process benchmark of scaffold (new, generate, check, diff) at 10, 100 and 1,000
# operations, against a floor (bench/floor.rs: write the same bytes, nothing else) and against
# Architect's `arc init` on the same routes. Prints a Markdown table and writes it to its section of
# bench/results.md (bench/runtime.sh writes the other), with PASS/MISS per speed target. See
# bench/README.md.
#
#   bench/run.sh                      everything (about 1.5 minutes warm on 2 cores)
#   BENCH_NS="10 100" bench/run.sh    only these sizes (the 1000-op targets then read n/a)
#   BENCH_SKIP_ARCHITECT=1 bench/run.sh
#   BENCH_RESULTS=/tmp/r.md bench/run.sh   write the section into another file
#
# Not part of the test suite. Misses are reported, never fatal: the script exits 0 unless the
# benchmark itself could not run (build failed, a command failed, a tool could not be installed).
# shellcheck disable=SC2016  # Markdown backticks in single quotes
set -euo pipefail
export LC_ALL=C

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

NS="${BENCH_NS:-10 100 1000}"
RESULTS="${BENCH_RESULTS:-$ROOT/bench/results.md}"
ARCHITECT_VERSION="12.0.1" # npm @architect/architect, exact; engines: node >= 22
WARMUP=1
RUNS=5
RSS_RUNS=3
# Targets (checked at 1000 ops; reported, never fatal).
T_NEW_FLOOR=2.5   # new <= 2.5 x floor
T_NOOP_MS=25      # generate / check on an unchanged project
T_RSS_MB=30       # peak RSS of every scaffold command
T_LINEAR=12       # time(1000 ops) <= 12 x time(100 ops)

t_start=$SECONDS
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
log() { printf '\n== %s\n' "$*" >&2; }
note() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }
# Quote one word for sh -c and for hyperfine -N (POSIX single quotes).
q() { local s="${1//\'/\'\\\'\'}"; printf "'%s'" "$s"; }

W="$(mktemp -d "${TMPDIR:-/tmp}/scaffold-bench.XXXXXX")"
trap 'note "removing the work folder $W"; rm -rf "$W"' EXIT
mkdir -p "$W/trash"
# Nothing is deleted until the end: the outputs of earlier runs are moved aside into $W/trash
# instead of `rm -rf`. On ext4 without a journal (this machine's /), creating a file scans past
# every inode deleted in the last 60 s (300 s while its inode table block is dirty) and skips it
# (ext4 recently_deleted()), so `rm -rf` of 2,000 files right before a run made writing 2,000
# files 10 to 20 times slower (the floor went from about 90 ms to 1.9 s at 1000 ops).
# Other processes deleting files under /tmp cause the same slowdown in /tmp's block group, where
# a new folder under /tmp lands. chattr +T (ext4 "top of directory hierarchy") makes ext4 place each
# folder made in $W in a lightly used block group instead; probe_us checks the result.
chattr +T "$W" 2>/dev/null || true
# aside DIR: a shell snippet that moves DIR (if any) into a fresh folder under the trash.
aside() { printf '[ ! -e %s ] || mv %s "$(mktemp -d %s)"/' "$(q "$1")" "$(q "$1")" "$(q "$W/trash/x.XXXXXX")"; }
FS_NOTE="$(df --output=fstype "$W" | tail -1) ($(df --output=source "$W" | tail -1))"
fs_dev="$(basename "$(df --output=source "$W" | tail -1)")"
if [[ "$FS_NOTE" == ext4* ]] && ! compgen -G "/proc/fs/jbd2/$fs_dev-*" >/dev/null; then
    FS_NOTE="$FS_NOTE without a journal, where creating a file is slow for a minute or more after many deletions in the same block group (see run.sh): the run deletes nothing until the end, marks its folder \`chattr +T\`, and probes"
    note "work folder on $FS_NOTE"
fi

# ---------------------------------------------------------------------------------------------
log "1. cargo build --release"
cargo build --release --quiet
BIN="$ROOT/target/release/scaffold"
[[ -x "$BIN" ]] || die "$BIN missing after cargo build"

# ---------------------------------------------------------------------------------------------
log "2. tools: hyperfine, /usr/bin/time"
apt_install() { # PACKAGE: only as root with apt-get; update the lists if the first try fails
    [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1 || return 1
    export DEBIAN_FRONTEND=noninteractive
    note "installing Debian package $1"
    apt-get install -y -qq "$1" >"$W/apt.log" 2>&1 ||
        { apt-get update -qq >>"$W/apt.log" 2>&1 && apt-get install -y -qq "$1" >>"$W/apt.log" 2>&1; } ||
        { tail -5 "$W/apt.log" >&2; return 1; }
}
command -v hyperfine >/dev/null 2>&1 || apt_install hyperfine ||
    die "hyperfine is missing and could not be installed (Debian: apt-get install hyperfine; or cargo install hyperfine)"
[[ -x /usr/bin/time ]] || apt_install time || die "/usr/bin/time is missing (Debian package: time)"
HYPERFINE_VERSION="$(hyperfine --version | awk '{print $2}')"
if hyperfine -N --runs 1 true >/dev/null 2>&1; then SHELL_NONE=(-N); else SHELL_NONE=(); note "hyperfine $HYPERFINE_VERSION has no -N; timings include a shell"; fi

# ---------------------------------------------------------------------------------------------
log "3. floor: rustc -O --edition 2021 bench/floor.rs -o target/bench-floor"
FLOOR="$ROOT/target/bench-floor"
if [[ ! -x "$FLOOR" || "$ROOT/bench/floor.rs" -nt "$FLOOR" ]]; then
    rustc -O --edition 2021 "$ROOT/bench/floor.rs" -o "$FLOOR"
fi

# ---------------------------------------------------------------------------------------------
log "4. Architect $ARCHITECT_VERSION"
ARC_STATUS=""   # empty: runs; otherwise why not
ARC_NODE="" ARC_JS="" ARC_OFFLINE="not checked"
setup_architect() { # prints NODE=... and ARC=...; runs in a subshell with set -e
    local node major cache_root dest marker tmp v
    command -v node >/dev/null 2>&1 || { echo "node not found on PATH" >&2; return 1; }
    command -v npm >/dev/null 2>&1 || { echo "npm not found on PATH" >&2; return 1; }
    node="$(command -v node)"
    major="$(node -p 'process.versions.node.split(".")[0]')"
    if (( major < 22 )); then
        note "node $(node --version) on PATH; @architect/architect $ARCHITECT_VERSION needs node >= 22: using tests/e2e/install-tools.sh"
        local out
        out="$("$ROOT/tests/e2e/install-tools.sh")"
        node="$(sed -n 's/^NODE22_BIN=//p' <<<"$out")/node"
        [[ -x "$node" ]] || { echo "install-tools.sh gave no Node 22" >&2; return 1; }
    fi
    cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e"
    dest="$cache_root/architect-$ARCHITECT_VERSION"
    marker=".scaffold-e2e-installed"
    local arc_js="$dest/node_modules/@architect/architect/src/index.js"
    mkdir -p "$cache_root"
    if [[ ! -f "$dest/$marker" ]]; then
        # The shared lock of tests/e2e/install-tools.sh (which removes stray .tmp-* dirs under it).
        exec 9>"$cache_root/.install.lock"
        flock -w 900 9 || { echo "could not get $cache_root/.install.lock" >&2; return 1; }
        if [[ ! -f "$dest/$marker" ]]; then
            find "$cache_root" -mindepth 1 -maxdepth 1 -name '.tmp-architect-*' -exec rm -rf {} +
            tmp="$(mktemp -d "$cache_root/.tmp-architect-$ARCHITECT_VERSION.XXXXXX")"
            chmod 755 "$tmp"
            note "installing @architect/architect@$ARCHITECT_VERSION into $dest (cold: about 20 s)"
            # Install scripts skipped: arc init needs no native module (only Sandbox's leveldb has one).
            PATH="$(dirname "$node"):$PATH" npm_config_update_notifier=false timeout 600 \
                npm install --prefix "$tmp" --no-audit --no-fund --ignore-scripts --loglevel=error \
                "@architect/architect@$ARCHITECT_VERSION" >&2
            v="$(NO_UPDATE_NOTIFIER=1 timeout 60 "$node" "$tmp/node_modules/@architect/architect/src/index.js" version 2>&1 | grep -o "Architect $ARCHITECT_VERSION" || true)"
            [[ -n "$v" ]] || { echo "installed Architect does not report version $ARCHITECT_VERSION" >&2; rm -rf "$tmp"; return 1; }
            date -u +%Y-%m-%dT%H:%M:%SZ >"$tmp/$marker"
            rm -rf "$dest"
            mv -T "$tmp" "$dest"
        fi
        exec 9>&-
    fi
    [[ -f "$arc_js" ]] || { echo "$arc_js missing" >&2; return 1; }
    printf 'NODE=%s\nARC=%s\n' "$node" "$arc_js"
}
if [[ -n "${BENCH_SKIP_ARCHITECT:-}" ]]; then
    ARC_STATUS="skipped (BENCH_SKIP_ARCHITECT set)"
else
    set +e
    (set -e; setup_architect) >"$W/arc.env" 2>"$W/arc-setup.log"
    rc=$?
    set -e
    cat "$W/arc-setup.log" >&2
    if (( rc == 0 )); then
        ARC_NODE="$(sed -n 's/^NODE=//p' "$W/arc.env")"
        ARC_JS="$(sed -n 's/^ARC=//p' "$W/arc.env")"
    else
        ARC_STATUS="could not be installed: $(grep -v '^bench:' "$W/arc-setup.log" | tail -1)"
    fi
fi
# update-notifier-cjs (in arc's CLI) otherwise spawns a detached `npm view`-like registry check
# once a day and writes ~/.config/configstore; NO_UPDATE_NOTIFIER turns both off. `arc init`
# sets ARC_ENV=testing itself, which makes Create skip its `npm install` of Architect.
export NO_UPDATE_NOTIFIER=1
ARC_NODE_VERSION=""
[[ -n "$ARC_NODE" ]] && ARC_NODE_VERSION="$("$ARC_NODE" --version)"

# Writes an app.arc with the spec's resources as CRUD routes.
write_arc() { # SPEC OUT
    local name
    name="$(sed -n 's/^name: *//p' "$1" | head -1)"
    {
        printf '@app\n%s\n\n@http\n' "$name"
        sed -n 's/^  \([a-z][a-z0-9_-]*\):$/\1/p' "$1" | while read -r r; do
            printf 'get /%s\npost /%s\nget /%s/:id\nput /%s/:id\ndelete /%s/:id\n' "$r" "$r" "$r" "$r" "$r"
        done
    } >"$2"
}

# ---------------------------------------------------------------------------------------------
# Measurement helpers. Results: $W/res/<cmd>-<n>.{ms,mb} and files for the checks.
mkdir -p "$W/res" "$W/json"
# timeit KEY N PREPARE COMMAND   (PREPARE may be empty; both are single command lines)
timeit() {
    local key="$1" n="$2" prep="$3" cmd="$4" json="$W/json/$1-$2.json"
    local args=("${SHELL_NONE[@]}" --warmup "$WARMUP" --runs "$RUNS" --export-json "$json"
        --command-name "$key ($n ops)" --style basic)
    [[ -n "$prep" ]] && args+=(--prepare "$prep")
    timeout 600 hyperfine "${args[@]}" "$cmd" >&2
    sed -n 's/^ *"median": *\([0-9.eE+-]*\),*$/\1/p' "$json" | head -1 |
        awk '{ printf "%.1f\n", $1 * 1000 }' >"$W/res/$key-$n.ms"
    # CPU time (user + system, means): less sensitive than wall time to other load on the machine
    awk '/^ *"user":/ { gsub(/[",]/, "", $2); u = $2 } /^ *"system":/ { gsub(/[",]/, "", $2); s = $2 }
        END { printf "%.1f\n", (u + s) * 1000 }' "$json" >"$W/res/$key-$n.cpu"
}
# rss KEY N PREPARE COMMAND: max peak RSS (MB) over RSS_RUNS runs of /usr/bin/time -f %M
rss() {
    local key="$1" n="$2" prep="$3" cmd="$4" i kb max=0
    for ((i = 0; i < RSS_RUNS; i++)); do
        [[ -n "$prep" ]] && sh -c "$prep"
        /usr/bin/time -f %M -o "$W/rss.txt" sh -c "exec $cmd" >/dev/null 2>"$W/rss.err" ||
            { cat "$W/rss.err" >&2; die "$key ($n ops) failed under /usr/bin/time"; }
        kb="$(tail -1 "$W/rss.txt")"
        (( kb > max )) && max="$kb"
    done
    awk -v k="$max" 'BEGIN { printf "%.1f\n", k / 1024 }' >"$W/res/$key-$n.mb"
}
measure() { timeit "$@"; rss "$@"; }
# snapshot DIR: every file with its mtime and inode (a rewrite through rename changes both)
snapshot() { (cd "$1" && find . -type f -printf '%P %T@ %i\n' | sort); }
# changed BEFORE AFTER: paths new or with another mtime/inode
changed() { comm -13 "$1" "$2" | cut -d' ' -f1 | sort -u; }

# probe_us DIR: microseconds per empty file created (300 files in a fresh folder under DIR; the
# files stay until the end). About 25 to 80 on a quiet disk here; several hundred when ext4 has to
# skip many recently deleted inodes in that block group, which other processes deleting files
# under /tmp cause. Each new folder may land in another block group, so a slow one is replaced.
PROBE_MAX_US=150
PROBE_TRIES=8
probe_us() {
    local p i t0
    p="$(mktemp -d "$1/probe.XXXXXX")"
    t0=$EPOCHREALTIME
    for ((i = 0; i < 300; i++)); do : >"$p/f$i"; done
    awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f\n", (b - a) * 1e6 / 300 }'
}

# ---------------------------------------------------------------------------------------------
for n in $NS; do
    spec="$ROOT/bench/specs/ops-$n.yaml"
    plus="$ROOT/bench/specs/ops-$n-plus-one.yaml"
    [[ -f "$spec" && -f "$plus" ]] || die "missing bench/specs/ops-$n.yaml or ops-$n-plus-one.yaml (bench/make-specs.sh)"
    # A folder where creating files costs what it should (see PROBE_MAX_US).
    for ((try = 1; ; try++)); do
        d="$(mktemp -d "$W/n$n.XXXXXX")"
        us="$(probe_us "$d")"
        (( us <= PROBE_MAX_US || try == PROBE_TRIES )) && break
        note "creating a file in $d costs $us us (ext4 skipping recently deleted inodes?); trying another folder"
    done
    echo "$us" >"$W/res/probe0-$n"
    echo "$try" >"$W/res/probetries-$n"
    log "N=$n: untimed setup"
    "$BIN" new "$d/project" --spec "$spec" >/dev/null
    cp -a "$d/project" "$d/pristine"
    "$FLOOR" pack "$d/project" "$d/floor.pack" >"$d/pack.txt"
    note "floor pack of scaffold new's output: $(cat "$d/pack.txt")"
    find "$d/project" -type f | wc -l >"$W/res/files-$n"

    log "N=$n: new"
    measure new "$n" "sh -c $(q "$(aside "$d/new")")" "$(q "$BIN") new $(q "$d/new") --spec $(q "$spec")"
    log "N=$n: floor"
    measure floor "$n" "sh -c $(q "$(aside "$d/floor")")" "$(q "$FLOOR") write $(q "$d/floor.pack") $(q "$d/floor")"
    diff -r "$d/project" "$d/floor" >/dev/null || die "floor output differs from scaffold new's"

    snapshot "$d/project" >"$d/snap0"
    log "N=$n: generate (unchanged project)"
    measure generate "$n" "" "$(q "$BIN") generate --dir $(q "$d/project")"
    snapshot "$d/project" >"$d/snap1"
    changed "$d/snap0" "$d/snap1" >"$W/res/rewritten-generate-$n"
    log "N=$n: check (unchanged project)"
    measure check "$n" "" "$(q "$BIN") check --dir $(q "$d/project")"
    snapshot "$d/project" >"$d/snap2"
    changed "$d/snap1" "$d/snap2" >"$W/res/rewritten-check-$n"
    log "N=$n: diff (unchanged project)"
    measure diff "$n" "" "$(q "$BIN") diff --color never --dir $(q "$d/project")"
    snapshot "$d/project" >"$d/snap3"
    changed "$d/snap2" "$d/snap3" >"$W/res/rewritten-diff-$n"

    log "N=$n: generate after adding one resource"
    inner="$(aside "$d/plus") && cp -a $(q "$d/pristine") $(q "$d/plus") && cp $(q "$plus") $(q "$d/plus/scaffold.yaml")"
    measure generate+1 "$n" "sh -c $(q "$inner")" "$(q "$BIN") generate --dir $(q "$d/plus")"
    # Which files does it write? One more run, untimed, between two snapshots.
    sh -c "$inner"
    snapshot "$d/plus" >"$d/snap-plus0"
    "$BIN" generate --dir "$d/plus" >/dev/null
    snapshot "$d/plus" >"$d/snap-plus1"
    changed "$d/snap-plus0" "$d/snap-plus1" >"$W/res/written-plus-$n"
    r="$(printf 'res%03d' $((n / 5)))"
    {
        # The client gains the resource's methods; the store module (its storage), the smoke test
        # (its 401 cases), the README (its routes) and .gitattributes (its routes' module, marked
        # generated) receive 3-way merges.
        for f in README.md netlify/functions/api.js openapi.yaml client/api.js \
            netlify/functions/_shared/store.js test/smoke.test.js .gitattributes \
            netlify/functions/_shared/routes/$r.js \
            netlify/functions/api-methods/$r-{create,delete,list,read,update}.js; do
            printf '%s\n.scaffold/base/%s\n' "$f" "$f"
        done
        echo .scaffold/lock.yaml
    } | sort >"$W/res/expected-plus-$n"

    probe_us "$d" >"$W/res/probe1-$n"

    if [[ -z "$ARC_STATUS" ]]; then
        log "N=$n: Architect arc init"
        write_arc "$spec" "$d/app.arc"
        a="$d/arc"
        prep="sh -c $(q "$(aside "$a") && mkdir $(q "$a") && cp $(q "$d/app.arc") $(q "$a/app.arc")")"
        # arc init works on the current folder (given a folder argument it ignores the app.arc
        # inside and writes its own template), so cd there first: one sh, then exec node.
        cmd="sh -c $(q "cd $(q "$a") && exec $(q "$ARC_NODE") $(q "$ARC_JS") init")"
        if [[ "$ARC_OFFLINE" == "not checked" ]]; then
            eval "$prep"
            for un in -n -rn; do
                if unshare "$un" true 2>/dev/null; then
                    if (cd "$a" && timeout 120 unshare "$un" "$ARC_NODE" "$ARC_JS" init >"$d/arc-offline.log" 2>&1); then
                        ARC_OFFLINE="yes: ran once under \`unshare $un\` (a network namespace with no interfaces)"
                    else
                        ARC_OFFLINE="NO: failed without network (its log is in the run.sh output)"
                        tail -20 "$d/arc-offline.log" >&2
                    fi
                    break
                fi
            done
            [[ "$ARC_OFFLINE" == "not checked" ]] && ARC_OFFLINE="not checked (unshare unavailable)"
        fi
        set +e
        (set -e; measure arc "$n" "$prep" "$cmd")
        rc=$?
        set -e
        if (( rc != 0 )); then
            ARC_STATUS="arc init failed at $n ops (exit $rc); see the hyperfine output above"
        else
            (cd "$a" && find . -type f | wc -l) >"$W/res/arcfiles-$n"
        fi
    fi
done

# ---------------------------------------------------------------------------------------------
log "results"
get() { cat "$W/res/$1" 2>/dev/null || echo ""; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print ""; else printf "%.2f\n", a / b }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 <= b + 0) }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 < b + 0) }'; }
dash() { [[ -n "$1" ]] && printf '%s' "$1" || printf '–'; }
has_n() { [[ " $NS " == *" $1 "* ]]; }

CMDS=(new floor generate generate+1 check diff arc)
label() {
    case "$1" in
    new) echo "\`new\`" ;;
    floor) echo "floor (write the same files)" ;;
    generate) echo "\`generate\`, unchanged" ;;
    generate+1) echo "\`generate\`, one resource added" ;;
    check) echo "\`check\`, unchanged" ;;
    diff) echo "\`diff\`, unchanged" ;;
    arc) echo "Architect \`arc init\`" ;;
    esac
}
md="$W/results.md"
git_rev="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
[[ -n "$(git -C "$ROOT" status --porcelain -- . ':!bench/results.md' 2>/dev/null | head -1)" ]] && git_rev="$git_rev (working tree modified)"
{
    echo "# scaffold benchmark results"
    echo
    echo "Made by \`bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Medians of $RUNS runs after $WARMUP warm-up (hyperfine), in ms;"
    echo "peak RSS (max of $RSS_RUNS runs, \`/usr/bin/time -f %M\`) in MB. Whole processes, output to /dev/null."
    echo
    echo "- machine: \`nproc\` = $(nproc), $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1), $(uname -sr), $(awk '/MemTotal/ { printf "%.0f GB RAM", $2 / 1048576 }' /proc/meminfo); load average (1/5/15 min) $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
    echo "- work folder under \`${TMPDIR:-/tmp}\`, on $FS_NOTE"
    printf -- '- file-creation probe in the folder each size ran in (µs per empty file; quiet disk: 25 to 80): '
    for n in $NS; do
        printf '%s ops: %s before, %s after the scaffold runs%s; ' "$n" "$(get "probe0-$n")" "$(get "probe1-$n")" \
            "$( (( $(get "probetries-$n") > 1 )) && printf ' (folder #%s tried)' "$(get "probetries-$n")")"
    done | sed 's/; $//'
    echo
    for n in $NS; do
        for k in probe0 probe1; do
            if (( $(get "$k-$n") > PROBE_MAX_US )); then
                echo "- **warning**: creating files was slow ($(get "$k-$n") µs per file) around the $n-op runs: times that create files (\`new\`, floor, \`generate\` after adding a resource, \`arc init\`) are inflated there"
                break
            fi
        done
    done
    echo "- $("$BIN" --version) at commit $git_rev; $(rustc --version); hyperfine $HYPERFINE_VERSION"
    if [[ -z "$ARC_STATUS" ]]; then
        echo "- Architect: @architect/architect $ARCHITECT_VERSION on Node $ARC_NODE_VERSION, \`NO_UPDATE_NOTIFIER=1\`; works offline: $ARC_OFFLINE"
    else
        echo "- Architect: **not measured**: $ARC_STATUS"
    fi
    echo "- files written by \`new\` (= by the floor): $(for n in $NS; do printf '%s ops: %s; ' "$n" "$(get "files-$n")"; done | sed 's/; $//')"
    [[ -z "$ARC_STATUS" ]] && echo "- files in the folder after \`arc init\` (app.arc included): $(for n in $NS; do printf '%s ops: %s; ' "$n" "$(get "arcfiles-$n")"; done | sed 's/; $//')"
    echo
    printf '| command |'
    for n in $NS; do printf ' %s ops ms | %s ops MB |' "$n" "$n"; done
    has_n 100 && has_n 1000 && printf ' 1000/100 time |'
    echo
    printf '|---|'
    for n in $NS; do printf -- '--:|--:|'; done
    has_n 100 && has_n 1000 && printf -- '--:|'
    echo
    for c in "${CMDS[@]}"; do
        [[ "$c" == arc && -n "$ARC_STATUS" ]] && continue
        printf '| %s |' "$(label "$c")"
        for n in $NS; do printf ' %s | %s |' "$(dash "$(get "$c-$n.ms")")" "$(dash "$(get "$c-$n.mb")")"; done
        has_n 100 && has_n 1000 && printf ' %s |' "$(dash "$(div "$(get "$c-1000.ms")" "$(get "$c-100.ms")")")"
        echo
    done
    echo
    echo "CPU time (user + system, mean of the $RUNS runs, ms), for reading the wall times above on a shared machine:"
    echo
    printf '| command |'
    for n in $NS; do printf ' %s ops |' "$n"; done
    echo
    printf '|---|'
    for n in $NS; do printf -- '--:|'; done
    echo
    for c in "${CMDS[@]}"; do
        [[ "$c" == arc && -n "$ARC_STATUS" ]] && continue
        printf '| %s |' "$(label "$c")"
        for n in $NS; do printf ' %s |' "$(dash "$(get "$c-$n.cpu")")"; done
        echo
    done
    echo
    printf '| ratio |'
    for n in $NS; do printf ' %s ops |' "$n"; done
    echo
    printf '|---|'
    for n in $NS; do printf -- '--:|'; done
    echo
    printf '| `new` / floor |'
    for n in $NS; do printf ' %s |' "$(dash "$(div "$(get "new-$n.ms")" "$(get "floor-$n.ms")")")"; done
    echo
    if [[ -z "$ARC_STATUS" ]]; then
        printf '| Architect `arc init` / `new` |'
        for n in $NS; do printf ' %s |' "$(dash "$(div "$(get "arc-$n.ms")" "$(get "new-$n.ms")")")"; done
        echo
    fi
    echo
    echo "## Targets (reported, never fatal)"
    echo
    target() { printf -- '- **%s** %s\n' "$1" "$2"; }
    if has_n 1000; then
        nm="$(get new-1000.ms)" fm="$(get floor-1000.ms)" r="$(div "$(get new-1000.ms)" "$(get floor-1000.ms)")"
        le "$r" "$T_NEW_FLOOR" && s=PASS || s=MISS
        target "$s" "\`new\` at 1000 ops within ${T_NEW_FLOOR}x the floor: $nm ms vs $fm ms = ${r}x (CPU $(get new-1000.cpu) vs $(get floor-1000.cpu) ms)"
        for c in generate check; do
            ms="$(get "$c-1000.ms")" rw="$(wc -l <"$W/res/rewritten-$c-1000")"
            lt "$ms" "$T_NOOP_MS" && s=PASS || s=MISS
            target "$s" "\`$c\` on the unchanged 1000-op project under $T_NOOP_MS ms: $ms ms (CPU $(get "$c-1000.cpu") ms)"
            (( rw == 0 )) && s=PASS || s=MISS
            target "$s" "\`$c\` on the unchanged 1000-op project rewrites no file (mtime and inode of every file, before vs after all $((WARMUP + RUNS + RSS_RUNS)) runs): $rw changed$( ((rw)) && printf ' (%s)' "$(head -5 "$W/res/rewritten-$c-1000" | paste -sd' ')")"
        done
        for c in new generate generate+1 check diff; do
            mb="$(get "$c-1000.mb")"
            lt "$mb" "$T_RSS_MB" && s=PASS || s=MISS
            target "$s" "peak RSS of $(label "$c") at 1000 ops under $T_RSS_MB MB: $mb MB"
        done
    else
        echo "- 1000-op targets: n/a (1000 not in BENCH_NS)"
    fi
    if has_n 100 && has_n 1000; then
        for c in new generate generate+1 check diff; do
            r="$(div "$(get "$c-1000.ms")" "$(get "$c-100.ms")")"
            le "$r" "$T_LINEAR" && s=PASS || s=MISS
            target "$s" "linearity of $(label "$c"): 1000 ops / 100 ops = $(get "$c-1000.ms") / $(get "$c-100.ms") ms = ${r}x (at most ${T_LINEAR}x)"
        done
    fi
    for n in $NS; do
        w="$W/res/written-plus-$n" e="$W/res/expected-plus-$n"
        extra="$(comm -23 "$w" "$e" | paste -sd' ')" missing="$(comm -13 "$w" "$e" | paste -sd' ')"
        [[ -z "$extra$missing" ]] && s=PASS || s=MISS
        target "$s" "\`generate\` after adding one resource at $n ops writes only the new and changed files: $(wc -l <"$w") written, $(wc -l <"$e") expected (5 handlers, the routes' module, api.js, openapi.yaml, the client, the merged README.md, store.js, smoke test and .gitattributes, their .scaffold/base/ copies, lock.yaml)$([[ -n "$extra" ]] && printf '; unexpected: %s' "$extra")$([[ -n "$missing" ]] && printf '; not written: %s' "$missing")"
    done
    for n in $NS; do
        [[ "$n" == 1000 ]] && continue
        for c in generate check diff; do
            rw="$(wc -l <"$W/res/rewritten-$c-$n")"
            ((rw)) && target MISS "\`$c\` rewrote $rw files of the unchanged $n-op project"
        done
    done
    [[ -s "$W/res/rewritten-diff-1000" ]] && target MISS "\`diff\` rewrote files of the unchanged 1000-op project"
    echo
    echo "Run \`bench/run.sh\` to reproduce (see bench/README.md); took $((SECONDS - t_start)) s."
} >"$md"

cat "$md"
# shellcheck source=section.sh
. "$ROOT/bench/section.sh"
put_section "$RESULTS" generator "$md"
note "wrote the generator's section of $RESULTS"
