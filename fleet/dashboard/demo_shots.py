"""`python main.py demo --dashboard DIR`: every page of the dashboard, clicked through in
headless Chromium as staff would, saved at a desktop's and a phone's width.

    01-login  02-overview  03-site  04-reports  05-content  06-upload-problems
    07-upload-clean  08-content-published  09-overview-published  10-site-staff
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from fleet.dashboard.browser import DESKTOP, PHONE, open_browser, screenshot
from fleet.dashboard.showcase import PROGRAMME_USER, SITE_USER, showcase
from fleet.dashboard.staging import BUNDLED
from prescriptions.csvio import entries_in, entries_to_csv
from prescriptions.loader import snapshot_of
from prescriptions.workbook import workbook_bytes

if TYPE_CHECKING:
    from selenium.webdriver import Chrome

NEW_PHRASE = "오늘은 창문을 열고 바깥 공기를 세 번 들이마셔 보세요."


def sample_csvs(folder: Path) -> tuple[Path, Path]:
    """(a CSV with two mistakes, a clean CSV with one phrase changed), from the bundled
    prescriptions as `content export` writes them."""
    text = entries_to_csv(entries_in(BUNDLED)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    good = [list(r) for r in rows]
    good[1][header.index("phrase_ko")] = NEW_PHRASE
    bad = [list(r) for r in rows]
    bad[3][header.index("categories")] = "no-such-category"
    bad[5][header.index("medicine_ko")] = ""
    paths = []
    for name, table in (("처방-틀림.csv", bad), ("처방-고침.csv", good)):
        out = io.StringIO(newline="")
        csv.writer(out, lineterminator="\r\n").writerows(table)
        path = folder / name
        path.write_bytes(out.getvalue().encode("utf-8-sig"))
        paths.append(path)
    return paths[0], paths[1]


WAIT_S = 30.0  # a page that needs a content check: a second or two, more on a busy machine


def submit_and_wait(chrome: Chrome, button: str, lands: str) -> None:
    """Click a form's button and wait (bounded) for the page it leads to, whose address
    has `lands` in it: a click may return before the browser has the next page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    before = chrome.current_url
    chrome.find_element(By.CSS_SELECTOR, button).click()
    WebDriverWait(chrome, WAIT_S, poll_frequency=0.05).until(
        lambda d: d.current_url != before and lands in d.current_url
    )
    WebDriverWait(chrome, WAIT_S, poll_frequency=0.05).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def sample_workbooks(folder: Path) -> tuple[Path, Path]:
    """(a workbook with two mistakes on the 처방 sheet, a clean one with one phrase changed),
    from the bundled content as `content export FILE.xlsx` writes it."""
    from openpyxl import load_workbook

    exported = workbook_bytes(snapshot_of(BUNDLED))
    paths = []
    for name, broken in (("content-mistakes.xlsx", True), ("content-new-phrase.xlsx", False)):
        book = load_workbook(io.BytesIO(exported))
        sheet = book["처방"]
        header = [c.value for c in sheet[1]]
        if broken:
            sheet.cell(row=4, column=header.index("분류") + 1, value="no-such-category")
            sheet.cell(row=6, column=header.index("약 이름 (한국어)") + 1, value="")
        else:
            sheet.cell(row=2, column=header.index("문구 (한국어)") + 1, value=NEW_PHRASE)
        path = folder / name
        book.save(path)
        paths.append(path)
    return paths[0], paths[1]


def log_in(chrome: Chrome, url: str, name: str, password: str) -> None:
    from selenium.webdriver.common.by import By

    chrome.get(f"{url}/login")
    chrome.find_element(By.ID, "name").send_keys(name)
    chrome.find_element(By.ID, "password").send_keys(password)
    submit_and_wait(chrome, "form button[type=submit]", url)


def upload(chrome: Chrome, url: str, path: Path) -> None:
    from selenium.webdriver.common.by import By

    chrome.get(f"{url}/content")
    chrome.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(path))
    submit_and_wait(chrome, "form.upload button", "/content/uploads/")


def dashboard_screenshots(out: Path) -> list[Path]:
    shots: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="maeum-dashboard-demo-") as tmp:
        work = Path(tmp)
        bad, _ = sample_workbooks(work)
        _, good = sample_csvs(work)
        with showcase(work / "centre") as show:
            chrome = open_browser()
            url = show.url

            def shoot(name: str) -> None:
                for width, phone in ((DESKTOP[0], False), (PHONE[0], True)):
                    kind = "phone" if phone else "desktop"
                    shots.append(screenshot(chrome, out / f"{name}.{kind}.png", width, phone))

            try:
                chrome.get(f"{url}/login")
                shoot("01-login")
                log_in(chrome, url, *PROGRAMME_USER)
                shoot("02-overview")
                chrome.get(f"{url}/sites/gwanak")
                shoot("03-site")
                chrome.get(f"{url}/reports")
                shoot("04-reports")
                chrome.get(f"{url}/content")
                shoot("05-content")
                upload(chrome, url, bad)
                shoot("06-upload-problems")
                upload(chrome, url, good)
                shoot("07-upload-clean")
                submit_and_wait(chrome, "button[value=all]", "published=")
                number = show.dashboard.records.latest()
                assert number is not None
                # gwanak is offline and nowon has not answered yet: "전달 중".
                for site in ("gangnam", "mapo", "jongno", "songpa", "eunpyeong"):
                    show.answer(site, number.id, True, "받았습니다.")
                show.answer(
                    "seongdong",
                    number.id,
                    False,
                    "키오스크의 내용 검사에서 문제 1개가 나왔습니다. 지금 내용을 그대로 씁니다.",
                    ("prescriptions/daily.toml:12: 처방전이 화면에 다 들어가지 않아요 "
                     "[card-overflow]",),
                )  # fmt: skip
                chrome.get(f"{url}/content")
                shoot("08-content-published")
                chrome.get(f"{url}/")
                shoot("09-overview-published")
                submit_and_wait(chrome, "form.logout button", "/login")
                log_in(chrome, url, *SITE_USER)
                shoot("10-site-staff")
            finally:
                chrome.quit()
    return shots
