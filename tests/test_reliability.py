"""Issue 27: fault injection on the decisions log, the panels and the CLI (no network, localhost at most)."""

from __future__ import annotations

import errno
import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_decisions import screen, write_log
from test_panel import _snapshot
from test_screen import BDNF, CLAIMS

from conftest import CORPUS, ROOT
from litreview import _io
from litreview.cli.main import main
from litreview.corpus.decision_schema import make_decision
from litreview.corpus.decisions import DecisionLog, load_decisions
from litreview.errors import CorpusError
from litreview.workbench.panels import ScreeningPanel

ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A copy of the committed corpus with an empty decisions log."""
    root = Path(shutil.copytree(CORPUS, tmp_path / "corpus"))
    (root / "decisions.jsonl").write_text("", encoding="utf-8")
    return root


def _decide(corpus: Path, reviewer: str, fsize: int | None = None) -> subprocess.CompletedProcess[str]:
    """``litreview decide`` in a child process, optionally under a file-size limit (RLIMIT_FSIZE, as prlimit)."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    argv = ["decide", "10686270", "--stage", "screen", "--exclude", "--reason", "off topic", "--reviewer", reviewer,
            "--corpus", str(corpus)]
    code = f"from litreview.cli.main import main; raise SystemExit(main({argv!r}))"
    return subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True, text=True,
                          preexec_fn=limit if fsize else None, check=False)


# -- 2. byte-complete appends ------------------------------------------------------------------


def test_decide_under_a_file_size_limit_fails_in_one_line_and_leaves_the_log_whole(corpus: Path) -> None:
    log = corpus / "decisions" / "r1.jsonl"  # the reviewer's own file
    assert _decide(corpus, "r1").returncode == 0
    before = log.read_bytes()
    cut = _decide(corpus, "r1", fsize=len(before) + 40)
    assert cut.returncode == 1 and "recorded" not in cut.stdout
    assert cut.stderr.startswith(f"litreview: error: {log}: cannot be written (File too large)")
    assert cut.stderr.count("\n") == 1
    assert log.read_bytes() == before  # the 40 bytes that fitted were cut back
    assert main(["check", "--corpus", str(corpus)]) == 0
    assert _decide(corpus, "r1").returncode == 0 and len(load_decisions(corpus / "decisions.jsonl")) == 2


def test_append_writes_every_byte_when_os_write_is_short(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.write
    monkeypatch.setattr(_io.os, "write", lambda fd, data: real(fd, bytes(data[:7])))
    log = DecisionLog((), tmp_path / "decisions.jsonl")
    log.append(make_decision("1", "screen", "alice", decision="include"))
    log.append(make_decision("2", "screen", "alice", decision="include"))
    assert [d.key for d in load_decisions(log.path)] == ["1", "2"]


def test_append_after_a_torn_line_is_refused_naming_it(tmp_path: Path) -> None:
    path = write_log(tmp_path / "decisions.jsonl", screen("1", "alice", "2026-01-01T00:00:00Z"))
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"key": "2", "stage": "scr')  # a writer killed part-way
    before = path.read_bytes()
    log = DecisionLog((), path)
    with pytest.raises(CorpusError, match=r"decisions.jsonl: line 2 is incomplete"):
        log.append(make_decision("3", "screen", "bob", decision="include"))
    assert path.read_bytes() == before


def test_a_full_disk_mid_line_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_log(tmp_path / "decisions.jsonl", screen("1", "alice", "2026-01-01T00:00:00Z"))
    before = path.read_bytes()
    real = os.write
    calls: list[int] = []

    def full(fd: int, data: bytes) -> int:
        calls.append(len(data))
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, bytes(data[:5]))

    monkeypatch.setattr(_io.os, "write", full)
    with pytest.raises(CorpusError, match="No space left on device"):
        DecisionLog((), path).append(make_decision("2", "screen", "bob", decision="include"))
    assert path.read_bytes() == before


# -- 1. the panels -----------------------------------------------------------------------------


def test_panel_names_the_record_when_the_write_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log_path = tmp_path / "decisions.jsonl"
    snapshot = _snapshot()
    panel = ScreeningPanel(snapshot, {"bdnf": BDNF}, CLAIMS, load_decisions(log_path, snapshot), reviewer="alice")
    panel.buttons["include"].click()
    assert panel.status.value.startswith("recorded alice: include")
    shown = panel.current
    monkeypatch.setattr(_io.os, "write", lambda fd, data: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space")))
    panel.buttons["include"].click()
    assert "not recorded" in panel.status.value and "No space" in panel.status.value
    assert panel._label(shown) in panel.status.value and panel.current == shown


def test_panel_reports_an_oserror_from_the_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log_path = tmp_path / "decisions.jsonl"
    snapshot = _snapshot()
    panel = ScreeningPanel(snapshot, {"bdnf": BDNF}, CLAIMS, load_decisions(log_path, snapshot), reviewer="alice")
    panel.buttons["include"].click()

    def refuse(self: DecisionLog, decision: object) -> DecisionLog:
        raise PermissionError(errno.EACCES, "Permission denied", str(log_path))

    monkeypatch.setattr(DecisionLog, "append", refuse)
    panel.buttons["include"].click()
    assert panel.status.value.startswith("<span") and "not recorded" in panel.status.value
    assert "Permission denied" in panel.status.value and "recorded alice" not in panel.status.value


# -- 9. the log replaced by a directory ---------------------------------------------------------


def test_decide_and_check_on_a_decisions_directory_are_one_line(corpus: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    log = corpus / "decisions.jsonl"
    log.unlink()
    log.mkdir()
    assert main(["decide", "10686270", "--stage", "screen", "--include", "--reviewer", "r1",
                 "--corpus", str(corpus)]) == 1
    assert capsys.readouterr().err == f"litreview: error: {log}: is a directory, not a file: " \
                                      "decisions cannot be read or recorded\n"
    assert main(["check", "--corpus", str(corpus)]) == 1
    assert "is a directory" in capsys.readouterr().err
    with pytest.raises(CorpusError, match="is a directory, not a file: nothing was appended"):
        DecisionLog((), log).append(make_decision("1", "screen", "alice", decision="include"))


# -- 9, 11. times and reviewer names -------------------------------------------------------------


@pytest.mark.parametrize("time", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_a_time_overflowing_utc_is_one_error(tmp_path: Path, time: str) -> None:
    path = write_log(tmp_path / "decisions.jsonl", screen("1", "alice", time))
    with pytest.raises(CorpusError, match=r"line 1: time .* out of range once converted to UTC"):
        load_decisions(path)


def test_times_keep_a_four_digit_year(tmp_path: Path) -> None:
    path = write_log(tmp_path / "decisions.jsonl", screen("1", "alice", "0999-06-01T00:00:00Z"))
    assert next(iter(load_decisions(path))).time == "0999-06-01T00:00:00Z"


def test_a_reviewer_name_with_a_trailing_newline_is_refused() -> None:
    with pytest.raises(CorpusError, match="reviewer must be one word"):
        make_decision("1", "screen", "alice\n", decision="include")


def test_decisions_listing_strips_terminal_control_characters(corpus: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    write_log(corpus / "decisions.jsonl",
              screen("10686270", "alice", "2026-01-01T00:00:00Z", note="fine\x1b]0;pwned\x07\x1b[2J\r done"))
    assert main(["decisions", "--corpus", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out and "fine" in out and "done" in out


def test_concurrent_appends_keep_every_line(tmp_path: Path) -> None:
    path = tmp_path / "decisions.jsonl"
    code = ("import sys; from litreview.corpus.decisions import DecisionLog; "
            "from litreview.corpus.decision_schema import make_decision; from pathlib import Path\n"
            "log = DecisionLog((), Path(sys.argv[1]))\n"
            "for i in range(50): log.append(make_decision(str(i), 'screen', sys.argv[2], decision='include'))")
    writers = [subprocess.Popen([sys.executable, "-c", code, str(path), f"r{n}"], env=ENV) for n in range(4)]
    assert all(w.wait() == 0 for w in writers)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 200 and len({(r["key"], r["reviewer"]) for r in rows}) == 200


# -- 3. orphan decisions -------------------------------------------------------------------------


def _orphans(corpus: Path) -> Path:
    """A log with one good decision, one on a record the snapshot lacks and one on a claim since removed."""
    key, claim = "10686270", json.loads((corpus / "snapshot" / "curated.jsonl").read_text().splitlines()[0])["claim_id"]
    return write_log(corpus / "decisions.jsonl", screen(key, "alice", "2026-01-01T00:00:00Z"),
                     screen("99999999", "alice", "2026-01-01T00:00:00Z"),
                     {"key": key, "claim": "renamed_claim", "stage": "judge", "direction": "supports",
                      "reviewer": "bob", "time": "2026-01-01T00:00:00Z"},
                     {"key": key, "claim": claim, "stage": "judge", "direction": "supports",
                      "reviewer": "bob", "time": "2026-01-01T00:00:00Z"})


def test_check_lists_one_line_per_orphan_decision(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = _orphans(corpus)
    assert main(["check", "--corpus", str(corpus)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    assert err[0].startswith(f"litreview: error: {log}: alice's screen decision of 2026-01-01T00:00:00Z: record "
                             "'99999999' is not in the snapshot")
    assert err[1].startswith(f"litreview: error: {log}: bob's judge decision of 2026-01-01T00:00:00Z: claim "
                             "'renamed_claim' is not in the claims register")


def test_build_review_and_score_warn_with_the_count_left_out(corpus: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    from litreview.corpus.decisions import OrphanDecisionWarning
    from litreview.workbench.pipeline import build_review

    _orphans(corpus)
    with pytest.warns(OrphanDecisionWarning, match="2 decisions left out"):
        build_review(corpus)
    assert main(["score", "--corpus", str(corpus)]) == 0
    assert "litreview: warning: " in capsys.readouterr().err


# -- 4. a snapshot read once ---------------------------------------------------------------------


def test_a_rewrite_between_reads_never_loads_a_mix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_snapshot import changed_snapshot

    from litreview.corpus.snapshot import load_snapshot, write_snapshot

    directory = Path(shutil.copytree(CORPUS / "snapshot", tmp_path / "snapshot"))
    old = load_snapshot(directory)
    new = changed_snapshot(old)
    real = _io._read_bytes
    rewrites: list[str] = []

    def read_then_rewrite(path: Path, missing: str) -> bytes:
        data = real(path, missing)
        if path.name == "records.jsonl" and not rewrites:
            rewrites.append(path.name)
            write_snapshot(new, directory)  # a writer finishes its rewrite right after this file was read
        return data

    monkeypatch.setattr(_io, "_read_bytes", read_then_rewrite)
    loaded = load_snapshot(directory)
    assert rewrites and loaded == new


def test_a_set_rewritten_on_every_read_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_snapshot import changed_snapshot

    from litreview.corpus.snapshot import load_snapshot, write_snapshot

    directory = Path(shutil.copytree(CORPUS / "snapshot", tmp_path / "snapshot"))
    old = load_snapshot(directory)
    versions = [old, changed_snapshot(old)]
    real = _io._read_bytes

    def read_then_rewrite(path: Path, missing: str) -> bytes:
        data = real(path, missing)
        if path.name == "records.jsonl":
            versions.reverse()
            write_snapshot(versions[0], directory)  # the other version, on every read
        return data

    monkeypatch.setattr(_io, "_read_bytes", read_then_rewrite)
    with pytest.raises(CorpusError, match="manifest.json changed twice while the set was read"):
        load_snapshot(directory)


# -- 9, 11. exports ------------------------------------------------------------------------------


def test_run_with_a_full_temporary_folder_is_one_line(corpus: Path, tmp_path: Path) -> None:
    """openpyxl spools sheets to the temporary folder; lxml reports the failed write as SerialisationError."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))

    argv = ["run", "--corpus", str(corpus), "--out", str(tmp_path / "out")]
    code = f"from litreview.cli.main import main; raise SystemExit(main({argv!r}))"
    done = subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True, text=True, preexec_fn=limit,
                          check=False)
    assert done.returncode == 1
    assert done.stderr.startswith("litreview: error: cannot build review.xlsx: writing its sheets to the temporary "
                                  "folder") and done.stderr.count("\n") == 1, done.stderr
    assert not (tmp_path / "out").exists()


def test_review_md_has_no_none_links_and_no_autolinks(tmp_path: Path) -> None:
    import pandas as pd

    from litreview.corpus.records import Article
    from litreview.outputs.export import export_markdown

    cited = [Article(pmid="1", title="Ketamine, see https://evil.example/x or www.evil.example", doi="not-a-doi"),
             Article(pmid="2", title="Fine", doi="10.1000/xyz")]
    text = export_markdown(tmp_path / "review.md", pd.DataFrame({"claim": ["c"]}), cited).read_text()
    assert "(None)" not in text and "[doi:10.1000/xyz](https://doi.org/10.1000/xyz)" in text
    assert "https://evil" not in text and "https\\://evil.example/x" in text and "www\\.evil" in text


def test_ctrl_c_during_shutdown_prints_nothing(corpus: Path) -> None:
    """SIGINT from the last atexit callback: the command's work is done, so no "Exception ignored" may follow."""
    code = ("import atexit, os, signal; atexit.register(lambda: os.kill(os.getpid(), signal.SIGINT))\n"
            "from litreview.cli.main import main; raise SystemExit(main())")
    done = subprocess.run([sys.executable, "-c", code, "check", "--corpus", str(corpus)], env=ENV,
                          capture_output=True, text=True, check=False)
    assert done.stdout.startswith("ok: ") and done.stderr == ""
    assert done.returncode in (0, -2)  # finished, or ended by the Ctrl-C as Unix tools are


def test_decide_on_a_read_only_log_is_one_line(corpus: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Tests run as root, so a read-only checkout is played by os.open refusing the log."""
    real = os.open

    def read_only(path: object, flags: int, *args: object) -> int:
        if str(path).endswith(".jsonl") and flags & (os.O_WRONLY | os.O_RDWR):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real(path, flags, *args)

    monkeypatch.setattr(_io.os, "open", read_only)
    assert main(["decide", "10686270", "--stage", "screen", "--include", "--reviewer", "r1",
                 "--corpus", str(corpus)]) == 1
    assert capsys.readouterr().err == (f"litreview: error: {corpus / 'decisions' / 'r1.jsonl'}: cannot be written "
                                       "(Permission denied): nothing was appended\n")
