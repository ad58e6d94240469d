"""The dashboard as staff and a stranger meet it (Flask's test client over sample kiosks): who
sees what, forms that cannot be forged, uploads that are only data, reports that open."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from flask import Flask

from fleet.dashboard.figures import VISITS, hour_bounds
from fleet.dashboard.showcase import Showcase
from fleet.dashboard.staging import BUNDLED
from prescriptions.csvio import entries_in, entries_to_csv
from prescriptions.files import FolderSnapshot
from prescriptions.loader import read_content
from tests.fleet.dashboard.support import (
    SITES,
    field,
    programme,
    sample_dashboard,
    site_staff,
)

PAGES = ("/", "/sites/gwanak", "/reports", "/content", "/api/sites")


def main(html: str) -> str:
    """What a page says (its <main>), without the menu around it."""
    return html[html.index("<main>") : html.index("</main>")]


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Showcase, Flask]]:
    with sample_dashboard(tmp_path_factory.mktemp("centre")) as made:
        yield made


@pytest.fixture
def app(dashboard: tuple[Showcase, Flask]) -> Flask:
    return dashboard[1]


@pytest.fixture
def show(dashboard: tuple[Showcase, Flask]) -> Showcase:
    return dashboard[0]


def month(show: Showcase) -> str:
    return show.dashboard.now_local().strftime("%Y-%m")


def test_every_page_asks_a_stranger_to_log_in(app: Flask, show: Showcase) -> None:
    client = app.test_client()
    for path in (*PAGES, f"/reports/{month(show)}.xlsx", "/content/prescriptions.csv"):
        answer = client.get(path)
        assert answer.status_code == 302, path
        assert answer.headers["Location"].startswith("/login?next="), path
    health = client.get("/api/health")
    assert health.status_code == 200 and health.json is not None
    assert health.json["ok"] is True and "dropped_by_site" not in health.json


def test_the_login_form_cannot_be_posted_from_elsewhere_and_wrong_passwords_say_so(
    app: Flask,
) -> None:
    client = app.test_client()
    forged = client.post("/login", data={"name": "programme", "password": "x", "login_token": "t"})
    assert forged.status_code == 400 and "다시 로그인" in forged.get_data(as_text=True)
    page = client.get("/login").get_data(as_text=True)
    wrong = client.post(
        "/login",
        data={"name": "programme", "password": "nope", "login_token": field(page, "login_token")},
    )
    assert wrong.status_code == 401
    assert "아이디 또는 비밀번호가 맞지 않습니다" in wrong.get_data(as_text=True)


def test_after_login_only_pages_of_this_site_are_followed(app: Flask) -> None:
    client = app.test_client()
    for target, lands in (("/sites/mapo", "/sites/mapo"), ("//evil.example/x", "/"),
                          ("https://evil.example/", "/")):  # fmt: skip
        page = client.get("/login").get_data(as_text=True)
        answer = client.post(
            "/login",
            data={"name": "programme", "password": "maeum-programme-2026", "next": target,
                  "login_token": field(page, "login_token")},
        )  # fmt: skip
        assert answer.headers["Location"] == lands
        client.post("/logout", data={"csrf": field(client.get("/").get_data(as_text=True), "csrf")})


def test_every_page_forbids_scripts_framing_and_caching(app: Flask) -> None:
    client, _ = programme(app)
    answer = client.get("/")
    assert "script-src" not in answer.headers["Content-Security-Policy"]
    assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["Cache-Control"] == "no-store"
    cookie = client.get_cookie("maeum_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_the_programme_sees_every_site_with_its_state(app: Flask, show: Showcase) -> None:
    client, _ = programme(app)
    page = client.get("/").get_data(as_text=True)
    for site in SITES:
        assert f'id="site-{site}"' in page
    assert "끊김" in page, "mapo is offline"
    assert "재고 부족 · 2번 칸" in page, "gwanak's low slot, in Korean"
    assert "걸림·모터 고장 · 1번 칸" in page and "빈 칸 · 3번 칸" in page, "nowon's faults"
    today = show.dashboard.now_local().date()
    visits = show.dashboard.analytics.event_by_site(VISITS, *hour_bounds(today, today))
    assert f"<strong>{sum(visits.values())}</strong>" in page, "today's visits, all sites"
    listed = client.get("/api/sites").json
    assert listed is not None and sorted(s["site"] for s in listed) == sorted(SITES)


def test_a_sites_staff_never_see_another_site(app: Flask, show: Showcase) -> None:
    client, csrf = site_staff(app)
    page = client.get("/").get_data(as_text=True)
    assert 'id="site-gwanak"' in page and "mapo" not in page and "nowon" not in page
    assert client.get("/sites/gwanak").status_code == 200
    missing = client.get("/sites/no-such-site")
    for path in ("/sites/mapo", f"/reports/{month(show)}/mapo.xlsx", f"/reports/{month(show)}.xlsx",
                 "/reports/download?month=" + month(show) + "&site=mapo"):  # fmt: skip
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert main(answer.get_data(as_text=True)) == main(missing.get_data(as_text=True)), (
            "the same answer as for no such site"
        )
    listed = client.get("/api/sites").json
    assert [s["site"] for s in listed or []] == ["gwanak"]
    assert "mapo" not in client.get("/reports").get_data(as_text=True)
    assert "mapo" not in client.get("/content").get_data(as_text=True)

    # The programme's upload is not theirs to open or to publish.
    other, other_csrf = programme(app)
    answer = other.post("/content/upload", data={"csrf": other_csrf,
                        "file": (io.BytesIO(good_csv()), "처방.csv")})  # fmt: skip
    upload = answer.headers["Location"].rsplit("/", 1)[-1]
    assert client.get(f"/content/uploads/{upload}").status_code == 404
    # Their own upload: theirs to publish, to their site only.
    answer = client.post("/content/upload", data={"csrf": csrf,
                         "file": (io.BytesIO(good_csv()), "처방.csv")})  # fmt: skip
    mine = answer.headers["Location"]
    assert client.get(mine).status_code == 200
    for form in ({"target": "all"}, {"target": "chosen", "site": ["gwanak", "mapo"]}):
        answer = client.post(f"{mine}/publish", data={"csrf": csrf, **form})
        assert answer.status_code == 404, form
    assert show.dashboard.records.latest_per_site() == {}, "nothing was published"


def test_a_form_without_its_token_changes_nothing(app: Flask) -> None:
    client, csrf = programme(app)
    assert client.post("/logout").status_code == 400
    assert client.post("/logout", data={"csrf": "forged"}).status_code == 400
    upload = client.post("/content/upload", data={"file": (io.BytesIO(good_csv()), "a.csv")})
    assert upload.status_code == 400
    assert client.get("/").status_code == 200, "still logged in"
    assert client.post("/logout", data={"csrf": csrf}).status_code == 302
    assert client.get("/").status_code == 302, "logged out"


def good_csv(phrase: str = "오늘은 창문을 열고 바깥 공기를 세 번 들이마셔 보세요.") -> bytes:
    """The bundled prescriptions as `content export` writes them, one phrase changed."""
    text = entries_to_csv(entries_in(BUNDLED)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    rows[1][rows[0].index("phrase_ko")] = phrase
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def test_an_uploaded_sheet_is_data_never_a_formula(app: Flask, show: Showcase) -> None:
    client, csrf = programme(app)
    text = '=HYPERLINK("http://evil.example", "눌러요") 웃어 보세요'
    answer = client.post("/content/upload", data={"csrf": csrf,
                         "file": (io.BytesIO(good_csv(text)), "처방.csv")})  # fmt: skip
    upload_id = answer.headers["Location"].rsplit("/", 1)[-1]
    files = show.dashboard.records.upload_files(upload_id)
    assert files is not None, "it passes the checks as text"
    content = read_content(Path(), FolderSnapshot(files)).content
    assert text in [p.phrase.get("ko") for p in content.prescriptions], "kept exactly as typed"


def xlsx(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>
<worksheet>&lol2;</worksheet>"""


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("content.txt", b"hello", "CSV(.csv) 또는 엑셀(.xlsx) 파일만"),
        ("content.xlsx", b"not a zip at all", "엑셀 통합 문서(.xlsx)가 아닙니다"),
        (
            "content.xlsx",
            xlsx({"[Content_Types].xml": b"<Types/>", "xl/sheet1.xml": LAUGHS}),
            "XML 선언(DTD)",
        ),
        (
            "content.xlsx",
            xlsx({"[Content_Types].xml": b"<Types/>", "xl/sharedStrings.xml": b" " * (70 << 20)}),
            "MiB가 넘습니다",
        ),
    ],
    ids=["not-a-spreadsheet", "not-a-zip", "entity-expansion", "zip-bomb"],
)
def test_a_file_that_is_not_content_is_refused_before_parsing(
    app: Flask, name: str, data: bytes, says: str
) -> None:
    client, csrf = programme(app)
    answer = client.post("/content/upload", data={"csrf": csrf, "file": (io.BytesIO(data), name)})
    assert answer.status_code == 400
    assert says in answer.get_data(as_text=True)


def test_an_upload_over_the_limit_is_refused(app: Flask, show: Showcase) -> None:
    client, csrf = programme(app)
    limit = int(show.dashboard.settings.upload_max_mb * 1024 * 1024)
    big = io.BytesIO(b"a," * (limit // 2 + 10))
    answer = client.post("/content/upload", data={"csrf": csrf, "file": (big, "big.csv")})
    assert answer.status_code == 413
    assert "파일이 너무 큽니다" in answer.get_data(as_text=True)


def test_a_bad_sheet_names_its_rows_in_korean_and_cannot_be_published(app: Flask) -> None:
    client, csrf = programme(app)
    rows = good_csv().decode("utf-8-sig").split("\r\n")
    header = rows[0].split(",")
    cells = rows[4].split(",")
    cells[header.index("id")] = ""  # row 5 loses its id
    rows[4] = ",".join(cells)
    data = "\r\n".join(rows).encode("utf-8-sig")
    answer = client.post("/content/upload", data={"csrf": csrf,
                         "file": (io.BytesIO(data), "처방.csv")})  # fmt: skip
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert '처방.csv</td><td class="num">5</td>' in page
    assert "고친 뒤 다시 올려 주세요" in page and "publish" not in page
    upload_id = answer.headers["Location"].rsplit("/", 1)[-1]
    refused = client.post(f"/content/uploads/{upload_id}/publish",
                          data={"csrf": csrf, "target": "all"})  # fmt: skip
    assert refused.status_code == 400


def test_the_monthly_report_is_a_real_workbook_with_charts(app: Flask, show: Showcase) -> None:
    client, _ = programme(app)
    answer = client.get(f"/reports/{month(show)}.xlsx")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(answer.get_data()))
    assert book.sheetnames == ["요약", *sorted(SITES)]
    summary = book["요약"]
    assert [c.value for c in summary[4]][:3] == ["현장", "방문", "끝까지 이용"]
    assert summary._charts, "a native Excel chart"
    first = date.fromisoformat(month(show) + "-01")
    today = show.dashboard.now_local().date()
    visits = show.dashboard.analytics.event_by_site(VISITS, *hour_bounds(first, today))
    for row in summary.iter_rows(min_row=5, max_row=4 + len(SITES), values_only=True):
        assert row[1] == visits.get(str(row[0]), 0), row[0]
    sheet = book["gwanak"]
    assert sheet["A3"].value == "날짜" and sheet["B3"].value == "방문"
    assert len(sheet._charts) >= 2
    total_row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "합계")
    assert total_row[1] == visits.get("gwanak", 0)


@pytest.mark.parametrize(
    ("query", "note"),
    [("from=bogus", "날짜를 읽을 수 없어"), ("from=2020-01-01&to=2026-01-01", "1년까지")],
)
def test_a_period_that_makes_no_sense_falls_back_and_says_so(
    app: Flask, query: str, note: str
) -> None:
    client, _ = programme(app)
    page = client.get(f"/sites/gwanak?{query}").get_data(as_text=True)
    assert note in page and "<svg" in page


def test_chart_labels_are_text_never_markup(tmp_path: Path) -> None:
    from fleet.dashboard.charts import bar_chart, hbar_chart

    evil = '<script>alert("x")</script>'
    for chart in (bar_chart([(evil, 3)], evil), hbar_chart([(evil, 3)], evil)):
        html = chart.__html__()
        assert "<script>" not in html and "&lt;script&gt;" in html


def test_workbooks_are_read_without_entity_expansion() -> None:
    """openpyxl uses defusedxml when it is installed (a runtime dependency for this)."""
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML


def test_a_whole_content_workbook_is_checked_sheet_by_sheet(
    app: Flask, show: Showcase, tmp_path: Path
) -> None:
    from fleet.dashboard.demo_shots import NEW_PHRASE, sample_workbooks

    client, csrf = programme(app)
    exported = client.get("/content/content.xlsx")
    assert exported.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(exported.get_data())).sheetnames[:5] == [
        "안내", "분류", "증상", "물품", "처방"
    ]  # fmt: skip
    bad, good = sample_workbooks(tmp_path)
    answer = client.post("/content/upload", data={"csrf": csrf,
                         "file": (io.BytesIO(bad.read_bytes()), bad.name)})  # fmt: skip
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert '<td>처방</td><td class="num">4</td>' in page
    assert '<td>처방</td><td class="num">6</td>' in page
    answer = client.post("/content/upload", data={"csrf": csrf,
                         "file": (io.BytesIO(good.read_bytes()), good.name)})  # fmt: skip
    upload_id = answer.headers["Location"].rsplit("/", 1)[-1]
    files = show.dashboard.records.upload_files(upload_id)
    assert files is not None
    content = read_content(Path(), FolderSnapshot(files)).content
    assert NEW_PHRASE in [p.phrase.get("ko") for p in content.prescriptions]


def test_a_formula_in_a_workbook_is_refused_by_name(app: Flask, tmp_path: Path) -> None:
    from fleet.dashboard.demo_shots import sample_workbooks

    _, good = sample_workbooks(tmp_path)
    book = openpyxl.load_workbook(good)
    book["처방"]["I2"] = "=1+1"  # a formula, not text anyone wrote
    book.save(good)
    client, csrf = programme(app)
    answer = client.post("/content/upload", data={"csrf": csrf,
                         "file": (io.BytesIO(good.read_bytes()), good.name)})  # fmt: skip
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert '<td>처방</td><td class="num">2</td>' in page and "수식" in page
