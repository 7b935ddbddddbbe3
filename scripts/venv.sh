#!/usr/bin/env bash
# Create .venv (if missing) and install requirements-dev.txt into it.
# Called by `make venv`, which only re-runs it when a requirements file changes.
set -euo pipefail

cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"

find_python() {
    local candidate
    for candidate in ${PYTHON:-} python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    python="$(find_python)" || { echo "venv: no python3.11 or python3 on PATH" >&2; exit 1; }
    rm -rf "$VENV"
    echo "venv: creating $VENV with $python ($("$python" -V 2>&1))"
    if ! "$python" -m venv "$VENV"; then
        rm -rf "$VENV"
        # Debian ships ensurepip separately (python3.11-venv); install it when we can.
        if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
            echo "venv: installing python3-venv with apt-get"
            export DEBIAN_FRONTEND=noninteractive
            apt-get -o DPkg::Lock::Timeout=600 update
            ver="$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
            apt-get -o DPkg::Lock::Timeout=600 install -y "python${ver}-venv" \
                || apt-get -o DPkg::Lock::Timeout=600 install -y python3-venv
            "$python" -m venv "$VENV"
        else
            echo "venv: '$python -m venv' failed; install python3-venv (e.g. sudo apt-get install python3-venv)" >&2
            exit 1
        fi
    fi
fi

"$VENV/bin/python" -m pip install --disable-pip-version-check -r requirements-dev.txt
