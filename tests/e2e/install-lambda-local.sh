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
# shellcheck disable=SC2317  # helper functions are called indirectly
set -euo pipefail
exec </dev/null

# Pinned, exact version (DESIGN.md: 2.2.0 one-shot runs work; its --watch mode builds v2 events
# wrongly and is not used). Changing it makes a new cache dir.
LAMBDA_LOCAL_VERSION="2.2.0"

# shellcheck source=../lib/install.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/install.sh"
install_init install-lambda-local
dest="$cache_root/lambda-local-$LAMBDA_LOCAL_VERSION"
cli_rel="node_modules/lambda-local/build/cli.js"

install_need npm "install Node.js >= 20, which comes with npm"
install_need node "install Node.js >= 20"
install_need flock "install util-linux"
install_quiet_npm

# check DIR: DIR holds lambda-local at the pinned version, and its CLI runs.
check() {
    local dir="$1" v
    v="$(node "$dir/$cli_rel" --version)"
    [[ "$v" == "$LAMBDA_LOCAL_VERSION" ]] || { echo "lambda-local reports '$v', want $LAMBDA_LOCAL_VERSION"; return 1; }
    echo "lambda-local $v"
}

install() {
    # lambda-local has no install scripts of its own; none of its dependencies needs one.
    npm install --prefix "$1" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts \
        "lambda-local@$LAMBDA_LOCAL_VERSION" >&2
}

install_lock .install-lambda-local.lock 300 '.partial-lambda-local-*'
install_one "lambda-local@$LAMBDA_LOCAL_VERSION" "$dest" ".partial-lambda-local-$LAMBDA_LOCAL_VERSION" install check
printf '%s\n' "$dest/$cli_rel"
