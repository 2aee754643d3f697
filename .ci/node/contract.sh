#!/usr/bin/env bash
# The contract as a frontend team meets it, against a running API: contract.sh STEP API_URL
#   install   pinned tools from package-lock.json into node_modules here
#   fetch     the served document into served/openapi.json
#   spectral  lint with spectral:oas (warnings fail)
#   redocly   lint with Redocly's recommended rules (warnings fail)
#   client    generate TypeScript types, compile client/client.ts with tsc --strict, run it
# client needs JWT_KEY_BASE64 (and JWT_ISSUER, JWT_AUDIENCE) matching the API's bearer configuration.
set -uo pipefail
cd "$(dirname "$0")"
step=$1 url=${2:-}
bin=node_modules/.bin
case "$step" in
  install) npm ci --no-audit --no-fund --loglevel=error ;;
  fetch) mkdir -p served && curl -fsS "$url/openapi/v1.json" -o served/openapi.json ;;
  spectral) "$bin/spectral" lint --ruleset .spectral.yaml --fail-severity warn --display-only-failures served/openapi.json ;;
  redocly)
    out=$("$bin/redocly" lint --format stylish served/openapi.json 2>&1); status=$?
    echo "$out" | grep -v -E "Node.js|^\s*[╔║╚]" ; [ "$status" -eq 0 ] && ! grep -qiE "[0-9]+ warnings?|^.*warning " <<<"$out" ;;
  client)
    "$bin/openapi-typescript" served/openapi.json -o client/api.d.ts &&
      "$bin/tsc" -p client/tsconfig.json &&
      API_URL="$url" node client/build/client.js ;;
  *) echo "unknown step $step" >&2; exit 2 ;;
esac
