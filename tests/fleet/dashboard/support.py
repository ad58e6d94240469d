"""A dashboard over sample kiosks (fleet.dashboard.showcase) and a logged-in test client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from fleet.dashboard.showcase import PROGRAMME_USER, SITE_USER, Showcase, showcase
from fleet.dashboard.web import create_app

SITES = ("gwanak", "mapo", "nowon")
_FIELD = re.compile(r'name="(csrf|login_token)" value="([^"]+)"')


@contextmanager
def sample_dashboard(work: Path, days: int = 21) -> Iterator[tuple[Showcase, Flask]]:
    with showcase(work, SITES, days) as show:
        yield show, create_app(show.dashboard)


def field(html: str, name: str) -> str:
    found = dict(_FIELD.findall(html))
    assert name in found, f"no {name} field in the page"
    return found[name]


def logged_in(app: Flask, who: tuple[str, str]) -> tuple[FlaskClient, str]:
    """A client with a session, and the session's CSRF token."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    answer = client.post(
        "/login",
        data={"name": who[0], "password": who[1], "login_token": field(page, "login_token")},
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    home = client.get("/").get_data(as_text=True)
    return client, field(home, "csrf")


def programme(app: Flask) -> tuple[FlaskClient, str]:
    return logged_in(app, PROGRAMME_USER)


def site_staff(app: Flask) -> tuple[FlaskClient, str]:
    return logged_in(app, SITE_USER)
