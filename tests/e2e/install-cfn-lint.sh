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
set -euo pipefail
exec </dev/null

# Pinned, exact version. Changing it (or cfn-lint-constraints.txt) makes a new venv.
CFN_LINT_VERSION="1.58.0"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
constraints="$here/cfn-lint-constraints.txt"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e"
dest="$cache_root/cfn-lint-$CFN_LINT_VERSION"
marker=".scaffold-e2e-installed"
lock_wait_s=600

log() { printf 'install-cfn-lint: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v python3 >/dev/null 2>&1 || die "python3 not found on PATH (install python3 >= 3.10 with the venv module, e.g. apt-get install python3 python3-venv)"
command -v flock >/dev/null 2>&1 || die "flock not found on PATH (install util-linux)"
python3 -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] < (3, 15)))' ||
    die "cfn-lint $CFN_LINT_VERSION needs python3 3.10 to 3.14, found $(python3 --version 2>&1)"
[[ -f "$constraints" ]] || die "$constraints is missing"
mkdir -p "$cache_root"

# What the venv is built from.
want="$(cat "$constraints" - <<<"cfn-lint $CFN_LINT_VERSION $(python3 -c 'import sys; print(sys.executable, sys.version)')" |
    sha256sum | cut -c1-64)"

# check DIR: DIR's wrapper runs cfn-lint at the pinned version.
check() {
    local dir="$1" v
    v="$("$dir/cfn-lint" --version 2>&1)"
    [[ "$v" == "cfn-lint $CFN_LINT_VERSION" ]] || { echo "cfn-lint reports '$v', want $CFN_LINT_VERSION"; return 1; }
    echo "$v"
}

exec 9>"$cache_root/.install-cfn-lint.lock"
flock -w "$lock_wait_s" 9 || die "could not get $cache_root/.install-cfn-lint.lock within $lock_wait_s s"
# Holding the lock, any partial dir left is from an install that was killed.
find "$cache_root" -mindepth 1 -maxdepth 1 -name '.partial-cfn-lint-*' -exec rm -rf {} +

# Warm: the marker (written only after the version check passed) matches and the venv's Python
# runs. (Importing cfn-lint for a version check costs seconds; the test's run shows any breakage.)
if [[ "$(cat "$dest/$marker" 2>/dev/null)" == "$want" && -f "$dest/cfn-lint" ]] &&
    "$dest/venv/bin/python" -c '' >/dev/null 2>&1; then
    printf '%s\n' "$dest/cfn-lint"
    exit 0
fi

tmp="$(mktemp -d "$cache_root/.partial-cfn-lint-$CFN_LINT_VERSION.XXXXXX")"
chmod 755 "$tmp"
# shellcheck disable=SC2064
trap "rm -rf '$tmp'" EXIT
log "installing cfn-lint $CFN_LINT_VERSION into $dest (PyPI, cold install)"
t0=$SECONDS
python3 -m venv "$tmp/venv" >"$tmp/log" 2>&1 || {
    cat "$tmp/log" >&2
    die "python3 -m venv failed: install the venv module (e.g. apt-get install python3-venv)"
}
"$tmp/venv/bin/python" -m pip install --disable-pip-version-check --no-input --quiet \
    --constraint "$constraints" "cfn-lint==$CFN_LINT_VERSION" >"$tmp/log" 2>&1 || {
    tail -n 40 "$tmp/log" >&2
    die "pip install cfn-lint==$CFN_LINT_VERSION failed"
}
rm -f "$tmp/log"
cat >"$tmp/cfn-lint" <<'WRAPPER'
#!/usr/bin/env bash
# cfn-lint from the venv next to this script (written by tests/e2e/install-cfn-lint.sh).
exec "$(dirname "${BASH_SOURCE[0]}")/venv/bin/python" -c \
    'import sys; from cfnlint.runner import main; sys.argv[0] = "cfn-lint"; sys.exit(main())' "$@"
WRAPPER
chmod 755 "$tmp/cfn-lint"
check "$tmp" >&2 || die "cfn-lint installed but failed its check"
printf '%s\n' "$want" >"$tmp/$marker"
if [[ -e "$dest" ]]; then
    log "removing incomplete, stale or broken $dest"
    rm -rf "$dest"
fi
mv -T "$tmp" "$dest"
trap - EXIT
log "installed in $((SECONDS - t0)) s"
printf '%s\n' "$dest/cfn-lint"
