"""Content: upload a spreadsheet, see what the checks say, publish a clean one to kiosks.

The programme publishes to every site or to chosen ones; a site's staff upload and publish
to their own site only. Only an upload whose check found nothing can be published.
"""

from __future__ import annotations

import logging

from flask import Flask, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from fleet.bundle import BundleError
from fleet.dashboard import labels
from fleet.dashboard.overview import content_line
from fleet.dashboard.records import Upload
from fleet.dashboard.staging import UploadRefused
from fleet.dashboard.views_reports import XLSX
from fleet.dashboard.web import Dashboard, current_user, login_required
from prescriptions.csvio import entries_in, entries_to_csv
from prescriptions.errors import ContentError
from prescriptions.loader import snapshot_of
from prescriptions.workbook import workbook_bytes

log = logging.getLogger(__name__)


def register(app: Flask, dash: Dashboard) -> None:
    def page(message: str = "", status: int = 200) -> tuple[str, int]:
        user = current_user()
        scope = None if user.programme else user.site
        latest = dash.records.latest_per_site()
        sites = [
            s for s in dash.reader.sites(all_time_visits=False) if user.may_see(str(s["site"]))
        ]
        published = [
            p for p in dash.records.publications() if user.programme or user.site in p.sites
        ]
        return render_template(
            "content.html",
            message=message,
            uploads=dash.records.uploads(scope),
            publications=published,
            lines=[(str(s["site"]), content_line(s, latest.get(str(s["site"])))) for s in sites],
            base=dash.records.latest(),
            can_publish=dash.publisher is not None,
            max_mb=dash.settings.upload_max_mb,
            local=lambda stamp: labels.local(stamp, dash.zone),
        ), status

    def visible_upload(upload_id: str) -> Upload:
        found = dash.records.upload(upload_id[:40])
        user = current_user()
        if found is None or not (user.programme or found.scope == user.site):
            abort(404)
        return found

    @app.get("/content")
    @login_required
    def content() -> tuple[str, int]:
        number = request.args.get("published", "")
        sent = f"게시 #{number}: 보냈습니다. 키오스크의 답은 '현장별 내용'에 나옵니다."
        return page(sent if number.isdigit() else "")

    @app.get("/content/prescriptions.csv")
    @login_required
    def content_csv() -> Response:
        try:
            data = entries_to_csv(entries_in(dash.stager.base()))
        except ContentError:  # the centre's copy is always checked content; a bug if not
            log.exception("the published content cannot be exported")
            abort(500)
        response = Response(data, mimetype="text/csv")
        response.headers["Content-Disposition"] = 'attachment; filename="prescriptions.csv"'
        return response

    @app.get("/content/content.xlsx")
    @login_required
    def content_xlsx() -> Response:
        """The content last published, as the workbook staff edit (content export)."""
        data = workbook_bytes(snapshot_of(dash.stager.base()))
        response = Response(data, mimetype=XLSX)
        response.headers["Content-Disposition"] = 'attachment; filename="content.xlsx"'
        return response

    @app.post("/content/upload")
    @login_required
    def upload() -> Response | tuple[str, int]:
        user = current_user()
        sent = request.files.get("file")
        if sent is None or not sent.filename:
            return page("올릴 파일을 고르세요.", 400)
        data = sent.read()
        try:
            staged = dash.stager.stage(sent.filename, data)
        except UploadRefused as exc:
            return page(str(exc), 400)
        upload_id = dash.records.add_upload(
            user.name,
            None if user.programme else user.site,
            sent.filename,
            dash.wall(),
            staged.version,
            staged.summary,
            staged.problems,
            staged.files,
        )
        log.info(
            "%s uploaded %s: %s",
            user.name,
            sent.filename[:80],
            "clean" if staged.files else f"{len(staged.problems)} problem(s)",
        )
        return redirect(url_for("upload_result", upload_id=upload_id))

    @app.get("/content/uploads/<upload_id>")
    @login_required
    def upload_result(upload_id: str) -> str:
        found = visible_upload(upload_id)
        user = current_user()
        sites = user.visible(dash.analytics.site_names())
        return render_template(
            "upload.html",
            upload=found,
            sites=sites,
            can_publish=dash.publisher is not None and found.ok,
            local=lambda stamp: labels.local(stamp, dash.zone),
        )

    @app.post("/content/uploads/<upload_id>/publish")
    @login_required
    def publish(upload_id: str) -> Response | tuple[str, int]:
        found = visible_upload(upload_id)
        user = current_user()
        known = dash.analytics.site_names()
        if request.form.get("target") == "all":
            if not user.programme:
                abort(404)
            chosen = known
        else:
            chosen = sorted(set(request.form.getlist("site")))
            if any(not user.may_see(s) or s not in known for s in chosen):
                abort(404)
        if not chosen:
            return page("게시할 현장을 하나 이상 고르세요.", 400)
        files = dash.records.upload_files(found.id)
        if dash.publisher is None or files is None:
            return page("이 내용은 게시할 수 없습니다 (검사를 통과한 내용만 게시합니다).", 400)
        try:
            done = dash.publisher.publish(found.id, found.version, files, chosen, user.name)
        except BundleError as exc:
            return page(f"게시하지 못했습니다: {exc.ko}", 400)
        return redirect(url_for("content", published=done.number))
