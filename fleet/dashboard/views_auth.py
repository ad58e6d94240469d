"""Logging in and out."""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, g, make_response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from fleet.dashboard.labels import local
from fleet.dashboard.web import LOGIN_COOKIE, SESSION_COOKIE, Dashboard, login_required


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (`//evil`, `https://…`)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("overview")
    return target


def register(app: Flask, dash: Dashboard) -> None:
    secure = dash.settings.cookie_secure

    def form(message: str = "", status: int = 200) -> Response:
        token = secrets.token_urlsafe(24)
        page = render_template(
            "login.html", message=message, login_token=token, next=request.args.get("next", "")
        )
        response = make_response(page, status)
        response.set_cookie(
            LOGIN_COOKIE, token, httponly=True, samesite="Strict", secure=secure, max_age=3600
        )
        return response

    @app.get("/login")
    def login() -> Response:
        if g.get("user") is not None:
            return redirect(url_for("overview"))
        return form()

    @app.post("/login")
    def login_post() -> Response:
        sent, cookie = request.form.get("login_token", ""), request.cookies.get(LOGIN_COOKIE, "")
        if not cookie or not hmac.compare_digest(sent, cookie):
            return form("페이지가 오래되었습니다. 다시 로그인해 주세요.", 400)
        name = request.form.get("name", "").strip().lower()[:40]
        result = dash.accounts.login(name, request.form.get("password", ""))
        if result.locked_until is not None:
            until = local(result.locked_until.isoformat(), dash.zone)[11:]
            return form(
                f"비밀번호가 여러 번 틀려 계정이 잠겼습니다. {until}에 다시 해 보세요. "
                "급하면 사업단 담당자에게 연락하세요.",
                429,
            )
        if result.session_token is None:
            return form("아이디 또는 비밀번호가 맞지 않습니다.", 401)
        response = redirect(_safe_next(request.form.get("next")))
        response.set_cookie(
            SESSION_COOKIE,
            result.session_token,
            httponly=True,
            samesite="Lax",
            secure=secure,
            path="/",
        )
        response.delete_cookie(LOGIN_COOKIE)
        return response

    @app.post("/logout")
    @login_required
    def logout() -> Response:
        dash.accounts.logout(request.cookies.get(SESSION_COOKIE, ""))
        response = redirect(url_for("login"))
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response
