"""The dashboard as a Flask application: what every page shares.

    sessions     a random token in an HttpOnly, SameSite=Lax cookie (Secure unless the
                 settings say otherwise); `Accounts` decides whether it is still valid
    CSRF         every form that changes something carries the session's token, checked
                 before the view runs; the login form carries a token of its own
                 (double-submit cookie), so no one can log a browser in behind its back
    who sees     `g.user.may_see(site)`: a site's staff see their site only; any other site
                 answers 404, exactly as a site that does not exist (nothing leaks through
                 a URL)
    headers      a Content-Security-Policy without scripts (the pages have none), no
                 framing, no sniffing, no caching of pages
    errors       a Korean page, never a traceback

The views are in views_*.py; each registers its routes on the app made here.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from flask import Flask, Response, abort, g, redirect, render_template, request, url_for
from jinja2 import StrictUndefined
from werkzeug.exceptions import HTTPException

from fleet.config import ServerSettings
from fleet.dashboard.accounts import Accounts, User
from fleet.dashboard.records import Records
from fleet.dashboard.staging import ContentStager
from fleet.server.publish import Publisher
from fleet.server.queries import Analytics
from fleet.server.store import StoreReader

log = logging.getLogger(__name__)

SESSION_COOKIE = "maeum_session"
LOGIN_COOKIE = "maeum_login"
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
View = TypeVar("View", bound=Callable[..., Any])


@dataclass
class Dashboard:
    """Everything the views use, made once by the server (`fleet.server.app`)."""

    settings: ServerSettings
    accounts: Accounts
    records: Records
    reader: StoreReader
    analytics: Analytics
    stager: ContentStager
    publisher: Publisher | None  # None: this server cannot sign (no key) or send
    health: Callable[[], dict[str, Any]]
    wall: Callable[[], datetime]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def now_local(self) -> datetime:
        return self.wall().astimezone(self.zone)


def current_user() -> User:
    user = g.get("user")
    if not isinstance(user, User):
        abort(401)
    return user


def login_required(view: View) -> View:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.get("user") is None:
            return redirect(url_for("login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return cast(View, wrapped)


def site_or_404(site: str) -> str:
    """The site, if this user may see it; otherwise the same 404 as for no such site."""
    if not current_user().may_see(site) or site not in _known_sites():
        abort(404)
    return site


def _known_sites() -> list[str]:
    dash: Dashboard = g.dash
    return dash.analytics.site_names()


def create_app(dash: Dashboard) -> Flask:
    from fleet.dashboard import views_auth, views_content, views_reports, views_sites

    app = Flask(__name__)
    app.jinja_env.undefined = StrictUndefined  # a name a template lacks is a bug, not blank
    app.config.update(
        MAX_CONTENT_LENGTH=int(dash.settings.upload_max_mb * 1024 * 1024),
        TEMPLATES_AUTO_RELOAD=False,
        JSON_AS_ASCII=False,
    )

    @app.before_request
    def _who() -> Response | None:
        g.dash = dash
        g.user = None
        g.csrf = ""
        token = request.cookies.get(SESSION_COOKIE, "")
        session = dash.accounts.session(token) if token else None
        if session is not None:
            g.user, g.csrf = session.user, session.csrf
        if request.method == "POST" and request.endpoint != "login_post":
            sent = request.form.get("csrf", "")
            if session is None or not hmac.compare_digest(sent, session.csrf):
                log.warning("refused a form without its CSRF token: %s", request.path[:100])
                abort(400)
        return None

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        if not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> tuple[str, int]:
        return render_template("error.html", code=exc.code, user=g.get("user")), exc.code or 500

    @app.errorhandler(Exception)
    def _crash(exc: Exception) -> tuple[str, int]:
        log.exception("%s %s failed", request.method, request.path[:200])
        return render_template("error.html", code=500, user=g.get("user")), 500

    @app.context_processor
    def _common() -> dict[str, Any]:
        return {"user": g.get("user"), "csrf": g.get("csrf", "")}

    views_auth.register(app, dash)
    views_sites.register(app, dash)
    views_reports.register(app, dash)
    views_content.register(app, dash)
    return app
