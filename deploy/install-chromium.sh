#!/usr/bin/env bash
# Debian's chromium: it prints reports and certificates to PDF and draws their charts
# (course/render.py), and the browser tests drive it. Installed with apt-get only if it is
# missing, as root or through `sudo -n`. If it cannot be installed, the course still runs:
# PDF buttons then say that Chromium is missing, and HTML reports work.
set -uo pipefail

if command -v chromium >/dev/null 2>&1; then
  chromium --version
  exit 0
fi
echo "Installing Debian's chromium (PDF reports and certificates)..."
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo -n"; fi
if $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null; then
  chromium --version
else
  echo "Could not install chromium (needs root or passwordless sudo). PDF reports will be unavailable." >&2
  [ "${CHROMIUM_REQUIRED:-0}" = 1 ] && exit 1
fi
exit 0
