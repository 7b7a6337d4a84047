"""The HTML report in a real browser: headless Chromium driven by Selenium.

Skips with a reason where Chromium, ChromeDriver or Selenium is missing (``.ci/run``
installs Debian's ``chromium`` and ``chromium-driver``). Screenshots are never written.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import litreview as lr
from conftest import CORPUS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
if CHROMIUM is None or CHROMEDRIVER is None:
    pytest.skip("no chromium/chromedriver on PATH (apt-get install chromium chromium-driver)", allow_module_level=True)

# Chromium's background services try the network, which this machine refuses; keep it quiet and local.
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--hide-scrollbars")

OVERFLOW = """
const limit = document.documentElement.clientWidth + 1;
const out = [];
for (const el of document.querySelectorAll('body *')) {
  if (el.closest('.scroll') || el.closest('[hidden]')) continue;
  const r = el.getBoundingClientRect();
  if (r.width && r.right > limit) out.push(el.tagName + (el.id ? '#' + el.id : '') + ' ' + Math.round(r.right));
}
return out;
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``review.html`` written by the same call ``litreview run`` makes."""
    out = tmp_path_factory.mktemp("report")
    lr.write_review(lr.build_review(CORPUS), out, formats=["html"], write_figures=False)
    return out / "review.html"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium for the module."""
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def open_at(browser: object, page: Path, width: int, height: int = 900, fragment: str = "") -> None:
    """Load ``page`` in a viewport of exactly ``width`` x ``height`` CSS pixels."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    browser.get(page.as_uri() + fragment)
    browser.get_log("browser")  # drop messages from earlier pages


def test_verdict_column_is_in_view_at_1400(browser: object, report: Path) -> None:
    open_at(browser, report, 1400)
    right = browser.execute_script(
        "return document.querySelector('#verdicts th.col-verdict').getBoundingClientRect().right")
    width = browser.execute_script("return document.documentElement.clientWidth")
    assert right <= width
    sof_right = browser.execute_script(
        "return document.querySelector('table.sof-all thead th:last-child').getBoundingClientRect().right")
    assert sof_right <= width  # the Summary-of-Findings table's verdict column too
    assert browser.execute_script("return document.documentElement.scrollWidth") <= width
    assert browser.execute_script(OVERFLOW) == []


def test_nothing_overflows_at_420_outside_scrollable_tables(browser: object, report: Path) -> None:
    open_at(browser, report, 420)
    assert browser.execute_script(OVERFLOW) == []
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 420
    boxes = browser.execute_script("return [...document.querySelectorAll('.scroll')].map(e => e.scrollWidth)")
    assert boxes and max(boxes) > 420  # the wide tables scroll inside their own box


def test_no_console_errors_and_the_script_ran_under_the_csp(browser: object, report: Path) -> None:
    open_at(browser, report, 1400)
    errors = [m for m in browser.get_log("browser") if m["level"] == "SEVERE"]
    assert errors == []
    assert browser.execute_script("return document.getElementById('filters').hidden") is False


def test_every_internal_link_target_exists(browser: object, report: Path) -> None:
    open_at(browser, report, 1400)
    missing = browser.execute_script(
        "return [...document.querySelectorAll('a[href^=\"#\"]')]"
        ".map(a => a.getAttribute('href').slice(1)).filter(id => !document.getElementById(id))")
    count = browser.execute_script("return document.querySelectorAll('a[href^=\"#\"]').length")
    assert count > 100 and missing == []


def test_sorting_and_filtering_the_verdict_table(browser: object, report: Path) -> None:
    from selenium.webdriver.common.by import By

    open_at(browser, report, 1400)
    rows = "return [...document.querySelectorAll('#verdicts tbody tr')]"
    browser.find_element(By.CSS_SELECTOR, "#verdicts th.col-certainty button").click()
    order = browser.execute_script(rows + ".map(r => Number(r.cells[2].dataset.sort))")
    assert order == sorted(order)
    browser.find_element(By.CSS_SELECTOR, "#verdicts th.col-certainty button").click()
    assert browser.execute_script(rows + ".map(r => Number(r.cells[2].dataset.sort))") == sorted(order, reverse=True)
    browser.find_element(By.ID, "filter-text").send_keys("BDNF")
    shown = browser.execute_script(rows + ".filter(r => !r.hidden).map(r => r.textContent)")
    assert shown and all("BDNF" in text for text in shown)
    assert browser.find_element(By.ID, "filter-count").text == f"{len(shown)} of 29 claims shown"


def test_print_stylesheet_hides_controls_and_prints(browser: object, report: Path) -> None:
    open_at(browser, report, 1400)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    hidden = browser.execute_script(
        "return ['nav.toc', '#filters', 'p.back'].map(s => getComputedStyle(document.querySelector(s)).display)")
    assert hidden == ["none", "none", "none"]
    pdf = browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})
    assert len(pdf["data"]) > 10_000
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
