"""The overview (every site at a glance), one site over a period, and the JSON API."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Flask, Response, jsonify, render_template, request

from fleet.dashboard import charts, labels
from fleet.dashboard.figures import VISITS, figures, hour_bounds
from fleet.dashboard.overview import cards, content_line
from fleet.dashboard.web import Dashboard, current_user, login_required, site_or_404

DEFAULT_DAYS = 30
MAX_DAYS = 366


def parse_period(first: str | None, last: str | None, today: date) -> tuple[date, date, str]:
    """The days asked for (inclusive), or the last 30 days; a message when the request
    made no sense and the default was used instead."""
    default = (today - timedelta(days=DEFAULT_DAYS - 1), today)
    if not first and not last:
        return (*default, "")
    try:
        start = date.fromisoformat(first or "")
        end = date.fromisoformat(last or "") if last else today
    except ValueError:
        return (*default, "날짜를 읽을 수 없어 최근 30일을 보여 드립니다.")
    if end < start:
        start, end = end, start
    if (end - start).days >= MAX_DAYS:
        return (end - timedelta(days=MAX_DAYS - 1), end, "한 번에 1년까지 볼 수 있습니다.")
    return start, end, ""


def register(app: Flask, dash: Dashboard) -> None:
    @app.get("/")
    @login_required
    def overview() -> str:
        user = current_user()
        now = dash.wall()
        today = dash.now_local().date()
        first, end = hour_bounds(today, today)
        sites = [
            s for s in dash.reader.sites(all_time_visits=False) if user.may_see(str(s["site"]))
        ]
        visits = dash.analytics.event_by_site(VISITS, first, end)
        found = cards(sites, visits, dash.records.latest_per_site(), now, dash.zone)
        _, items = dash.stager.names()
        return render_template(
            "overview.html",
            items=items,
            cards=found,
            online=sum(1 for c in found if c.online),
            alerts=sum(len(c.alerts) for c in found),
            visits=sum(c.visits_today for c in found),
            today=today,
            gauge=charts.stock_gauge,
            now=labels.local(now.isoformat(), dash.zone),
        )

    @app.get("/sites/<site>")
    @login_required
    def site_page(site: str) -> str:
        site = site_or_404(site)
        today = dash.now_local().date()
        first, last, note = parse_period(request.args.get("from"), request.args.get("to"), today)
        start, end = hour_bounds(first, last)
        found = figures(dash.analytics.site_counts(site, start, end), first, last)
        symptom_names, _ = dash.stager.names()
        utc = (_utc(first, dash), _utc(last + timedelta(days=1), dash))
        alerts = dash.analytics.alerts(site, *utc)
        view = next((s for s in dash.reader.sites(all_time_visits=False) if s["site"] == site), {})
        daily = [(d.strftime("%m/%d"), n) for d, n in found.series("visits")]
        total = found.total
        return render_template(
            "site.html",
            site=site,
            first=first,
            last=last,
            note=note,
            total=total,
            columns=labels.COLUMNS,
            view=view,
            online=bool(view.get("online")),
            since=labels.local(view.get("since"), dash.zone),
            content=content_line(view, dash.records.latest_per_site().get(site)),
            alerts=[(labels.local(a.at, dash.zone), labels.alert(a.kind), a) for a in alerts],
            quick=_quick_periods(today),
            charts={
                "daily": charts.bar_chart(daily, "날마다 방문", width=1200),
                "hours": charts.bar_chart(
                    [(f"{h}시", n) for h, n in enumerate(found.hours)], "시간대별 방문", every=3
                ),
                "symptoms": charts.hbar_chart(
                    [(symptom_names.get(k, k), n) for k, n in found.symptoms.most_common(12)],
                    "고른 증상 (많은 순 12개)",
                ),
                "help": charts.bar_chart(
                    [(d.strftime("%m/%d"), n) for d, n in found.series("help")], "날마다 도움 화면"
                ),
                "outcomes": charts.hbar_chart(
                    [(labels.outcome(k), n) for k, n in found.outcomes.most_common()],
                    "배출 결과",
                    label_width=150,
                ),
                "slips": charts.bar_chart(
                    [(d.strftime("%m/%d"), n) for d, n in found.series("slips")],
                    "날마다 처방전 인쇄",
                ),
            },
        )

    @app.get("/api/sites")
    @login_required
    def api_sites() -> Response:
        user = current_user()
        return jsonify([s for s in dash.reader.sites() if user.may_see(str(s["site"]))])

    @app.get("/api/health")
    def api_health() -> tuple[Response, int]:
        health = dash.health()
        public = {k: v for k, v in health.items() if k != "dropped_by_site"}
        return jsonify(public), 200 if health.get("ok") else 503


def _utc(day: date, dash: Dashboard) -> str:
    """Local midnight of `day` as the UTC text alert times are stored in."""
    return datetime.combine(day, time(), dash.zone).astimezone(UTC).isoformat()


def _quick_periods(today: date) -> list[tuple[str, dict[str, Any]]]:
    month = today.replace(day=1)
    previous = (month - timedelta(days=1)).replace(day=1)
    return [
        ("최근 7일", {"from": today - timedelta(days=6), "to": today}),
        ("최근 30일", {"from": today - timedelta(days=29), "to": today}),
        ("이번 달", {"from": month, "to": today}),
        ("지난달", {"from": previous, "to": month - timedelta(days=1)}),
        ("최근 1년", {"from": today - timedelta(days=364), "to": today}),
    ]
