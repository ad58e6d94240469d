#!/usr/bin/env bash
# Installs the Debian / Raspberry Pi OS packages the kiosk needs, when it can.
#   system-deps.sh run   — what `make run` needs: Python venv support and a Korean font
#   system-deps.sh test  — plus what the test suite uses (shellcheck for the installer;
#                          mosquitto and openssl for the fleet tests, which run a real broker)
# As root it runs apt-get; otherwise it says exactly which command to run.
set -euo pipefail

want=()
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    want+=(python3-venv)
fi
if ! ls /usr/share/fonts/truetype/nanum/NanumGothic.ttf >/dev/null 2>&1 \
   && ! ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1; then
    want+=(fonts-nanum)
fi
if [ "${1:-run}" = "test" ]; then
    command -v shellcheck >/dev/null 2>&1 || want+=(shellcheck)
    [ -x /usr/sbin/mosquitto ] || command -v mosquitto >/dev/null 2>&1 || want+=(mosquitto)
    command -v openssl >/dev/null 2>&1 || want+=(openssl)
fi

[ ${#want[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages: ${want[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${want[@]}"
else
    echo "The kiosk needs these system packages: ${want[*]}" >&2
    echo "Please run:  sudo apt-get install -y ${want[*]}" >&2
    echo "and then run make again." >&2
    exit 1
fi
