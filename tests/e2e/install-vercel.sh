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

# shellcheck source=../lib/install.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/install.sh"
install_init install-vercel
dest="$cache_root/vercel-$VERCEL_VERSION"
config_dir="$cache_root/vercel-config"

install_need node "vercel $VERCEL_VERSION needs Node.js >= 20"
install_need npm
install_need flock util-linux
install_need_node 20 "vercel $VERCEL_VERSION"
mkdir -p "$config_dir"
install_quiet_npm

# check DIR: the CLI under DIR runs and reports the pinned version (no update check, no telemetry,
# the private config directory).
check() {
    local dir="$1" v
    v="$(NO_UPDATE_NOTIFIER=1 VERCEL_TELEMETRY_DISABLED=1 timeout 120 \
        "$dir/node_modules/.bin/vercel" --version -Q "$config_dir" 2>/dev/null | tail -n 1)"
    [[ "$v" == "$VERCEL_VERSION" ]] || { echo "vercel reports '$v', want $VERCEL_VERSION"; return 1; }
    echo "vercel $v"
}

install() {
    # No install scripts: the only one is esbuild's, which just checks the binary that its platform
    # package (@esbuild/linux-x64) already ships. A cold install takes about a minute.
    npm install --prefix "$1" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts \
        --omit=dev "vercel@$VERCEL_VERSION" >&2
}

install_lock .install-vercel.lock 600 '.partial-vercel-*'
install_one "vercel@$VERCEL_VERSION" "$dest" ".partial-vercel-$VERCEL_VERSION" install check
printf 'VERCEL_BIN=%s\n' "$dest/node_modules/.bin/vercel"
printf 'VERCEL_CONFIG_DIR=%s\n' "$config_dir"
