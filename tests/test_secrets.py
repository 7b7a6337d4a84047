"""The API key stays with the configured host and out of every message, error and log line (issue 16, items 2-3).

Each test drives a real client (or the CLI in a subprocess) against the local
E-utilities stand-in, which plays the hostile server: redirects to another
host or to ``ftp://``, and errors that echo the request back.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from eutils_server import FakeEutils, Record, load_templates

from litreview.errors import EutilsError
from litreview.settings import Settings
from litreview.sources.eutils import EutilsClient
from litreview.sources.rate_limit import RateLimiter

DATA = Path(__file__).parent / "data"
SECRET = "SECRET-KEY-c0ffee42"


def _server() -> FakeEutils:
    records = {str(i): Record(date(2001, 1, 1 + i % 28)) for i in range(1, 301)}
    return FakeEutils(records, {"ketamine": list(records)}, load_templates(DATA / "eutils_minimal_article.xml"))


@pytest.fixture
def fake():
    with _server() as server:
        yield server


@pytest.fixture
def other():
    """Another host: ``localhost`` instead of the configured ``127.0.0.1``, logging whatever reaches it."""
    with _server() as server:
        yield server


def _client(fake: FakeEutils) -> EutilsClient:
    settings = Settings(email="dev@example.org", api_key=SECRET, eutils_url=fake.url)
    return EutilsClient(settings, limiter=RateLimiter(1000), sleep=lambda s: None, max_attempts=2)


def _elsewhere(other: FakeEutils, endpoint: str) -> str:
    """The same path on the other server, reached by another host name."""
    return other.url.replace("127.0.0.1", "localhost") + endpoint


def _cli_fetch(fake: FakeEutils, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``litreview fetch --query ketamine`` in a subprocess with the key set."""
    env = {**os.environ, "NCBI_EMAIL": "dev@example.org", "NCBI_API_KEY": SECRET, "LITREVIEW_EUTILS_URL": fake.url}
    argv = [sys.executable, "-m", "litreview.cli.main", "fetch", "--query", "ketamine", "--out", str(tmp_path / "x.jsonl"),
            "--cache", str(tmp_path / "cache")]
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=False)


def _assert_one_clean_line(result: subprocess.CompletedProcess[str], message: str) -> None:
    """Exit 1, one ``litreview: error:`` line containing ``message``, no traceback, no key anywhere."""
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("litreview: error: ") and result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert SECRET not in result.stdout + result.stderr


# -- item 2: the key never follows a redirect off the configured host ---------------------------


def test_posted_key_is_not_re_posted_to_another_host(fake, other):
    fake.script("efetch", f"redirect:307:{_elsewhere(other, 'efetch.fcgi')}")
    ids = [str(i) for i in range(1, 251)]  # more than 200 ids: POSTed, api_key in the body
    with pytest.raises(EutilsError, match=r"refused a redirect to http://localhost:\d+: requests and the API key "
                                          r"only go to http://127\.0\.0\.1:\d+") as info:
        _client(fake).efetch(ids)
    assert fake.log[0]["method"] == "POST" and fake.log[0]["params"]["api_key"] == SECRET
    assert other.log == []  # nothing reached the other host
    assert SECRET not in str(info.value) and info.value.status == 307


def test_get_redirect_to_another_host_is_refused(fake, other):
    fake.script("esearch", f"redirect:302:{_elsewhere(other, 'esearch.fcgi')}?{{query}}")
    with pytest.raises(EutilsError, match="refused a redirect to http://localhost"):
        _client(fake).esearch("ketamine")
    assert other.log == []


def test_redirect_to_another_host_through_the_cli_is_one_line(fake, other, tmp_path):
    fake.script("esearch", f"redirect:307:{_elsewhere(other, 'esearch.fcgi')}")
    _assert_one_clean_line(_cli_fetch(fake, tmp_path), "refused a redirect to http://localhost")
    assert other.log == [] and not (tmp_path / "x.jsonl").exists()


def test_redirects_on_the_configured_host_are_followed(fake):
    moved = fake.url.replace("/entrez/eutils/", "/moved/")
    fake.script("efetch", f"redirect:307:{moved}efetch.fcgi")
    fake.script("esearch", f"redirect:301:{moved}esearch.fcgi?{{query}}")
    client = _client(fake)
    assert client.esearch("ketamine", retmax=3).ids == ("300", "299", "298")
    body = client.efetch([str(i) for i in range(1, 251)])
    assert body.count(b"<PubmedArticle>") == 250
    follow_ups = [e for e in fake.log if e["path"].startswith("/moved/")]
    assert [(e["endpoint"], e["method"]) for e in follow_ups] == [("esearch", "GET"), ("efetch", "POST")]
    assert all(e["params"]["api_key"] == SECRET for e in follow_ups)  # same host: the key may go along


def test_https_to_http_downgrade_is_refused(fake):
    client = _client(fake)
    settings = Settings(email="dev@example.org", api_key=SECRET, eutils_url="https://127.0.0.1:9/entrez/eutils/")
    secure = EutilsClient(settings, limiter=client.limiter)
    with pytest.raises(EutilsError, match="refused a redirect to http://127.0.0.1"):
        secure._check_redirect("http://127.0.0.1:9/entrez/eutils/esearch.fcgi", "esearch", 301)


def test_redirect_loop_is_one_line(fake, tmp_path):
    fake.script("esearch", *["redirect:302:self"] * 40)
    with pytest.raises(EutilsError, match=r"more than 5 redirects \(a redirect loop\?\)"):
        _client(fake).esearch("ketamine")
    assert len(fake.log) == 6  # the request and 5 redirects, then it gave up
    fake.faults.clear()
    fake.script("esearch", *["redirect:302:self"] * 40)
    _assert_one_clean_line(_cli_fetch(fake, tmp_path), "redirect loop")


# -- item 3: the key never reaches output ---------------------------------------------------------


def test_redirect_to_ftp_is_one_line_without_the_key(fake, tmp_path):
    fake.script("esearch", "redirect:302:ftp://127.0.0.1/pub/esearch?{query}")  # the Location echoes the key
    with pytest.raises(EutilsError, match=r"refused a redirect to a ftp: URL") as info:
        _client(fake).esearch("ketamine")
    assert SECRET not in str(info.value) and SECRET not in repr(info.value)
    fake.script("esearch", "redirect:302:ftp://127.0.0.1/pub/esearch?{query}")
    _assert_one_clean_line(_cli_fetch(fake, tmp_path), "refused a redirect to a ftp: URL")


def test_error_echoing_the_request_never_shows_the_key(fake, tmp_path):
    fake.script("esearch", "echo400")
    with pytest.raises(EutilsError, match="HTTP 400 Bad Request for GET /entrez/eutils/esearch.fcgi") as info:
        _client(fake).esearch("ketamine")
    assert "api_key=[redacted]" in str(info.value)  # the echo is kept, the key is not
    assert SECRET not in str(info.value) + repr(info.value) + (info.value.url or "")
    fake.script("esearch", "echo400")
    _assert_one_clean_line(_cli_fetch(fake, tmp_path), "HTTP 400 Bad Request")


def test_debug_logging_never_shows_the_key(fake):
    """``logging.basicConfig(level=DEBUG)``: urllib3 logs every request URL, query string included."""
    script = textwrap.dedent(f"""
        import logging, sys
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
        from litreview.sources.eutils import EutilsClient
        from litreview.settings import Settings
        client = EutilsClient(Settings(email="dev@example.org", api_key={SECRET!r}, eutils_url={fake.url!r}),
                              max_attempts=2, backoff=0.01)
        client.esearch("ketamine")
        client.efetch([str(i) for i in range(1, 251)])
        try:
            client.esearch("ketamine AND nothing")
        except Exception as exc:
            logging.getLogger("litreview").exception("failed: %s", exc)
    """)
    fake.script("esearch", "ok", "echo400")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert 'GET /entrez/eutils/esearch.fcgi?' in result.stderr  # urllib3 did log the URLs...
    assert "api_key=[redacted]" in result.stderr
    assert SECRET not in result.stderr + result.stdout  # ...without the key


# -- issue 27, item 7: warnings and cached bodies echoing the request ---------------------------


def test_a_warning_echoing_the_request_is_redacted_and_so_is_the_cache(fake, tmp_path):
    from litreview.sources.eutils_answers import EutilsWarning

    fake.script("esearch", "echowarning")
    client = _client(fake)
    client.cache_dir = tmp_path / "cache"
    with pytest.warns(EutilsWarning, match=r"api_key=\[redacted\]") as caught:
        result = client.esearch("ketamine")
    assert all(SECRET not in str(w.message) for w in caught)
    assert SECRET not in repr(result.warnings) and "[redacted]" in repr(result.warnings)
    cached = [p.read_bytes() for p in (tmp_path / "cache").rglob("*.xml")]
    assert cached and all(SECRET.encode() not in body for body in cached)
    assert any(b"[redacted]" in body for body in cached)


def test_cli_warning_from_an_echoing_server_hides_the_key(fake, tmp_path):
    fake.script("esearch", "echowarning")
    result = _cli_fetch(fake, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "litreview: warning: " in result.stderr and "api_key=[redacted]" in result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert all(SECRET.encode() not in p.read_bytes() for p in (tmp_path / "cache").rglob("*") if p.is_file())
