#!/usr/bin/env bash
# Install the MDN HTTP Observatory (npm `@mdn/mdn-http-observatory`, pinned) for
# tests/observatory.rs, into a per-user cache outside the repository:
#
#   ${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e/mdn-http-observatory-<version>/
#
# Usage:
#   tests/observatory/install.sh     installs if needed, prints OBSERVATORY_DIR=<package dir>
#
# The only network this touches is the npm registry, and only on a cold install:
#
# - `--ignore-scripts`: the package's own postinstall downloads Chromium's HSTS preload list
#   (raw.githubusercontent.com) and IANA's TLD list (data.iana.org);
#   node_extra_ca_certs_mozilla_bundle's install script downloads a CA bundle; pg-native's libpq
#   would compile with node-gyp (which may download Node headers). None of it is needed to grade
#   headers: the CA bundle and Postgres serve the hosted scanner and its API, not the scoring.
# - The HSTS preload list is read at run time by the HSTS and redirection tests
#   (src/analyzer/hsts.js reads conf/hsts-preload.json, which the postinstall would write). We
#   write an EMPTY list instead: the graded host is api.example.test, and `.test` is a reserved
#   TLD that is not (and cannot be) in the preload list, so the empty list gives the same verdict
#   the real list would. (It would differ only for a preloaded host: a +5 "hsts-preloaded".)
#   The TLD list (conf/tld-list.json) is used only by the hosted service's maintenance job;
#   subresource-integrity uses `tldts`, which bundles its data.
#
# As in tests/e2e/install-tools.sh: the install goes into a temporary directory that is checked,
# marked and renamed into place; a directory without the marker is redone; the cache root's
# `.install.lock` (shared with install-tools.sh, whose cleanup removes stray `.tmp-*` dirs
# while holding it) keeps concurrent installs apart, with a bounded wait.
# Needs: bash, npm, node >= 20 (the package's engines field), flock.
# shellcheck disable=SC2016  # the node -e scripts are single-quoted JavaScript

# Pinned, exact version (the only one the registry listed when this was written: `npm view
# @mdn/mdn-http-observatory versions`). Changing it makes a new cache directory; check the
# scoring tables (src/grader/charts.js) and tests/observatory/grade.mjs against the new version.
SCAFFOLD_OBSERVATORY_VERSION="1.4.8"

set -euo pipefail
exec </dev/null

version="$SCAFFOLD_OBSERVATORY_VERSION"
# shellcheck source=../lib/install.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/install.sh"
install_init observatory/install.sh
name="mdn-http-observatory-$version"
dest="$cache_root/$name"
pkg_rel="node_modules/@mdn/mdn-http-observatory"

install_need node "Node.js >= 20 is needed"
install_need npm
install_need flock util-linux
install_need_node 20 "@mdn/mdn-http-observatory@$version"
install_quiet_npm

# quick_check DIR (every run): the marker, and the package is there at the pinned version, with
# the offline HSTS list in place.
quick_check() {
    local dir="$1" pkg
    pkg="$dir/$pkg_rel"
    [[ -f "$dir/$marker" ]] || { echo "no marker in $dir"; return 1; }
    [[ -f "$pkg/conf/hsts-preload.json" ]] || { echo "no $pkg/conf/hsts-preload.json"; return 1; }
    PKG="$pkg" WANT="$version" node -e '
        const { version } = require(`${process.env.PKG}/package.json`);
        if (version !== process.env.WANT) throw new Error(`installed ${version}, want ${process.env.WANT}`);
    '
}

# check DIR (after a cold install): the tests and the scorer load (this imports jsdom: about 2 s).
check() {
    local dir="$1" pkg
    pkg="$dir/$pkg_rel"
    [[ -f "$pkg/conf/hsts-preload.json" ]] || { echo "no $pkg/conf/hsts-preload.json"; return 1; }
    PKG="$pkg" WANT="$version" node --input-type=module -e '
        import { readFileSync } from "node:fs";
        import { pathToFileURL } from "node:url";
        const pkg = process.env.PKG;
        const { version } = JSON.parse(readFileSync(`${pkg}/package.json`, "utf8"));
        if (version !== process.env.WANT) throw new Error(`installed ${version}, want ${process.env.WANT}`);
        const m = await import(pathToFileURL(`${pkg}/src/constants.js`).href);
        if (m.ALL_TESTS.length !== 10) throw new Error(`expected 10 tests, got ${m.ALL_TESTS.length}`);
        await import(pathToFileURL(`${pkg}/src/grader/grader.js`).href);
        console.log(`@mdn/mdn-http-observatory ${version}, algorithm ${m.ALGORITHM_VERSION}, ${m.ALL_TESTS.length} tests`);
    '
}

install() {
    local dir="$1"
    npm install --prefix "$dir" --no-save --no-package-lock --ignore-scripts --omit=dev \
        --no-audit --no-fund "@mdn/mdn-http-observatory@$version" >&2
    # npm warns EBADENGINE for cookie@2 (node >= 22) under Node 20: it comes with fastify's
    # light-my-request (the hosted API's), which the scoring never loads.
    # Stand-in for the postinstall's download (see the header of this file).
    printf '{}\n' >"$dir/$pkg_rel/conf/hsts-preload.json"
}

# The cache root's `.install.lock` (shared with install-tools.sh); holding it, a temp dir of ours
# that is left is from an install that was killed.
install_lock .install.lock 900 ".tmp-$name.*" # install-tools.sh may hold it for a cold netlify-cli install
install_one "@mdn/mdn-http-observatory@$version" "$dest" ".tmp-$name" install check quick_check

printf 'OBSERVATORY_DIR=%s\n' "$dest/$pkg_rel"
