"""Fetch stage against the local E-utilities server: slicing past the cap, completeness,
expired sessions, DOI resolution, the snapshot refresh, and resume after ``kill -9``."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from eutils_server import FakeEutils, Record, load_templates

from conftest import CORPUS, KETAMINE
from litreview.corpus.claims import Mechanism
from litreview.corpus.queries import build_query
from litreview.corpus.records import Article
from litreview.corpus.snapshot import (
    CuratedJudgement,
    Provenance,
    SearchResult,
    Snapshot,
    load_snapshot,
    write_snapshot,
)
from litreview.settings import Settings
from litreview.sources.eutils import EutilsClient
from litreview.sources.eutils_answers import EutilsWarning
from litreview.sources.fetch import fetch_ids, fetch_query, refresh, refresh_snapshot, search_query
from litreview.sources.rate_limit import RateLimiter

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[1]
SECRET = "SECRET-KEY-77e1d0"


def templates() -> list[bytes]:
    """Real PubMed records from ../shared when present, else the minimal fixture."""
    shared = ROOT.parent / "shared" / "data" / "eutils-responses"
    real = sorted(shared.glob("pubmed*.xml")) if shared.is_dir() else []
    return load_templates(*real) if real else load_templates(DATA / "eutils_minimal_article.xml")


def corpus(n: int, start: int = 1) -> dict[str, Record]:
    """``n`` records spread over 2000-2019, with DOIs 10.5555/t<pmid>."""
    return {str(i): Record(date(2000, 1, 1) + timedelta(days=(i * 37) % 7300), f"10.5555/t{i}")
            for i in range(start, start + n)}


def server(records: dict[str, Record], terms: dict[str, list[str]], **kwargs) -> FakeEutils:
    book = load_templates(DATA / "eutils_book_article.xml")[0]
    return FakeEutils(records, terms, templates(), book_template=book, **kwargs)


def client_for(fake: FakeEutils, **kwargs) -> EutilsClient:
    kwargs.setdefault("batch_size", 100)
    return EutilsClient(Settings(email="dev@example.org", api_key=SECRET, eutils_url=fake.url),
                        limiter=RateLimiter(1000), sleep=lambda s: None, **kwargs)


def test_fetch_query_pages_history_in_batches():
    records = corpus(300)
    records["7"].book = True
    with server(records, {"ketamine": list(records)}) as fake:
        result = fetch_query(client_for(fake), "ketamine")
    assert [a.pmid for a in result.articles] == [str(i) for i in range(1, 301)]
    assert result.search.count == 300 and result.missing == () and result.books == 1
    fetches = fake.requests_to("efetch")
    assert len(fake.requests_to("esearch")) == 1 and len(fetches) == 3
    assert sorted(int(e["params"]["retstart"]) for e in fetches) == [0, 100, 200]
    assert all(e["params"]["WebEnv"] and e["params"]["retmax"] == "100" for e in fetches)


def test_slices_past_the_cap_by_date_then_pmid_range():
    records = corpus(400)
    busy = date(2010, 6, 1)  # 130 records on one day: more than the cap, split by PMID range
    records.update({str(i): Record(busy) for i in range(5000, 5130)})
    with server(records, {"ketamine": list(records)}, cap=50) as fake:
        client = client_for(fake, cap=50, batch_size=30)
        result = fetch_query(client, "ketamine")
    assert sorted(a.pmid for a in result.articles) == sorted(records)
    assert len({a.pmid for a in result.articles}) == len(result.articles) == 530
    search = result.search
    assert search.count == 530 and search.shortfall == 0 and result.missing == ()
    assert all(0 < s.result.count <= 50 for s in search.slices)
    assert sum(s.result.count for s in search.slices) == 530
    assert any("[uid]" in s.term and s.mindate == s.maxdate == "2010/06/01" for s in search.slices)
    assert all(int(e["params"].get("retstart", 0)) < 50 for e in fake.requests_to("esearch"))


def test_shortfall_is_reported():
    records = corpus(120)
    records.update({str(i): Record(date(2030, 1, 1)) for i in range(900, 910)})  # beyond the searched dates
    with server(records, {"ketamine": list(records)}, cap=50) as fake:
        with pytest.warns(EutilsWarning, match="shortfall 10"):
            search = search_query(client_for(fake, cap=50), "ketamine", today=date(2024, 5, 1))
    assert search.count == 130 and search.shortfall == 10
    assert sum(s.result.count for s in search.slices) == 120


def test_missing_ids_are_retried_by_id_and_reported():
    records = corpus(50)
    with server(records, {"ketamine": [*records, "999999"]}) as fake:
        with pytest.warns(EutilsWarning, match="1 PMID.*999999"):
            result = fetch_query(client_for(fake), "ketamine")
    assert result.missing == ("999999",) and len(result.articles) == 50
    assert fake.requests_to("efetch")[-1]["params"]["id"] == "999999"


def test_expired_webenv_is_recovered_by_searching_again():
    records = corpus(300)
    with server(records, {"ketamine": list(records)}) as fake:
        fake.script("efetch", "ok", "expire")
        result = fetch_query(client_for(fake, workers=1), "ketamine")
        assert len(fake.requests_to("esearch")) == 2
    assert sorted(int(a.pmid) for a in result.articles) == list(range(1, 301))


def test_fetch_ids_posts_long_lists_and_pages_via_epost():
    records = corpus(1200)
    with server(records, {}) as fake:
        client = client_for(fake, batch_size=500)
        articles, missing = fetch_ids(client, [str(i) for i in range(1, 251)])
        assert len(articles) == 250 and missing == ()
        assert [e["method"] for e in fake.log] == ["POST"]
        articles, missing = fetch_ids(client, [*map(str, range(1, 1201)), "424242"])
        assert len(articles) == 1200 and missing == ("424242",)
        assert [e["endpoint"] for e in fake.log[1:]] == ["epost", "efetch", "efetch", "efetch"]
        assert fake.log[1]["method"] == "POST"


def _mechanism() -> Mechanism:
    return Mechanism("bdnf", "BDNF", ("BDNF",), ("Brain-Derived Neurotrophic Factor",))


def _curated_snapshot() -> Snapshot:
    """Curated records: one with a PMID outside the hits, one DOI-only PubMed knows, one it does not."""
    recs = (
        Article(pmid="150", title="Curated with PMID", source="curated", curated_summary="finding A"),
        Article(pmid=None, doi="10.5555/t7", title="Curated DOI only", source="curated", curated_summary="B"),
        Article(pmid=None, doi="10.9999/unknown", title="Unknown DOI", source="curated", curated_summary="C"),
    )
    keys = ("150", "doi:10.5555/t7", "doi:10.9999/unknown")
    return Snapshot(
        records=recs,
        searches={"bdnf": SearchResult("bdnf", "q", 3, keys, "curated_register", "2026-01-01")},
        provenance={k: Provenance(k, "curated", "2026-01-01", "pubmed_or_pmc_page", queries=("bdnf",)) for k in keys},
        curated=tuple(CuratedJudgement(k, "bdnf-1", "bdnf", "supports") for k in keys),
    )


def test_refresh_snapshot_replaces_curated_records_and_rekeys_judgements(tmp_path):
    records = corpus(200)
    term = build_query(_mechanism(), None)
    with server(records, {term: [str(i) for i in range(1, 101)]}) as fake:
        with pytest.warns(EutilsWarning) as caught:
            done = refresh(_curated_snapshot(), {"bdnf": _mechanism()}, client_for(fake), "2026-11-22")
    messages = " | ".join(str(w.message) for w in caught)
    assert "10.9999/unknown" in messages and "stay DOI-only" in messages
    snap = done.snapshot
    assert done.resolved == {"10.5555/t7": "7"} and done.unresolved == ("10.9999/unknown",)
    assert set(snap.keys) == {*map(str, range(1, 101)), "150", "doi:10.9999/unknown"}
    assert snap.record("7").source == "pubmed" and snap.record("150").source == "pubmed"
    assert snap.record("doi:10.9999/unknown").source == "curated"
    assert {j.key for j in snap.curated} == {"150", "7", "doi:10.9999/unknown"}
    assert snap.provenance["42"] == Provenance("42", "pubmed", "2026-11-22", queries=("bdnf",))
    assert snap.provenance["150"].source == "pubmed" and snap.provenance["150"].verification == "pubmed_or_pmc_page"
    assert snap.provenance["doi:10.9999/unknown"].source == "curated"
    search = snap.searches["bdnf"]
    assert (search.origin, search.count, search.query) == ("esearch", 100, term)
    assert "150" in search.keys and "doi:10.9999/unknown" in search.keys  # curated evidence stays attached
    write_snapshot(snap, tmp_path)
    assert load_snapshot(tmp_path) == snap


def test_refresh_snapshot_returns_the_snapshot():
    records = corpus(20)
    term = build_query(_mechanism(), None)
    with server(records, {term: list(records)}) as fake:
        snap = _curated_snapshot()
        snap = Snapshot(snap.records[:1], {}, {"150": snap.provenance["150"]}, snap.curated[:1])
        with pytest.warns(EutilsWarning, match="150"):  # PMID 150 is not in this server's PubMed
            new = refresh_snapshot(snap, {"bdnf": _mechanism()}, client_for(fake), "2026-11-22")
    assert len(new.records) == 21 and new.record("150").source == "curated"


def test_fetch_killed_with_sigkill_resumes_from_cache(tmp_path):
    records = corpus(300)
    cache, out = tmp_path / "cache", tmp_path / "out.jsonl"
    env = {**os.environ, "NCBI_EMAIL": "dev@example.org", "NCBI_API_KEY": SECRET}
    argv = [sys.executable, "-m", "litreview.cli.main", "fetch", "--query", "ketamine", "--out", str(out),
            "--cache", str(cache), "--batch-size", "20"]
    with server(records, {"ketamine": list(records)}, latency=(0.15, 0.15)) as fake:
        env["LITREVIEW_EUTILS_URL"] = fake.url
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while len(list(cache.rglob("*.xml"))) < 6 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL and not out.exists()
        cached = len(list(cache.rglob("*.xml")))
        assert 6 <= cached < 16
        first_run = len(fake.log)
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        second = fake.log[first_run:]
    assert [e["endpoint"] for e in second] == ["efetch"] * (16 - cached)  # the search came from the cache
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(int(r["pmid"]) for r in rows) == list(range(1, 301))
    for path in [out, *cache.rglob("*")]:
        assert path.is_dir() or SECRET.encode() not in path.read_bytes()
    assert SECRET not in done.stdout + done.stderr and "300 records" in done.stdout


def test_cli_fetch_needs_email_and_paired_options(capsys):
    from litreview.cli.main import main

    assert main(["fetch", "--query", "ketamine", "--out", "x.jsonl"]) == 1
    assert "NCBI_EMAIL" in capsys.readouterr().err
    os.environ["NCBI_EMAIL"] = "dev@example.org"  # removed again by the autouse _clean_env fixture
    assert main(["fetch", "--query", "ketamine"]) == 1
    assert "--query and --out" in capsys.readouterr().err


# -- issue 15 (CLI paper cuts): --date validated, progress on a terminal only --------------------


def _refresh_corpus(tmp_path: Path) -> tuple[Path, dict[str, list[str]]]:
    """A corpus with two mechanisms and an empty snapshot; the terms the server should know."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "mechanisms.toml").write_text(
        '[[mechanism]]\nkey = "bdnf"\nlabel = "BDNF"\nsynonyms = ["BDNF"]\n\n'
        '[[mechanism]]\nkey = "ampa"\nlabel = "AMPA"\nsynonyms = ["AMPA"]\n', encoding="utf-8")
    write_snapshot(Snapshot(records=(), searches={}, provenance={}), corpus / "snapshot")
    bdnf = Mechanism("bdnf", "BDNF", ("BDNF",))
    ampa = Mechanism("ampa", "AMPA", ("AMPA",))
    (corpus / "litreview.toml").write_bytes((CORPUS / "litreview.toml").read_bytes())
    return corpus, {build_query(bdnf, KETAMINE): [str(i) for i in range(1, 201)],
                    build_query(ampa, KETAMINE): [str(i) for i in range(150, 301)]}


@pytest.mark.parametrize("bad", ["banana", "2026-02-30", "20261129", "2026-1-5"])
def test_fetch_date_is_validated_before_anything_runs(tmp_path, bad, capsys):
    from litreview.cli.main import main

    records = corpus(300)
    corpus_dir, terms = _refresh_corpus(tmp_path)
    before = (corpus_dir / "snapshot" / "searches.json").read_bytes()
    with server(records, terms) as fake:
        os.environ.update(NCBI_EMAIL="dev@example.org", LITREVIEW_EUTILS_URL=fake.url)  # undone by _clean_env
        for argv in (["fetch", "--corpus", str(corpus_dir), "--cache", str(tmp_path / "c"), "--date", bad],
                     ["fetch", "--from-mirror", str(tmp_path / "mirror"), "--corpus", str(corpus_dir), "--date", bad],
                     ["snapshot", "build", "--corpus", str(corpus_dir), "--register", "r.jsonl", "--date", bad]):
            with pytest.raises(SystemExit) as info:
                main(argv)
            assert info.value.code == 2
            assert f"argument --date: must be a date YYYY-MM-DD, not {bad!r}" in capsys.readouterr().err
        assert fake.log == []
    assert (corpus_dir / "snapshot" / "searches.json").read_bytes() == before


def _run_fetch(argv: list[str], env: dict[str, str], tty: bool) -> tuple[int, str]:
    """Run the CLI with stderr (and stdout) on a 100-column pseudo-terminal, or on pipes; return (code, output)."""
    import fcntl
    import pty
    import struct
    import termios

    if not tty:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=False)
        return done.returncode, done.stdout + done.stderr
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.Popen(argv, env=env, stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return proc.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize("tty", [True, False])
def test_long_fetch_shows_progress_on_a_terminal_only(tmp_path, tty):
    records = corpus(300)
    corpus_dir, terms = _refresh_corpus(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    argv = [sys.executable, "-m", "litreview.cli.main", "fetch", "--corpus", str(corpus_dir), "--cache",
            str(tmp_path / "cache"), "--batch-size", "20", "--date", "2026-01-01"]
    with server(records, terms, latency=(0.05, 0.05)) as fake:
        env.update(NCBI_EMAIL="dev@example.org", LITREVIEW_EUTILS_URL=fake.url)
        code, output = _run_fetch(argv, env, tty)
    assert code == 0, output
    assert "snapshot: 300 records (300 from PubMed)" in output
    if tty:
        assert re.search(r"esearch: 100%\|[^|]*\| 2/2 \[", output), output  # the searches, one per mechanism
        assert re.search(r"efetch: +\d+%\|[^|]*\| \d+/300 \[\d\d:\d\d<\d\d:\d\d", output), output  # records, ETA
        assert re.search(r"efetch: 100%\|[^|]*\| 300/300 \[", output)
    else:
        assert "\r" not in output and "esearch:" not in output and "efetch:" not in output
