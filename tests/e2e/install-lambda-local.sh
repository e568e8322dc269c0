#!/usr/bin/env bash
# Install lambda-local (pinned, exact) for tests/e2e_aws_lambda.rs, into a per-user cache outside the
# repository, keyed by its version:
#
#   ${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e/lambda-local-<version>/node_modules/
#
# Usage: tests/e2e/install-lambda-local.sh
#   installs if needed and prints one line: the path of lambda-local's CLI script
#   (.../node_modules/lambda-local/build/cli.js; run it with `node`).
#
# The install goes into a temporary directory (`.partial-lambda-local-*`, a name no other installer
# of the cache clears) that is renamed into place only after the installed CLI reports the expected
# version, and only then gets its marker file; a directory without the marker is discarded and
# redone. A lock of its own (bounded wait) keeps concurrent runs from installing at once.
# lambda-local's own dependencies (winston, commander, dotenv) are resolved by npm at install time
# and then frozen in the cache.
# Needs: bash, npm (any version able to talk to the registry), node, flock.
set -euo pipefail
exec </dev/null

# Pinned, exact version (DESIGN.md: 2.2.0 one-shot runs work; its --watch mode builds v2 events
# wrongly and is not used). Changing it makes a new cache dir.
LAMBDA_LOCAL_VERSION="2.2.0"

cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e"
dest="$cache_root/lambda-local-$LAMBDA_LOCAL_VERSION"
cli_rel="node_modules/lambda-local/build/cli.js"
marker=".scaffold-e2e-installed"
lock_wait_s=300

log() { printf 'install-lambda-local: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v npm >/dev/null 2>&1 || die "npm not found on PATH (install Node.js >= 20, which comes with npm)"
command -v node >/dev/null 2>&1 || die "node not found on PATH (install Node.js >= 20)"
command -v flock >/dev/null 2>&1 || die "flock not found on PATH (install util-linux)"
mkdir -p "$cache_root"

export CI=true
export npm_config_yes=true
export npm_config_audit=false
export npm_config_fund=false
export npm_config_update_notifier=false
export npm_config_progress=false
export npm_config_loglevel=warn

# check DIR: DIR holds lambda-local at the pinned version, and its CLI runs.
check() {
    local dir="$1" v
    v="$(node "$dir/$cli_rel" --version)"
    [[ "$v" == "$LAMBDA_LOCAL_VERSION" ]] || { echo "lambda-local reports '$v', want $LAMBDA_LOCAL_VERSION"; return 1; }
    echo "lambda-local $v"
}

exec 9>"$cache_root/.install-lambda-local.lock"
flock -w "$lock_wait_s" 9 || die "could not get $cache_root/.install-lambda-local.lock within $lock_wait_s s"
# Holding the lock, any partial dir left is from an install that was killed.
find "$cache_root" -mindepth 1 -maxdepth 1 -name '.partial-lambda-local-*' -exec rm -rf {} +

if [[ -f "$dest/$marker" ]] && check "$dest" >/dev/null 2>&1; then
    printf '%s\n' "$dest/$cli_rel"
    exit 0
fi

tmp="$(mktemp -d "$cache_root/.partial-lambda-local-$LAMBDA_LOCAL_VERSION.XXXXXX")"
chmod 755 "$tmp"
# shellcheck disable=SC2064
trap "rm -rf '$tmp'" EXIT
log "installing lambda-local@$LAMBDA_LOCAL_VERSION into $dest (cold install)"
t0=$SECONDS
# lambda-local has no install scripts of its own; none of its dependencies needs one.
npm install --prefix "$tmp" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts \
    "lambda-local@$LAMBDA_LOCAL_VERSION" >&2
check "$tmp" >&2 || die "lambda-local installed but failed its check"
date -u +%Y-%m-%dT%H:%M:%SZ >"$tmp/$marker"
if [[ -e "$dest" ]]; then
    log "removing incomplete or broken $dest"
    rm -rf "$dest"
fi
mv -T "$tmp" "$dest"
trap - EXIT
log "installed in $((SECONDS - t0)) s"
printf '%s\n' "$dest/$cli_rel"
