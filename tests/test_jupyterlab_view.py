"""Notebook 05 as an analyst sees it: the committed notebook opened in a real JupyterLab, in headless Chromium.

At a 1400 x 900 window with JupyterLab's default layout (file browser open),
the decisive columns of every Summary-of-Findings table (certainty and
verdict, or GRADEpro's certainty and "what happens") lie inside the notebook's
visible area, without scrolling sideways. Skips with a reason where Chromium,
ChromeDriver or Selenium is missing. JupyterLab listens on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest

from conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
if CHROMIUM is None or CHROMEDRIVER is None:
    pytest.skip("no chromium/chromedriver on PATH (apt-get install chromium chromium-driver)", allow_module_level=True)

TOKEN = "litreview-test"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--window-size=1400,900")

# Where a table's header cells lie, after scrolling the table into view, and the notebook's visible area.
MEASURE = """
const [selector, index, names] = arguments;
const table = document.querySelectorAll(selector)[index];
if (!table) return null;
table.scrollIntoView({block: 'center'});
const area = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer')
  .getBoundingClientRect();
const cells = {};
for (const th of table.querySelectorAll('thead th')) {
  const name = th.textContent.replace(/\u00ad/g, '').trim();  // soft hyphens
  if (names.includes(name)) { const r = th.getBoundingClientRect(); cells[name] = [r.left, r.right, r.width]; }
}
const spilled = [...table.querySelectorAll('th, td')].filter(c => c.scrollWidth > c.clientWidth + 1)
  .map(c => c.textContent.replace(/\u00ad/g, '').trim().slice(0, 40));
return {left: area.left, right: area.right, table: table.getBoundingClientRect().width, cells: cells,
        spilled: spilled};
"""


def _free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A JupyterLab server on a copy of the committed notebooks; yields its base URL."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    port = _free_port()
    env = {**os.environ, **{f"JUPYTER_{name}_DIR": str(root / name.lower()) for name in ("CONFIG", "DATA", "RUNTIME")}}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}", "--LabApp.news_url=",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=5)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start (exit status {server.poll()})")
                time.sleep(0.5)
        yield url
    finally:  # the server and the kernel it started for the notebook
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.fixture(scope="module")
def notebook_05(lab: str) -> Iterator[object]:
    """Headless Chromium showing notebooks/05_review.ipynb in JupyterLab at 1400 x 900."""
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.get(f"{lab}/lab/tree/notebooks/05_review.ipynb?token={TOKEN}")
        deadline = time.monotonic() + 120
        while not driver.execute_script("return document.querySelectorAll('table.sof-gradepro').length === 2"):
            if time.monotonic() > deadline:
                pytest.fail("notebook 05 did not render its two GRADEpro tables in JupyterLab within 120 s")
            time.sleep(0.5)
        yield driver
    finally:
        driver.quit()


def _in_view(driver: object, selector: str, index: int, names: list[str]) -> dict:
    """Measure ``names`` header cells of the ``index``-th table at ``selector``; assert each lies in the visible area.

    JupyterLab's sanitizer drops the ``id`` of elements in outputs, so tables are found by class and order.
    """
    found = driver.execute_script(MEASURE, selector, index, names)
    assert found is not None, f"no table number {index + 1} matching {selector} in notebook 05"
    assert sorted(found["cells"]) == sorted(names), f"columns not found: {set(names) - set(found['cells'])}"
    for name, (left, right, width) in found["cells"].items():
        assert width > 40, f"{name!r} squeezed to {width:.0f} px"
        assert found["left"] <= left and right <= found["right"], (
            f"{name!r} spans {left:.0f}-{right:.0f} px, outside the notebook's {found['left']:.0f}-"
            f"{found['right']:.0f} px at 1400 px")
    return found


@pytest.mark.parametrize("index", [0, 1], ids=["clinical", "mechanistic"])
def test_gradepro_tables_show_certainty_and_verdict_without_scrolling(notebook_05: object, index: int) -> None:
    found = _in_view(notebook_05, "table.sof-gradepro", index, ["Certainty of the evidence (GRADE)", "What happens", "Outcome"])
    assert found["table"] <= found["right"] - found["left"]  # nothing to scroll sideways to
    assert found["spilled"] == []  # every cell's text wraps inside its column (a DOI too)


def test_claim_table_shows_certainty_and_verdict_without_scrolling(notebook_05: object) -> None:
    # the first pandas table of the notebook: the one-row-per-claim Summary of findings
    _in_view(notebook_05, ".jp-OutputArea-output table.dataframe", 0, ["Claim", "Certainty", "Verdict"])
