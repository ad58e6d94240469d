#!/usr/bin/env bash
# 마음약방 kiosk — installer for a Raspberry Pi 4 or 5 with Raspberry Pi OS Lite (Bookworm or
# Trixie) and a touchscreen. Run as root on the Pi, from a checkout of this repository:
#
#   sudo deploy/install.sh                      board on the GPIO UART (GPIO 14/15)
#   sudo deploy/install.sh --board usb:1a86:55d4   board over USB (IDs: see 99-maeum-board.rules)
#   deploy/install.sh --dry-run                 print every action, change nothing (any user)
#
# The Raspberry Pi OS way: lgpio, gpiozero and pyserial from apt (python3-lgpio: no compiler on
# the kiosk), a venv that sees them (--system-site-packages) for what apt does not have, and the
# kiosk installed into that venv once, as a package, with its `maeum-kiosk` command.
#
# Safe to run again (that is also how the firmware is updated): the configuration in
# /etc/maeum-kiosk/kiosk.toml and the data in /var/lib/maeum-kiosk are kept, and so are the
# --board, --rtc and --updates of the last run (/etc/maeum-kiosk/install-options).
# See docs/install-raspberry-pi.md and docs/power-cuts.md.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: install.sh [options]
  --dry-run            print every action instead of doing it (needs no root)
  --source DIR         the checkout to install (default: the one this script is in)
  --prefix DIR         install under DIR instead of / (staging and tests): files are laid
                       out there; system commands (apt, users, systemctl, udevadm) are skipped
  --board uart         the board is on the Pi's UART, GPIO 14/15 (default)
  --board usb:VID:PID  the board is on USB; VID and PID are 4 hex digits each
  --no-start           enable the service but do not (re)start it now
  --skip-python        do not create the virtual environment or install Python packages
  --read-only-root     also make the root file system read-only (overlayroot, data partition
                       writable); needs the data directory on its own partition first
                       (docs/power-cuts.md); the overlay is back on at the next boot
  --updates POLICY     security (default): Debian security updates installed unattended;
                       manual: apt's timers masked, the technician updates (always so with
                       --read-only-root, where apt's downloads would fill the RAM overlay)
  --rtc CLOCK          none (default), ds3231 (a DS3231 module on a Pi 4's I2C pins), or
                       pi5-battery (charge the Pi 5's official rechargeable RTC battery)
  -h, --help           this text
EOF
}

# -- settings -------------------------------------------------------------------------------

KIOSK_USER=maeum
# video, render: KMS; input: touch and keys; gpio; dialout: the board; audio: speech; lp: the
# receipt printer. The unit's DeviceAllow= narrows these to the kiosk's own device classes.
KIOSK_GROUPS=(video render input gpio dialout audio lp)
APT_PACKAGES=(
    python3-venv                                        # the venv (with system site packages)
    python3-lgpio python3-gpiozero python3-serial       # GPIO and the board, from Raspberry Pi OS
    fonts-nanum                                         # Korean text
    espeak-ng                                           # voice output (ko, en)
    libdrm2 libgbm1 libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri libudev1   # SDL kmsdrm
)
TIME_ZONE=Asia/Seoul
# pygame-ce has no wheels for 32-bit ARM: pip would try to compile SDL on the kiosk.
ARCHITECTURES_REFUSED=(armhf armel i386 armv7l armv6l i686)
CODE_EXCLUDES=(.git .venv out build dist .mypy_cache .ruff_cache .hypothesis .pytest_cache
               __pycache__ '*.egg-info' '*.pyc')
BEGIN_MARK="# --- maeum-kiosk: managed by deploy/install.sh; edits here are replaced ---"
END_MARK="# --- maeum-kiosk: end ---"

DRY_RUN=0
PREFIX=/
SOURCE=""
BOARD=""
START=1
SKIP_PYTHON=0
READ_ONLY_ROOT=0
UPDATES=""
UPDATES_GIVEN=""
RTC=""
REBOOT_NEEDED=0
BUILD_DIR=""

# -- output and actions ---------------------------------------------------------------------

step() { printf '\n==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

staged() { [ "$PREFIX" != / ]; }

# A path on the target system, under --prefix.
target() { printf '%s%s' "${PREFIX%/}" "$1"; }

quoted() { local out; printf -v out '%q ' "$@"; printf '%s' "${out% }"; }

# Change files under the prefix (printed; not done in a dry run).
run() {
    if [ "$DRY_RUN" = 1 ]; then
        note "would run: $(quoted "$@")"
    else
        note "+ $(quoted "$@")"
        "$@"
    fi
}

# Change the running system (also skipped in a staged install).
run_system() {
    if staged; then
        note "skipped (staged under $PREFIX): $(quoted "$@")"
    else
        run "$@"
    fi
}

user_exists() { ! staged && id -u "$KIOSK_USER" >/dev/null 2>&1; }

# own [-R] OWNER:GROUP PATH... — where the user exists here (never in a staged install).
own() {
    if user_exists; then
        run chown "$@"
    elif [ "$DRY_RUN" = 1 ]; then
        note "would run: chown $(quoted "$@")"
    fi
}

# write_file DEST MODE OWNER:GROUP — content from stdin; only replaced when it changed.
write_file() {
    local dest=$1 mode=$2 owner=$3 tmp
    tmp=$(mktemp)
    cat >"$tmp"
    if [ -f "$dest" ] && cmp -s "$tmp" "$dest"; then
        note "unchanged: $dest"
        if [ "$DRY_RUN" != 1 ]; then own "$owner" "$dest"; fi
        rm -f "$tmp"
        return 0
    fi
    if [ "$DRY_RUN" = 1 ]; then
        if [ "$(wc -l <"$tmp")" -le 30 ]; then
            note "would write $dest (mode $mode, owner $owner):"
            sed 's/^/        | /' "$tmp"
        else
            note "would write $dest (mode $mode, owner $owner; $(wc -l <"$tmp") lines)"
        fi
        rm -f "$tmp"
        return 0
    fi
    note "+ write $dest (mode $mode)"
    # Beside it, on the disk, then renamed over it: a power cut leaves the old file or the
    # new one, never half of one (this also writes cmdline.txt and config.txt).
    install -D -m "$mode" "$tmp" "$dest.maeum-new"
    rm -f "$tmp"
    own "$owner" "$dest.maeum-new"
    sync "$dest.maeum-new"
    mv -f "$dest.maeum-new" "$dest"
    sync "$(dirname "$dest")"
}

make_dir() {
    local dir=$1 mode=$2 owner=$3
    run install -d -m "$mode" "$dir"
    own "$owner" "$dir"
}

# -- arguments ------------------------------------------------------------------------------

parse_args() {
    while [ $# -gt 0 ]; do
        case $1 in
            --dry-run) DRY_RUN=1 ;;
            --source) SOURCE=${2:?--source needs a directory}; shift ;;
            --prefix) PREFIX=${2:?--prefix needs a directory}; shift ;;
            --board) BOARD=${2:?--board needs uart or usb:VID:PID}; shift ;;
            --no-start) START=0 ;;
            --skip-python) SKIP_PYTHON=1 ;;
            --read-only-root) READ_ONLY_ROOT=1 ;;
            --updates) UPDATES=${2:?--updates needs security or manual}; UPDATES_GIVEN=$UPDATES; shift ;;
            --rtc) RTC=${2:?--rtc needs none, ds3231 or pi5-battery}; shift ;;
            -h | --help) usage; exit 0 ;;
            *) usage >&2; die "unknown option: $1" ;;
        esac
        shift
    done
    if [ -z "$SOURCE" ]; then
        SOURCE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    fi
    SOURCE=$(cd "$SOURCE" && pwd) || die "--source: no such directory"
    OLD_APP=$(target /opt/maeum-kiosk/app)   # where older installers copied the code
    VENV=$(target /opt/maeum-kiosk/venv)
    ETC=$(target /etc/maeum-kiosk)
    DATA=$(target /var/lib/maeum-kiosk)
    DOC=$(target /usr/share/doc/maeum-kiosk)
    COMMAND=$(target /usr/local/bin/maeum-kiosk)
    OPTIONS_FILE=$ETC/install-options
    load_saved_options
    BOARD=${BOARD:-uart}
    RTC=${RTC:-none}
    case $BOARD in
        uart) ;;
        usb:[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]:[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]) ;;
        *) die "--board must be uart or usb:VID:PID with 4 hex digits each, not '$BOARD'" ;;
    esac
    case $UPDATES in
        "" | security | manual) ;;
        *) die "--updates must be security or manual, not '$UPDATES'" ;;
    esac
    case $RTC in
        none | ds3231 | pi5-battery) ;;
        *) die "--rtc must be none, ds3231 or pi5-battery, not '$RTC'" ;;
    esac
}

# An update runs the installer again, often without the options of the first install: the
# board, the clock and the update policy given then are kept (in $OPTIONS_FILE) unless given
# anew, so that a plain `sudo deploy/install.sh` never drops the RTC or moves the board.
load_saved_options() {
    local key value
    [ -f "$OPTIONS_FILE" ] || return 0
    while IFS='=' read -r key value; do
        case $key in
            board) BOARD=${BOARD:-$value} ;;
            rtc) RTC=${RTC:-$value} ;;
            updates) UPDATES=${UPDATES:-$value}; UPDATES_GIVEN=${UPDATES_GIVEN:-$value} ;;
        esac
    done <"$OPTIONS_FILE"
}

save_options() {
    # The update policy only when it was chosen: its default follows the read-only root.
    printf '# 마음약방 kiosk: the options of the last deploy/install.sh, used when an update
'
    printf '# runs it without them. Give an option again to change it.
'
    printf 'board=%s
rtc=%s
updates=%s
' "$BOARD" "$RTC" "$UPDATES_GIVEN"
}

# -- steps ----------------------------------------------------------------------------------

step_preflight() {
    step "preflight: source, privileges, machine"
    for f in main.py pyproject.toml deploy/maeum-kiosk.service deploy/kiosk.toml \
             deploy/99-maeum-board.rules deploy/maeum-kiosk-command.sh; do
        [ -f "$SOURCE/$f" ] || die "$SOURCE is not a maeum-kiosk checkout (no $f)"
    done
    note "source:  $SOURCE"
    note "prefix:  $PREFIX$(staged && printf ' (staged: system commands skipped)')"
    settle_read_only_root
    note "board:   $BOARD · updates: $UPDATES · RTC: $RTC · read-only root: $READ_ONLY_ROOT"
    if [ "$DRY_RUN" != 1 ] && ! staged && [ "$(id -u)" -ne 0 ]; then
        die "run as root (sudo $0), or try --dry-run"
    fi
    if ! staged && [ "$(findmnt -n -o FSTYPE / 2>/dev/null || true)" = overlay ] \
        && [ "$DRY_RUN" != 1 ]; then
        die "the root file system is a read-only overlay: changes would vanish at reboot." \
            "Add overlayroot=disabled to the end of cmdline.txt, reboot, install again (the" \
            "installer takes overlayroot=disabled away), reboot (docs/power-cuts.md)."
    fi
    if ! staged; then check_architecture; fi
    if [ "$READ_ONLY_ROOT" = 1 ] && ! staged && [ "$DRY_RUN" != 1 ] && ! mountpoint -q "$DATA"; then
        die "$DATA is not its own partition: with a read-only root everything would be lost at" \
            "each reboot. Create the data partition first (docs/power-cuts.md)."
    fi
    local model=/proc/device-tree/model
    if [ -r "$model" ]; then
        note "machine: $(tr -d '\0' <"$model")"
    else
        warn "not a Raspberry Pi (no $model): GPIO, UART and boot settings may not apply"
    fi
    if [ -r /etc/os-release ]; then
        # shellcheck disable=SC1091  # the target's own file, read at run time
        note "system:  $(. /etc/os-release && printf '%s' "${PRETTY_NAME:-unknown}")"
    fi
}

# An overlay already switched on in cmdline.txt (by an earlier --read-only-root, or by
# raspi-config's menu) stays on: it is then the installer's read-only root, with what that
# needs (a data partition, a journal in RAM, no unattended updates).
settle_read_only_root() {
    local dir
    if [ "$READ_ONLY_ROOT" != 1 ] && dir=$(boot_dir) && [ -f "$dir/cmdline.txt" ] \
        && grep -Eq '(^| )overlayroot=tmpfs(:[^ ]*)?( |$)' "$dir/cmdline.txt"; then
        note "cmdline.txt switches the read-only root on: kept (as --read-only-root)"
        READ_ONLY_ROOT=1
    fi
    if [ -z "$UPDATES" ]; then
        if [ "$READ_ONLY_ROOT" = 1 ]; then UPDATES=manual; else UPDATES=security; fi
    elif [ "$UPDATES" = security ] && [ "$READ_ONLY_ROOT" = 1 ]; then
        die "--updates security cannot work with the read-only root: updates would vanish at" \
            "the next boot and their downloads fill the RAM overlay. Use --updates manual."
    fi
}

# The system's own architecture (dpkg's), not the kernel's: a 32-bit Raspberry Pi OS may run a
# 64-bit kernel, and it is the userland pip installs for.
check_architecture() {
    local arch refused
    arch=$(dpkg --print-architecture 2>/dev/null || uname -m)
    for refused in "${ARCHITECTURES_REFUSED[@]}"; do
        if [ "$arch" = "$refused" ]; then
            die "this is a 32-bit system ($arch). The kiosk needs Raspberry Pi OS Lite (64-bit):" \
                "pygame-ce has no 32-bit ARM wheels. Write the 64-bit image with Raspberry Pi" \
                "Imager and install again (docs/install-raspberry-pi.md)."
        fi
    done
    note "arch:    $arch"
}

step_packages() {
    step "apt packages: Python venv, lgpio/gpiozero/pyserial, Korean font, espeak-ng, SDL kmsdrm libraries"
    local packages=("${APT_PACKAGES[@]}")
    if [ "$READ_ONLY_ROOT" = 1 ]; then packages+=(overlayroot initramfs-tools); fi
    if [ "$UPDATES" = security ]; then packages+=(unattended-upgrades); fi
    if [ "$RTC" = ds3231 ]; then packages+=(util-linux-extra); fi   # hwclock
    run_system env DEBIAN_FRONTEND=noninteractive apt-get update -q
    run_system env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends "${packages[@]}"
}

step_user() {
    step "system user $KIOSK_USER in groups ${KIOSK_GROUPS[*]}"
    if staged || ! id -u "$KIOSK_USER" >/dev/null 2>&1; then
        run_system useradd --system --user-group --home-dir /var/lib/maeum-kiosk \
            --no-create-home --shell /usr/sbin/nologin "$KIOSK_USER"
    else
        note "user $KIOSK_USER exists"
    fi
    local group
    for group in "${KIOSK_GROUPS[@]}"; do
        if staged || ! getent group "$group" >/dev/null; then
            # On Raspberry Pi OS these exist; elsewhere an empty group does no harm.
            run_system groupadd --system --force "$group"
        fi
    done
    local joined
    joined=$(IFS=,; printf '%s' "${KIOSK_GROUPS[*]}")
    run_system usermod --append --groups "$joined" "$KIOSK_USER"
}

step_python() {
    step "Python: $VENV (system site packages) with the kiosk installed once, as a package"
    if [ "$SKIP_PYTHON" = 1 ]; then
        note "skipped (--skip-python)"
        return 0
    fi
    local system_version venv_version=""
    system_version=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    if [ -x "$VENV/bin/python" ] && grep -qx 'include-system-site-packages = true' \
        "$VENV/pyvenv.cfg" 2>/dev/null; then
        venv_version=$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' \
            2>/dev/null || true)
    fi
    if [ "$venv_version" != "$system_version" ]; then
        # Missing, made by another Python (after an OS upgrade), or without the system's
        # packages (an older install): build it anew.
        run rm -rf "$VENV"
        run python3 -m venv --system-site-packages "$VENV"
    else
        note "venv exists (Python $venv_version, system site packages)"
    fi
    # pip builds the wheel from a clean copy, never inside the technician's checkout.
    local build excludes=() pattern
    for pattern in "${CODE_EXCLUDES[@]}"; do excludes+=("--exclude=$pattern"); done
    build=$(mktemp -d)
    BUILD_DIR=$build   # removed on exit, also when pip fails
    if [ "$DRY_RUN" = 1 ]; then
        note "would run: tar -C $(quoted "$SOURCE") ${excludes[*]} -cf - . | tar -C $build -xf -"
    else
        note "+ tar -C $SOURCE ... -cf - . | tar -C $build -xf -"
        tar -C "$SOURCE" "${excludes[@]}" -cf - . | tar -C "$build" --no-same-owner -xf -
    fi
    run "$VENV/bin/python" -m pip install --quiet --upgrade pip
    # Dependencies that apt already gave (lgpio, gpiozero, pyserial) are taken as they are;
    # pip adds what Raspberry Pi OS lacks (pygame-ce, segno). Then the kiosk itself, afresh
    # even when its version did not change. pip compiles its bytecode: the service cannot
    # write under /opt (ProtectSystem=strict).
    run "$VENV/bin/python" -m pip install --quiet --no-cache-dir "$build"
    run "$VENV/bin/python" -m pip install --quiet --no-cache-dir --no-deps --force-reinstall \
        "$build"
    rm -rf "$build"
}

step_command() {
    step "command: maeum-kiosk ($COMMAND), run as $KIOSK_USER; docs in $DOC"
    sed -e "s|@KIOSK_BIN@|/opt/maeum-kiosk/venv/bin/maeum-kiosk|" \
        -e "s|@KIOSK_USER@|$KIOSK_USER|" "$SOURCE/deploy/maeum-kiosk-command.sh" \
        | write_file "$COMMAND" 0755 root:root
    # Older installers copied the code to $OLD_APP as well; the venv is now the only copy.
    if [ -e "$OLD_APP" ]; then run rm -rf "$OLD_APP"; fi
    # The guides beside the installed kiosk (the unit's Documentation= points here).
    run rm -rf "$DOC"
    run install -d -m 0755 "$DOC"
    run cp -R "$SOURCE/docs/." "$DOC/"
    run chmod -R u=rwX,go=rX "$DOC"
}

step_config() {
    step "configuration: $ETC/kiosk.toml (kept if it exists)"
    make_dir "$ETC" 0750 "root:$KIOSK_USER"
    write_file "$ETC/kiosk.toml.example" 0644 root:root <"$SOURCE/deploy/kiosk.toml"
    if [ -f "$ETC/kiosk.toml" ]; then
        note "kept: $ETC/kiosk.toml (compare with kiosk.toml.example after an update)"
        # The kiosk's user must read it: an older staff-pin (or an editor) may have left it
        # root:root, and the kiosk would then stay out of service.
        run chmod 0640 "$ETC/kiosk.toml"
        own "root:$KIOSK_USER" "$ETC/kiosk.toml"
    else
        write_file "$ETC/kiosk.toml" 0640 "root:$KIOSK_USER" <"$SOURCE/deploy/kiosk.toml"
    fi
    save_options | write_file "$OPTIONS_FILE" 0644 root:root
    check_config
}

# The kept configuration must still load with the new code, or the kiosk would not start,
# and load as the kiosk's own user: root reads any file, the service does not.
check_config() {
    if [ "$SKIP_PYTHON" = 1 ]; then
        note "configuration check skipped (--skip-python)"
        return 0
    fi
    local check='import sys; from kiosk.shell.config import load_config; print(load_config(sys.argv[1]).source)'
    local as_user=()
    # Staged under --prefix the user may not exist here; on the machine it always does.
    if ! staged; then as_user=(runuser -u "$KIOSK_USER" --); fi
    if [ "$DRY_RUN" = 1 ]; then
        note "would check as $KIOSK_USER: ${as_user[*]} $VENV/bin/python -c '$check' $ETC/kiosk.toml"
        return 0
    fi
    note "+ checking $ETC/kiosk.toml with the new code, as $KIOSK_USER"
    # From /, so that the installed kiosk is checked and not a checkout in the current folder.
    (cd / && "${as_user[@]}" env -u MAEUM_DATA_DIR "$VENV/bin/python" -c "$check" \
        "$ETC/kiosk.toml") \
        || die "$ETC/kiosk.toml does not load with this version, or not as $KIOSK_USER; fix" \
               "what the line above says (see kiosk.toml.example)"
}

step_data() {
    step "data: $DATA (ledger, content), owned by $KIOSK_USER"
    make_dir "$DATA" 0750 "$KIOSK_USER:$KIOSK_USER"
    if [ -d "$DATA/content" ]; then
        note "kept: $DATA/content (staff edits survive updates)"
    else
        # First install: seed the content the kiosk serves from the bundled files.
        run cp -R "$SOURCE/prescriptions/content" "$DATA/content"
        own -R "$KIOSK_USER:$KIOSK_USER" "$DATA/content"
    fi
}

render_udev_rules() {
    local active=$1 vid=${2:-} pid=${3:-}
    awk -v active="$active" -v vid="$vid" -v pid="$pid" '
        /^# (uart|usb):$/ { section = substr($2, 1, length($2) - 1) }
        /^SUBSYSTEM==/ {
            if (section != active) { print "# (not used) " $0; next }
            gsub(/@BOARD_VID@/, vid); gsub(/@BOARD_PID@/, pid)
        }
        { print }
    ' "$SOURCE/deploy/99-maeum-board.rules"
}

step_udev() {
    step "udev: /dev/maeum-board for the board ($BOARD)"
    local vid="" pid="" mode=uart
    if [ "$BOARD" != uart ]; then
        mode=usb
        IFS=: read -r _ vid pid <<<"$BOARD"
        vid=$(printf '%s' "$vid" | tr 'A-F' 'a-f')
        pid=$(printf '%s' "$pid" | tr 'A-F' 'a-f')
    fi
    render_udev_rules "$mode" "$vid" "$pid" \
        | write_file "$(target /etc/udev/rules.d/99-maeum-board.rules)" 0644 root:root
    run_system udevadm control --reload-rules
    run_system udevadm trigger --action=add --subsystem-match=tty
}

boot_dir() {
    local dir
    for dir in /boot/firmware /boot; do
        if [ -f "$(target "$dir")/config.txt" ]; then
            printf '%s' "$(target "$dir")"
            return 0
        fi
    done
    return 1
}

# The managed block at the end of config.txt; starts and ends with [all] so that it neither
# inherits nor leaks a conditional section.
config_txt_block() {
    printf '%s\n[all]\n' "$BEGIN_MARK"
    if [ "$BOARD" = uart ]; then
        printf '# The dispenser board on GPIO 14/15 as ttyAMA0 (/dev/maeum-board).\n'
        printf 'enable_uart=1\n[pi4]\ndtoverlay=disable-bt\n[pi5]\ndtparam=uart0=on\n[all]\n'
    fi
    case $RTC in
        ds3231)
            # A DS3231 module on the I2C pins (3.3 V, SDA GPIO 2, SCL GPIO 3) keeps the time.
            printf '# The DS3231 clock module (docs/install-raspberry-pi.md).\n'
            printf 'dtparam=i2c_arm=on\ndtoverlay=i2c-rtc,ds3231\n' ;;
        pi5-battery)
            # Only for the official rechargeable battery: a CR2032 must never be charged.
            printf '# Charge the official rechargeable RTC battery on J5 (never a CR2032).\n'
            printf '[pi5]\ndtparam=rtc_bbat_vchg=3000000\n[all]\n' ;;
    esac
    printf '%s\n' "$END_MARK"
}

new_config_txt() {
    local file=$1
    awk -v b="$BEGIN_MARK" -v e="$END_MARK" '
        $0 == b { skip = 1; next }
        $0 == e { skip = 0; next }
        !skip { print }
    ' "$file"
    config_txt_block
}

# The read-only root, in cmdline.txt: where raspi-config puts its own overlay switch (its
# menu then shows this one as enabled), and read by overlayroot after every configuration
# file. recurse=0: only / is overlaid; the data partition (and /boot/firmware) stay writable.
OVERLAY_TOKEN=overlayroot=tmpfs:recurse=0

# cmdline.txt is one line: drop the serial console (it would talk to the board), keep the
# console from blanking and its cursor from blinking on the kiosk screen. Any tmpfs overlay
# (raspi-config's menu writes a bare `overlayroot=tmpfs`, whose recurse=1 would put the data
# partition in RAM) becomes the installer's; with --read-only-root the overlay is switched on
# (and a maintenance `overlayroot=disabled` taken away).
new_cmdline() {
    local file=$1 token out=() overlay=0
    read -r -a tokens <"$file"
    for token in "${tokens[@]}"; do
        case $token in
            console=serial0,* | console=ttyAMA0,* | console=ttyS0,*)
                [ "$BOARD" = uart ] && continue ;;
            consoleblank=* | vt.global_cursor_default=*) continue ;;
            overlayroot=tmpfs | overlayroot=tmpfs:*) overlay=1; continue ;;
            overlayroot=disabled) [ "$READ_ONLY_ROOT" = 1 ] && continue ;;
        esac
        out+=("$token")
    done
    if [ "$overlay" = 1 ] || [ "$READ_ONLY_ROOT" = 1 ]; then out=("$OVERLAY_TOKEN" "${out[@]}"); fi
    out+=(consoleblank=0 vt.global_cursor_default=0)
    printf '%s\n' "${out[*]}"
}

update_boot_file() {
    local file=$1 generator=$2 new
    new=$("$generator" "$file")
    if [ "$new" = "$(cat "$file")" ]; then
        note "unchanged: $file"
        return 0
    fi
    if [ ! -f "$file.maeum-orig" ]; then run cp -p "$file" "$file.maeum-orig"; fi
    printf '%s\n' "$new" | write_file "$file" 0755 root:root
    REBOOT_NEEDED=1
}

step_boot() {
    step "boot settings: UART for the board, no serial console, console never blanks"
    local dir
    if ! dir=$(boot_dir); then
        note "skipped: no config.txt under $(target /boot/firmware) or $(target /boot)"
        return 0
    fi
    if ! grep -q '^dtoverlay=vc4-kms-v3d' "$dir/config.txt"; then
        # Raspberry Pi OS turns KMS on by default; without it SDL kmsdrm finds no display.
        warn "$dir/config.txt has no dtoverlay=vc4-kms-v3d: the screen will not work"
    fi
    update_boot_file "$dir/config.txt" new_config_txt
    if [ -f "$dir/cmdline.txt" ]; then update_boot_file "$dir/cmdline.txt" new_cmdline; fi
    if [ "$BOARD" = uart ]; then
        # Bluetooth gives its UART back on a Pi 4; no login prompt on the board's line.
        if staged || systemctl cat hciuart.service >/dev/null 2>&1; then
            run_system systemctl disable hciuart.service
        fi
        run_system systemctl mask serial-getty@ttyAMA0.service
    fi
}

step_lockdown() {
    step "lockdown: no console, no Ctrl+Alt+Del, no SysRq, persistent journal"
    write_file "$(target /etc/systemd/logind.conf.d/maeum-kiosk.conf)" 0644 root:root <<'EOF'
# 마음약방 kiosk: no login prompts appear when a key switches the virtual terminal.
[Login]
NAutoVTs=0
ReserveVT=0
EOF
    write_file "$(target /etc/systemd/system.conf.d/maeum-kiosk.conf)" 0644 root:root <<'EOF'
# 마음약방 kiosk: Ctrl+Alt+Del pressed 7 times does not reboot the machine either.
[Manager]
CtrlAltDelBurstAction=none
EOF
    write_file "$(target /etc/sysctl.d/90-maeum-kiosk.conf)" 0644 root:root <<'EOF'
# 마음약방 kiosk: no magic SysRq keys from a keyboard plugged into the kiosk.
kernel.sysrq = 0
EOF
    journald_conf | write_file "$(target /etc/systemd/journald.conf.d/maeum-kiosk.conf)" \
        0644 root:root
    run_system systemctl mask ctrl-alt-del.target
    run_system systemctl disable getty@tty1.service
    run_system sysctl --quiet --load "$(target /etc/sysctl.d/90-maeum-kiosk.conf)"
}

journald_conf() {
    printf '# 마음약방 kiosk: keep logs across reboots, within bounds.\n[Journal]\n'
    if [ "$READ_ONLY_ROOT" = 1 ]; then
        # Under a read-only root /var/log is RAM: keep the journal small, in RAM.
        printf 'Storage=volatile\nRuntimeMaxUse=64M\n'
    else
        printf 'Storage=persistent\nSystemMaxUse=200M\n'
    fi
}

step_read_only_root() {
    step "read-only root (overlayroot=tmpfs:recurse=0 in cmdline.txt, data partition writable)"
    if [ "$READ_ONLY_ROOT" != 1 ]; then
        note "not requested (--read-only-root); see docs/power-cuts.md"
        return 0
    fi
    # The switch is in cmdline.txt (step_boot). Older installers wrote it here as well: one
    # switch only, so that `overlayroot=disabled` on the command line is the whole story.
    local old_conf
    old_conf=$(target /etc/overlayroot.local.conf)
    if [ -f "$old_conf" ] && grep -q 'maeum-kiosk' "$old_conf"; then run rm -f "$old_conf"; fi
    # overlayroot runs from the initramfs: it must be in it.
    run_system update-initramfs -u
    REBOOT_NEEDED=1
}

# Asia/Seoul, the network time, and a clock that survives power cuts (a Pi 4 has none).
step_clock() {
    step "clock: time zone $TIME_ZONE, network time on, RTC: $RTC"
    write_file "$(target /etc/timezone)" 0644 root:root <<<"$TIME_ZONE"
    if [ "$(readlink "$(target /etc/localtime)" 2>/dev/null || true)" = \
        "/usr/share/zoneinfo/$TIME_ZONE" ]; then
        note "unchanged: $(target /etc/localtime)"
    else
        run ln -sfn "/usr/share/zoneinfo/$TIME_ZONE" "$(target /etc/localtime)"
    fi
    # systemd-timesyncd on Raspberry Pi OS; with another daemon (chrony) this says so and
    # that daemon keeps the time.
    if ! run_system timedatectl set-ntp true; then
        warn "timedatectl set-ntp true failed: check that a time daemon runs (timedatectl)"
    fi
    if [ "$RTC" = ds3231 ]; then
        # The module's driver is loaded late, after the kernel's own look at the clock: set
        # the system time from it as soon as udev sees it (not when the kernel did already).
        write_file "$(target /etc/udev/rules.d/98-maeum-rtc.rules)" 0644 root:root <<'EOF'
# 마음약방 kiosk: the system time from the DS3231 module as soon as it appears (installed by
# deploy/install.sh --rtc ds3231). Check: timedatectl (RTC time), sudo hwclock --show.
ACTION=="add", SUBSYSTEM=="rtc", ATTR{hctosys}=="0", RUN+="/sbin/hwclock --rtc=/dev/%k --hctosys --utc"
EOF
    fi
}

apt_policy() {
    printf '// 마음약방 kiosk: the update policy (deploy/install.sh --updates %s).\n' "$UPDATES"
    if [ "$UPDATES" = manual ]; then
        cat <<'EOF'
// Nothing runs by itself: apt's timers are masked and the technician updates
// (docs/install-raspberry-pi.md, "Updates"). Under the read-only root apt's downloads would
// fill the RAM overlay and every update would vanish at the next boot.
APT::Periodic::Enable "0";
EOF
    else
        cat <<'EOF'
// Every day: the package lists, then Debian's security updates only, installed unattended.
// Nothing else is upgraded (no feature updates, no kernel or firmware: the technician does
// those), nothing is downloaded ahead, and the machine never reboots by itself.
APT::Periodic::Enable "1";
APT::Periodic::Update-Package-Lists "1";
APT::Periodic::Download-Upgradeable-Packages "0";
APT::Periodic::Unattended-Upgrade "1";
APT::Periodic::AutocleanInterval "7";
#clear Unattended-Upgrade::Origins-Pattern;
Unattended-Upgrade::Origins-Pattern {
    "origin=Debian,codename=${distro_codename}-security,label=Debian-Security";
    "origin=Debian,codename=${distro_codename},label=Debian-Security";
};
Unattended-Upgrade::Automatic-Reboot "false";
// One package at a time, so that a power cut interrupts as little as possible; a dpkg run
// cut short is finished at the next start. (A package that would ask about a changed
// configuration file is left for the technician.)
Unattended-Upgrade::MinimalSteps "true";
Unattended-Upgrade::AutoFixInterruptedDpkg "true";
EOF
    fi
}

step_updates() {
    step "updates: $UPDATES"
    apt_policy | write_file "$(target /etc/apt/apt.conf.d/52maeum-kiosk)" 0644 root:root
    if [ "$UPDATES" = manual ]; then
        run_system systemctl mask apt-daily.timer apt-daily-upgrade.timer
    else
        run_system systemctl unmask apt-daily.timer apt-daily-upgrade.timer
        run_system systemctl enable apt-daily.timer apt-daily-upgrade.timer
    fi
}

step_service() {
    step "service: maeum-kiosk.service (Type=notify, watchdog, Restart=always)"
    write_file "$(target /etc/systemd/system/maeum-kiosk.service)" 0644 root:root \
        <"$SOURCE/deploy/maeum-kiosk.service"
    run_system systemctl daemon-reload
    run_system systemctl enable maeum-kiosk.service
    if [ "$START" != 1 ]; then
        note "not started (--no-start)"
    elif [ "$REBOOT_NEEDED" = 1 ]; then
        note "boot settings changed: the service starts after a reboot"
    else
        run_system systemctl restart maeum-kiosk.service
    fi
}

step_fleet() {
    step "fleet agent: maeum-fleet.service (reports to the central server, docs/fleet.md)"
    write_file "$(target /etc/systemd/system/maeum-fleet.service)" 0644 root:root \
        <"$SOURCE/deploy/maeum-fleet.service"
    make_dir "$(target /etc/maeum-fleet)" 0750 "root:$KIOSK_USER"
    run_system systemctl daemon-reload
    if [ ! -f "$(target /etc/maeum-fleet/agent.toml)" ]; then
        note "not enrolled (no /etc/maeum-fleet/agent.toml): the agent stays off until its"
        note "credentials from \`fleet-server enroll SITE\` are copied there (docs/fleet.md)"
        return 0
    fi
    run_system systemctl enable maeum-fleet.service
    if [ "$START" = 1 ] && [ "$REBOOT_NEEDED" != 1 ]; then
        run_system systemctl restart maeum-fleet.service
    fi
}

step_done() {
    step "done"
    if [ "$REBOOT_NEEDED" = 1 ]; then note "REBOOT NOW to apply the boot settings: sudo reboot"; fi
    note "check:   systemctl status maeum-kiosk   ·   journalctl -u maeum-kiosk -b -p warning"
    note "test:    sudo systemctl stop maeum-kiosk && maeum-kiosk hwtest"
}

main() {
    trap '[ -z "$BUILD_DIR" ] || rm -rf "$BUILD_DIR"' EXIT
    parse_args "$@"
    step_preflight
    step_packages
    step_user
    step_python
    step_command
    step_config
    step_data
    step_udev
    step_boot
    step_lockdown
    step_clock
    step_updates
    step_read_only_root
    step_service
    step_fleet
    step_done
}

main "$@"
