#!/usr/bin/env bash
# Self-test of the e2e harness: copies the fixture project in selftest/fixture
# to a temp dir, runs it under netlify-dev.sh and runs selftest/check.cjs
# against it. Prints "N passed, N failed"; exits non-zero on any failure.
#
# Usage: tests/e2e/harness-selftest.sh   (any cwd, no stdin needed)
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly E2E_DIR

# For NODE22_BIN (the check script uses Node's http/net).
# shellcheck source=install-tools.sh
. "$E2E_DIR/install-tools.sh" </dev/null

work="$(mktemp -d "${TMPDIR:-/tmp}/scaffold-e2e-selftest.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp -R "$E2E_DIR/selftest/fixture" "$work/project"

exec </dev/null
"$E2E_DIR/netlify-dev.sh" "$work/project" -- \
    "$NODE22_BIN/node" "$E2E_DIR/selftest/check.cjs"
