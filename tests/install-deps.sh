#!/usr/bin/env bash
# What the store's tests need beyond Python packages: Debian's PostgreSQL server, for the
# throwaway cluster tests/conftest.py starts on 127.0.0.1 (the `postgres` fixture).
# The driver, psycopg, is a Python package in the `test` extra.
set -euo pipefail

if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  echo "Installing Debian's postgresql for the store tests..."
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo -n"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1 | xargs -I{} sh -c '{} --version'
