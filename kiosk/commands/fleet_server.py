"""`python main.py fleet-server`: the central server, and the fleet's credentials.

    fleet-server                       serve: MQTT in, SQLite store, the web dashboard
    fleet-server init --host NAME      make the CA, the broker's files and the server's login
    fleet-server enroll SITE...        a kiosk's certificate, password and agent.toml
    fleet-server revoke SITE           lock a kiosk out (after `systemctl reload mosquitto`)
    fleet-server add-user NAME --role programme|site [--site SITE]
                                       a dashboard account (asks for its password)

See docs/fleet.md for setting up the central machine and enrolling a kiosk, and
docs/dashboard.md for the dashboard and its accounts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "fleet-server"
HELP = "the central fleet server and dashboard (serve, init, enroll, revoke, add-user)"
FLEET_DIR = Path("/etc/maeum-fleet")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--server-config",
        metavar="FILE",
        help=f"the server's settings (default: {FLEET_DIR}/centre/server.toml)",
    )
    parser.add_argument(
        "--dir", type=Path, default=FLEET_DIR, help=f"the fleet's folder (default {FLEET_DIR})"
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    init = actions.add_parser("init", help="make the CA, the broker's files and the server's")
    init.add_argument(
        "--host",
        action="append",
        required=True,
        help="a name or IP address kiosks reach the broker by (repeat for more; the first is "
        "the one written into each kiosk's agent.toml)",
    )
    init.add_argument("--port", type=int, default=8883, help="the broker's TLS port (8883)")
    init.add_argument("--http-port", type=int, default=8080, help="the API's port (8080)")
    enroll = actions.add_parser("enroll", help="credentials and agent.toml for one kiosk")
    enroll.add_argument(
        "sites", nargs="+", metavar="SITE", help="a site id: 2-32 of a-z, 0-9 and - (gwanak)"
    )
    enroll.add_argument("--host", help="the broker's name for the kiosk (default: as at init)")
    revoke = actions.add_parser("revoke", help="remove a kiosk's password")
    revoke.add_argument("site")
    user = actions.add_parser("add-user", help="a dashboard account (asks for the password)")
    user.add_argument("name", help="the login name: 2-32 of a-z, 0-9, . _ -")
    user.add_argument(
        "--role",
        choices=["programme", "site"],
        required=True,
        help="programme: every site; site: one site's staff (with --site)",
    )
    user.add_argument("--site", help="the site a site's staff see (its site id)")
    user.add_argument(
        "--replace", action="store_true", help="renew an existing account (new password, unlocked)"
    )
    user.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )


def run(args: argparse.Namespace) -> int:
    if args.action in ("init", "enroll", "revoke"):
        return _credentials(args)
    if args.action == "add-user":
        return _add_user(args)
    return _serve(args)


def _server_config_path(args: argparse.Namespace) -> Path:
    return Path(args.server_config or args.dir / "centre" / "server.toml")


def _add_user(args: argparse.Namespace) -> int:
    import getpass

    from fleet.config import FleetConfigError, load_server_config
    from fleet.dashboard.accounts import AccountError, Accounts, utc_now
    from fleet.dashboard.db import DashboardDb

    try:
        settings = load_server_config(_server_config_path(args)).server.resolved()
    except FleetConfigError as exc:
        print(f"fleet-server add-user: {exc}", file=sys.stderr)
        return 2
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"{args.name}의 비밀번호 (password): ")
        if getpass.getpass("한 번 더 (again): ") != password:
            print("두 비밀번호가 다릅니다 (the passwords differ)", file=sys.stderr)
            return 1
    db = DashboardDb(settings.accounts)
    try:
        Accounts(db, utc_now).add(args.name, args.role, args.site, password, args.replace)
    except AccountError as exc:
        print(f"fleet-server add-user: {exc}", file=sys.stderr)
        return 1
    finally:
        db.close()
    who = "모든 현장 (every site)" if args.role == "programme" else f"{args.site}"
    print(f"{args.name}: 계정을 만들었습니다 ({who}); {settings.accounts}")
    return 0


def _credentials(args: argparse.Namespace) -> int:
    from fleet.config import FleetConfigError, load_server_config
    from fleet.credentials import (
        CredentialsError,
        FleetDir,
        enroll_kiosks,
        init_centre,
        revoke_kiosk,
    )

    fleet = FleetDir(args.dir)
    try:
        if args.action == "init":
            init_centre(fleet, tuple(args.host), port=args.port, http_port=args.http_port)
            print(f"CA, broker and server credentials in {fleet.root}.")
            print(f"  broker: {fleet.broker}/mosquitto.conf  (docs/fleet.md: installing it)")
            print(f"  server: {fleet.centre}/server.toml")
            return 0
        if args.action == "enroll":
            centre = load_server_config(fleet.centre / "server.toml").broker
            folders = enroll_kiosks(fleet, args.sites, args.host or centre.host, centre.port)
            for site, out in zip(args.sites, folders, strict=True):
                print(f"{site}: credentials in {out}/")
            print("next: 1. copy each folder's files to its kiosk's /etc/maeum-fleet/")
            print("      2. here: systemctl reload mosquitto   (the broker learns the passwords)")
            print("      3. on each kiosk: systemctl enable --now maeum-fleet")
            return 0
        if revoke_kiosk(fleet, args.site):
            print(f"{args.site} removed; run `systemctl reload mosquitto` to lock it out now.")
            return 0
        print(f"{args.site} is not enrolled in {fleet.passwd}", file=sys.stderr)
        return 1
    except (CredentialsError, FleetConfigError, OSError) as exc:
        print(f"fleet-server {args.action}: {exc}", file=sys.stderr)
        return 1


def _serve(args: argparse.Namespace) -> int:
    import signal
    import threading

    from fleet.config import FleetConfigError, load_server_config
    from fleet.server.app import Server
    from fleet.server.store import StoreError

    try:
        config = load_server_config(_server_config_path(args))
        server = Server.build(config)
    except (FleetConfigError, StoreError, OSError) as exc:
        print(f"fleet server: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    server.start()
    stop.wait()
    server.stop()
    return 0
