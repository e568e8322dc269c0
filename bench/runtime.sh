#!/usr/bin/env bash
# Runtime benchmark of the *generated* API (not of the generator): cold start and warm cost per
# request of the Netlify function `scaffold new` writes for 10, 100 and 1,000 operations, as
# generated and as Netlify bundles it (esbuild), side by side with the netlify-modern target, a
# Hono app with the same routes and headers, and a floor (one bare function, one route). Prints a
# Markdown table and writes it to its section of bench/results.md (bench/run.sh writes the
# other), with PASS/MISS per target.
# See bench/README.md, "Runtime benchmark".
#
#   bench/runtime.sh                        everything (1.5 to 2.5 minutes warm on 2 cores)
#   BENCH_NS="10 100" bench/runtime.sh      only these sizes (targets at 1000 ops then read n/a)
#   BENCH_SKIP_MODERN=1 bench/runtime.sh    without the netlify-modern target
#   BENCH_COLD_RUNS=7 BENCH_WARM_ITERS=20000 BENCH_WARM_BATCHES=10 bench/runtime.sh
#   BENCH_RESULTS=/tmp/r.md bench/runtime.sh   write the section into another file
#
# Not part of the test suite. Misses are reported, never fatal: exits 0 when it measured, 1 only
# when it could not (build, install, generation or bundling failed, or the generated netlify
# function did not answer as expected). Nothing listens on the network: every request is handed to
# the entry's export in process (bench/runtime/requests.mjs); each cold start is a fresh `node`.
set -euo pipefail
export LC_ALL=C

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Pinned, exact versions (npm). Changing one makes a new cache folder.
ESBUILD_VERSION="0.28.2"
HONO_VERSION="4.13.23"
NS="${BENCH_NS:-10 100 1000}"
RESULTS="${BENCH_RESULTS:-$ROOT/bench/results.md}"
export BENCH_COLD_RUNS="${BENCH_COLD_RUNS:-7}"
export BENCH_WARM_ITERS="${BENCH_WARM_ITERS:-20000}"
export BENCH_WARM_BATCHES="${BENCH_WARM_BATCHES:-10}"
export BENCH_WARM_WARMUP="${BENCH_WARM_WARMUP:-5000}"

t_start=$SECONDS
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
log() { printf '\n== %s\n' "$*" >&2; }
note() { printf 'bench-runtime: %s\n' "$*" >&2; }
die() { printf 'bench-runtime: error: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null 2>&1 || die "node not found on PATH (Node.js >= 20)"
command -v npm >/dev/null 2>&1 || die "npm not found on PATH"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' ||
    die "node $(node --version) is too old: Node.js >= 20"
for n in $NS; do
    [[ "$n" =~ ^(10|100|1000)$ ]] || die "BENCH_NS: $n is not one of 10 100 1000"
    [[ -f "$ROOT/bench/specs/ops-$n.yaml" ]] || die "missing bench/specs/ops-$n.yaml (bench/make-specs.sh)"
done

# ---------------------------------------------------------------------------------------------
log "1. cargo build --release"
cargo build --release --quiet
BIN="$ROOT/target/release/scaffold"
[[ -x "$BIN" ]] || die "$BIN missing after cargo build"

# ---------------------------------------------------------------------------------------------
log "2. esbuild $ESBUILD_VERSION and hono $HONO_VERSION"
# Into ${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e/bench-runtime-esbuild-<v>-hono-<v>/ with the
# helpers of tests/lib/install.sh: a temp folder (.partial-*), checked, marked, renamed into place,
# under a lock. In a subshell: install.sh defines log/die and sets an EXIT trap of its own.
TOOLS="bench-runtime-esbuild-$ESBUILD_VERSION-hono-$HONO_VERSION"
DEPS="$(
    # shellcheck source=../tests/lib/install.sh
    . "$ROOT/tests/lib/install.sh"
    install_init bench-runtime
    install_need flock util-linux
    install_quiet_npm
    _install() {
        # esbuild's install script only checks its binary (@esbuild/linux-x64, an optional
        # dependency installed anyway); the check below runs the binary.
        timeout 600 npm install --prefix "$1" --no-save --no-package-lock --ignore-scripts \
            "esbuild@$ESBUILD_VERSION" "hono@$HONO_VERSION" >&2
    }
    _check() {
        local e h
        e="$(timeout 60 "$1/node_modules/.bin/esbuild" --version)"
        [[ "$e" == "$ESBUILD_VERSION" ]] || { echo "esbuild reports $e, want $ESBUILD_VERSION"; return 1; }
        h="$(node -p 'require(process.argv[1]).version' "$1/node_modules/hono/package.json")"
        [[ "$h" == "$HONO_VERSION" ]] || { echo "hono reports $h, want $HONO_VERSION"; return 1; }
        echo "esbuild $e, hono $h"
    }
    install_lock .install-bench-runtime.lock 300 '.partial-bench-runtime-*'
    install_one "esbuild@$ESBUILD_VERSION hono@$HONO_VERSION" "$cache_root/$TOOLS" ".partial-$TOOLS" _install _check
    printf '%s\n' "$cache_root/$TOOLS/node_modules"
)" || die "could not install esbuild $ESBUILD_VERSION and hono $HONO_VERSION"
ESBUILD="$DEPS/.bin/esbuild"
[[ -x "$ESBUILD" && -f "$DEPS/hono/package.json" ]] || die "esbuild or hono missing under $DEPS"

# ---------------------------------------------------------------------------------------------
W="$(mktemp -d "${TMPDIR:-/tmp}/scaffold-bench-runtime.XXXXXX")"
trap 'note "removing the work folder $W"; rm -rf "$W"' EXIT

# bundle ENTRY OUT FORMAT: what Netlify's esbuild bundler does to a function (node_bundler =
# "esbuild"): one file, Node platform, Node 20 syntax, not minified.
bundle() {
    timeout 300 "$ESBUILD" "$1" --bundle --platform=node --target=node20 --format="$3" \
        --outfile="$2" --log-level=warning >&2 || die "esbuild failed on $1"
}

MODERN_STATUS=""
[[ -n "${BENCH_SKIP_MODERN:-}" ]] && MODERN_STATUS="skipped (BENCH_SKIP_MODERN set)"
log "3. generate the projects, the Hono apps, the floor; bundle"
for n in $NS; do
    d="$W/n$n"
    mkdir -p "$d/bundles"
    # The bench spec with `storage: memory`: the CRUD handlers keep items in a Map, so no measured
    # request reaches a network store (the default for netlify is netlify-blobs).
    sed 's/^target: netlify$/target: netlify\nstorage: memory/' "$ROOT/bench/specs/ops-$n.yaml" >"$d/spec.yaml"
    grep -q '^storage: memory$' "$d/spec.yaml" || die "could not set storage: memory in the $n-op spec"
    "$BIN" new "$d/netlify" --target netlify --spec "$d/spec.yaml" >/dev/null ||
        die "scaffold new --target netlify failed at $n ops"
    bundle "$d/netlify/netlify/functions/api.js" "$d/bundles/netlify.cjs" cjs
    if [[ -z "$MODERN_STATUS" ]]; then
        # netlify-modern has no Netlify Identity (jwt would verify tokens against a JWKS over the
        # network): the same spec with `provider: none`.
        sed 's/^  provider: netlify-identity$/  provider: none/' "$d/spec.yaml" >"$d/spec-modern.yaml"
        if "$BIN" new "$d/modern" --target netlify-modern --spec "$d/spec-modern.yaml" >"$d/modern.log" 2>&1; then
            bundle "$d/modern/netlify/functions/api.js" "$d/bundles/modern.mjs" esm
        else
            cat "$d/modern.log" >&2
            MODERN_STATUS="scaffold new --target netlify-modern failed at $n ops"
            note "$MODERN_STATUS; going on without it"
        fi
    fi
    [[ -f "$W/headers.json" ]] ||
        node -p 'JSON.stringify(require(process.argv[1]))' "$d/netlify/netlify/functions/_shared/headers.js" >"$W/headers.json"
    mkdir -p "$d/hono"
    ln -s "$DEPS" "$d/hono/node_modules"
    node "$ROOT/bench/runtime/make-hono.mjs" "$d/spec.yaml" "$W/headers.json" "$d/hono/app.mjs"
    bundle "$d/hono/app.mjs" "$d/bundles/hono.mjs" esm
    note "$n ops: generated and bundled ($(find "$d/netlify" -type f -not -path '*/.scaffold/*' | wc -l) files in the netlify project)"
done
mkdir -p "$W/floor"
node "$ROOT/bench/runtime/make-floor.mjs" "$W/headers.json" "$W/floor/floor.cjs"

# ---------------------------------------------------------------------------------------------
log "4. measure (cold starts, then warm requests)"
git_rev="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
# The results file itself does not count (it is what this run rewrites).
[[ -n "$(git -C "$ROOT" status --porcelain -- . ':!bench/results.md' 2>/dev/null | head -1)" ]] &&
    git_rev="$git_rev (working tree modified)"
export RT_WORK="$W" RT_NS="$NS" RT_RESULTS_TMP="$W/results.md" RT_MODERN_STATUS="$MODERN_STATUS"
export RT_ESBUILD_VERSION="$ESBUILD_VERSION" RT_HONO_VERSION="$HONO_VERSION" RT_COMMIT="$git_rev"
RT_SCAFFOLD="$("$BIN" --version)"
export RT_SCAFFOLD RT_LOAD_START="$load_start" RT_T_START="$t_start"
set +e
timeout 1800 node "$ROOT/bench/runtime/run.mjs"
rc=$?
set -e
[[ -f "$W/results.md" ]] || die "run.mjs wrote no results (exit $rc)"
awk -v s=$((SECONDS - t_start)) '{ gsub(/@SECONDS@/, s); print }' "$W/results.md" >"$W/results.out"
cat "$W/results.out"
# shellcheck source=section.sh
. "$ROOT/bench/section.sh"
put_section "$RESULTS" runtime "$W/results.out"
note "wrote the runtime section of $RESULTS"
(( rc == 0 )) || die "could not measure everything that is required (run.mjs exit $rc; see above)"
