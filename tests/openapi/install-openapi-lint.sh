#!/usr/bin/env bash
# Install the OpenAPI linters, for tests/openapi_lint.rs: @redocly/cli and @stoplight/spectral-cli
# at exact versions, into a per-user cache outside the repository, keyed by those versions:
#
#   ${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e/openapi-lint-redocly-<v>-spectral-<v>/node_modules/
#
# Usage: tests/openapi/install-openapi-lint.sh
#   installs if needed and prints one line: that node_modules directory (its .bin/ holds `redocly`
#   and `spectral`).
#
# As every installer here (tests/lib/install.sh): the install goes into a temporary directory that
# gets its marker file only after both packages report the expected version, and is then renamed
# into place; a directory without the marker is discarded and redone. A lock of its own (bounded
# wait) keeps concurrent runs from installing at once; the temporary directories are named
# `.partial-openapi-lint-*`, not `.tmp-*`, so that tests/e2e/install-tools.sh (which clears `.tmp-*`
# under its own lock) never removes one in use.
# Needs: bash, npm (any version able to talk to the registry), node >= 20.19, flock.
# shellcheck disable=SC2317  # helper functions are called indirectly
set -euo pipefail
exec </dev/null

# Pinned, exact versions. Changing one makes a new cache dir.
REDOCLY_VERSION="2.77.0"
SPECTRAL_VERSION="6.16.3"

versions="redocly-$REDOCLY_VERSION-spectral-$SPECTRAL_VERSION"

# shellcheck source=../lib/install.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/install.sh"
install_init install-openapi-lint
dest="$cache_root/openapi-lint-$versions"

install_need npm "it comes with Node.js >= 20"
install_need node "Node.js >= 20.19"
install_need flock util-linux
install_need_node 20 "@redocly/cli $REDOCLY_VERSION"
install_quiet_npm
# Neither CLI may phone home from a test.
export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true

# check DIR: the packages under DIR/node_modules are at the pinned versions and their CLIs run.
check() {
    local dir="$1" name want got
    for pair in "@redocly/cli $REDOCLY_VERSION" "@stoplight/spectral-cli $SPECTRAL_VERSION"; do
        read -r name want <<<"$pair"
        got="$(node -p 'require(process.argv[1]).version' "$dir/node_modules/$name/package.json")"
        [[ "$got" == "$want" ]] || { echo "$name reports $got, want $want"; return 1; }
    done
    got="$("$dir/node_modules/.bin/redocly" --version)"
    [[ "$got" == "$REDOCLY_VERSION" ]] || { echo "redocly --version says $got"; return 1; }
    got="$("$dir/node_modules/.bin/spectral" --version)"
    [[ "$got" == "$SPECTRAL_VERSION" ]] || { echo "spectral --version says $got"; return 1; }
    echo "@redocly/cli $REDOCLY_VERSION, @stoplight/spectral-cli $SPECTRAL_VERSION"
}

install() {
    # Neither needs its install scripts (redocly's postinstall only prints a notice).
    npm install --prefix "$1" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts \
        "@redocly/cli@$REDOCLY_VERSION" "@stoplight/spectral-cli@$SPECTRAL_VERSION" >&2
}

install_lock .install-openapi-lint.lock 600 '.partial-openapi-lint-*'
install_one "@redocly/cli@$REDOCLY_VERSION @stoplight/spectral-cli@$SPECTRAL_VERSION" \
    "$dest" ".partial-openapi-lint-$versions" install check
printf '%s\n' "$dest/node_modules"
