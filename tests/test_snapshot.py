"""Offline snapshot: build from the curated register, reload, reproducibility, bad input."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import CORPUS, KETAMINE
from litreview.cli.main import main
from litreview.corpus.claims import load_claims, load_mechanisms
from litreview.corpus.register import build_snapshot_from_register
from litreview.corpus.snapshot import Snapshot, load_snapshot, write_snapshot
from litreview.errors import CorpusError
from litreview.workbench.pipeline import build_review

SNAPSHOT_FILES = ("records.jsonl", "provenance.jsonl", "curated.jsonl", "searches.json")

MECHANISMS = load_mechanisms(CORPUS / "mechanisms.toml")
CLAIMS = load_claims(CORPUS / "claims.toml", MECHANISMS)


def register_files(shared: Path) -> list[Path]:
    """The register and its pending-DOI companion."""
    return [shared / "evidence" / "register.jsonl", shared / "evidence" / "pending_doi.jsonl"]


def rows(path: Path) -> list[dict]:
    """JSON-lines rows of a register file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_committed_snapshot_loads_without_shared() -> None:
    snapshot = load_snapshot(CORPUS / "snapshot")
    assert snapshot.records
    assert all(a.source in {"curated", "pubmed"} for a in snapshot.records)
    assert all(a.key in snapshot.provenance for a in snapshot.records)
    curated = [a for a in snapshot.records if a.source == "curated"]
    assert all(a.curated_summary and not a.abstract for a in curated)


def test_every_register_study_is_in_the_snapshot(shared: Path) -> None:
    snapshot = build_snapshot_from_register(register_files(shared), MECHANISMS, CLAIMS, "2026-11-22", KETAMINE)
    keys = set(snapshot.keys)
    for path in register_files(shared):
        for row in rows(path):
            key = row["pmid"] or f"doi:{row['doi'].lower()}"
            assert key in keys, key
            for claim_id in row["claim_ids"]:
                judgement = [j for j in snapshot.curated if j.key == key and j.claim_id == claim_id]
                assert len(judgement) == 1
                expected = "no_effect" if row["direction"] == "null" else row["direction"]
                assert judgement[0].direction == expected
                assert judgement[0].finding == " ".join(row["finding"].split()), (key, claim_id)
    pmids = {r["pmid"] for r in rows(register_files(shared)[0])}
    assert len([a for a in snapshot.records if a.pmid]) == len(pmids)


def test_provenance_fields_are_set(shared: Path) -> None:
    snapshot = build_snapshot_from_register(register_files(shared), MECHANISMS, CLAIMS, "2026-11-22", KETAMINE)
    for key, prov in snapshot.provenance.items():
        assert prov.source == "curated"
        assert prov.verification in {"pubmed_or_pmc_page", "secondary_page", "doi_page", "pmid_not_seen"}
        if prov.verification != "pmid_not_seen":
            assert prov.verified_via and prov.verified_via.startswith("http")
        assert prov.retrieved == "2026-11-22"
        assert prov.queries, key
    unresolved = [a for a in snapshot.records if a.pmid is None]
    assert unresolved and all(a.key.startswith("doi:") and a.doi for a in unresolved)
    assert all(snapshot.provenance[a.key].verification == "doi_page" for a in unresolved)
    not_seen = [k for k, p in snapshot.provenance.items() if p.verification == "pmid_not_seen"]
    assert not_seen and all(snapshot.record(k).pmid for k in not_seen)


def test_two_rows_of_one_study_keep_their_own_findings(shared: Path) -> None:
    """Milak 2016, Yang 2019 and Moghaddam 1997 have one row per claim, each with its own direction and finding."""
    snapshot = build_snapshot_from_register(register_files(shared), MECHANISMS, CLAIMS, "2026-11-22", KETAMINE)
    for key in ("26283639", "31699965", "doi:10.1523/jneurosci.17-08-02921.1997"):
        judgements = [j for j in snapshot.curated if j.key == key]
        assert len({j.direction for j in judgements}) == 2, key
        assert len({j.finding for j in judgements}) == 2, key
        assert all(j.finding in snapshot.record(key).curated_summary for j in judgements)


def test_build_is_reproducible_byte_for_byte(shared: Path, tmp_path: Path) -> None:
    for name in ("a", "b"):
        snapshot = build_snapshot_from_register(register_files(shared), MECHANISMS, CLAIMS, "2026-11-22", KETAMINE)
        write_snapshot(snapshot, tmp_path / name)
    for file in ("records.jsonl", "provenance.jsonl", "curated.jsonl", "searches.json"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    assert load_snapshot(tmp_path / "a") == build_snapshot_from_register(
        register_files(shared), MECHANISMS, CLAIMS, "2026-11-22", KETAMINE
    )


def test_committed_snapshot_is_current(shared: Path, tmp_path: Path) -> None:
    committed = load_snapshot(CORPUS / "snapshot")
    if any(p.source == "pubmed" for p in committed.provenance.values()):
        pytest.skip("snapshot was refreshed from PubMed; it no longer mirrors the register alone")
    date = next(iter(committed.provenance.values())).retrieved
    write_snapshot(build_snapshot_from_register(register_files(shared), MECHANISMS, CLAIMS, date, KETAMINE), tmp_path)
    for file in ("records.jsonl", "provenance.jsonl", "curated.jsonl", "searches.json"):
        assert (tmp_path / file).read_bytes() == (CORPUS / "snapshot" / file).read_bytes(), file


GOOD_ROW = {
    "pmid": "123", "doi": None, "title": "T", "journal": "J", "year": 2020, "first_author": "Doe J",
    "publication_types": [], "design": "rct", "population": "human", "species": "human", "n": 10,
    "mechanism": "bdnf", "claim_ids": ["bdnf_increase"], "direction": "supports", "finding": "F.",
    "pubmed_url": None, "verified_via": "https://example.org/", "verification": "secondary_page",
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"mechanism": "bdnff"}, "unknown mechanism 'bdnff'"),
        ({"claim_ids": ["nope"]}, "unknown claim id 'nope'"),
        ({"direction": "maybe"}, "field 'direction': must be one of supports, .*not 'maybe'"),
        ({"finding": ""}, "missing field 'finding'"),
        ({"pmid": None}, "neither pmid nor doi"),
        ({"colour": "red"}, "unknown field 'colour'"),
    ],
)
def test_bad_register_rows_name_file_and_line(tmp_path: Path, change: dict, message: str) -> None:
    path = tmp_path / "register.jsonl"
    path.write_text(json.dumps(GOOD_ROW) + "\n" + json.dumps({**GOOD_ROW, **change}) + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=message) as info:
        build_snapshot_from_register([path], MECHANISMS, CLAIMS, "2026-11-22", KETAMINE)
    assert "register.jsonl:2" in str(info.value)


def test_invalid_json_and_missing_snapshot_files(tmp_path: Path) -> None:
    path = tmp_path / "register.jsonl"
    path.write_text(json.dumps(GOOD_ROW) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="line 2: invalid JSON"):
        build_snapshot_from_register([path], MECHANISMS, CLAIMS, "2026-11-22", KETAMINE)
    with pytest.raises(CorpusError, match="snapshot file missing"):
        load_snapshot(tmp_path / "nowhere")


def test_corrupt_snapshot_names_file_and_line(tmp_path: Path) -> None:
    snapshot = build_snapshot_from_register([_write(tmp_path, GOOD_ROW)], MECHANISMS, CLAIMS, "2026-11-22", KETAMINE)
    write_snapshot(snapshot, tmp_path / "snap")
    records = tmp_path / "snap" / "records.jsonl"
    records.write_text(records.read_text(encoding="utf-8") + '{"pmid": "9", "colour": 1}\n', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"records.jsonl: line 2 \(pmid '9'\): unknown field 'colour'"):
        load_snapshot(tmp_path / "snap")


def test_doi_only_row_merges_into_pmid_record(tmp_path: Path) -> None:
    first = {**GOOD_ROW, "doi": "10.1/ABC"}
    second = {**GOOD_ROW, "pmid": None, "doi": "10.1/abc", "claim_ids": ["bdnf_low_in_depression"],
              "direction": "contradicts"}
    snapshot = build_snapshot_from_register([_write(tmp_path, first, second)], MECHANISMS, CLAIMS, "2026-11-22",
                                            KETAMINE)
    assert snapshot.keys == ("123",)
    assert {j.claim_id for j in snapshot.curated} == {"bdnf_increase", "bdnf_low_in_depression"}


def _write(tmp_path: Path, *register_rows: dict) -> Path:
    """Write rows to a register file in tmp_path."""
    path = tmp_path / "reg.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in register_rows), encoding="utf-8")
    return path


# -- issue 16, item 5: the snapshot is written as one unit -------------------------------------

TESTS = Path(__file__).parent


def changed_snapshot(old: Snapshot, verified_via: str | None = None) -> Snapshot:
    """``old`` with every file's content changed, so a mix of the two sets is recognisable."""
    return Snapshot(
        records=tuple(replace(a, title=a.title + " (v2)") for a in old.records),
        searches={k: replace(s, retrieved="2027-01-01") for k, s in old.searches.items()},
        provenance={k: replace(p, retrieved="2027-01-01", verified_via=verified_via or p.verified_via)
                    for k, p in old.provenance.items()},
        curated=tuple(replace(j, finding=j.finding + " (v2)") for j in old.curated),
    )


_WRITER = """
import resource, signal, sys
sys.path.insert(0, {tests!r})
from pathlib import Path
from test_snapshot import changed_snapshot
from litreview.corpus.snapshot import load_snapshot, write_snapshot

target, event, nth, action = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
new = changed_snapshot(load_snapshot(target), verified_via="https://example.org/" + "v" * 3000)
if action == "fsize":  # a file-size limit the provenance file exceeds: writes fail with EFBIG, like a full disk
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (250_000, 250_000))
seen = 0

def hook(name, args):
    global seen
    if name == event and str(args[0]).startswith(str(target)) and (event != "open" or str(args[0]).endswith(".tmp")):
        seen += 1
        if seen == nth:
            signal.raise_signal(signal.SIGKILL if action == "kill" else signal.SIGINT)  # at this very call

sys.addaudithook(hook)
try:
    write_snapshot(new, target)
    print("written")
except KeyboardInterrupt:
    print("interrupted")
except Exception as exc:
    print(f"{{type(exc).__name__}}: {{exc}}")
"""


def _write_in_subprocess(target: Path, event: str, nth: int, action: str) -> subprocess.CompletedProcess[str]:
    """Run write_snapshot(changed) on ``target`` in a child that is hit at the ``nth`` ``event``."""
    script = _WRITER.format(tests=str(TESTS))
    return subprocess.run([sys.executable, "-c", script, str(target), event, str(nth), action],
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def snapshot_copy(tmp_path: Path) -> Path:
    """The snapshot of a private copy of the committed corpus."""
    shutil.copytree(CORPUS, tmp_path / "corpus")
    return tmp_path / "corpus" / "snapshot"


@pytest.mark.parametrize(("event", "nth"), [("open", 1), ("open", 3), ("os.rename", 1), ("os.rename", 2),
                                            ("os.rename", 4), ("os.rename", 5)])
def test_killed_write_leaves_the_old_set_or_a_refusal_never_a_mix(snapshot_copy: Path, event: str, nth: int) -> None:
    """``kill -9`` at any point of ``write_snapshot``: a reader gets the old set, or a one-line refusal."""
    old = load_snapshot(snapshot_copy)
    done = _write_in_subprocess(snapshot_copy, event, nth, "kill")
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
    try:
        loaded = load_snapshot(snapshot_copy)
    except CorpusError as exc:
        assert "does not match manifest.json" in str(exc) and "\n" not in str(exc)
        assert main(["check", "--corpus", str(snapshot_copy.parent)]) == 1  # `litreview check` refuses it too
        return
    assert loaded == old, "a reader saw a mix of the old and the new snapshot"


def test_full_disk_keeps_the_old_set_and_is_one_line(snapshot_copy: Path) -> None:
    old = load_snapshot(snapshot_copy)
    done = _write_in_subprocess(snapshot_copy, "none", 0, "fsize")
    assert done.stdout.startswith("CorpusError: ") and "cannot write the snapshot (File too large)" in done.stdout
    assert done.stdout.count("\n") == 1, done.stdout + done.stderr
    assert load_snapshot(snapshot_copy) == old
    assert sorted(p.name for p in snapshot_copy.iterdir()) == sorted([*SNAPSHOT_FILES, "manifest.json"])


def test_ctrl_c_during_the_renames_finishes_the_set_first(snapshot_copy: Path) -> None:
    old = load_snapshot(snapshot_copy)
    done = _write_in_subprocess(snapshot_copy, "os.rename", 2, "sigint")
    assert done.stdout == "interrupted\n", done.stdout + done.stderr
    assert load_snapshot(snapshot_copy) == changed_snapshot(old, verified_via="https://example.org/" + "v" * 3000)


def test_check_finds_a_file_changed_outside_litreview(snapshot_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = snapshot_copy / "records.jsonl"
    records.write_text(records.read_text(encoding="utf-8").replace("Ketamine", "Ketamin", 1), encoding="utf-8")
    assert main(["check", "--corpus", str(snapshot_copy.parent)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"litreview: error: {snapshot_copy}: records.jsonl does not match manifest.json (SHA-256 "
                          "differs)") and err.count("\n") == 1
    (snapshot_copy / "manifest.json").unlink()
    with pytest.raises(CorpusError, match=r"manifest.json: missing: cannot verify the files"):
        load_snapshot(snapshot_copy)


def test_check_says_the_snapshot_was_verified(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--corpus", str(CORPUS)]) == 0
    assert "; snapshot files match manifest.json;" in capsys.readouterr().out


def test_a_snapshot_that_could_not_be_read_back_is_never_written(snapshot_copy: Path) -> None:
    old = load_snapshot(snapshot_copy)
    bad = Snapshot(old.records, old.searches, {k: replace(p, retrieved="banana") for k, p in old.provenance.items()},
                   old.curated)
    with pytest.raises(CorpusError, match=r"provenance.jsonl: line 1 \(key '10686270'\): field 'retrieved': must be "
                                          r"a date YYYY-MM-DD, not 'banana'"):
        write_snapshot(bad, snapshot_copy)
    assert load_snapshot(snapshot_copy) == old


def test_a_fact_check_citing_a_record_the_snapshot_lacks_is_refused(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    claims_file = corpus / "claims.toml"
    claims_file.write_text(claims_file.read_text(encoding="utf-8").replace('"32456714"]', '"99999999"]'),
                           encoding="utf-8")
    assert main(["check", "--corpus", str(corpus)]) == 1
    with pytest.raises(CorpusError, match="claim 'approval_2019' cites fact source '99999999'"):
        build_review(corpus)
