"""The fleet's CA and credentials: made with the `openssl` command, kept in one folder on the
central machine.

    <dir>/ca/                 ca.key (never leaves this folder), ca.crt
    <dir>/broker/             mosquitto.conf, acl, passwd, ca.crt, server.crt, server.key
    <dir>/centre/             server.toml, the central server's own client credentials, and
                              content-signing.key/.pub: the Ed25519 key published content is
                              signed with (`fleet.bundle`)
    <dir>/kiosks/<site>/      agent.toml, ca.crt, client.crt, client.key, content.pub (the
                              centre's public content key): copy to the kiosk's
                              /etc/maeum-fleet/

Every connection needs both a client certificate signed by the fleet's CA and the name and
password in `passwd` (mosquitto's PBKDF2-SHA512 format, made here without mosquitto_passwd).
Removing a name from `passwd` (`revoke`) locks that kiosk out even though its certificate is
still valid.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fleet.topics import CENTRE, acl_text, valid_site
from prescriptions import atomic

BROKER_TEMPLATE = Path(__file__).resolve().parents[1] / "deploy" / "mosquitto" / "maeum-fleet.conf"
TEMPLATE_DIR = "/etc/maeum-fleet/broker"
TEMPLATE_PERSISTENCE = "/var/lib/mosquitto/"
TEMPLATE_LISTENER = "listener 8883"
CA_DAYS = 3650
CERT_DAYS = 825  # about two years and a quarter; the agent warns a month before the end
SIGNING_KEY = "content-signing.key"
SIGNING_PUBLIC = "content-signing.pub"
KIOSK_CONTENT_KEY = "content.pub"  # fleet.config.AgentSettings.content_key
# The passwords are 144-bit random tokens: stretching adds nothing against guessing them, and
# the broker pays it on every connect (25 at once after an outage).
PBKDF2_ITERATIONS = 1_000


class CredentialsError(RuntimeError):
    """Credentials could not be made; the text says what to do."""


@dataclass(frozen=True)
class FleetDir:
    root: Path

    @property
    def ca(self) -> Path:
        return self.root / "ca"

    @property
    def broker(self) -> Path:
        return self.root / "broker"

    @property
    def centre(self) -> Path:
        return self.root / "centre"

    def kiosk(self, site: str) -> Path:
        return self.root / "kiosks" / site

    @property
    def passwd(self) -> Path:
        return self.broker / "passwd"


# --- openssl ---------------------------------------------------------------------------------


def _openssl(*args: str) -> None:
    try:
        result = subprocess.run(
            ["openssl", *args], capture_output=True, text=True, timeout=60, check=False
        )
    except FileNotFoundError:
        raise CredentialsError("the openssl command is missing: apt-get install openssl") from None
    if result.returncode != 0:
        raise CredentialsError(f"openssl {args[0]} failed: {result.stderr.strip()[-400:]}")


def make_ca(fleet: FleetDir, days: int = CA_DAYS) -> None:
    """The fleet's own CA (an EC P-256 key); kept if it exists."""
    if (fleet.ca / "ca.crt").exists():
        return
    fleet.ca.mkdir(parents=True, exist_ok=True, mode=0o700)
    _openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", str(fleet.ca / "ca.key"), "-out", str(fleet.ca / "ca.crt"),
        "-days", str(days), "-subj", "/O=maeum-kiosk fleet/CN=maeum fleet CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    os.chmod(fleet.ca / "ca.key", 0o600)


def issue_cert(
    fleet: FleetDir,
    out: Path,
    name: str,
    *,
    server_names: tuple[str, ...] = (),
    days: int = CERT_DAYS,
) -> None:
    """A key and a certificate signed by the CA: `out`.key and `out`.crt (one openssl call).
    With `server_names` it is the broker's (DNS names and IP addresses it answers to)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    key, crt = out.with_suffix(".key"), out.with_suffix(".crt")
    extensions = [
        "basicConstraints=critical,CA:FALSE",
        "keyUsage=critical,digitalSignature",
        "subjectKeyIdentifier=hash",
        "authorityKeyIdentifier=keyid",
    ]
    if server_names:
        alt = ",".join(
            f"IP:{n}" if n.replace(".", "").isdigit() or ":" in n else f"DNS:{n}"
            for n in server_names
        )
        extensions += ["extendedKeyUsage=serverAuth", f"subjectAltName={alt}"]
    else:
        extensions.append("extendedKeyUsage=clientAuth")
    with tempfile.TemporaryDirectory() as tmp:
        # A config of our own: the system's openssl.cnf would add CA extensions to -x509.
        config = Path(tmp) / "req.cnf"
        config.write_text("[req]\ndistinguished_name=dn\n[dn]\n[ext]\n" + "\n".join(extensions))
        _openssl(
            "req", "-new", "-x509", "-config", str(config), "-extensions", "ext",
            "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", str(key), "-out", str(crt), "-subj", f"/O=maeum-kiosk fleet/CN={name}",
            "-CA", str(fleet.ca / "ca.crt"), "-CAkey", str(fleet.ca / "ca.key"),
            "-set_serial", "0x" + secrets.token_hex(16), "-days", str(days),
        )  # fmt: skip
    os.chmod(key, 0o600)


# --- mosquitto's password file ---------------------------------------------------------------


def password_hash(password: str, iterations: int = PBKDF2_ITERATIONS) -> str:
    """mosquitto 2's `$7$` format: PBKDF2-HMAC-SHA512, a 12-byte salt."""
    salt = secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode("utf-8"), salt, iterations)
    b64 = base64.b64encode
    return f"$7${iterations}${b64(salt).decode()}${b64(digest).decode()}"


def password_users(passwd: Path) -> list[str]:
    try:
        lines = passwd.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    return [line.split(":", 1)[0] for line in lines if ":" in line]


def set_password(passwd: Path, user: str, password: str | None) -> None:
    """Add or replace `user` (None: remove it), written whole and renamed into place."""
    set_hashes(passwd, {user: None if password is None else password_hash(password)})


def set_hashes(passwd: Path, hashes: dict[str, str | None]) -> None:
    """Several users at once: user → its `$7$` hash, or None to remove it."""
    try:
        lines = passwd.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        lines = []
    kept = [line for line in lines if line.split(":", 1)[0] not in hashes]
    kept += [f"{user}:{h}" for user, h in hashes.items() if h is not None]
    write_atomically(passwd, "\n".join(kept) + "\n" if kept else "", mode=0o640)


def write_atomically(path: Path, text: str, mode: int = 0o644) -> None:
    """Text through the project's one atomic write (temporary file, fsync, rename)."""
    atomic.write_atomically(path, text.encode("utf-8"), mode=mode)


# --- the broker's configuration --------------------------------------------------------------


def find_mosquitto() -> str | None:
    """The broker's program: on PATH, or where Debian puts it (/usr/sbin is not on every
    user's PATH)."""
    found = shutil.which("mosquitto")
    if found is None and os.access("/usr/sbin/mosquitto", os.X_OK):
        found = "/usr/sbin/mosquitto"
    return found


def broker_config(
    broker_dir: Path, persistence_dir: Path, port: int, bind: str = "", run_as: str = ""
) -> str:
    """deploy/mosquitto/maeum-fleet.conf with this folder, port and bind address. `run_as`
    names the user mosquitto keeps when started as root (default: it becomes `mosquitto`,
    which must be able to read the folder)."""
    text = BROKER_TEMPLATE.read_text(encoding="utf-8")
    for old in (TEMPLATE_DIR, TEMPLATE_PERSISTENCE, TEMPLATE_LISTENER):
        if old not in text:
            raise CredentialsError(f"{BROKER_TEMPLATE}: {old!r} not found")
    listener = f"listener {port} {bind}".rstrip()
    text = (
        text.replace(TEMPLATE_DIR, str(broker_dir))
        .replace(TEMPLATE_PERSISTENCE, str(persistence_dir).rstrip("/") + "/")
        .replace(TEMPLATE_LISTENER, listener)
    )
    return text + (f"user {run_as}\n" if run_as else "")


def init_centre(
    fleet: FleetDir,
    host_names: tuple[str, ...],
    *,
    port: int = 8883,
    bind: str = "",
    persistence_dir: Path = Path(TEMPLATE_PERSISTENCE),
    store: Path = Path("/var/lib/maeum-fleet-server/fleet.sqlite3"),
    http_port: int = 8080,
) -> None:
    """The CA, the broker's certificate and files, and the central server's credentials."""
    make_ca(fleet)
    issue_cert(fleet, fleet.broker / "server", host_names[0], server_names=host_names)
    _copy(fleet.ca / "ca.crt", fleet.broker / "ca.crt")
    write_atomically(fleet.broker / "acl", acl_text())
    if not fleet.passwd.exists():
        write_atomically(fleet.passwd, "", mode=0o640)
    write_atomically(
        fleet.broker / "mosquitto.conf", broker_config(fleet.broker, persistence_dir, port, bind)
    )
    _signing_key(fleet)
    password = secrets.token_urlsafe(24)
    issue_cert(fleet, fleet.centre / "client", CENTRE)
    _copy(fleet.ca / "ca.crt", fleet.centre / "ca.crt")
    set_password(fleet.passwd, CENTRE, password)
    server_toml = (
        "# 마음약방 fleet — the central server (`python main.py fleet-server`). docs/fleet.md\n"
        f"[broker]\n{_broker_toml(host_names[0], port, CENTRE, password)}\n"
        f'[server]\nstore = "{store}"\nhttp_host = "127.0.0.1"\nhttp_port = {http_port}\n'
    )
    write_atomically(fleet.centre / "server.toml", server_toml, mode=0o600)


def enroll_kiosks(fleet: FleetDir, sites: list[str], host: str, port: int = 8883) -> list[Path]:
    """Each kiosk's credentials: its certificate and password, and its agent.toml. Returns
    the folders to copy to the kiosks. Enrolling again renews both (the old ones stop
    working once the broker reloads). Certificates are made side by side; the password file
    is written once."""
    for site in sites:
        if not valid_site(site):
            raise CredentialsError(
                f"{site!r} is not a site id: 2-32 of a-z, 0-9 and -, starting with a letter "
                "or digit"
            )
    if not (fleet.ca / "ca.key").exists():
        raise CredentialsError(f"no CA in {fleet.ca}: run `fleet-server init` first")
    # A centre made before content publishing gets its key now (kiosks enrolled before it
    # must be enrolled again to receive content).
    _signing_key(fleet)
    with ThreadPoolExecutor(max_workers=4) as pool:
        made = list(pool.map(lambda site: _kiosk_files(fleet, site, host, port), sites))
    set_hashes(fleet.passwd, {site: h for site, h in made})
    return [fleet.kiosk(site) for site in sites]


def enroll_kiosk(fleet: FleetDir, site: str, host: str, port: int = 8883) -> Path:
    return enroll_kiosks(fleet, [site], host, port)[0]


def _kiosk_files(fleet: FleetDir, site: str, host: str, port: int) -> tuple[str, str]:
    out = fleet.kiosk(site)
    password = secrets.token_urlsafe(24)
    issue_cert(fleet, out / "client", site)
    _copy(fleet.ca / "ca.crt", out / "ca.crt")
    _copy(fleet.centre / SIGNING_PUBLIC, out / KIOSK_CONTENT_KEY)
    agent_toml = (
        f"# 마음약방 fleet agent of {site}: copy this folder to /etc/maeum-fleet/ on the kiosk.\n"
        f"# docs/fleet.md. Made by `fleet-server enroll {site}`.\n"
        f'site = "{site}"\n\n[broker]\n{_broker_toml(host, port, site, password)}'
    )
    write_atomically(out / "agent.toml", agent_toml, mode=0o600)
    return site, password_hash(password)


def revoke_kiosk(fleet: FleetDir, site: str) -> bool:
    """Lock a kiosk out (at the broker's next reload). False if it was not enrolled."""
    if site not in password_users(fleet.passwd):
        return False
    set_password(fleet.passwd, site, None)
    return True


def _signing_key(fleet: FleetDir) -> None:
    """The centre's content key pair (kept if it exists). Imported here: the agent, which
    reads its certificate's dates from this module, needs no signing library at start."""
    from fleet.bundle import make_signing_key

    make_signing_key(fleet.centre / SIGNING_KEY, fleet.centre / SIGNING_PUBLIC)


def _broker_toml(host: str, port: int, user: str, password: str) -> str:
    return (
        f'host = "{host}"\nport = {port}\nusername = "{user}"\npassword = "{password}"\n'
        'ca = "ca.crt"\ncert = "client.crt"\nkey = "client.key"\nkeepalive = 60\n'
    )


def _copy(src: Path, dest: Path) -> None:
    write_atomically(dest, src.read_text(encoding="utf-8"))


def cert_dates(cert: Path) -> tuple[datetime, datetime] | None:
    """(not before, not after) of a certificate, or None when it cannot be read."""
    try:
        result = subprocess.run(
            ["openssl", "x509", "-noout", "-startdate", "-enddate", "-in", str(cert)],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    found = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    try:
        return _openssl_date(found["notBefore"]), _openssl_date(found["notAfter"])
    except (KeyError, ValueError):
        return None


def _openssl_date(text: str) -> datetime:
    # "Mar  1 12:00:00 2027 GMT"
    return datetime.strptime(" ".join(text.split()), "%b %d %H:%M:%S %Y %Z").replace(tzinfo=UTC)
