"""End to end: a real `newsprism serve` on a free loopback port, driven by Debian's headless chromium.

Skipped when chromium or its driver is missing, except under CI (env CI set), where it must run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from web_corpus import STORY, XSS_STORY, build_store, running_server

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


def _need_browser() -> None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing = "selenium"
    else:
        missing = "" if CHROMIUM and DRIVER else "chromium and chromium-driver"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {missing} is not installed (.ci/run installs them)")
        pytest.skip(f"{missing} not installed")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _need_browser()
    db = build_store(tmp_path_factory.mktemp("browser") / "web.db")
    with running_server(db) as base:
        yield base


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="newsprism-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM or ""
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
                f"--user-data-dir={profile}", "--window-size=1280,1000"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _no_alert(driver) -> bool:  # noqa: ANN001
    from selenium.common.exceptions import NoAlertPresentException

    try:
        driver.switch_to.alert.dismiss()
        return False
    except NoAlertPresentException:
        return True


def test_story_page_side_by_side_and_fact_matrix(server: str, browser) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    browser.get(f"{server}/stories/{STORY}")
    assert "Ferry runs aground" in browser.title
    sources = browser.find_elements(By.CSS_SELECTOR, ".side-by-side .source")
    assert len(sources) == 4
    tops = {round(s.rect["y"]) for s in sources[:2]}
    assert len(tops) == 1, "the first two sources should sit next to each other"
    rows = browser.find_elements(By.CSS_SELECTOR, "table.matrix tbody tr")
    assert len(rows) == 2
    cells = [c.text for c in rows[1].find_elements(By.CSS_SELECTOR, "td.cell")]
    assert cells.count("omitted") == 3 and cells.count("reported") == 1
    assert browser.find_elements(By.CSS_SELECTOR, "mark.frame")
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.timeline circle")) == 4
    # our own script ran under the CSP, and the page broke no CSP rule
    assert "js" in browser.find_element(By.TAG_NAME, "html").get_attribute("class")
    refused = [e["message"] for e in browser.get_log("browser") if "Content Security Policy" in e["message"]]
    assert refused == []


def test_xss_payloads_stay_inert(server: str, browser) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    # control: the flag check does detect a payload that runs
    browser.get("data:text/html,<img src=x onerror='window.__xss=99'>")
    time.sleep(0.3)
    assert browser.execute_script("return window.__xss") == 99

    for path in (f"/stories/{XSS_STORY}", "/articles/a_xss", "/?q=dam", "/"):
        browser.get(server + path)
        time.sleep(0.3)
        assert _no_alert(browser), path
        assert browser.execute_script("return typeof window.__xss") == "undefined", path
        main = browser.find_element(By.TAG_NAME, "main")
        assert main.find_elements(By.CSS_SELECTOR, "img, script, b, i, iframe") == [], path
    browser.get(server + "/articles/a_xss")
    h1 = browser.find_element(By.TAG_NAME, "h1").text
    assert h1.startswith("<script>window.__xss = 1</script><img src=x onerror=")  # shown as text


def test_removed_boilerplate_toggle_works_without_script(server: str, browser) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    browser.get(f"{server}/articles/a_tribune")
    item = browser.find_element(By.CSS_SELECTOR, "details#removed ol li")
    assert not item.is_displayed()
    browser.find_element(By.CSS_SELECTOR, "details#removed summary").click()
    assert item.is_displayed() and "Share this story" in item.text and "counter" in item.text


def test_search_and_outlet_filter(server: str, browser) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    browser.get(server + "/")
    box = browser.find_element(By.NAME, "q")
    box.send_keys("investigators")
    box.submit()
    titles = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".story-title")]
    assert titles == ["Ferry runs aground off Tamsin Point; 41 passengers rescued"]
    browser.get(server + "/?outlet=Filler+Weekly")
    assert "page 1 of 2" in browser.find_element(By.CSS_SELECTOR, ".pager").text
