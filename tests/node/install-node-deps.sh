#!/usr/bin/env bash
# Install the npm packages generated projects import, for the Node tests: `jose` (the JWT library
# of a `provider: jwt` project's auth.js), `@azure/functions` (the azure-functions target's entry)
# `@netlify/blobs` (the netlify-blobs store), `pg` (the postgres store), `@aws-sdk/client-dynamodb`
# and `@aws-sdk/lib-dynamodb` (the dynamodb store) and `@azure/data-tables` (the azure-tables
# store), into a per-user cache outside the repository, keyed by exact versions:
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

# shellcheck source=../lib/install.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/install.sh"

# Pinned, exact versions: the ones generated package.json files pin, read from
# templates/_shared/package.yaml. Changing one makes a new cache dir.
JOSE_VERSION="$(pinned jose)"
AZURE_FUNCTIONS_VERSION="$(pinned @azure/functions)"
NETLIFY_BLOBS_VERSION="$(pinned @netlify/blobs)"
PG_VERSION="$(pinned pg)"
DYNAMODB_VERSION="$(pinned @aws-sdk/client-dynamodb)"
DYNAMODB_LIB_VERSION="$(pinned @aws-sdk/lib-dynamodb)"
DATA_TABLES_VERSION="$(pinned @azure/data-tables)"
install_init install-node-deps
versions="jose-$JOSE_VERSION-azfn-$AZURE_FUNCTIONS_VERSION-blobs-$NETLIFY_BLOBS_VERSION-pg-$PG_VERSION"
versions+="-ddb-$DYNAMODB_VERSION-$DYNAMODB_LIB_VERSION-aztables-$DATA_TABLES_VERSION"
dest="$cache_root/$versions"

install_need npm
install_need node
install_need flock util-linux
install_quiet_npm

# check DIR: the packages under DIR/node_modules are at the pinned versions.
check() {
    local dir="$1" v w b p name pin got
    v="$(node -p 'require(process.argv[1]).version' "$dir/node_modules/jose/package.json")"
    [[ "$v" == "$JOSE_VERSION" ]] || { echo "jose reports $v, want $JOSE_VERSION"; return 1; }
    w="$(node -p 'require(process.argv[1]).version' "$dir/node_modules/@azure/functions/package.json")"
    [[ "$w" == "$AZURE_FUNCTIONS_VERSION" ]] ||
        { echo "@azure/functions reports $w, want $AZURE_FUNCTIONS_VERSION"; return 1; }
    b="$(node -p 'require(process.argv[1]).version' "$dir/node_modules/@netlify/blobs/package.json")"
    [[ "$b" == "$NETLIFY_BLOBS_VERSION" ]] ||
        { echo "@netlify/blobs reports $b, want $NETLIFY_BLOBS_VERSION"; return 1; }
    p="$(node -p 'require(process.argv[1]).version' "$dir/node_modules/pg/package.json")"
    [[ "$p" == "$PG_VERSION" ]] || { echo "pg reports $p, want $PG_VERSION"; return 1; }
    for pin in "@aws-sdk/client-dynamodb@$DYNAMODB_VERSION" "@aws-sdk/lib-dynamodb@$DYNAMODB_LIB_VERSION" \
        "@azure/data-tables@$DATA_TABLES_VERSION"; do
        name="${pin%@*}"
        got="$(node -p 'require(process.argv[1]).version' "$dir/node_modules/$name/package.json")"
        [[ "$got" == "${pin##*@}" ]] || { echo "$name reports $got, want ${pin##*@}"; return 1; }
    done
    echo "jose $v, @azure/functions $w, @netlify/blobs $b, pg $p, $DYNAMODB_VERSION, $DATA_TABLES_VERSION"
}

install() {
    # None needs its install scripts. @netlify/blobs asks for Node >= 22.12 (the Node of netlify dev
    # and of Netlify's functions); Node 20 only installs it here.
    npm install --prefix "$1" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts \
        "jose@$JOSE_VERSION" "@azure/functions@$AZURE_FUNCTIONS_VERSION" "@netlify/blobs@$NETLIFY_BLOBS_VERSION" \
        "pg@$PG_VERSION" "@aws-sdk/client-dynamodb@$DYNAMODB_VERSION" "@aws-sdk/lib-dynamodb@$DYNAMODB_LIB_VERSION" \
        "@azure/data-tables@$DATA_TABLES_VERSION" >&2
}

install_lock .install-jose.lock 300 '.partial-jose-*'
install_one "the pinned packages of generated projects ($versions)" \
    "$dest" ".partial-$versions" install check
printf '%s\n' "$dest/node_modules"
