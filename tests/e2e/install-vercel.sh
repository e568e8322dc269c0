#!/usr/bin/env bash
# Install the Vercel CLI the end-to-end tests run (`vercel dev --local`), pinned, into a per-user
# cache outside the repository:
#
#   ${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e/vercel-<version>/
#
# Usage: tests/e2e/install-vercel.sh
#   installs if needed and prints KEY=VALUE lines:
#     VERCEL_BIN         the vercel executable (`#!/usr/bin/env node`: the node on PATH runs it)
#     VERCEL_CONFIG_DIR  a private global config directory for `vercel -Q` (so the user's login
#                        and settings are never read and the tests never write to them)
#
# vercel 59.25.4 runs on the machine's Node.js 20 (61 and later do not install here); the node on
# PATH must be >= 20. The install goes into a temporary directory that is renamed into place only
# after the CLI has run and reported the expected version, and only then gets its marker file; a
# directory without the marker is discarded and redone. A lock of its own (bounded wait) keeps
# concurrent runs from installing at once; temporary directories are named `.partial-vercel-*`
# (tests/e2e/install-tools.sh clears `.tmp-*` under its own lock).
# Needs: bash, node >= 20, npm (any version able to talk to the registry), flock.
# shellcheck disable=SC2317  # helper functions are called indirectly
set -euo pipefail
exec </dev/null

# Pinned, exact version. Changing it makes a new cache directory.
VERCEL_VERSION="59.25.4"

cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e"
dest="$cache_root/vercel-$VERCEL_VERSION"
config_dir="$cache_root/vercel-config"
marker=".scaffold-e2e-installed"
lock_wait_s=600 # a cold install takes about a minute

log() { printf 'install-vercel: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v node >/dev/null 2>&1 || die "node not found on PATH (vercel $VERCEL_VERSION needs Node.js >= 20)"
command -v npm >/dev/null 2>&1 || die "npm not found on PATH"
command -v flock >/dev/null 2>&1 || die "flock not found on PATH (util-linux)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
((node_major >= 20)) || die "node on PATH is $(node --version); vercel $VERCEL_VERSION needs Node.js >= 20"
mkdir -p "$cache_root" "$config_dir"

export CI=true
export npm_config_yes=true
export npm_config_audit=false
export npm_config_fund=false
export npm_config_update_notifier=false
export npm_config_progress=false
export npm_config_loglevel=warn

# check DIR: the CLI under DIR runs and reports the pinned version (no update check, no telemetry,
# the private config directory).
check() {
    local dir="$1" v
    v="$(NO_UPDATE_NOTIFIER=1 VERCEL_TELEMETRY_DISABLED=1 timeout 120 \
        "$dir/node_modules/.bin/vercel" --version -Q "$config_dir" 2>/dev/null | tail -n 1)"
    [[ "$v" == "$VERCEL_VERSION" ]] || { echo "vercel reports '$v', want $VERCEL_VERSION"; return 1; }
    echo "vercel $v"
}

print_vars() {
    printf 'VERCEL_BIN=%s\n' "$dest/node_modules/.bin/vercel"
    printf 'VERCEL_CONFIG_DIR=%s\n' "$config_dir"
}

exec 9>"$cache_root/.install-vercel.lock"
flock -w "$lock_wait_s" 9 || die "could not get $cache_root/.install-vercel.lock within $lock_wait_s s"
# Holding the lock, any partial dir left is from an install that was killed.
find "$cache_root" -mindepth 1 -maxdepth 1 -name '.partial-vercel-*' -exec rm -rf {} +

if [[ -f "$dest/$marker" ]] && check "$dest" >/dev/null 2>&1; then
    print_vars
    exit 0
fi

tmp="$(mktemp -d "$cache_root/.partial-vercel-$VERCEL_VERSION.XXXXXX")"
chmod 755 "$tmp"
# shellcheck disable=SC2064
trap "rm -rf '$tmp'" EXIT
log "installing vercel@$VERCEL_VERSION into $dest (cold install, about a minute)"
t0=$SECONDS
# No install scripts: the only one is esbuild's, which just checks the binary that its platform
# package (@esbuild/linux-x64) already ships.
npm install --prefix "$tmp" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts \
    --omit=dev "vercel@$VERCEL_VERSION" >&2
check "$tmp" >&2 || die "vercel installed but failed its check"
date -u +%Y-%m-%dT%H:%M:%SZ >"$tmp/$marker"
if [[ -e "$dest" ]]; then
    log "removing incomplete or broken $dest"
    rm -rf "$dest"
fi
mv -T "$tmp" "$dest"
trap - EXIT
log "installed vercel@$VERCEL_VERSION in $((SECONDS - t0)) s"
print_vars
