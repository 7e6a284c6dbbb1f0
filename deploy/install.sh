#!/usr/bin/env bash
# Install coop into PREFIX (default /opt/coop) on Debian 12: the one place where the image's
# install steps live. The Containerfile runs it, and CI runs it on a fresh machine and then
# starts what compose.yaml starts (tests/test_release.py).
#
#   deploy/install.sh [PREFIX]
#
# Leaves PREFIX/app (the code, built assets, compiled translations) and PREFIX/venv (Python
# with coop and its LDAP support). Needs root for the system packages; COOP_SKIP_APT=1 skips
# them where they are already installed.
set -euo pipefail
SRC="$(cd "$(dirname "$0")/.." && pwd)"
PREFIX="${1:-/opt/coop}"
PYTHON="${PYTHON:-python3}"

if [ "${COOP_SKIP_APT:-0}" != 1 ] && command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  pkgs=(
    python3 python3-venv python3-dev gcc make ca-certificates
    # WeasyPrint (PDF): Pango and a font
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
    # python-ldap builds against OpenLDAP's client library
    libldap2-dev libsasl2-dev
  )
  # npm for the front-end assets, unless Node comes from elsewhere (NodeSource)
  command -v npm >/dev/null || pkgs+=(nodejs npm)
  apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi

mkdir -p "$PREFIX/app"
# the code, without what is built, installed or local
tar -C "$SRC" \
  --exclude=./.git --exclude=./.venv --exclude=./node_modules --exclude=./instance \
  --exclude=./static/vendor --exclude='*.egg-info' --exclude='__pycache__' \
  --exclude=./static/.compressed -cf - . | tar -C "$PREFIX/app" -xf -

"$PYTHON" -m venv "$PREFIX/venv"
"$PREFIX/venv/bin/pip" install -q --upgrade pip
# editable: templates/ and static/ stay beside the package, where create_app() finds them
"$PREFIX/venv/bin/pip" install -q -e "$PREFIX/app[ldap]"

# KERN UX, Plotly and fonts from npm (no development packages), compressed for WhiteNoise;
# the compiled catalogue of translations
make -s -C "$PREFIX/app" assets translations VENV="$PREFIX/venv" NPM_FLAGS="--omit=dev"
rm -rf "$PREFIX/app/node_modules"
mkdir -p "$PREFIX/app/instance"

if [ "$(id -u)" = 0 ] && ! id coop >/dev/null 2>&1; then
  useradd --system --home-dir "$PREFIX" --shell /usr/sbin/nologin coop
fi
if id coop >/dev/null 2>&1; then
  chown -R coop:coop "$PREFIX/app/instance"
fi
echo "coop installed in $PREFIX ($("$PREFIX/venv/bin/python" -c 'import importlib.metadata as m; print(m.version("coop"))'))"
