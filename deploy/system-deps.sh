#!/usr/bin/env bash
# Installs the Debian / Raspberry Pi OS packages the kiosk needs, when it can.
#   system-deps.sh run   — what `make run` needs: Python venv support, a Korean font and
#                          libusb (pyusb's backend, for a receipt printer on USB); espeak-ng
#                          for voice output is wanted but not required (the kiosk runs without
#                          a voice and says so in its log)
#   system-deps.sh test  — plus what the test suite uses (shellcheck for the installer,
#                          mosquitto and openssl for the fleet's real broker,
#                          systemd-analyze for the unit, and espeak-ng, required here: the
#                          speech tests run the real one, Xvfb: a test starts `run` on a
#                          real X display the way systemd starts it, and chromium with
#                          chromium-driver: the dashboard's tests drive a real browser)
# As root it runs apt-get; otherwise it says exactly which command to run.
set -euo pipefail

want=()    # needed: without them make stops
wanted=()  # a feature needs them; without them make goes on and says what is missing
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    want+=(python3-venv)
fi
if ! ls /usr/share/fonts/truetype/nanum/NanumGothic.ttf >/dev/null 2>&1 \
   && ! ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1; then
    want+=(fonts-nanum)
fi
if ! ls /usr/lib/*/libusb-1.0.so.0 /lib/*/libusb-1.0.so.0 >/dev/null 2>&1; then
    want+=(libusb-1.0-0)
fi
if [ "${1:-run}" = "test" ] && ! command -v shellcheck >/dev/null 2>&1; then
    want+=(shellcheck)
fi
if [ "${1:-run}" = "test" ]; then
    [ -x /usr/sbin/mosquitto ] || command -v mosquitto >/dev/null 2>&1 || want+=(mosquitto)
    command -v openssl >/dev/null 2>&1 || want+=(openssl)
fi
# A real X display for the test that starts `main.py run` the way systemd does.
if [ "${1:-run}" = "test" ] && ! command -v Xvfb >/dev/null 2>&1; then
    want+=(xvfb)
fi
# The central dashboard is tested in a real headless browser (tests/dashboard/test_browser.py).
if [ "${1:-run}" = "test" ]; then
    command -v chromium >/dev/null 2>&1 || want+=(chromium)
    command -v chromedriver >/dev/null 2>&1 || want+=(chromium-driver)
fi
# `systemd-analyze verify` judges the kiosk's unit file (tests/test_deploy.py).
if [ "${1:-run}" = "test" ] && ! command -v systemd-analyze >/dev/null 2>&1; then
    want+=(systemd)
fi
if ! command -v espeak-ng >/dev/null 2>&1; then
    if [ "${1:-run}" = "test" ]; then want+=(espeak-ng); else wanted+=(espeak-ng); fi
fi

every=("${want[@]}" "${wanted[@]}")
[ ${#every[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages: ${every[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${every[@]}"
elif [ ${#want[@]} -eq 0 ]; then
    echo "Voice output needs these system packages: ${wanted[*]}" >&2
    echo "The kiosk runs without a voice until you run:  sudo apt-get install -y ${wanted[*]}" >&2
else
    echo "The kiosk needs these system packages: ${want[*]}" >&2
    echo "Please run:  sudo apt-get install -y ${every[*]}" >&2
    echo "and then run make again." >&2
    exit 1
fi
