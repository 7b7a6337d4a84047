"""Local PubMed mirror: Dask conversion, update/delete semantics, resume, MD5 checks, DuckDB search, CLI."""

from __future__ import annotations

import copy
import gzip
import hashlib
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

pytest.importorskip("dask.distributed", reason="mirror extra (dask[distributed]) not installed")
pytest.importorskip("duckdb", reason="mirror extra (duckdb) not installed")
pytest.importorskip("pyarrow", reason="mirror extra (pyarrow) not installed")

from dask.distributed import Client, LocalCluster  # noqa: E402
from lxml import etree  # noqa: E402

from conftest import KETAMINE  # noqa: E402
from litreview.cli import main as cli  # noqa: E402
from litreview.corpus.claims import Mechanism  # noqa: E402
from litreview.corpus.records import Article  # noqa: E402
from litreview.corpus.review_config import Intervention  # noqa: E402
from litreview.corpus.snapshot import (  # noqa: E402
    CuratedJudgement,
    Provenance,
    SearchResult,
    Snapshot,
    load_snapshot,
    write_snapshot,
)
from litreview.errors import ConfigError, MirrorError  # noqa: E402
from litreview.sources.mirror import (  # noqa: E402
    mirror_articles,
    open_mirror,
    refresh_from_mirror,
    search_mirror,
)
from litreview.sources.mirror_build import build_mirror, find_inputs  # noqa: E402
from litreview.sources.mirror_format import arrow_schema  # noqa: E402
from litreview.sources.pubmed_xml import parse_pubmed_xml  # noqa: E402

OLD_TITLE_PMID = "2930949"  # "Low back pain." (1985), revised in the update file
DELETED_PMID = "9997"  # deleted by the update file's DeleteCitation
ADDED_PMID = "28775130"  # new in the update file


def _articles(path: Path) -> list[etree._Element]:
    """``PubmedArticle`` elements of a real PubMed XML file (plain or gzipped)."""
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    return root.findall("PubmedArticle")


def _write(path: Path, articles: Sequence[etree._Element], deleted: Sequence[str] = (), md5: bool = True) -> None:
    """Write a baseline-format file (``PubmedArticleSet``, DeleteCitation last), gzipped, with an NCBI .md5."""
    body = b"".join(etree.tostring(a) for a in articles)
    dels = b"".join(b'<DeleteCitation><PMID Version="1">%s</PMID></DeleteCitation>' % p.encode() for p in deleted)
    data = gzip.compress(b'<?xml version="1.0" ?>\n<PubmedArticleSet>' + body + dels + b"</PubmedArticleSet>\n",
                         mtime=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if md5:
        _write_md5(path, hashlib.md5(data).hexdigest())


def _write_md5(path: Path, hexdigest: str) -> None:
    """NCBI checksum file beside ``path``."""
    path.with_name(path.name + ".md5").write_text(f"MD5({path.name})= {hexdigest}\n")


@pytest.fixture
def baseline(shared: Path, tmp_path: Path) -> Path:
    """Two baseline files, an update file (revision, new record, DeleteCitation) and a corrupt file."""
    data = shared / "data"
    first = _articles(data / "medline" / "test_current_medline.xml.gz") + _articles(
        data / "medline" / "pubmed-29768149.xml")
    second = [a for name in ("pubmed1.xml", "pubmed2.xml", "pubmed4.xml")
              for a in _articles(data / "eutils-responses" / name)]
    revised = copy.deepcopy(next(a for a in first if a.findtext(".//PMID") == OLD_TITLE_PMID))
    revised.find(".//ArticleTitle").text = "Low back pain revisited."
    added = _articles(data / "eutils-responses" / "pubmed5.xml")
    root = tmp_path / "baseline"
    _write(root / "pubmed26n0001.xml.gz", first)
    _write(root / "pubmed26n0002.xml.gz", second)
    _write(root / "updatefiles" / "pubmed26n0003.xml.gz", [revised, *added], deleted=[DELETED_PMID])
    corrupt = root / "updatefiles" / "pubmed26n0004.xml.gz"
    corrupt.write_bytes(gzip.compress(b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID>", mtime=0))
    (root / "README.txt").write_text("not an input")
    return root


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Client]:
    """One in-process Dask worker (threads; TCP on 127.0.0.1 because the inproc transport probes 8.8.8.8)."""
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, host="127.0.0.1", protocol="tcp://",
                      dashboard_address="127.0.0.1:0") as cluster:
        with Client(cluster) as client:
            yield client


@pytest.fixture
def mirror(baseline: Path, tmp_path: Path, dask_client: Client) -> Path:
    """The baseline fixture built into a mirror."""
    out = tmp_path / "mirror"
    build_mirror(baseline, out, scheduler=dask_client)
    return out


def _pmids(articles: Sequence[Article]) -> list[str]:
    """PMIDs of records, in order."""
    return [a.pmid or "" for a in articles]


def test_find_inputs_orders_baseline_then_updates_and_ignores_other_files(baseline):
    names = [p.name for p in find_inputs(baseline)]
    assert names == [f"pubmed26n000{i}.xml.gz" for i in (1, 2, 3, 4)]
    assert [p.name for p in find_inputs(baseline, baseline / "updatefiles")] == names


def test_find_inputs_rejects_mixed_years_and_empty_directories(baseline, tmp_path):
    _write(baseline / "pubmed25n0009.xml.gz", [])
    with pytest.raises(MirrorError, match="different baseline years"):
        find_inputs(baseline)
    (tmp_path / "empty").mkdir()
    with pytest.raises(MirrorError, match="no pubmedYYnNNNN"):
        find_inputs(tmp_path / "empty")


def test_arrow_schema_follows_the_record_schema():
    schema = arrow_schema()
    assert schema.names[:-2] == list(Article.__dataclass_fields__)
    assert schema.names[-2:] == ["_seq", "_row"]
    assert str(schema.field("mesh_headings").type).startswith("list<item: struct<descriptor: string")
    assert str(schema.field("pub_date").type).startswith("struct<year: int64")


def test_build_converts_each_file_and_reports_the_corrupt_one(baseline, tmp_path, dask_client):
    out = tmp_path / "mirror"
    done = build_mirror(baseline, out, scheduler=dask_client)
    assert done.converted == ("pubmed26n0001.xml.gz", "pubmed26n0002.xml.gz", "pubmed26n0003.xml.gz")
    assert [name for name, _ in done.failed] == ["pubmed26n0004.xml.gz"]
    assert done.failed[0][1].startswith("line 1: invalid XML")
    assert (done.records, done.deleted, done.converted_records) == (12, 1, 12)
    assert done.current == 10  # 12 rows - old version of 2930949 - deleted 9997
    assert sorted(p.name for p in (out / "files").iterdir()) == [
        "pubmed26n0001.parquet", "pubmed26n0002.parquet", "pubmed26n0003.parquet"]
    manifest = json.loads((out / "manifest.json").read_text())
    entry = manifest["files"]["pubmed26n0003.xml.gz"]
    assert entry["records"] == 2 and entry["deleted"] == [DELETED_PMID] and entry["kind"] == "update"
    assert entry["md5"] == hashlib.md5((baseline / "updatefiles" / "pubmed26n0003.xml.gz").read_bytes()).hexdigest()
    assert manifest["files"]["pubmed26n0001.xml.gz"]["records"] == 5
    assert not list(out.rglob("*.tmp"))


def test_updates_win_and_deletions_remove(mirror, shared):
    articles, missing = mirror_articles(mirror, [OLD_TITLE_PMID, DELETED_PMID, ADDED_PMID, "12091962"])
    assert _pmids(articles) == [OLD_TITLE_PMID, ADDED_PMID, "12091962"] and missing == (DELETED_PMID,)
    assert articles[0].title == "Low back pain revisited."
    with open_mirror(mirror) as con:
        assert con.execute("SELECT count(*), count(DISTINCT pmid) FROM articles").fetchone() == (10, 10)
    # a record read back from Parquet equals the parser's record
    original = parse_pubmed_xml(shared / "data" / "eutils-responses" / "pubmed4.xml")[0]
    assert mirror_articles(mirror, [original.pmid])[0] == [original]


def test_deletion_applies_to_older_and_same_file_versions_only(shared, tmp_path, dask_client):
    data = shared / "data" / "eutils-responses"
    first, second = _articles(data / "pubmed1.xml")  # PMIDs 12091962, 9997
    root = tmp_path / "in"
    _write(root / "pubmed26n0001.xml.gz", [first, second])
    _write(root / "pubmed26n0002.xml.gz", [], deleted=["12091962"])
    _write(root / "pubmed26n0003.xml.gz", [first])  # added again after its deletion
    _write(root / "pubmed26n0004.xml.gz", [second], deleted=["9997"])  # record and deletion in one file
    done = build_mirror(root, tmp_path / "mirror", scheduler=dask_client)
    assert (done.records, done.current, done.deleted) == (4, 1, 2)
    assert mirror_articles(tmp_path / "mirror", ["12091962", "9997"])[1] == ("9997",)


def test_rerun_skips_unchanged_files_and_reconverts_changed_ones(baseline, mirror, dask_client):
    again = build_mirror(baseline, mirror, scheduler=dask_client)
    assert again.converted == () and len(again.skipped) == 3 and again.current == 10
    # a changed file (new content, new .md5) is converted again; the others are not
    second = baseline / "pubmed26n0002.xml.gz"
    kept = [a for a in _articles(second) if a.findtext(".//PMID") != "12091962"]
    _write(second, kept)
    changed = build_mirror(baseline, mirror, scheduler=dask_client)
    assert changed.converted == ("pubmed26n0002.xml.gz",) and changed.current == 9
    assert mirror_articles(mirror, ["12091962"]) == ([], ("12091962",))
    # without a .md5 file the MD5 is computed: unchanged content is still skipped
    second.with_name(second.name + ".md5").unlink()
    assert build_mirror(baseline, mirror, scheduler=dask_client).converted == ()


def test_md5_mismatch_is_reported_and_the_stale_conversion_dropped(baseline, mirror, dask_client):
    _write_md5(baseline / "pubmed26n0002.xml.gz", "0" * 32)
    done = build_mirror(baseline, mirror, scheduler=dask_client)
    failures = dict(done.failed)
    assert "differs from the .md5 file" in failures["pubmed26n0002.xml.gz"]
    assert done.removed == ("pubmed26n0002.xml.gz",) and (done.records, done.current) == (7, 6)
    assert not (mirror / "files" / "pubmed26n0002.parquet").exists()


def test_removed_input_leaves_the_mirror(baseline, mirror, dask_client):
    (baseline / "updatefiles" / "pubmed26n0003.xml.gz").unlink()
    done = build_mirror(baseline, mirror, scheduler=dask_client)
    assert done.removed == ("pubmed26n0003.xml.gz",)
    assert mirror_articles(mirror, [OLD_TITLE_PMID])[0][0].title == "Low back pain."
    assert mirror_articles(mirror, [DELETED_PMID])[1] == ()


def test_interrupted_build_is_refused_by_search(mirror):
    manifest = json.loads((mirror / "manifest.json").read_text())
    manifest["files"]["pubmed26n0002.xml.gz"]["md5"] = "f" * 32  # converted, index not rebuilt yet
    (mirror / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(MirrorError, match="build incomplete"):
        search_mirror(mirror, "pain")


def test_search_terms_phrases_truncation_and_filters(mirror):
    assert _pmids(search_mirror(mirror, "back pain")) == [OLD_TITLE_PMID, "11446611", "36400559"]
    assert _pmids(search_mirror(mirror, "pain back")) == [OLD_TITLE_PMID, "11446611", "36400559"]
    assert _pmids(search_mirror(mirror, '"LOW back pain"')) == [OLD_TITLE_PMID]
    assert search_mirror(mirror, '"pain back"') == []  # a phrase keeps its word order
    assert _pmids(search_mirror(mirror, "revisited")) == [OLD_TITLE_PMID]  # the updated title
    assert search_mirror(mirror, "Chromatium") == []  # only in the deleted record
    assert search_mirror(mirror, "pai") == []  # whole words only
    assert _pmids(search_mirror(mirror, "pai* AND back")) == [OLD_TITLE_PMID, "11446611", "36400559"]
    assert _pmids(search_mirror(mirror, "pain", years=(2000, 2020))) == ["11446611"]
    assert _pmids(search_mirror(mirror, "", mesh=["low back pain"])) == ["36400559"]
    assert _pmids(search_mirror(mirror, "", publication_types=["Meta-Analysis"], years=(2017, None))) == ["28786991"]
    hit = search_mirror(mirror, "budesonide formoterol")[0]
    assert hit.pmid == "29768149" and hit.source == "pubmed" and "Randomized Controlled Trial" in (
        hit.publication_type_names)


@pytest.mark.parametrize("query", ["pain OR back", "(pain)", "pain[tiab]", '"back pain', ""])
def test_search_rejects_unsupported_syntax(mirror, query):
    with pytest.raises(MirrorError):
        search_mirror(mirror, query)


def test_refresh_from_mirror_records_origin_mirror(mirror):
    mechanism = Mechanism("pain", "Pain", ("back pain",), ("Low Back Pain",))
    curated = Article(pmid=None, doi="10.1016/j.ncl.2022.07.002", title="Back Pain", source="curated")
    snapshot = Snapshot(
        records=(curated,),
        searches={"pain": SearchResult("pain", "q", 1, (curated.key,), "curated_register", "2026-01-01")},
        provenance={curated.key: Provenance(curated.key, "curated", "2026-01-01", "doi_page")},
        curated=(CuratedJudgement(curated.key, "pain-1", "pain", "supports"),),
    )
    # the mechanism query needs the drug group too: no record mentions ketamine
    done = refresh_from_mirror(snapshot, {"pain": mechanism}, mirror, "2026-11-23", KETAMINE)
    assert done.resolved == {"10.1016/j.ncl.2022.07.002": "36400559"}
    search = done.snapshot.searches["pain"]
    assert isinstance(search, SearchResult) and search.origin == "mirror" and search.count == 0
    assert search.keys == ("36400559",)  # curated evidence stays attached, re-keyed to the PMID
    record = done.snapshot.record("36400559")
    assert record.source == "pubmed" and record.abstract
    assert done.snapshot.provenance["36400559"].source == "pubmed"
    assert {j.key for j in done.snapshot.curated} == {"36400559"}


def test_refresh_from_mirror_finds_mechanism_hits(mirror):
    mechanism = Mechanism("back", "Back", ("differential diagnosis",), ("Spinal Stenosis",))
    snapshot = Snapshot(records=(), searches={}, provenance={})
    done = refresh_from_mirror(snapshot, {"back": mechanism}, mirror, "2026-11-23", Intervention("pain", ("pain",)))
    search = done.snapshot.searches["back"]
    assert search.keys == (OLD_TITLE_PMID, "36400559") and search.count == 2
    assert done.snapshot.provenance[OLD_TITLE_PMID].queries == ("back",)


def test_build_on_its_own_local_process_cluster(baseline, tmp_path):
    done = build_mirror(baseline, tmp_path / "mirror", workers=1)
    assert (done.workers, len(done.converted), done.current) == (1, 3, 10)
    assert [name for name, _ in done.failed] == ["pubmed26n0004.xml.gz"]


def test_cli_build_and_search(baseline, tmp_path, capsys, dask_client):
    out = tmp_path / "m"
    scheduler = dask_client.scheduler.address  # the --scheduler path: a new client of a running scheduler
    assert cli.main(["mirror", "build", str(baseline), "--out", str(out), "--scheduler", scheduler]) == 1
    captured = capsys.readouterr()
    assert "3 converted" in captured.out and "10 current records" in captured.out
    assert captured.err.count("\n") == 1 and "pubmed26n0004.xml.gz" in captured.err
    hits = tmp_path / "hits.jsonl"
    assert cli.main(["mirror", "search", str(out), "pain", "--years", "2000:", "--pt", "Review",
                     "--out", str(hits)]) == 0
    rows = [json.loads(line) for line in hits.read_text().splitlines()]
    assert [r["pmid"] for r in rows] == ["11446611", "36400559"]
    assert capsys.readouterr().out == f"2 records -> {hits}\n"
    assert cli.main(["mirror", "search", str(out), "pain", "--mesh", "Back Pain", "--years", "1980:1990"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith(OLD_TITLE_PMID)
    assert cli.main(["mirror", "search", str(out), "pain OR back"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("litreview: error:") and err.count("\n") == 1 and "Traceback" not in err
    with pytest.raises(SystemExit):
        cli.main(["mirror", "search", str(out), "pain", "--years", "2020:2010"])
    assert "years must look like" in capsys.readouterr().err


def test_unreachable_scheduler_is_one_line(baseline, tmp_path, capsys):
    import socket

    import dask

    with socket.socket() as probe:  # a localhost port nothing listens on
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        with pytest.raises(MirrorError, match=f"cannot reach the Dask scheduler at {address}"):
            build_mirror(baseline, tmp_path / "m", scheduler=address)
        assert cli.main(["mirror", "build", str(baseline), "--out", str(tmp_path / "m"), "--scheduler", address]) == 1
    err = capsys.readouterr().err
    assert err.startswith("litreview: error: cannot reach the Dask scheduler") and err.count("\n") == 1
    assert not [p for p in (tmp_path / "m").rglob("*") if p.is_file()]  # no manifest, no partial Parquet


def test_cli_fetch_from_mirror_refreshes_the_snapshot(mirror, tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "litreview.toml").write_text('title = "Pain"\n[intervention]\nname = "pain"\nterms = ["pain"]\n')
    (corpus / "mechanisms.toml").write_text('[[mechanism]]\nkey = "back"\nlabel = "Back"\n'
                                            'synonyms = ["differential diagnosis"]\nmesh = ["Spinal Stenosis"]\n')
    write_snapshot(Snapshot(records=(), searches={}, provenance={}), corpus / "snapshot")
    argv = ["fetch", "--from-mirror", str(mirror), "--corpus", str(corpus), "--date", "2026-11-23"]
    assert cli.main(argv) == 0  # no NCBI_EMAIL needed: nothing goes online
    assert "2 records (2 from the mirror)" in capsys.readouterr().out
    snap = load_snapshot(corpus / "snapshot")
    assert snap.searches["back"].origin == "mirror" and snap.searches["back"].keys == (OLD_TITLE_PMID, "36400559")
    assert snap.record(OLD_TITLE_PMID).title == "Low back pain revisited."
    assert snap.provenance["36400559"] == Provenance("36400559", "pubmed", "2026-11-23", queries=("back",))
    assert cli.main([*argv, "--query", "x", "--out", str(tmp_path / "x.jsonl")]) == 1
    assert capsys.readouterr().err.count("\n") == 1


def test_missing_extra_is_one_line(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "duckdb", None)
    with pytest.raises(ConfigError, match=r"pip install -e '\.\[mirror\]'"):
        search_mirror(tmp_path, "pain")
    assert cli.main(["mirror", "search", str(tmp_path), "pain"]) == 1
    assert capsys.readouterr().err == "litreview: error: install the mirror extra: pip install -e '.[mirror]'\n"


def _truncate(path: Path) -> None:
    """Cut the file in half (a copy interrupted, a full disk)."""
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _zero_middle(path: Path) -> None:
    """Overwrite 2 KB in the middle with zeros, keeping the size (a bad sector)."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle - 1024: middle + 1024] = bytes(2048)
    path.write_bytes(bytes(data))


def _other_file(path: Path) -> None:
    """Replace it with another conversion's Parquet file (valid, but not this input's)."""
    path.write_bytes(path.with_name("pubmed26n0001.parquet").read_bytes())


@pytest.mark.parametrize("damage", [_truncate, _zero_middle, _other_file])
def test_damaged_parquet_file_is_a_one_line_search_error_and_the_rebuild_repairs_it(
        baseline, mirror, dask_client, damage, capsys):
    """Issue 16 item 9: a corrupt Parquet file blocked search and rebuild, and the MD5 check skipped it."""
    before = search_mirror(mirror, "pain")
    damage(mirror / "files" / "pubmed26n0002.parquet")
    if damage is not _other_file:  # another valid file reads fine (wrong records): only the build can tell
        with pytest.raises(MirrorError, match=r"cannot read the mirror's Parquet files .*run `litreview mirror build` "
                                              r"again"):
            search_mirror(mirror, "pain")
        assert cli.main(["mirror", "search", str(mirror), "pain"]) == 1
        err = capsys.readouterr().err
        assert err.startswith("litreview: error: ") and err.count("\n") == 1
    done = build_mirror(baseline, mirror, scheduler=dask_client)
    assert [name for name, _ in done.repaired] == ["pubmed26n0002.xml.gz"]
    assert done.converted == ("pubmed26n0002.xml.gz",) and len(done.skipped) == 2
    assert search_mirror(mirror, "pain") == before
    again = build_mirror(baseline, mirror, scheduler=dask_client)
    assert again.converted == () and again.repaired == ()


# -- issue 27, items 5 and 6: hostile values, per-file faults, manifest paths ------------------


def _hostile(path: Path, template: etree._Element) -> None:
    """An update file whose record has PMID ``Version="²"`` and a 23-digit year, and a ``DeleteCitation`` of ``¹²``."""
    record = copy.deepcopy(template)
    record.find(".//PMID").set("Version", "²")
    year = record.find(".//PubDate/Year")
    if year is None:
        year = etree.SubElement(record.find(".//PubDate"), "Year")
    year.text = "1" * 23
    _write(path, [record], deleted=["¹²"])


def test_hostile_digits_convert_and_other_files_still_do(baseline, tmp_path, dask_client):
    template = _articles(baseline.parent / "baseline" / "pubmed26n0001.xml.gz")[0]
    _hostile(baseline / "updatefiles" / "pubmed26n0005.xml.gz", template)
    done = build_mirror(baseline, tmp_path / "mirror", scheduler=dask_client)
    assert "pubmed26n0005.xml.gz" in done.converted and "pubmed26n0003.xml.gz" in done.converted
    manifest = json.loads((tmp_path / "mirror" / "manifest.json").read_text())
    assert manifest["files"]["pubmed26n0005.xml.gz"]["deleted"] == ["¹²"]
    [article], _ = mirror_articles(tmp_path / "mirror", [template.findtext(".//PMID")])
    assert (article.pmid_version, article.year) == (None, None)


def test_any_fault_of_one_file_is_that_file_s_error(baseline, tmp_path, dask_client, monkeypatch):
    import litreview.sources.pubmed_xml as pubmed_xml

    real = pubmed_xml.iter_pubmed_xml

    def failing(path, **kwargs):
        if str(path).endswith("pubmed26n0002.xml.gz"):
            raise ValueError("invalid literal for int() with base 10: '²'")
        return real(path, **kwargs)

    monkeypatch.setattr(pubmed_xml, "iter_pubmed_xml", failing)
    done = build_mirror(baseline, tmp_path / "mirror", scheduler=dask_client)
    assert done.converted == ("pubmed26n0001.xml.gz", "pubmed26n0003.xml.gz")
    assert ("pubmed26n0002.xml.gz", "ValueError: invalid literal for int() with base 10: '²'") in done.failed


@pytest.mark.parametrize("where", ["../victim.txt", "ABSOLUTE"])
def test_a_manifest_path_outside_files_is_refused_and_deletes_nothing(baseline, mirror, dask_client, where):
    victim = mirror.parent / "victim.txt"
    victim.write_text("keep me")
    manifest = json.loads((mirror / "manifest.json").read_text())
    manifest["files"]["pubmed26n0002.xml.gz"]["parquet"] = str(victim) if where == "ABSOLUTE" else where
    (mirror / "manifest.json").write_text(json.dumps(manifest))
    (baseline / "pubmed26n0002.xml.gz").unlink()  # a removed input: its entry's file would be deleted
    with pytest.raises(MirrorError, match=r"entry 'pubmed26n0002.xml.gz': parquet must be files/NAME.parquet"):
        build_mirror(baseline, mirror, scheduler=dask_client)
    with pytest.raises(MirrorError, match="parquet must be files/NAME.parquet"):
        open_mirror(mirror)
    assert victim.read_text() == "keep me"


def test_a_very_long_phrase_is_a_query_error_not_a_damaged_mirror(mirror, capsys):
    phrase = '"' + " ".join(f"word{i}" for i in range(600)) + '"'
    with pytest.raises(MirrorError, match=r"is too long \(600 words, .*search a shorter phrase"):
        search_mirror(mirror, phrase)
    assert cli.main(["mirror", "search", str(mirror), phrase]) == 1
    err = capsys.readouterr().err
    assert "Parquet" not in err and err.count("\n") == 1
    assert search_mirror(mirror, '"' + " ".join(["pain"] * 100) + '"') == []
