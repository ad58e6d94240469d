#!/bin/sh
# 마음약방 kiosk — the `maeum-kiosk` command on the Pi (installed by deploy/install.sh as
# /usr/local/bin/maeum-kiosk). It runs the kiosk's own command (@KIOSK_BIN@) as the kiosk's
# user @KIOSK_USER@, so that a check sees exactly the kiosk's access to the screen, GPIO and
# serial port, and a file it writes in the data folder stays the kiosk's:
#
#   maeum-kiosk stock            maeum-kiosk hwtest          maeum-kiosk stats
#   maeum-kiosk staff-pin        (as root: it writes /etc/maeum-kiosk/kiosk.toml)
#
# Run by another user it asks sudo. The configuration is /etc/maeum-kiosk/kiosk.toml (found by
# itself); `maeum-kiosk --help` lists every command. The kiosk's user cannot enter your home
# folder: files to import and exports go through /tmp (`maeum-kiosk stats --csv /tmp/3월.csv`).
set -eu

KIOSK_BIN=@KIOSK_BIN@
KIOSK_USER=@KIOSK_USER@

as=$KIOSK_USER
case ${1:-} in
    staff-pin) as=root ;;  # writes the configuration, which only root may change
esac

if [ "$(id -un)" = "$as" ]; then
    switch=""
elif [ "$(id -u)" -eq 0 ]; then
    switch=runuser
else
    switch=sudo
fi

# as_user COMMAND...: COMMAND as $as. The GPIO library makes a small FIFO in its working
# directory (LG_WD): give it one it may write.
as_user() {
    case $switch in
        runuser) exec runuser -u "$as" -- env LG_WD=/tmp "$@" ;;
        sudo) exec sudo -u "$as" -- env LG_WD=/tmp "$@" ;;
        *) exec env LG_WD=/tmp "$@" ;;
    esac
}

# A relative file name means the current folder, which the kiosk's user may not be allowed into.
if [ -n "$switch" ] && ! (as_user test -r . -a -w . -a -x .) 2>/dev/null; then
    echo "maeum-kiosk: runs as '$as', who cannot use $(pwd); working in /tmp instead" >&2
    cd /tmp
fi
as_user "$KIOSK_BIN" "$@"
