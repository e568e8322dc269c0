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
# The install goes into a temporary directory that gets its marker file only after every package
# reports the expected version, and is then renamed into place; a directory without the marker is
# discarded and redone. A lock of its own (bounded wait) keeps concurrent runs from installing at
# once; the temporary directories are named `.partial-lint-*`, not `.tmp-*`, so that
# tests/e2e/install-tools.sh (which clears `.tmp-*` under its own lock) never removes one in use.
# Needs: bash, npm (any version able to talk to the registry), node >= 20, flock.
set -euo pipefail
exec </dev/null

# Pinned, exact versions: the ones templates/<target>/package.json pin. Changing one makes a new
# cache dir; tests/lint.rs checks that the generated package.json files agree.
PRETTIER_VERSION="3.10.1"
ESLINT_VERSION="9.39.5"
ESLINT_JS_VERSION="9.39.5"

versions="prettier-$PRETTIER_VERSION-eslint-$ESLINT_VERSION-eslint-js-$ESLINT_JS_VERSION"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e"
dest="$cache_root/lint-$versions"
marker=".scaffold-e2e-installed"
lock_wait_s=300

log() { printf 'install-lint: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v npm >/dev/null 2>&1 || die "npm not found on PATH (it comes with Node.js >= 20)"
command -v node >/dev/null 2>&1 || die "node not found on PATH (Node.js >= 20)"
command -v flock >/dev/null 2>&1 || die "flock not found on PATH (util-linux)"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' ||
    die "node $(node --version) is too old: eslint $ESLINT_VERSION and the generated code need Node.js >= 20"
mkdir -p "$cache_root"

export CI=true
export npm_config_yes=true
export npm_config_audit=false
export npm_config_fund=false
export npm_config_update_notifier=false
export npm_config_progress=false
export npm_config_loglevel=warn

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

exec 9>"$cache_root/.install-lint.lock"
flock -w "$lock_wait_s" 9 || die "could not get $cache_root/.install-lint.lock within $lock_wait_s s"
# Holding the lock, any partial dir left is from an install that was killed.
find "$cache_root" -mindepth 1 -maxdepth 1 -name '.partial-lint-*' -exec rm -rf {} +

if [[ -f "$dest/$marker" ]] && check "$dest" >/dev/null 2>&1; then
    printf '%s\n' "$dest/node_modules"
    exit 0
fi

tmp="$(mktemp -d "$cache_root/.partial-lint-$versions.XXXXXX")"
chmod 755 "$tmp"
# shellcheck disable=SC2064
trap "rm -rf '$tmp'" EXIT
log "installing prettier@$PRETTIER_VERSION eslint@$ESLINT_VERSION @eslint/js@$ESLINT_JS_VERSION into $dest (cold install)"
# None needs its install scripts.
npm install --prefix "$tmp" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts \
    "prettier@$PRETTIER_VERSION" "eslint@$ESLINT_VERSION" "@eslint/js@$ESLINT_JS_VERSION" >&2
check "$tmp" >&2 || die "packages installed but failed their check"
date -u +%Y-%m-%dT%H:%M:%SZ >"$tmp/$marker"
if [[ -e "$dest" ]]; then
    log "removing incomplete or broken $dest"
    rm -rf "$dest"
fi
mv -T "$tmp" "$dest"
trap - EXIT
printf '%s\n' "$dest/node_modules"
