"""Shared by the browser tests: Debian's chromium + chromium-driver (installed with apt-get when missing and
possible, else the tests skip saying why), a headless Selenium driver, explicit waits, free ports, and
where screenshots go (``MATHRULES_SCREENSHOT_DIR``; a temporary folder otherwise)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
APT_PACKAGES = ["chromium", "chromium-driver", "fonts-noto-color-emoji"]
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1400,1100",
]


def ensure_chromium() -> None:
    """Install chromium and its driver with apt-get when they are missing; skip with the reason when that
    cannot be done (not root, no apt-get, no network)."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        pytest.skip("selenium is not installed: pip install -e '.[dev]'")
    if os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER):
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        pytest.skip(
            f"{CHROMIUM} is missing and cannot be installed here: apt-get install {' '.join(APT_PACKAGES)}"
        )
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", *APT_PACKAGES]):
        r = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            timeout=900,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        if r.returncode != 0:
            pytest.skip(f"installing chromium failed ({' '.join(cmd)}): {r.stderr.strip()[-300:]}")
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.skip(f"apt-get ran but {CHROMIUM} or {CHROMEDRIVER} is still missing")


def make_driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(120)
    return driver


def wait_for(driver, predicate, timeout: float = 90, what: str = "the page"):
    """An explicit wait (Gradio pages never reach network idle); the failure names what was awaited."""
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(
            driver, timeout, poll_frequency=0.25, ignored_exceptions=(StaleElementReferenceException,)
        ).until(predicate)
    except TimeoutException:
        raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}") from None


def text_of(driver, elem_id: str) -> str:
    from selenium.webdriver.common.by import By

    found = driver.find_elements(By.ID, elem_id)
    return found[0].text if found else ""


def set_textarea(driver, css: str, value: str) -> None:
    """Set a Gradio textbox's value as a paste would (one input event), for long texts."""
    from selenium.webdriver.common.by import By

    el = driver.find_element(By.CSS_SELECTOR, css)
    driver.execute_script(
        "const el = arguments[0];"
        "const setter = Object.getOwnPropertyDescriptor(window.HTMLTextAreaElement.prototype, 'value').set;"
        "setter.call(el, arguments[1]);"
        "el.dispatchEvent(new Event('input', {bubbles: true}));",
        el,
        value,
    )


def type_into(driver, css: str, value: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    el = driver.find_element(By.CSS_SELECTOR, css)
    el.click()
    el.send_keys(Keys.CONTROL, "a")
    el.send_keys(Keys.DELETE)
    if value:
        el.send_keys(value)


def click(driver, elem_id: str) -> None:
    from selenium.webdriver.common.by import By

    el = driver.find_element(By.ID, elem_id)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", el)
    el.click()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(
    url: str, proc: subprocess.Popen | None = None, timeout: float = 240, log: Path | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text()[-3000:] if log and log.exists() else ""
            raise AssertionError(f"the app exited with {proc.returncode} before serving:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=3) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    raise AssertionError(f"{url} did not answer within {timeout:.0f} s:\n{tail}")


def screenshot_dir(tmp_path: Path) -> Path:
    d = os.environ.get("MATHRULES_SCREENSHOT_DIR")
    out = Path(d) if d else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    return out


def full_page_screenshot(driver, path: Path) -> None:
    """The whole page, not only the viewport: the window grows to the page's height first."""
    width = driver.get_window_size()["width"]
    height = driver.execute_script(
        "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)"
    )
    driver.set_window_size(width, min(int(height) + 120, 6000))
    driver.execute_script("window.scrollTo(0, 0)")
    import time

    time.sleep(0.5)
    driver.save_screenshot(str(path))
    driver.set_window_size(width, 1100)
