#!/usr/bin/env bash
# What the browser tests need beyond Python packages:
# - Debian's chromium (Playwright drives it by executable_path; never `playwright install`);
# - axe-core from the npm registry, for the accessibility checks;
# - configurable-http-proxy from the npm registry, for the JupyterHub test.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo -n"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
chromium --version

if [ ! -f "$here/node_modules/axe-core/axe.min.js" ] || [ ! -x "$here/node_modules/.bin/configurable-http-proxy" ]; then
  echo "Installing axe-core and configurable-http-proxy from the npm registry..."
  (cd "$here" && npm install --no-audit --no-fund --silent)
fi
node -e "console.log('axe-core ' + require('$here/node_modules/axe-core/package.json').version)"
