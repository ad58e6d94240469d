"""Staff accounts: who may log in, what they may see, and their sessions.

Two roles: the programme (`programme`: every site) and a site's staff (`site`: that site
only). Passwords are stored as scrypt hashes (stdlib `hashlib.scrypt`, N=2^15, r=8, p=1,
a 16-byte salt each: about 32 MiB and a tenth of a second per try, one try at a time), never
as text. Five wrong passwords within 15 minutes lock the account for 15 minutes; a login
while locked is refused even with the right password.

A session is a random token in an HttpOnly cookie; the store keeps only its SHA-256, its
CSRF token and when it was made and last used. It ends after `idle` without a request, after
12 hours in any case, at logout, and when the password changes. The wall clock is passed in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fleet.dashboard.db import DashboardDb
from fleet.topics import valid_site

PROGRAMME = "programme"
SITE = "site"
ROLES = (PROGRAMME, SITE)
USER_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 200
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)
SESSION_MAX = timedelta(hours=12)
TOUCH_EVERY = timedelta(seconds=60)  # a session's last use is written at most this often

_N, _R, _P = 2**15, 8, 1
_MAXMEM = 64 * 1024 * 1024


class AccountError(ValueError):
    """An account that cannot be made as asked; the text says why (in Korean and English)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    site: str | None  # the site of a site's staff; None for the programme

    @property
    def programme(self) -> bool:
        return self.role == PROGRAMME

    def may_see(self, site: str) -> bool:
        return self.programme or self.site == site

    def visible(self, sites: list[str]) -> list[str]:
        return [s for s in sites if self.may_see(s)]


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str


@dataclass(frozen=True)
class LoginResult:
    session_token: str | None  # set when the login succeeded
    locked_until: datetime | None = None  # set when the account is locked


def utc_now() -> datetime:
    """The wall clock, for the times accounts and sessions keep (a test passes its own)."""
    return datetime.now(UTC)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, _N, _R, _P)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        found = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, base64.b64decode(digest))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=32
    )


def _token_key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Accounts:
    def __init__(
        self, db: DashboardDb, wall: Callable[[], datetime], idle: timedelta = timedelta(minutes=30)
    ) -> None:
        self._db = db
        self._wall = wall
        self.idle = idle
        # One password check at a time: 32 MiB each, and guessing gets no faster in parallel.
        self._hashing = threading.Lock()
        self._dummy = ""  # a hash to check unknown names against, made at the first login

    # --- accounts ---------------------------------------------------------------------------

    def add(self, name: str, role: str, site: str | None, password: str, replace: bool) -> None:
        """Make (or with `replace`, renew) an account. AccountError says what is wrong."""
        if not USER_NAME.match(name):
            raise AccountError(
                "아이디는 영문 소문자, 숫자, . _ - 로 2~32자입니다 "
                "(user names: 2-32 of a-z, 0-9, . _ -)"
            )
        if role not in ROLES:
            raise AccountError(f"역할은 {' 또는 '.join(ROLES)}입니다 (role: {', '.join(ROLES)})")
        if role == SITE and (site is None or not valid_site(site)):
            raise AccountError("현장 직원 계정에는 현장 아이디가 필요합니다 (--site SITE)")
        if role == PROGRAMME and site is not None:
            raise AccountError("사업단 계정은 모든 현장을 봅니다: --site 없이 만드세요")
        if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            raise AccountError(
                f"비밀번호는 {MIN_PASSWORD}자 이상이어야 합니다 "
                f"(at least {MIN_PASSWORD} characters)"
            )
        hashed = hash_password(password)
        now = self._wall().isoformat()
        with self._db.transaction() as db:
            exists = db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone()
            if exists and not replace:
                raise AccountError(f"{name}: 이미 있는 계정입니다 (already exists; --replace)")
            db.execute("DELETE FROM users WHERE name = ?", (name,))
            db.execute("DELETE FROM sessions WHERE user = ?", (name,))
            db.execute(
                "INSERT INTO users (name, role, site, hash, created) VALUES (?, ?, ?, ?, ?)",
                (name, role, site, hashed, now),
            )

    def user(self, name: str) -> User | None:
        with self._db.transaction() as db:
            row = db.execute("SELECT role, site FROM users WHERE name = ?", (name,)).fetchone()
        return None if row is None else User(name, str(row[0]), row[1])

    # --- logging in -------------------------------------------------------------------------

    def login(self, name: str, password: str) -> LoginResult:
        now = self._wall()
        with self._db.transaction() as db:
            row = db.execute(
                "SELECT hash, failures, first_failure, locked_until FROM users WHERE name = ?",
                (name,),
            ).fetchone()
        if row is not None and row[3] and datetime.fromisoformat(row[3]) > now:
            return LoginResult(None, datetime.fromisoformat(row[3]))
        with self._hashing:  # an unknown name costs the same time as a known one
            if not self._dummy:
                self._dummy = hash_password(secrets.token_urlsafe(16))
            good = verify_password(password[:MAX_PASSWORD], row[0] if row else self._dummy)
        if row is None:
            return LoginResult(None)
        if not good:
            return LoginResult(None, self._failed(name, row[1], row[2], now))
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self._db.transaction() as db:
            db.execute(
                "UPDATE users SET failures = 0, first_failure = NULL, locked_until = NULL "
                "WHERE name = ?",
                (name,),
            )
            db.execute(
                "INSERT INTO sessions (token, user, csrf, created, seen) VALUES (?, ?, ?, ?, ?)",
                (_token_key(token), name, csrf, now.isoformat(), now.isoformat()),
            )
            db.execute(  # sessions long over are not kept
                "DELETE FROM sessions WHERE created < ?", ((now - SESSION_MAX).isoformat(),)
            )
        return LoginResult(token)

    def _failed(
        self, name: str, failures: int, first: str | None, now: datetime
    ) -> datetime | None:
        """One more wrong password; when the account is now locked, until when."""
        if first is None or now - datetime.fromisoformat(first) > FAILURE_WINDOW:
            failures, first = 0, now.isoformat()
        failures += 1
        locked = now + LOCK_FOR if failures >= MAX_FAILURES else None
        with self._db.transaction() as db:
            db.execute(
                "UPDATE users SET failures = ?, first_failure = ?, locked_until = ? "
                "WHERE name = ?",
                (0 if locked else failures, None if locked else first,
                 locked.isoformat() if locked else None, name),
            )  # fmt: skip
        return locked

    def session(self, token: str) -> Session | None:
        """The session of a cookie, if it is still valid (and then it counts as used)."""
        if not token or len(token) > 100:
            return None
        now = self._wall()
        key = _token_key(token)
        with self._db.transaction() as db:
            row = db.execute(
                "SELECT s.user, s.csrf, s.created, s.seen, u.role, u.site FROM sessions s "
                "JOIN users u ON u.name = s.user WHERE s.token = ?",
                (key,),
            ).fetchone()
            if row is None:
                return None
            created, seen = datetime.fromisoformat(row[2]), datetime.fromisoformat(row[3])
            if now - seen > self.idle or now - created > SESSION_MAX or now < created:
                db.execute("DELETE FROM sessions WHERE token = ?", (key,))
                return None
            if now - seen > TOUCH_EVERY:
                db.execute("UPDATE sessions SET seen = ? WHERE token = ?", (now.isoformat(), key))
        return Session(User(str(row[0]), str(row[4]), row[5]), str(row[1]))

    def logout(self, token: str) -> None:
        with self._db.transaction() as db:
            db.execute("DELETE FROM sessions WHERE token = ?", (_token_key(token),))
