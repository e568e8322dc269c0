#!/usr/bin/env bash
# Install the npm packages generated projects import, for the Node tests: `jose` (the JWT library
# of a `provider: jwt` project's auth.js), `@azure/functions` (the azure-functions target's entry)
# and `@netlify/blobs` (the netlify-blobs store), into a per-user cache outside the repository,
# keyed by exact versions:
#
#   ${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e/jose-<v>-azfn-<v>-blobs-<v>/node_modules/
#
# Usage: tests/node/install-node-deps.sh
#   installs if needed and prints one line: that node_modules directory. The tests link
#   <project>/node_modules to it, so `import('jose')` in the generated code resolves.
#
# The install goes into a temporary directory that is renamed into place only after the installed
# package reports the expected version, and only then gets its marker file; a directory without the
# marker is discarded and redone. A lock of its own (bounded wait) keeps concurrent runs from
# installing at once; the temporary directories are named `.partial-jose-*`, not `.tmp-*`, so that
# tests/e2e/install-tools.sh (which clears `.tmp-*` under its own lock) never removes one in use.
# Needs: bash, npm (any version able to talk to the registry), node, flock.
# shellcheck disable=SC2317  # helper functions are called indirectly
set -euo pipefail
exec </dev/null

# Pinned, exact version: the one specs' package.json files pin. Changing it makes a new cache dir.
JOSE_VERSION="6.2.18"
AZURE_FUNCTIONS_VERSION="4.16.5"
NETLIFY_BLOBS_VERSION="11.1.1"

cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e"
dest="$cache_root/jose-$JOSE_VERSION-azfn-$AZURE_FUNCTIONS_VERSION-blobs-$NETLIFY_BLOBS_VERSION"
marker=".scaffold-e2e-installed"
lock_wait_s=300

log() { printf 'install-node-deps: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v npm >/dev/null 2>&1 || die "npm not found on PATH"
command -v node >/dev/null 2>&1 || die "node not found on PATH"
command -v flock >/dev/null 2>&1 || die "flock not found on PATH (util-linux)"
mkdir -p "$cache_root"

export CI=true
export npm_config_yes=true
export npm_config_audit=false
export npm_config_fund=false
export npm_config_update_notifier=false
export npm_config_progress=false
export npm_config_loglevel=warn

# check DIR: the packages under DIR/node_modules are at the pinned versions.
check() {
    local dir="$1" v w
    v="$(node -p 'require(process.argv[1]).version' "$dir/node_modules/jose/package.json")"
    [[ "$v" == "$JOSE_VERSION" ]] || { echo "jose reports $v, want $JOSE_VERSION"; return 1; }
    w="$(node -p 'require(process.argv[1]).version' "$dir/node_modules/@azure/functions/package.json")"
    [[ "$w" == "$AZURE_FUNCTIONS_VERSION" ]] ||
        { echo "@azure/functions reports $w, want $AZURE_FUNCTIONS_VERSION"; return 1; }
    b="$(node -p 'require(process.argv[1]).version' "$dir/node_modules/@netlify/blobs/package.json")"
    [[ "$b" == "$NETLIFY_BLOBS_VERSION" ]] ||
        { echo "@netlify/blobs reports $b, want $NETLIFY_BLOBS_VERSION"; return 1; }
    echo "jose $v, @azure/functions $w, @netlify/blobs $b"
}

exec 9>"$cache_root/.install-jose.lock"
flock -w "$lock_wait_s" 9 || die "could not get $cache_root/.install-jose.lock within $lock_wait_s s"
# Holding the lock, any partial dir left is from an install that was killed.
find "$cache_root" -mindepth 1 -maxdepth 1 -name '.partial-jose-*' -exec rm -rf {} +

if [[ -f "$dest/$marker" ]] && check "$dest" >/dev/null 2>&1; then
    printf '%s\n' "$dest/node_modules"
    exit 0
fi

tmp="$(mktemp -d "$cache_root/.partial-jose-$JOSE_VERSION-azfn-$AZURE_FUNCTIONS_VERSION-blobs-$NETLIFY_BLOBS_VERSION.XXXXXX")"
chmod 755 "$tmp"
# shellcheck disable=SC2064
trap "rm -rf '$tmp'" EXIT
log "installing jose@$JOSE_VERSION @azure/functions@$AZURE_FUNCTIONS_VERSION @netlify/blobs@$NETLIFY_BLOBS_VERSION into $dest (cold install)"
# None needs its install scripts. @netlify/blobs asks for Node >= 22.12 (the Node of netlify dev and
# of Netlify's functions); Node 20 only installs it here.
npm install --prefix "$tmp" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts \
    "jose@$JOSE_VERSION" "@azure/functions@$AZURE_FUNCTIONS_VERSION" "@netlify/blobs@$NETLIFY_BLOBS_VERSION" >&2
check "$tmp" >&2 || die "packages installed but failed their check"
date -u +%Y-%m-%dT%H:%M:%SZ >"$tmp/$marker"
if [[ -e "$dest" ]]; then
    log "removing incomplete or broken $dest"
    rm -rf "$dest"
fi
mv -T "$tmp" "$dest"
trap - EXIT
printf '%s\n' "$dest/node_modules"
