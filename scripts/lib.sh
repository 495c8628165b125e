# Shared set-up for scripts/run and scripts/test. Source it from the repository root.
# shellcheck shell=bash

UV_VERSION="0.13.9"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

find_uv() {
  if command -v uv >/dev/null 2>&1; then
    command -v uv
  elif [ -x "$HOME/.local/bin/uv" ]; then
    echo "$HOME/.local/bin/uv"
  else
    return 1
  fi
}

setup_python() {
  # uv lives outside the environment it syncs (uv sync removes what the lock does not list).
  if ! UV="$(find_uv)"; then
    say "Installing uv $UV_VERSION for this user"
    python3 -m pip install --user --quiet --disable-pip-version-check --root-user-action=ignore \
      "uv==$UV_VERSION"
    UV="$(find_uv)"
  fi
  export UV
  say "Python packages (uv sync --locked)"
  "$UV" sync --locked --quiet "$@"
}

setup_node() {
  # npm ci only when package-lock.json changed since the last install.
  local stamp="node_modules/.petal-lock-stamp"
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    say "Front-end packages (npm ci)"
    NPM_CONFIG_UPDATE_NOTIFIER=false npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
}

free_port() {
  .venv/bin/python - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

# WeasyPrint (consent receipts as PDF) needs Pango and a font: install them if missing.
setup_pdf() {
  if ! ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so.0" || ! ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" \
    || [ ! -d /usr/share/fonts/truetype/dejavu ]; then
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    say "Installing Pango and fonts for PDF receipts"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null
  fi
}
