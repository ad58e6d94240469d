"""Staff accounts: strong salted hashes, a lock after repeated failures, sessions that end."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fleet.dashboard.accounts import (
    LOCK_FOR,
    MAX_FAILURES,
    PROGRAMME,
    SITE,
    AccountError,
    Accounts,
    hash_password,
    verify_password,
)
from fleet.dashboard.db import DashboardDb

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "rainbow-umbrella-7"


class Wall:
    """The wall clock, moved by the test."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def wall() -> Wall:
    return Wall()


@pytest.fixture
def accounts(tmp_path: Path, wall: Wall) -> Accounts:
    found = Accounts(DashboardDb(tmp_path / "dashboard.sqlite3"), wall, timedelta(minutes=30))
    found.add("seoul", PROGRAMME, None, PASSWORD, replace=False)
    found.add("gwanak-staff", SITE, "gwanak", PASSWORD, replace=False)
    return found


def test_passwords_are_salted_scrypt_hashes_never_text(tmp_path: Path, accounts: Accounts) -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first.startswith("scrypt$32768$8$1$") and first != second, "a salt of its own"
    assert verify_password(PASSWORD, first) and not verify_password(PASSWORD + "x", first)
    stored = (tmp_path / "dashboard.sqlite3").read_bytes()
    assert PASSWORD.encode() not in stored
    assert (tmp_path / "dashboard.sqlite3").stat().st_mode & 0o077 == 0, "only the server reads it"


def test_a_login_opens_a_session_that_knows_the_role(accounts: Accounts) -> None:
    result = accounts.login("gwanak-staff", PASSWORD)
    assert result.session_token is not None
    session = accounts.session(result.session_token)
    assert session is not None and session.csrf
    user = session.user
    assert (user.role, user.site) == (SITE, "gwanak")
    assert user.may_see("gwanak") and not user.may_see("mapo")
    assert user.visible(["gwanak", "mapo"]) == ["gwanak"]
    assert accounts.session("not-a-token") is None
    assert accounts.login("gwanak-staff", "wrong-password").session_token is None
    assert accounts.login("nobody", PASSWORD).session_token is None


def test_five_wrong_passwords_lock_the_account_for_a_while(accounts: Accounts, wall: Wall) -> None:
    for _ in range(MAX_FAILURES - 1):
        assert accounts.login("seoul", "guess-guess").locked_until is None
    locked = accounts.login("seoul", "guess-guess").locked_until
    assert locked == START + LOCK_FOR
    refused = accounts.login("seoul", PASSWORD)
    assert refused.session_token is None and refused.locked_until == locked, "even the right one"
    wall.now = locked + timedelta(seconds=1)
    assert accounts.login("seoul", PASSWORD).session_token is not None
    # A success forgets earlier failures.
    for _ in range(MAX_FAILURES - 1):
        accounts.login("seoul", "guess-guess")
    assert accounts.login("seoul", PASSWORD).session_token is not None


def test_failures_spread_over_time_do_not_lock(accounts: Accounts, wall: Wall) -> None:
    for _ in range(MAX_FAILURES + 1):  # the fifth comes 16 minutes after the first
        assert accounts.login("seoul", "guess-guess").locked_until is None
        wall.now += timedelta(minutes=4)


def test_sessions_end_when_idle_at_logout_and_with_a_new_password(
    accounts: Accounts, wall: Wall
) -> None:
    token = accounts.login("seoul", PASSWORD).session_token
    assert token is not None
    wall.now += timedelta(minutes=29)
    assert accounts.session(token) is not None, "used within the idle time: still valid"
    wall.now += timedelta(minutes=29)
    assert accounts.session(token) is not None
    wall.now += timedelta(minutes=31)
    assert accounts.session(token) is None, "idle too long"

    token = accounts.login("seoul", PASSWORD).session_token
    assert token is not None
    accounts.logout(token)
    assert accounts.session(token) is None

    token = accounts.login("seoul", PASSWORD).session_token
    assert token is not None
    accounts.add("seoul", PROGRAMME, None, "a-brand-new-password", replace=True)
    assert accounts.session(token) is None, "a new password ends every session"

    token = accounts.login("seoul", "a-brand-new-password").session_token
    assert token is not None
    for _ in range(13):  # busy all day: still ends after 12 hours
        wall.now += timedelta(minutes=29)
        accounts.session(token)
    wall.now += timedelta(hours=6)
    assert accounts.session(token) is None


@pytest.mark.parametrize(
    ("name", "role", "site", "password", "says"),
    [
        ("Seoul Staff", PROGRAMME, None, PASSWORD, "아이디"),
        ("staff", "admin", None, PASSWORD, "역할"),
        ("staff", SITE, None, PASSWORD, "현장"),
        ("staff", SITE, "Not A Site", PASSWORD, "현장"),
        ("staff", PROGRAMME, "gwanak", PASSWORD, "모든 현장"),
        ("staff", PROGRAMME, None, "short", "10자"),
        ("seoul", PROGRAMME, None, PASSWORD, "이미"),
    ],
)
def test_a_bad_account_is_refused_with_a_reason(
    accounts: Accounts, name: str, role: str, site: str | None, password: str, says: str
) -> None:
    with pytest.raises(AccountError, match=says):
        accounts.add(name, role, site, password, replace=False)


def test_fleet_server_add_user_makes_an_account_that_logs_in(tmp_path: Path) -> None:
    """The technician's command (docs/dashboard.md): the password from standard input."""
    root = Path(__file__).resolve().parents[3]
    config = tmp_path / "server.toml"
    config.write_text(
        '[broker]\nusername = "_centre"\npassword = "x"\n'
        f'[server]\nstore = "{tmp_path / "fleet.sqlite3"}"\n'
    )
    command = [sys.executable, str(root / "main.py"), "fleet-server", "--server-config",
               str(config), "add-user", "gwanak-staff", "--role", "site", "--site", "gwanak",
               "--password-stdin"]  # fmt: skip
    made = subprocess.run(command, input=PASSWORD + "\n", capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert "gwanak-staff" in made.stdout
    again = subprocess.run(command, input=PASSWORD + "\n", capture_output=True, text=True)
    assert again.returncode == 1 and "이미 있는 계정" in again.stderr
    short = subprocess.run([*command, "--replace"], input="short\n", capture_output=True,
                           text=True)  # fmt: skip
    assert short.returncode == 1 and "10자" in short.stderr
    accounts = Accounts(DashboardDb(tmp_path / "dashboard.sqlite3"), Wall(), timedelta(hours=1))
    token = accounts.login("gwanak-staff", PASSWORD).session_token
    assert token is not None
    session = accounts.session(token)
    assert session is not None and session.user.site == "gwanak"
