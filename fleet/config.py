"""Settings of the fleet agent (`/etc/maeum-fleet/agent.toml` on a kiosk) and of the central
server (`server.toml` on the central machine). Both files are written by `fleet-server init`
and `fleet-server enroll`; paths in them are relative to the file's own folder.

A broken file is an error naming the file and the key, never a silent default.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, get_type_hints

from fleet.topics import CENTRE, valid_site

DEFAULT_KEEPALIVE_S = 60
AGENT_CONFIG = Path("/etc/maeum-fleet/agent.toml")
SERVER_CONFIG = Path("/etc/maeum-fleet/server.toml")


class FleetConfigError(ValueError):
    """A fleet settings file that cannot be used; the text names the file and key."""


@dataclass(frozen=True)
class BrokerSettings:
    """How to reach the broker: TLS with a client certificate, and a name and password."""

    host: str = "127.0.0.1"
    port: int = 8883
    username: str = ""
    password: str = ""
    ca: Path = Path("ca.crt")
    cert: Path = Path("client.crt")
    key: Path = Path("client.key")
    keepalive: int = DEFAULT_KEEPALIVE_S  # the broker says "offline" after 1.5 × this
    reconnect_min_s: float = 1.0
    reconnect_max_s: float = 300.0
    connect_timeout_s: float = 15.0


@dataclass(frozen=True)
class AgentSettings:
    ledger: Path | None = None  # None: the kiosk's data_dir/ledger.sqlite3
    content_dir: Path | None = None  # where published content goes; None: the kiosk's own
    content_key: Path = Path("content.pub")  # the centre's public key for published content
    state_dir: Path = Path("/var/lib/maeum-fleet")
    status_file: Path = Path("/run/maeum-fleet/status.json")
    poll_s: float = 1.0  # how often to ask the ledger whether anything changed (cheap)
    batch_s: float = 2.0  # after a change, wait this long so one visit becomes few messages
    heartbeat_s: float = 900.0
    receipt_timeout_s: float = 60.0  # resend what the centre has not confirmed (doubling)
    unreachable_alert_s: float = 3600.0  # no broker this long: a staff alert (LTE router?)
    cert_warn_days: int = 30


@dataclass(frozen=True)
class AgentConfig:
    site: str
    broker: BrokerSettings
    agent: AgentSettings = field(default_factory=AgentSettings)
    source: Path | None = None


@dataclass(frozen=True)
class ServerSettings:
    store: Path = Path("/var/lib/maeum-fleet-server/fleet.sqlite3")
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    kiosk_heartbeat_s: float = 900.0  # what the agents use: a site silent for two is stale
    batch_s: float = 0.05  # messages arriving within this are stored in one transaction
    check_s: float = 1.0
    max_store_mb: float = 0.0  # 0: no cap; else the store refuses to grow past this
    # The web dashboard (docs/dashboard.md). Empty paths: beside the store.
    accounts: Path = Path("")  # staff accounts, sessions, uploads, publications (SQLite)
    content_dir: Path = Path("")  # the content last published: what a CSV upload completes
    signing_key: Path = Path("content-signing.key")  # Ed25519, signs published content
    session_minutes: float = 30.0  # a login ends after this long without a click
    cookie_secure: bool = True  # the session cookie travels over HTTPS only (and localhost)
    timezone: str = "Asia/Seoul"  # the kiosks' local time: "today", days and months
    upload_max_mb: float = 4.0
    http_threads: int = 4

    def resolved(self) -> ServerSettings:
        """The settings with the empty paths filled in: beside the store."""
        return replace(
            self,
            accounts=self.accounts
            if self.accounts != Path("")
            else self.store.with_name("dashboard.sqlite3"),
            content_dir=self.content_dir
            if self.content_dir != Path("")
            else self.store.with_name("content"),
        )


@dataclass(frozen=True)
class ServerConfig:
    broker: BrokerSettings
    server: ServerSettings = field(default_factory=ServerSettings)
    source: Path | None = None


def load_agent_config(path: Path) -> AgentConfig:
    raw, base = _read(path)
    site = raw.pop("site", None)
    if not isinstance(site, str) or not valid_site(site):
        raise FleetConfigError(f"{path}: site must be a site id (a-z, 0-9, -), not {site!r}")
    broker = _broker(raw.pop("broker", {}), base, f"{path} [broker]")
    agent = _section(AgentSettings, raw.pop("agent", {}), f"{path} [agent]")
    agent = replace(
        agent,
        ledger=None if agent.ledger in (None, Path("")) else base / agent.ledger,
        content_dir=None if agent.content_dir in (None, Path("")) else base / agent.content_dir,
        content_key=base / agent.content_key,
        state_dir=base / agent.state_dir,
        status_file=base / agent.status_file,
    )
    _no_more(raw, path)
    if broker.username != site:
        raise FleetConfigError(f"{path}: [broker] username must be the site id {site!r}")
    return AgentConfig(site, broker, agent, path)


def load_server_config(path: Path) -> ServerConfig:
    raw, base = _read(path)
    broker = _broker(raw.pop("broker", {}), base, f"{path} [broker]")
    server = _section(ServerSettings, raw.pop("server", {}), f"{path} [server]")
    server = replace(
        server,
        store=base / server.store,
        accounts=base / server.accounts if server.accounts != Path("") else Path(""),
        content_dir=base / server.content_dir if server.content_dir != Path("") else Path(""),
        signing_key=base / server.signing_key,
    )  # the empty paths are filled in (beside the store) when the server is built
    _no_more(raw, path)
    if broker.username != CENTRE:
        raise FleetConfigError(f"{path}: [broker] username must be {CENTRE!r}")
    return ServerConfig(broker, server, path)


def _read(path: Path) -> tuple[dict[str, Any], Path]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FleetConfigError(f"{path}: not found") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise FleetConfigError(f"{path}: unreadable: {exc}") from None
    return raw, path.resolve().parent


def _no_more(raw: dict[str, Any], path: Path) -> None:
    if raw:
        raise FleetConfigError(f"{path}: unknown key(s): {', '.join(sorted(raw))}")


def _broker(raw: Any, base: Path, where: str) -> BrokerSettings:
    broker: BrokerSettings = _section(BrokerSettings, raw, where)
    if not broker.username or not broker.password:
        raise FleetConfigError(f"{where}: username and password are needed")
    if not 1 <= broker.keepalive <= 3600:
        raise FleetConfigError(f"{where}: keepalive must be 1..3600 seconds")
    return replace(broker, ca=base / broker.ca, cert=base / broker.cert, key=base / broker.key)


def _section(cls: type[Any], raw: Any, where: str) -> Any:
    if not isinstance(raw, dict):
        raise FleetConfigError(f"{where}: must be a table")
    hints = get_type_hints(cls)
    names = {f.name for f in fields(cls)}
    unknown = set(raw) - names
    if unknown:
        raise FleetConfigError(f"{where}: unknown key(s): {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        hint = hints[key]
        if hint in (Path, Path | None):
            if not isinstance(value, str):
                raise FleetConfigError(f"{where}: {key} must be a path (text)")
            values[key] = Path(value)
        elif hint is float and isinstance(value, int | float) and not isinstance(value, bool):
            if value <= 0:
                raise FleetConfigError(f"{where}: {key} must be positive")
            values[key] = float(value)
        elif hint in (int, str, bool) and type(value) is hint:
            values[key] = value
        else:
            raise FleetConfigError(f"{where}: {key} must be {getattr(hint, '__name__', hint)}")
    return cls(**values)
