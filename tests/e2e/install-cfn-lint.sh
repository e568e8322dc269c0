#!/usr/bin/env bash
# Install cfn-lint (pinned, exact, with constraints for everything it pulls in) for
# tests/e2e_aws_lambda.rs, into a venv in a per-user cache outside the repository:
#
#   ${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e/cfn-lint-<version>/
#       venv/       the virtual environment
#       cfn-lint    a wrapper script that runs cfn-lint with the venv's Python
#
# Usage: tests/e2e/install-cfn-lint.sh
#   installs if needed and prints one line: the path of the wrapper (run it with bash or directly).
#
# The venv is built in a temporary directory (`.partial-cfn-lint-*`, a name no other installer of
# the cache clears) that is renamed into place only after cfn-lint reports the expected version, and
# only then gets its marker, which records what it was built from (this version, the constraints and
# the Python that runs it): a directory whose marker does not match is rebuilt. A lock of its own
# (bounded wait) keeps concurrent runs from installing at once. Console scripts would point into the
# temporary directory after the rename, so the wrapper runs cfn-lint through `python -c`.
# Needs: bash, python3 (3.10 to 3.14, cfn-lint's range) with the venv module (Debian:
# python3-venv), flock, and PyPI on a cold cache.
# shellcheck disable=SC2317  # helper functions are called indirectly
set -euo pipefail
exec </dev/null

# Pinned, exact version. Changing it (or cfn-lint-constraints.txt) makes a new venv.
CFN_LINT_VERSION="1.58.0"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
constraints="$here/cfn-lint-constraints.txt"
# shellcheck source=../lib/install.sh
. "$here/../lib/install.sh"
install_init install-cfn-lint
dest="$cache_root/cfn-lint-$CFN_LINT_VERSION"

install_need python3 "install python3 >= 3.10 with the venv module, e.g. apt-get install python3 python3-venv"
install_need flock "install util-linux"
python3 -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] < (3, 15)))' ||
    die "cfn-lint $CFN_LINT_VERSION needs python3 3.10 to 3.14, found $(python3 --version 2>&1)"
[[ -f "$constraints" ]] || die "$constraints is missing"

# What the venv is built from (the marker's content).
install_marker_content="$(cat "$constraints" - <<<"cfn-lint $CFN_LINT_VERSION $(python3 -c 'import sys; print(sys.executable, sys.version)')" |
    sha256sum | cut -c1-64)"

# check DIR: DIR's wrapper runs cfn-lint at the pinned version.
check() {
    local dir="$1" v
    v="$("$dir/cfn-lint" --version 2>&1)"
    [[ "$v" == "cfn-lint $CFN_LINT_VERSION" ]] || { echo "cfn-lint reports '$v', want $CFN_LINT_VERSION"; return 1; }
    echo "$v"
}

# Warm: the marker (written only after the version check passed) matches and the venv's Python
# runs. (Importing cfn-lint for a version check costs seconds; the test's run shows any breakage.)
warm() {
    install_marked "$1" && [[ -f "$1/cfn-lint" ]] && "$1/venv/bin/python" -c ''
}

install() {
    install_pip_venv "$1/venv" "$constraints" "cfn-lint==$CFN_LINT_VERSION"
    cat >"$1/cfn-lint" <<'WRAPPER'
#!/usr/bin/env bash
# cfn-lint from the venv next to this script (written by tests/e2e/install-cfn-lint.sh).
exec "$(dirname "${BASH_SOURCE[0]}")/venv/bin/python" -c \
    'import sys; from cfnlint.runner import main; sys.argv[0] = "cfn-lint"; sys.exit(main())' "$@"
WRAPPER
    chmod 755 "$1/cfn-lint"
}

install_lock .install-cfn-lint.lock 600 '.partial-cfn-lint-*'
install_one "cfn-lint $CFN_LINT_VERSION (PyPI)" "$dest" ".partial-cfn-lint-$CFN_LINT_VERSION" install check warm
printf '%s\n' "$dest/cfn-lint"
