#!/usr/bin/env bash
# Installs what is missing on a Debian 12 machine (Maven Central, PyPI and Debian apt reachable,
# no Docker): uv, the venv, Java and Maven, PostgreSQL binaries, the Kafka jars, chromium.
# Idempotent and quick when everything is there; `make install` (and so up/test/demo) runs it.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO="$(pwd)"

export DEBIAN_FRONTEND=noninteractive
# uv must use the machine's Python 3.11: its managed Pythons come from GitHub, unreachable here.
export UV_PYTHON_DOWNLOADS=never
export UV_NO_PROGRESS=1
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
UV_VERSION=0.13.8

step() { printf '\n==> %s\n' "$*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" -eq 0 ]; then
    step "apt-get update"
    $SUDO apt-get update -q </dev/null
    APT_UPDATED=1
  fi
  step "apt-get install -y $*"
  $SUDO apt-get install -y -q --no-install-recommends "$@" </dev/null
}

step "machine: $(. /etc/os-release && echo "$PRETTY_NAME"), $(nproc) cores, repo $REPO, CI=${CI:-}"

command -v make >/dev/null || apt_install make
command -v curl >/dev/null || apt_install ca-certificates curl

step "Python 3.11"
if ! command -v python3.11 >/dev/null; then apt_install python3 python3-venv; fi
python3.11 --version

step "uv"
export PATH="$HOME/.local/bin:$PATH"
if ! command -v uv >/dev/null; then
  python3.11 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
  # Debian marks its Python "externally managed" (PEP 668); a --user install of one tool is fine.
  PIP_BREAK_SYSTEM_PACKAGES=1 python3.11 -m pip install --user -q "uv==$UV_VERSION" </dev/null
fi
uv --version

step "uv sync --all-packages --frozen"
uv sync --all-packages --frozen </dev/null

step "Java 17+ and Maven"
java_major() { java -version 2>&1 | awk -F'"' '/version/ && !m {split($2, v, "."); m = v[1]} END {print m + 0}'; }
if ! command -v java >/dev/null || [ "$(java_major)" -lt 17 ] 2>/dev/null; then
  apt_install openjdk-17-jre-headless
fi
command -v mvn >/dev/null || apt_install maven
# sed, not head: head would close the pipe early and pipefail would fail the script on SIGPIPE.
java -version 2>&1 | sed -n 1p
mvn -B -v 2>/dev/null | sed -n 1p

step "PostgreSQL binaries"
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then apt_install postgresql; fi
ls -d /usr/lib/postgresql/*/bin

step "Kafka jars (Maven Central)"
uv run --frozen python -m devstack deps </dev/null

step "dashboard charting library (npm, served locally by views)"
command -v npm >/dev/null || apt_install nodejs npm
if [ ! -f services/views/node_modules/echarts/package.json ]; then
  (cd services/views && npm ci --no-audit --no-fund --loglevel=error </dev/null)
fi

step "compose linter (npm: dclint, pinned in deploy/lint/package-lock.json)"
if [ ! -f deploy/lint/node_modules/dclint/package.json ]; then
  (cd deploy/lint && npm ci --no-audit --no-fund --loglevel=error </dev/null)
fi

step "chromium (page tests)"
command -v chromium >/dev/null || apt_install chromium
chromium --version 2>/dev/null || true

