#!/usr/bin/env bash
# What a platform deploys of a generated project, as a folder of files laid out like the project,
# built by the platform's own tool (pinned, cached like the other e2e tools):
#
#   tests/e2e/platform-bundle.sh TARGET PROJECT OUT
#
#   netlify, netlify-modern  `netlify build --offline`: Netlify's function bundler (zip-it-and-ship-it,
#                            esbuild, as netlify.toml asks); the function's zip unpacked into OUT, its
#                            `.mjs` entry renamed to the project's `.js` (the zip's package.json says
#                            `"type": "module"`)
#   cloudflare-workers       `wrangler deploy --dry-run --outdir OUT/src`: the bundle wrangler uploads
#                            (esbuild), OUT/package.json `"type": "module"`
#   vercel                   the files @vercel/nft traces from api/index.js (what @vercel/node ships),
#                            copied into OUT
# aws-lambda and azure-functions deploy the project folder as it is (SAM's CodeUri, Azure's
# folder): exit 3, nothing built. Exit 1 when the build fails (its output on stderr).
set -euo pipefail
exec </dev/null

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly E2E_DIR
[ $# -eq 3 ] || { echo "usage: platform-bundle.sh TARGET PROJECT OUT" >&2; exit 2; }
target=$1
project=$(cd "$2" && pwd)
out=$3
mkdir -p "$out"
out=$(cd "$out" && pwd)

case "$target" in
    netlify | netlify-modern)
        # Node 22 + netlify-cli; exports NODE22_BIN, NETLIFY_BIN, NETLIFY_CONFIG_HOME.
        # shellcheck source=install-tools.sh
        . "$E2E_DIR/install-tools.sh" >&2
        (
            cd "$project"
            export CI=true NETLIFY_TELEMETRY_DISABLED=1 NO_UPDATE_NOTIFIER=1 FORCE_COLOR=0 NO_COLOR=1
            export XDG_CONFIG_HOME="$NETLIFY_CONFIG_HOME" PATH="$NODE22_BIN:$PATH"
            timeout 300 "$NETLIFY_BIN" build --offline
        ) >&2
        unzip -q "$project/.netlify/functions/api.zip" -d "$out"
        if [ -f "$out/netlify/functions/api.mjs" ]; then
            mv "$out/netlify/functions/api.mjs" "$out/netlify/functions/api.js"
        fi
        [ -f "$out/netlify/functions/api.js" ] || { echo "no netlify/functions/api.js in the zip" >&2; exit 1; }
        ;;
    cloudflare-workers)
        tools="$(bash "$E2E_DIR/install-wrangler.sh")"
        node22="$(sed -n 's/^NODE22_BIN=//p' <<<"$tools")"
        wrangler="$(sed -n 's/^WRANGLER_JS=//p' <<<"$tools")"
        config_home="$(mktemp -d "${TMPDIR:-/tmp}/wrangler-bundle-config.XXXXXX")"
        trap 'rm -rf "$config_home"' EXIT
        (
            cd "$project"
            export CI=true WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
            export XDG_CONFIG_HOME="$config_home" NO_COLOR=1
            timeout 300 "$node22/node" "$wrangler" deploy --dry-run --outdir "$out/src"
        ) >&2
        printf '{ "type": "module" }\n' >"$out/package.json"
        ;;
    vercel)
        nft_package="$(bash "$E2E_DIR/install-nft.sh" | tail -n 1)"
        files="$(NFT_DIR="$(dirname "$nft_package")" node "$E2E_DIR/vercel-trace.mjs" "$project" api/index.js)"
        while IFS= read -r file; do
            mkdir -p "$out/$(dirname "$file")"
            cp "$project/$file" "$out/$file"
        done <<<"$files"
        ;;
    *)
        echo "$target deploys its folder as it is: nothing to build" >&2
        exit 3
        ;;
esac
