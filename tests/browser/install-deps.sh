#!/usr/bin/env bash
# What the browser tests need beyond Python packages:
# - Debian's chromium (Playwright drives it by executable_path; never `playwright install`);
# - axe-core from the npm registry, for the accessibility checks;
# - configurable-http-proxy from the npm registry, for the JupyterHub test.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

CHROMIUM_REQUIRED=1 bash "$here/../../deploy/install-chromium.sh"

if [ ! -f "$here/node_modules/axe-core/axe.min.js" ] || [ ! -x "$here/node_modules/.bin/configurable-http-proxy" ]; then
  echo "Installing axe-core and configurable-http-proxy from the npm registry..."
  (cd "$here" && npm install --no-audit --no-fund --silent)
fi
node -e "console.log('axe-core ' + require('$here/node_modules/axe-core/package.json').version)"
