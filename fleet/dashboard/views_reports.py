"""Monthly reports: the page to choose one, and the .xlsx downloads."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from flask import Flask, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from fleet.dashboard.figures import figures, hour_bounds
from fleet.dashboard.report import SiteMonth, build_report, month_title
from fleet.dashboard.web import Dashboard, current_user, login_required, site_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MONTHS_LISTED = 12


def parse_month(text: str) -> date:
    found = MONTH.match(text)
    if found is None:
        abort(404)
    year, month = int(found[1]), int(found[2])
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        abort(404)
    return date(year, month, 1)


def month_end(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def register(app: Flask, dash: Dashboard) -> None:
    def workbook(month: date, sites: list[str], filename: str) -> Response:
        last = month_end(month)
        start, end = hour_bounds(month, last)
        zone = dash.zone
        utc = [
            datetime.combine(d, time(), zone).astimezone(UTC).isoformat()
            for d in (month, last + timedelta(days=1))
        ]
        raised = dash.analytics.raised_by_site(*utc)
        months = [
            SiteMonth(
                s, figures(dash.analytics.site_counts(s, start, end), month, last), raised.get(s, 0)
            )
            for s in sites
        ]
        names, _ = dash.stager.names()
        data = build_report(month, months, names)
        response = Response(data, mimetype=XLSX)
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @app.get("/reports")
    @login_required
    def reports() -> str:
        user = current_user()
        this_month = dash.now_local().date().replace(day=1)
        months = [this_month]
        for _ in range(MONTHS_LISTED - 1):
            months.append((months[-1] - timedelta(days=1)).replace(day=1))
        return render_template(
            "reports.html",
            months=[(m.strftime("%Y-%m"), month_title(m)) for m in months],
            sites=user.visible(dash.analytics.site_names()),
        )

    @app.get("/reports/download")
    @login_required
    def report_download() -> Response:
        """The form's choice, as the download's own address."""
        month = request.args.get("month", "")
        parse_month(month)
        site = request.args.get("site", "")
        if not site:
            return redirect(url_for("report_all", month=month))
        return redirect(url_for("report_site", month=month, site=site_or_404(site)))

    @app.get("/reports/<month>.xlsx")
    @login_required
    def report_all(month: str) -> Response:
        if not current_user().programme:
            abort(404)
        first = parse_month(month)
        return workbook(first, dash.analytics.site_names(), f"maeum-{month}-all.xlsx")

    @app.get("/reports/<month>/<site>.xlsx")
    @login_required
    def report_site(month: str, site: str) -> Response:
        site = site_or_404(site)
        first = parse_month(month)
        return workbook(first, [site], f"maeum-{month}-{site}.xlsx")
