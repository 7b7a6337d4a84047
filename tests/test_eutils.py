"""E-utilities client against a local server that answers like NCBI (tests/eutils_server.py)."""

from __future__ import annotations

import logging
import os
import random
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from eutils_server import FakeEutils, Record, load_templates

from litreview.errors import ConfigError, EutilsError, RateLimitError
from litreview.settings import Settings
from litreview.sources.eutils import ESEARCH_CAP, EutilsClient
from litreview.sources.eutils_answers import EutilsWarning, HistoryExpiredError
from litreview.sources.rate_limit import RateLimiter, shared_limiter

DATA = Path(__file__).parent / "data"
SECRET = "SECRET-KEY-5f3a9c"


@pytest.fixture
def fake():
    records = {str(i): Record(date(2000 + i % 20, 1 + i % 12, 1 + i % 28), f"10.5555/t{i}") for i in range(1, 301)}
    server = FakeEutils(records, {"ketamine": list(records)}, load_templates(DATA / "eutils_minimal_article.xml"))
    with server:
        yield server


def instant_limiter() -> RateLimiter:
    """A private limiter on a simulated clock: waiting moves the clock instead of sleeping."""
    now = [0.0]
    return RateLimiter(1000, clock=lambda: now[0], sleep=lambda seconds: now.__setitem__(0, now[0] + seconds))


def make_client(fake: FakeEutils, **kwargs) -> tuple[EutilsClient, list[float]]:
    """A client with a private limiter and a sleep that only record their delays."""
    slept: list[float] = []
    kwargs.setdefault("limiter", instant_limiter())
    settings = Settings(email="dev@example.org", api_key=SECRET, eutils_url=fake.url)
    client = EutilsClient(settings, sleep=slept.append, rng=random.Random(1), **kwargs)
    return client, slept


def test_requires_email(fake):
    with pytest.raises(ConfigError, match="NCBI_EMAIL"):
        EutilsClient(Settings(eutils_url=fake.url))


def test_sends_tool_email_key_on_every_request(fake):
    client, _ = make_client(fake)
    found = client.esearch("ketamine")
    client.efetch(webenv=found.webenv, query_key=found.query_key, retmax=5)
    client.epost(["1", "2"])
    assert len(fake.log) == 3
    for entry in fake.log:
        assert entry["params"]["tool"] == "litreview"
        assert entry["params"]["email"] == "dev@example.org"
        assert entry["params"]["api_key"] == SECRET


def test_esearch_history_and_cap(fake):
    fake.cap = 100
    client, _ = make_client(fake, cap=100)
    found = client.esearch("ketamine")
    assert found.count == 300 and len(found.ids) == 100 and found.webenv and found.query_key == "1"
    with pytest.raises(EutilsError, match="cannot be larger than 99") as info:
        client.esearch("ketamine", retstart=100)
    assert info.value.status == 200
    assert len(fake.requests_to("esearch")) == 2  # <ERROR> is not retried


@pytest.mark.parametrize("fault", ["429", "ratelimit200", "500", "502", "503", "truncate", "reset", "slow:1"])
def test_transient_failures_are_retried(fake, fault):
    client, slept = make_client(fake, timeout=0.3)
    fake.script("esearch", fault, fault)
    assert client.esearch("ketamine", retmax=3).ids == ("300", "299", "298")
    assert [e["fault"] for e in fake.log] == [fault, fault, None]
    # exponential backoff with up to 50% jitter: 1-1.5 s, then 2-3 s
    assert len(slept) == 2 and 1 <= slept[0] <= 1.5 and 2 <= slept[1] <= 3


def test_retry_after_is_honoured(fake):
    waits: list[float] = []
    now = [0.0]

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    client, slept = make_client(fake, limiter=RateLimiter(1000, clock=lambda: now[0], sleep=sleep))
    fake.script("efetch", "429:7")
    client.efetch(["1"])
    assert slept == [7.0]
    assert waits == [7.0]  # the shared limiter holds every thread back as well


def test_gives_up_naming_the_request_without_secrets(fake, caplog):
    client, slept = make_client(fake, max_attempts=3)
    fake.script("esearch", "503", "503", "503")
    with caplog.at_level(logging.DEBUG, logger="litreview"), pytest.raises(EutilsError) as info:
        client.esearch("ketamine AND bdnf")
    message = str(info.value)
    assert "esearch" in message and "ketamine AND bdnf" in message and "3 attempts" in message
    assert info.value.status == 503 and not isinstance(info.value, RateLimitError)
    assert len(slept) == 2 and len(fake.log) == 3
    assert SECRET not in message and SECRET not in (info.value.url or "")
    assert caplog.records and all(SECRET not in r.getMessage() for r in caplog.records)


def test_persistent_rate_limit_raises_rate_limit_error(fake):
    client, _ = make_client(fake, max_attempts=2)
    fake.script("esearch", "429", "ratelimit200")
    with pytest.raises(RateLimitError, match="rate limit"):
        client.esearch("ketamine")


def test_client_errors_are_not_retried(fake):
    client, slept = make_client(fake)
    with pytest.raises(EutilsError, match="HTTP 404") as info:
        client.request("nosuch.fcgi", {"db": "pubmed"})
    assert info.value.status == 404 and slept == [] and len(fake.log) == 1


def test_error_list_becomes_warning_and_stays_on_result(fake):
    client, _ = make_client(fake)
    with pytest.warns(EutilsWarning) as caught:
        found = client.esearch("abcXYZ")
    assert [str(w.message) for w in caught] == ["esearch 'abcXYZ': ErrorList PhraseNotFound: abcXYZ",
                                                "esearch 'abcXYZ': WarningList OutputMessage: No items found."]
    assert found.count == 0
    assert found.errors == (("PhraseNotFound", "abcXYZ"),)
    assert found.warnings == (("OutputMessage", "No items found."),)


def test_expired_webenv(fake):
    client, _ = make_client(fake)
    found = client.esearch("ketamine")
    fake.expire_history()
    with pytest.raises(HistoryExpiredError, match="Unable to obtain query"):
        client.efetch(webenv=found.webenv, query_key=found.query_key)


def test_post_above_200_ids(fake):
    client, _ = make_client(fake)
    client.efetch([str(i) for i in range(1, 201)])
    client.efetch([str(i) for i in range(1, 202)])
    client.epost([str(i) for i in range(1, 260)])
    assert [e["method"] for e in fake.log] == ["GET", "POST", "POST"]
    assert fake.log[1]["params"]["id"].count(",") == 200


def test_unknown_ids_are_dropped_silently_by_the_server(fake):
    client, _ = make_client(fake)
    body = client.efetch(["1", "999999", "2"])
    assert body.count(b"<PubmedArticle>") == 2


def test_cache_reuses_bodies_and_holds_no_secrets(fake, tmp_path):
    client, _ = make_client(fake, cache_dir=tmp_path)
    first = client.efetch(["1", "2"])
    assert client.efetch(["1", "2"]) == first
    assert len(fake.log) == 1
    other = EutilsClient(Settings(email="other@example.org", eutils_url=fake.url), cache_dir=tmp_path,
                         limiter=RateLimiter(1000))
    assert other.efetch(["1", "2"]) == first and len(fake.log) == 1  # key ignores api_key and email
    assert other.cache_key("efetch.fcgi", {"id": "1"}) == client.cache_key("efetch.fcgi", {"id": "1"})
    for path in tmp_path.rglob("*"):
        assert path.is_dir() or SECRET.encode() not in path.read_bytes() and SECRET not in path.name


def test_error_responses_are_never_cached(fake, tmp_path):
    client, _ = make_client(fake, cache_dir=tmp_path, max_attempts=1)
    fake.script("efetch", "truncate")
    with pytest.raises(EutilsError, match="truncated"):
        client.efetch(["1"])
    fake.script("esearch", "error")
    with pytest.raises(EutilsError, match="Backend failed"):
        client.esearch("ketamine")
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
    client.efetch(["1"])
    assert len([p for p in tmp_path.rglob("*.xml")]) == 1


def test_real_bodies(fake, shared):
    fake.real_dir = shared / "data" / "eutils-responses"
    client, _ = make_client(fake)
    fake.script("esearch", "real:esearch2.xml")
    found = client.esearch("cancer")
    assert found.count == 42249 and len(found.ids) == 100 and found.webenv == "MCID_6927d6e7fee3e90f880ec190"
    fake.script("esearch", "real:esearch8.xml")
    with pytest.warns(EutilsWarning) as caught:
        empty = client.esearch("abcXYZ")
    assert empty.count == 0 and ("PhraseNotFound", "abcXYZ") in empty.errors
    assert {str(w.message).split(": ", 1)[1] for w in caught} == {
        "ErrorList PhraseNotFound: abcXYZ", "WarningList OutputMessage: No items found."}
    fake.script("epost", "real:epost1.xml", "real:epost2.xml", "real:epost3.xml")
    assert client.epost(["1"]).webenv == "MCID_692851c130aec64bed0a8c2a"
    with pytest.raises(EutilsError, match="Invalid db name"):
        client.epost(["1"])
    with pytest.raises(EutilsError, match="Empty ID list"):
        client.epost(["x"])
    fake.script("efetch", "real:pubmed1.xml")
    assert b"<PMID Version=\"1\">12091962</PMID>" in client.efetch(["12091962"])


def test_rate_limiter_is_shared_by_threads():
    limiter = RateLimiter(40)
    stamps: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(5):
            limiter.acquire()
            with lock:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stamps.sort()
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    assert len(stamps) == 20 and min(gaps) > 0.025 - 0.005  # interval 25 ms, scheduler slack 5 ms
    assert stamps[-1] - stamps[0] >= 19 * 0.025 - 0.01


def test_rate_limiter_slots_with_injected_clock():
    now = [100.0]
    limiter = RateLimiter(4, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    slots = [limiter.acquire() for _ in range(5)]
    assert slots == [100.0, 100.25, 100.5, 100.75, 101.0]
    limiter.defer(3.0)
    assert limiter.acquire() == 104.0


def test_one_limiter_per_process_by_key_presence(fake):
    with_key = EutilsClient(Settings(email="a@b.org", api_key="k1", eutils_url=fake.url))
    other_key = EutilsClient(Settings(email="c@d.org", api_key="k2", eutils_url=fake.url))
    without = EutilsClient(Settings(email="a@b.org", eutils_url=fake.url))
    assert with_key.limiter is other_key.limiter is shared_limiter(True)
    assert without.limiter is shared_limiter(False) and without.limiter is not with_key.limiter
    assert 1 / without.limiter.interval < 3 and 1 / with_key.limiter.interval < 10
    assert ESEARCH_CAP == 9999


def test_client_repr_hides_key(fake):
    client, _ = make_client(fake)
    assert SECRET not in repr(client) and SECRET not in repr(client.settings)


# -- issue 16: unexpected answers, runaway bodies, bad URLs, no network ----------------------


def _cache_files(cache: Path) -> list[Path]:
    """Cached bodies."""
    return [p for p in cache.rglob("*") if p.is_file()]


@pytest.mark.parametrize(("endpoint", "call"), [
    ("esearch", lambda c: c.esearch("ketamine")),
    ("efetch", lambda c: c.efetch(["1", "2"])),
    ("epost", lambda c: c.epost(["1", "2"])),
])
def test_maintenance_page_is_an_error_never_a_result_and_never_cached(fake, tmp_path, endpoint, call):
    client, slept = make_client(fake, cache_dir=tmp_path, max_attempts=2)
    fake.script(endpoint, "maintenance", "maintenance")
    with pytest.raises(EutilsError, match=r"failed after 2 attempts \(unexpected <html> answer instead of <\w+>: "
                                          r"'NCBI Down for maintenance"):
        call(client)
    assert len(slept) == 1 and _cache_files(tmp_path) == []
    call(client)  # the service is back: the next run gets the real answer, not a cached page
    assert len(_cache_files(tmp_path)) == 1


def test_unusable_count_is_an_error_and_not_cached(fake, tmp_path):
    client, _ = make_client(fake, cache_dir=tmp_path, max_attempts=2)
    fake.script("esearch", "count:lots", "count:lots")
    with pytest.raises(EutilsError, match=r"<Count> is 'lots', not a number"):
        client.esearch("ketamine")
    assert _cache_files(tmp_path) == []
    assert client.esearch("ketamine").count == 300


def test_unusable_cached_answer_is_dropped_and_fetched_again(fake, tmp_path):
    """A cache written by an older version that kept a maintenance page does not poison every rerun."""
    from eutils_server import MAINTENANCE_PAGE

    client, _ = make_client(fake, cache_dir=tmp_path)
    params = {"db": "pubmed", "term": "ketamine", "retstart": "0", "retmax": str(client.cap), "usehistory": "y",
              "tool": "litreview", "email": "dev@example.org"}
    poisoned = client._cache_path(client.cache_key("esearch.fcgi", params))
    poisoned.parent.mkdir(parents=True)
    poisoned.write_bytes(MAINTENANCE_PAGE)
    assert client.esearch("ketamine").count == 300
    assert len(fake.log) == 1 and b"<eSearchResult>" in poisoned.read_bytes()


def test_huge_body_stops_at_the_size_cap_with_bounded_memory(fake):
    """A 64 MB ESearch answer: reading stops near the cap (1.6 MB for 9,999 ids), memory stays flat."""
    import tracemalloc

    client, _ = make_client(fake, max_attempts=1)
    fake.script("esearch", "huge:64")
    tracemalloc.start()
    try:
        with pytest.raises(EutilsError, match=r"answer larger than 1\.6 MB, the most accepted for this request"):
            client.esearch("ketamine")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20, f"peak {peak / 2**20:.1f} MB"
    time.sleep(0.2)
    assert fake.log[0]["sent"] < 16 * 2**20  # the client hung up early; the server did not push 64 MB


def test_size_cap_is_proportional_to_what_was_asked():
    from litreview.sources.eutils_answers import _body_limit

    one, batch = _body_limit("efetch.fcgi", {"id": "1"}), _body_limit("efetch.fcgi", {"retmax": "500"})
    assert one < 2 * 2**20 and 100 * 2**20 < batch < 140 * 2**20
    assert _body_limit("efetch.fcgi", {"id": ",".join(["1"] * 500)}) == batch
    assert _body_limit("esearch.fcgi", {"retmax": "9999"}) < 2 * 2**20


@pytest.mark.parametrize("url", ["htps://eutils.ncbi.nlm.nih.gov/entrez/eutils/", "eutils.ncbi.nlm.nih.gov/entrez/",
                                 "http://127.0.0.1:99999/", "http://127.0.0.1:0/", "http:///entrez/eutils/",
                                 "http://exa mple.org/"])
def test_bad_base_url_is_a_one_line_config_error(url, tmp_path, capsys):
    from litreview.cli.main import main

    with pytest.raises(ConfigError, match=r"\(LITREVIEW_EUTILS_URL\) .*expected a URL like https://eutils"):
        EutilsClient(Settings(email="dev@example.org", eutils_url=url))
    os.environ.update(NCBI_EMAIL="dev@example.org", LITREVIEW_EUTILS_URL=url)  # undone by the _clean_env fixture
    assert main(["fetch", "--query", "ketamine", "--out", str(tmp_path / "x.jsonl")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("litreview: error: E-utilities URL") and err.count("\n") == 1


def _closed_port() -> int:
    """A localhost port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_connection_refused_fails_after_one_retry():
    port = _closed_port()
    slept: list[float] = []
    client = EutilsClient(Settings(email="dev@example.org", eutils_url=f"http://127.0.0.1:{port}/entrez/eutils/"),
                          limiter=instant_limiter(), sleep=slept.append)
    with pytest.raises(EutilsError) as info:
        client.esearch('"ketamine"[tiab] AND ("BDNF"[tiab] OR "brain-derived neurotrophic factor"[tiab])')
    assert str(info.value) == f"cannot reach 127.0.0.1:{port} (connection refused; no network?)"
    assert client.requests_sent == 2 and len(slept) == 1


def test_name_resolution_failure_fails_after_one_retry(monkeypatch):
    """Offline, the resolver fails; simulated because a test must not query a real DNS server."""
    real = socket.getaddrinfo

    def offline(host, *args, **kwargs):
        if host == "eutils.ncbi.nlm.nih.gov":
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", offline)
    slept: list[float] = []
    client = EutilsClient(Settings(email="dev@example.org"), limiter=instant_limiter(), sleep=slept.append)
    with pytest.raises(EutilsError) as info:
        client.esearch("ketamine")
    assert str(info.value) == "cannot reach eutils.ncbi.nlm.nih.gov (name not resolved; no network?)"
    assert client.requests_sent == 2 and len(slept) == 1


def test_cli_offline_fetch_is_fast_and_says_why(tmp_path):
    port = _closed_port()
    env = {**os.environ, "NCBI_EMAIL": "dev@example.org", "LITREVIEW_EUTILS_URL": f"http://127.0.0.1:{port}/"}
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "litreview.cli.main", "fetch", "--query", "ketamine", "--out",
                             str(tmp_path / "x.jsonl"), "--cache", str(tmp_path / "c")],
                            env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1 and time.monotonic() - started < 8
    assert result.stderr == f"litreview: error: cannot reach 127.0.0.1:{port} (connection refused; no network?)\n"
