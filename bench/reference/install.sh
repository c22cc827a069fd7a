#!/bin/sh
# Installs the seeds' reference stack from Debian's own packages, and only what is missing:
# Alembic + SQLAlchemy + PyMySQL (migrations and bulk-insert comparisons), Flask + gunicorn (HTTP), and
# mydumper + percona-toolkit (the move benchmark's copy and verify peers).
# Nothing is downloaded from anywhere but the machine's configured apt sources. Needs root (or sudo).
# Usage: sh bench/reference/install.sh [--check]   (--check: exit 1 when something is missing, install nothing)
set -eu

PACKAGES="python3-alembic python3-sqlalchemy python3-pymysql python3-flask gunicorn mydumper percona-toolkit"

missing=""
for pkg in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $pkg"
  fi
done

if [ -z "$missing" ]; then
  echo "reference stack present:$(for p in $PACKAGES; do printf ' %s' "$p"; done)"
  exit 0
fi

if [ "${1:-}" = "--check" ]; then
  echo "reference stack missing:$missing" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "reference stack missing:$missing; this is not a Debian-family system (no apt-get): install them by hand" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "reference stack missing:$missing; run as root: apt-get update && apt-get install -y$missing" >&2
    exit 1
  fi
fi

echo "installing the reference stack from Debian:$missing"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update
# shellcheck disable=SC2086 # word splitting of the package list is intended
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
