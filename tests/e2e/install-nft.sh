#!/usr/bin/env bash
# Install @vercel/nft (pinned, exact) for tests/bundle.rs, into a per-user cache outside the
# repository, keyed by its version:
#
#   ${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e/vercel-nft-<version>/node_modules/
#
# Usage: tests/e2e/install-nft.sh
#   installs if needed and prints one line: the path of @vercel/nft's package.json (its
#   node_modules folder is three levels up).
#
# @vercel/nft is the file tracer Vercel's Node.js builder (@vercel/node) uses to decide which files
# a function ships: the version here is the one @vercel/node@13.0.2 depends on, the builder of the
# vercel CLI the e2e tests pin (vercel@59.25.4, tests/e2e/install-vercel.sh).
# The install goes into a temporary directory (`.partial-vercel-nft-*`) renamed into place once the
# installed package reports the expected version; a lock of its own keeps concurrent runs apart.
# Needs: bash, npm, node, flock.
# shellcheck disable=SC2317  # helper functions are called indirectly
set -euo pipefail
exec </dev/null

NFT_VERSION="1.10.0"

# shellcheck source=../lib/install.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/install.sh"
install_init install-nft
dest="$cache_root/vercel-nft-$NFT_VERSION"
package_rel="node_modules/@vercel/nft/package.json"

install_need npm "install Node.js >= 20, which comes with npm"
install_need node "install Node.js >= 20"
install_need flock "install util-linux"
install_quiet_npm

# check DIR: DIR holds @vercel/nft at the pinned version, and it loads.
check() {
    local dir="$1" v
    v="$(node -p 'require(process.argv[1]).version' "$dir/$package_rel")"
    [[ "$v" == "$NFT_VERSION" ]] || { echo "@vercel/nft reports '$v', want $NFT_VERSION"; return 1; }
    node -e 'if (typeof require(process.argv[1]).nodeFileTrace !== "function") process.exit(1)' \
        "$dir/node_modules/@vercel/nft" || { echo "@vercel/nft has no nodeFileTrace"; return 1; }
    echo "@vercel/nft $v"
}

install() {
    # None of its dependencies needs an install script for tracing plain JavaScript.
    npm install --prefix "$1" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts \
        "@vercel/nft@$NFT_VERSION" >&2
}

install_lock .install-vercel-nft.lock 300 '.partial-vercel-nft-*'
install_one "@vercel/nft@$NFT_VERSION" "$dest" ".partial-vercel-nft-$NFT_VERSION" install check
printf '%s\n' "$dest/$package_rel"
