#!/usr/bin/env bash
# 마음약방 kiosk — installer for a Raspberry Pi 4 or 5 with Raspberry Pi OS Lite (Bookworm or
# Trixie) and a touchscreen. Run as root on the Pi, from a checkout of this repository:
#
#   sudo deploy/install.sh                      board on the GPIO UART (GPIO 14/15)
#   sudo deploy/install.sh --board usb:1a86:55d4   board over USB (IDs: see 99-maeum-board.rules)
#   deploy/install.sh --dry-run                 print every action, change nothing (any user)
#
# Safe to run again (that is also how the firmware is updated): the configuration in
# /etc/maeum-kiosk/kiosk.toml and the data in /var/lib/maeum-kiosk are kept.
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
  --read-only-root     also make the root file system read-only (overlayroot); needs the
                       data directory on its own partition first (docs/power-cuts.md)
  -h, --help           this text
EOF
}

# -- settings -------------------------------------------------------------------------------

KIOSK_USER=maeum
KIOSK_GROUPS=(video render input gpio dialout)
APT_PACKAGES=(
    python3-venv python3-dev build-essential swig liblgpio-dev   # venv; builds lgpio
    fonts-nanum                                                  # Korean text
    libdrm2 libgbm1 libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri libudev1   # SDL kmsdrm
)
CODE_EXCLUDES=(.git .venv out build dist .mypy_cache .ruff_cache .hypothesis .pytest_cache
               __pycache__ '*.egg-info' '*.pyc')
BEGIN_MARK="# --- maeum-kiosk: managed by deploy/install.sh; edits here are replaced ---"
END_MARK="# --- maeum-kiosk: end ---"

DRY_RUN=0
PREFIX=/
SOURCE=""
BOARD=uart
START=1
SKIP_PYTHON=0
READ_ONLY_ROOT=0
REBOOT_NEEDED=0

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
            -h | --help) usage; exit 0 ;;
            *) usage >&2; die "unknown option: $1" ;;
        esac
        shift
    done
    if [ -z "$SOURCE" ]; then
        SOURCE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    fi
    SOURCE=$(cd "$SOURCE" && pwd) || die "--source: no such directory"
    case $BOARD in
        uart) ;;
        usb:[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]:[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]) ;;
        *) die "--board must be uart or usb:VID:PID with 4 hex digits each, not '$BOARD'" ;;
    esac
    APP=$(target /opt/maeum-kiosk/app)
    VENV=$(target /opt/maeum-kiosk/venv)
    ETC=$(target /etc/maeum-kiosk)
    DATA=$(target /var/lib/maeum-kiosk)
}

# -- steps ----------------------------------------------------------------------------------

step_preflight() {
    step "preflight: source, privileges, machine"
    for f in main.py pyproject.toml deploy/maeum-kiosk.service deploy/kiosk.toml \
             deploy/99-maeum-board.rules; do
        [ -f "$SOURCE/$f" ] || die "$SOURCE is not a maeum-kiosk checkout (no $f)"
    done
    note "source:  $SOURCE"
    note "prefix:  $PREFIX$(staged && printf ' (staged: system commands skipped)')"
    note "board:   $BOARD"
    if [ "$DRY_RUN" != 1 ] && ! staged && [ "$(id -u)" -ne 0 ]; then
        die "run as root (sudo $0), or try --dry-run"
    fi
    if ! staged && [ "$(findmnt -n -o FSTYPE / 2>/dev/null || true)" = overlay ] \
        && [ "$DRY_RUN" != 1 ]; then
        die "the root file system is a read-only overlay: changes would vanish at reboot." \
            "Add overlayroot=disabled to cmdline.txt, reboot, install, remove it, reboot" \
            "(docs/power-cuts.md)."
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

step_packages() {
    step "apt packages: Python venv and build tools, lgpio, Korean font, SDL kmsdrm libraries"
    local packages=("${APT_PACKAGES[@]}")
    if [ "$READ_ONLY_ROOT" = 1 ]; then packages+=(overlayroot initramfs-tools); fi
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

step_code() {
    step "code: $SOURCE -> $APP"
    local excludes=() pattern
    for pattern in "${CODE_EXCLUDES[@]}"; do excludes+=("--exclude=$pattern"); done
    # Copy into a fresh directory and swap it in: files removed from the source do not
    # linger, and a failed copy leaves the installed code as it was.
    run rm -rf "$APP.new" "$APP.old"
    run install -d -m 0755 "$APP.new"
    if [ "$DRY_RUN" = 1 ]; then
        note "would run: tar -C $(quoted "$SOURCE") ${excludes[*]} -cf - . | tar -C $(quoted "$APP.new") -xf -"
    else
        note "+ tar -C $SOURCE ... -cf - . | tar -C $APP.new -xf -"
        tar -C "$SOURCE" "${excludes[@]}" -cf - . | tar -C "$APP.new" --no-same-owner -xf -
    fi
    if [ -d "$APP" ]; then run mv "$APP" "$APP.old"; fi
    run mv "$APP.new" "$APP"
    run rm -rf "$APP.old"
    run chmod -R u=rwX,go=rX "$APP"
}

step_venv() {
    step "Python: virtual environment $VENV with the kiosk and its [pi] extra (lgpio)"
    if [ "$SKIP_PYTHON" = 1 ]; then
        note "skipped (--skip-python)"
        return 0
    fi
    local system_version venv_version=""
    system_version=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    if [ -x "$VENV/bin/python" ]; then
        venv_version=$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' \
            2>/dev/null || true)
    fi
    if [ "$venv_version" != "$system_version" ]; then
        # Missing, or made by another Python (after an OS upgrade): build it anew.
        run rm -rf "$VENV"
        run python3 -m venv "$VENV"
    else
        note "venv exists (Python $venv_version)"
    fi
    run "$VENV/bin/python" -m pip install --quiet --upgrade pip
    run "$VENV/bin/python" -m pip install --quiet --no-cache-dir "${APP}[pi]"
    # The service runs the code in $APP (main.py); pip's build leftovers are not needed there.
    run rm -rf "$APP/build" "$APP/maeum_kiosk.egg-info"
    # The service cannot write under /opt (ProtectSystem=strict): compile once, here.
    run "$VENV/bin/python" -m compileall -q "$APP/main.py" "$APP/kiosk" "$APP/hardware" \
        "$APP/prescriptions" "$APP/fleet"
}

step_config() {
    step "configuration: $ETC/kiosk.toml (kept if it exists)"
    make_dir "$ETC" 0750 "root:$KIOSK_USER"
    write_file "$ETC/kiosk.toml.example" 0644 root:root <"$SOURCE/deploy/kiosk.toml"
    if [ -f "$ETC/kiosk.toml" ]; then
        note "kept: $ETC/kiosk.toml (compare with kiosk.toml.example after an update)"
    else
        write_file "$ETC/kiosk.toml" 0640 "root:$KIOSK_USER" <"$SOURCE/deploy/kiosk.toml"
    fi
    check_config
}

# The kept configuration must still load with the new code, or the kiosk would not start.
check_config() {
    if [ "$SKIP_PYTHON" = 1 ]; then
        note "configuration check skipped (--skip-python)"
        return 0
    fi
    local check='import sys; from kiosk.config import load_config; print(load_config(sys.argv[1]).source)'
    if [ "$DRY_RUN" = 1 ]; then
        note "would check: $VENV/bin/python -c '$check' $ETC/kiosk.toml"
        return 0
    fi
    note "+ checking $ETC/kiosk.toml with the new code"
    (cd "$APP" && env -u MAEUM_DATA_DIR "$VENV/bin/python" -c "$check" "$ETC/kiosk.toml") \
        || die "$ETC/kiosk.toml does not load with this version; fix it (see kiosk.toml.example)"
}

step_data() {
    step "data: $DATA (ledger, content), owned by $KIOSK_USER"
    make_dir "$DATA" 0750 "$KIOSK_USER:$KIOSK_USER"
    if [ -d "$DATA/content" ]; then
        note "kept: $DATA/content (staff edits survive updates)"
    else
        # First install: seed the content the kiosk serves from the bundled files.
        run cp -R "$APP/prescriptions/content" "$DATA/content"
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

# cmdline.txt is one line: drop the serial console (it would talk to the board), keep the
# console from blanking and its cursor from blinking on the kiosk screen.
new_cmdline() {
    local file=$1 token out=()
    read -r -a tokens <"$file"
    for token in "${tokens[@]}"; do
        case $token in
            console=serial0,* | console=ttyAMA0,* | console=ttyS0,*)
                [ "$BOARD" = uart ] && continue ;;
            consoleblank=* | vt.global_cursor_default=*) continue ;;
            overlayroot=tmpfs | overlayroot=tmpfs:*)
                # recurse=0: only / is read-only; the data partition stays writable.
                token=overlayroot=tmpfs:recurse=0 ;;
        esac
        out+=("$token")
    done
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
    step "read-only root (overlayroot, data partition writable)"
    if [ "$READ_ONLY_ROOT" != 1 ]; then
        note "not requested (--read-only-root); see docs/power-cuts.md"
        return 0
    fi
    if ! staged && [ "$DRY_RUN" != 1 ] && ! mountpoint -q "$DATA"; then
        die "$DATA is not its own partition: everything would be lost at each reboot." \
            "Create the data partition first (docs/power-cuts.md)."
    fi
    write_file "$(target /etc/overlayroot.local.conf)" 0644 root:root <<'EOF'
# 마음약방 kiosk: / is a RAM overlay over the read-only root; recurse=0 keeps the other
# partitions (the data partition at /var/lib/maeum-kiosk, /boot/firmware) writable.
# To update: add overlayroot=disabled to cmdline.txt and reboot (docs/power-cuts.md).
overlayroot="tmpfs:recurse=0"
EOF
    run_system update-initramfs -u
    REBOOT_NEEDED=1
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
    note "check:   systemctl status maeum-kiosk   ·   journalctl -u maeum-kiosk -b"
    note "test:    sudo systemctl stop maeum-kiosk && sudo -u $KIOSK_USER env LG_WD=/tmp $VENV/bin/python" \
        "$APP/main.py hwtest --config $ETC/kiosk.toml"
}

main() {
    parse_args "$@"
    step_preflight
    step_packages
    step_user
    step_code
    step_venv
    step_config
    step_data
    step_udev
    step_boot
    step_lockdown
    step_read_only_root
    step_service
    step_fleet
    step_done
}

main "$@"
