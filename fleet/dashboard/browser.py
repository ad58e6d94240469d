"""A real browser for the dashboard's screenshots and tests: the system's headless Chromium
driven by chromium-driver through Selenium (Debian packages `chromium` and
`chromium-driver`; Selenium is in the `dev` extra). Paths are given, so Selenium never
looks for a driver on the network.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from selenium.webdriver import Chrome

PHONE = (390, 844)
DESKTOP = (1366, 900)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
DRIVER_NAMES = ("chromedriver", "chromium-driver")


class BrowserMissing(RuntimeError):
    """No Chromium, no driver or no Selenium here; the text says what to install."""


def _find(names: tuple[str, ...], extra: tuple[str, ...] = ()) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in extra if os.access(p, os.X_OK)), None)


def chromium_paths() -> tuple[str, str]:
    """(browser, driver) or BrowserMissing."""
    browser = _find(CHROMIUM_NAMES)
    driver = _find(DRIVER_NAMES, ("/usr/lib/chromium/chromedriver", "/usr/bin/chromedriver"))
    missing = [n for n, p in (("chromium", browser), ("chromium-driver", driver)) if p is None]
    if missing or browser is None or driver is None:
        raise BrowserMissing(
            f"missing: {', '.join(missing)} (sudo apt-get install -y chromium chromium-driver; "
            "deploy/system-deps.sh test installs them)"
        )
    return browser, driver


def open_browser(downloads: Path | None = None) -> Chrome:
    """Headless Chromium, Korean first, downloads (if asked) into `downloads`."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as exc:
        raise BrowserMissing(f"Selenium is missing ({exc}): pip install -e '.[dev]'") from None
    browser, driver = chromium_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in (
        "--headless=new",
        "--no-sandbox",  # containers and root: Chromium's own sandbox cannot start there
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--lang=ko-KR",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
    ):
        options.add_argument(argument)
    prefs: dict[str, object] = {"intl.accept_languages": "ko-KR,ko"}
    if downloads is not None:
        downloads.mkdir(parents=True, exist_ok=True)
        prefs.update(
            {
                "download.default_directory": str(downloads),
                "download.prompt_for_download": False,
                "safebrowsing.enabled": False,
            }
        )
    options.add_experimental_option("prefs", prefs)
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    if downloads is not None:
        chrome.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
    return chrome


def set_viewport(chrome: Chrome, width: int, height: int, phone: bool) -> None:
    """Emulate a phone (its width, touch, the page's viewport meta) or a desktop window."""
    chrome.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": phone},
    )


def screenshot(chrome: Chrome, path: Path, width: int, phone: bool) -> Path:
    """The whole page (not only what fits the window) as a PNG at `width`."""
    set_viewport(chrome, width, DESKTOP[1] if not phone else PHONE[1], phone)
    height = int(chrome.execute_script("return document.documentElement.scrollHeight"))
    set_viewport(chrome, width, max(height, 200), phone)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(chrome.get_screenshot_as_png())
    return path
