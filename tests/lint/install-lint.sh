#!/usr/bin/env bash
# Install the linters of generated projects, for tests/lint.rs: prettier, eslint and @eslint/js at
# the exact versions every generated package.json pins (devDependencies), into a per-user cache
# outside the repository, keyed by those versions:
#
#   ${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e/lint-prettier-<v>-eslint-<v>-eslint-js-<v>/node_modules/
#
# Usage: tests/lint/install-lint.sh
#   installs if needed and prints one line: that node_modules directory. The test links
#   <project>/node_modules to it, so that the project's own eslint.config.js finds `@eslint/js`.
#
# As every installer here (tests/lib/install.sh): the install goes into a temporary directory that
# gets its marker file only after every package reports the expected version, and is then renamed
# into place; a directory without the marker is discarded and redone. A lock of its own (bounded
# wait) keeps concurrent runs from installing at once; the temporary directories are named
# `.partial-lint-*`, not `.tmp-*`, so that tests/e2e/install-tools.sh (which clears `.tmp-*` under
# its own lock) never removes one in use.
# Needs: bash, npm (any version able to talk to the registry), node >= 20, flock.
# shellcheck disable=SC2317  # helper functions are called indirectly
set -euo pipefail
exec </dev/null

# shellcheck source=../lib/install.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/install.sh"

# Pinned, exact versions: the ones generated package.json files pin, read from
# templates/_shared/package.yaml. Changing one makes a new cache dir; tests/lint.rs checks that the
# generated package.json files agree.
PRETTIER_VERSION="$(pinned prettier)"
ESLINT_VERSION="$(pinned eslint)"
ESLINT_JS_VERSION="$(pinned @eslint/js)"

versions="prettier-$PRETTIER_VERSION-eslint-$ESLINT_VERSION-eslint-js-$ESLINT_JS_VERSION"
install_init install-lint
dest="$cache_root/lint-$versions"

install_need npm "it comes with Node.js >= 20"
install_need node "Node.js >= 20"
install_need flock util-linux
install_need_node 20 "eslint $ESLINT_VERSION"
install_quiet_npm

# check DIR: the packages under DIR/node_modules are at the pinned versions and their CLIs run.
check() {
    local dir="$1" name want got
    for pair in "prettier $PRETTIER_VERSION" "eslint $ESLINT_VERSION" "@eslint/js $ESLINT_JS_VERSION"; do
        read -r name want <<<"$pair"
        got="$(node -p 'require(process.argv[1]).version' "$dir/node_modules/$name/package.json")"
        [[ "$got" == "$want" ]] || { echo "$name reports $got, want $want"; return 1; }
    done
    got="$("$dir/node_modules/.bin/prettier" --version)"
    [[ "$got" == "$PRETTIER_VERSION" ]] || { echo "prettier --version says $got"; return 1; }
    got="$("$dir/node_modules/.bin/eslint" --version)"
    [[ "$got" == "v$ESLINT_VERSION" ]] || { echo "eslint --version says $got"; return 1; }
    echo "prettier $PRETTIER_VERSION, eslint $ESLINT_VERSION, @eslint/js $ESLINT_JS_VERSION"
}

install() {
    # None needs its install scripts.
    npm install --prefix "$1" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts \
        "prettier@$PRETTIER_VERSION" "eslint@$ESLINT_VERSION" "@eslint/js@$ESLINT_JS_VERSION" >&2
}

install_lock .install-lint.lock 300 '.partial-lint-*'
install_one "prettier@$PRETTIER_VERSION eslint@$ESLINT_VERSION @eslint/js@$ESLINT_JS_VERSION" \
    "$dest" ".partial-lint-$versions" install check
printf '%s\n' "$dest/node_modules"
