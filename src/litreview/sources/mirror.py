"""Local PubMed mirror: baseline and update files as Parquet, converted with Dask, searched with DuckDB.

A user who outgrows E-utilities downloads NCBI's annual baseline
(``pubmed/baseline/pubmedYYnNNNN.xml.gz``, about 1,300 files of 30,000 records)
and the daily update files (``pubmed/updatefiles/``, same naming, numbers
continuing after the baseline's). :func:`build_mirror` turns them into a
directory that :func:`search_mirror` queries offline.

Inputs
    Every ``pubmedYYnNNNN.xml.gz`` (or ``.xml``) in ``baseline_dir`` and in the
    update directory (``updates_dir``; default ``baseline_dir/updatefiles`` when
    it exists). Other file names are ignored. All files must carry the same
    ``YY`` (one baseline year with its own updates); they are applied in
    ``NNNN`` order, so baseline and update files may also share one directory.
    An NCBI checksum file beside an input (``<name>.md5``, ``MD5(<name>)= <hex>``)
    is checked; a file whose checksum differs is reported as failed.

Layout of the mirror directory
    ``files/<stem>.parquet``
        One Parquet file per input file (``pubmed25n0001.parquet``), written
        atomically. Columns: every :class:`~litreview.records.Article` field, with
        nested parts as Arrow structs and lists derived from the record schema
        (:func:`arrow_schema`), plus ``_seq`` (``YY * 10000 + NNNN``, the order of
        the input file) and ``_row`` (position of the record in it).
    ``manifest.json``
        Per input file: ``md5``, ``records``, ``deleted`` (PMIDs of its
        ``DeleteCitation``), ``parquet`` and ``seq``; the Arrow schema's
        fingerprint; and which inputs the current-version index was built for.
        Rewritten atomically after each converted file, so an interrupted build
        resumes where it stopped.
    ``superseded.parquet``
        ``(_seq, _row)`` of every record that is not the current version of its
        PMID: an older version (a later file holds the PMID again; within one
        file the later row wins) or a deleted one (a ``DeleteCitation`` in the
        same or a later file). Searches read the Parquet files minus these rows,
        so they see exactly one, current, version of every PMID.

Conversion runs as one Dask task per input file (a local cluster of worker
processes, or a running scheduler whose workers see the same paths); the
client only collects the results, updates the manifest and builds the index.
Re-running :func:`build_mirror` converts only new or changed inputs: a file is
skipped when its manifest entry has the same MD5 (taken from the ``.md5`` file
when present, computed otherwise) and its Parquet file is sound -- a worker
reads it back in full (footer, schema, row count against the manifest, every
page, with the page checksums the files are written with); a Parquet file that
is truncated, damaged or replaced is converted again and reported as repaired.
Inputs that are gone, or that now fail, leave the mirror. A search that meets
an unreadable Parquet file fails in one line that says to run the build. A corrupt input is reported by name
and does not stop the others; none of its records are kept (also not those
before the fault), so a later build retries the whole file. Run one build at a
time per mirror directory.

Search language of :func:`search_mirror` (see there): words and ``"quoted
phrases"`` ANDed, matched case-insensitively as whole words in title and
abstract, with a trailing ``*`` for truncation.

The mirror needs the ``mirror`` extra (Dask, PyArrow, DuckDB); without it every
function raises :class:`~litreview.errors.ConfigError`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
import types
import typing
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields, is_dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._io import atomic_open, atomic_write_text
from ..corpus.claims import Mechanism
from ..corpus.queries import build_queries, query_groups
from ..corpus.records import Article
from ..corpus.review_config import Intervention
from ..errors import ConfigError, LitreviewError, MirrorError, ParseError

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    from ..corpus.snapshot import Snapshot
    from .fetch import Refresh

__all__ = [
    "MirrorBuild",
    "arrow_schema",
    "find_inputs",
    "build_mirror",
    "open_mirror",
    "search_mirror",
    "mirror_hits",
    "mirror_articles",
    "refresh_from_mirror",
]

#: NCBI's name for baseline and update files; group 1 is the year, group 2 the file number.
FILE_NAME = re.compile(r"^pubmed(\d{2})n(\d{4})\.xml(?:\.gz)?$")
#: Message when the optional dependencies are missing.
MISSING_EXTRA = "install the mirror extra: pip install -e '.[mirror]'"
#: Records per Parquet row group (and per batch held in a worker's memory).
BATCH_ROWS = 5_000
_MANIFEST = "manifest.json"
_SUPERSEDED = "superseded.parquet"
_FORMAT = 1
_EXTRA_COLUMNS = ("_seq", "_row")
_MD5_LINE = re.compile(r"MD5\((?P<name>[^)]*)\)\s*=\s*(?P<hex>[0-9a-fA-F]{32})")


def _require() -> None:
    """Import the mirror extra's packages or raise a one-line ConfigError."""
    try:
        import dask.distributed  # noqa: F401
        import duckdb  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise ConfigError(MISSING_EXTRA) from None


# -- schema -------------------------------------------------------------------------


def _arrow_type(hint: Any) -> pa.DataType:
    """Arrow type of one record-schema type hint (Optional unwrapped, tuples as lists)."""
    import pyarrow as pa

    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(hint) if a is not type(None)]
        return _arrow_type(inner)
    if origin is tuple:
        return pa.list_(_arrow_type(typing.get_args(hint)[0]))
    if is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        return pa.struct([pa.field(f.name, _arrow_type(hints[f.name])) for f in fields(hint)])
    scalar = {str: pa.string(), int: pa.int64(), bool: pa.bool_()}
    if hint not in scalar:
        raise TypeError(f"no Arrow type for {hint!r}")
    return scalar[hint]


def arrow_schema() -> pa.Schema:
    """The Arrow schema of the mirror's Parquet files, derived from :class:`~litreview.records.Article`.

    Returns
    -------
    pyarrow.Schema
        One column per ``Article`` field in field order (tuples of dataclasses as
        lists of structs, nested dataclasses as structs, every column nullable),
        then ``_seq`` (int32, input-file order) and ``_row`` (int32, record position).

    Raises
    ------
    ConfigError
        The mirror extra is not installed.
    """
    _require()
    import pyarrow as pa

    hints = typing.get_type_hints(Article)
    columns = [pa.field(f.name, _arrow_type(hints[f.name])) for f in fields(Article)]
    return pa.schema([*columns, pa.field("_seq", pa.int32()), pa.field("_row", pa.int32())])


def _schema_fingerprint() -> str:
    """Short hash of the Arrow schema; a change re-converts every file."""
    return hashlib.sha1(str(arrow_schema()).encode()).hexdigest()[:16]


# -- inputs -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Input:
    """One baseline or update file."""

    path: Path
    seq: int
    kind: str

    @property
    def name(self) -> str:
        """File name (the manifest key)."""
        return self.path.name

    @property
    def stem(self) -> str:
        """``pubmedYYnNNNN``."""
        return self.name.split(".", 1)[0]


def find_inputs(baseline_dir: str | Path, updates_dir: str | Path | None = None) -> list[Path]:
    """Baseline and update files to convert, in the order they must be applied.

    Parameters
    ----------
    baseline_dir : str or Path
        Directory with ``pubmedYYnNNNN.xml.gz`` files (``.xml`` also accepted).
    updates_dir : str or Path, optional
        Directory with the update files; default ``baseline_dir/updatefiles``
        when it exists.

    Returns
    -------
    list of Path
        Sorted by file number ``NNNN``.

    Raises
    ------
    MirrorError
        A directory is missing, no file matches, files of different baseline
        years are mixed, or one file name appears twice.
    """
    return [i.path for i in _inputs(baseline_dir, updates_dir)]


def _inputs(baseline_dir: str | Path, updates_dir: str | Path | None) -> list[_Input]:
    """Find and order the input files (see :func:`find_inputs`)."""
    baseline_dir = Path(baseline_dir)
    if not baseline_dir.is_dir():
        raise MirrorError(f"{baseline_dir}: not a directory")
    dirs = [(baseline_dir, "baseline")]
    if updates_dir is not None:
        if not Path(updates_dir).is_dir():
            raise MirrorError(f"{updates_dir}: not a directory")
        dirs.append((Path(updates_dir), "update"))
    elif (baseline_dir / "updatefiles").is_dir():
        dirs.append((baseline_dir / "updatefiles", "update"))
    found: dict[str, _Input] = {}
    for directory, kind in dirs:
        for path in sorted(directory.iterdir()):
            match = FILE_NAME.match(path.name)
            if not match or not path.is_file():
                continue
            key = path.name.split(".", 1)[0]
            if key in found:
                raise MirrorError(f"{path.name}: found twice ({found[key].path.parent} and {directory})")
            found[key] = _Input(path, int(match[1]) * 10_000 + int(match[2]), kind)
    if not found:
        raise MirrorError(f"{baseline_dir}: no pubmedYYnNNNN.xml.gz files")
    years = sorted({i.seq // 10_000 for i in found.values()})
    if len(years) > 1:
        raise MirrorError(f"files of different baseline years mixed ({', '.join(f'{y:02d}' for y in years)}); "
                          "build one mirror per baseline year")
    return sorted(found.values(), key=lambda i: i.seq)


def _sidecar_md5(path: Path) -> str | None:
    """MD5 from NCBI's ``<name>.md5`` file beside ``path`` (``MD5(name)= hex``), if present."""
    sidecar = path.with_name(path.name + ".md5")
    try:
        text = sidecar.read_text(encoding="ascii", errors="replace")
    except FileNotFoundError:
        return None
    match = _MD5_LINE.search(text)
    if not match or match["name"].strip() not in ("", path.name):
        raise MirrorError(f"{sidecar.name}: not an NCBI checksum line for {path.name}")
    return match["hex"].lower()


def _md5(path: str | Path) -> str:
    """MD5 hex digest of a file, read in 1 MiB blocks."""
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


# -- conversion (runs on Dask workers) ----------------------------------------------


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[dict[str, Any]]]:
    """Group records into lists of plain dicts of at most ``size``."""
    batch: list[dict[str, Any]] = []
    for article in articles:
        batch.append(article.to_dict())
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_parquet(articles: Iterable[Article], target: Path, seq: int) -> int:
    """Stream records into one Parquet file atomically; return the row count."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema()
    rows = 0
    with atomic_open(target, "wb") as handle:
        writer = pq.ParquetWriter(handle, schema, compression="zstd", write_page_checksum=True)
        try:
            for batch in _batches(articles, BATCH_ROWS):
                for position, row in enumerate(batch, start=rows):
                    row["_seq"] = seq
                    row["_row"] = position
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                rows += len(batch)
        finally:
            writer.close()
    return rows


def _verify_parquet(target: Path, seq: int, records: int) -> str | None:
    """Why a converted Parquet file is unusable, or None when it is sound.

    Checks the footer, the schema, the row count against the manifest, that the
    rows are this input's (``_seq``) and all there in order (``_row``), and
    decodes every page (verifying page checksums where the file has them).
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(target, page_checksum_verification=True)
        if not parquet.schema_arrow.equals(arrow_schema()):
            return "schema differs from the record schema"
        if parquet.metadata.num_rows != records:
            return f"{parquet.metadata.num_rows} rows, the manifest says {records}"
        first = 0
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS):  # decodes every page
            rows = pa.array(range(first, first + batch.num_rows), pa.int32())
            if pc.any(pc.not_equal(batch["_seq"], seq)).as_py() or pc.any(pc.not_equal(batch["_row"], rows)).as_py():
                return "rows of another input file, or rows out of order"
            first += batch.num_rows
    except (OSError, pa.ArrowException) as exc:
        return " ".join(str(exc).split())[:200] or type(exc).__name__
    return None


def _convert(path: str, target: str, seq: int, expected_md5: str | None, known_md5: str | None,
             known_records: int | None) -> dict[str, Any]:
    """Convert one input file to Parquet, or verify the earlier conversion (a Dask task).

    Returns the manifest facts, ``{"skipped": True}`` for a sound earlier
    conversion of the same input, or ``{"error": reason}``; a damaged earlier
    conversion is converted again and its fault returned as ``"repaired"``.
    """
    from .pubmed_xml import iter_pubmed_xml

    started = time.perf_counter()
    md5 = expected_md5 if expected_md5 and expected_md5 == known_md5 else _md5(path)
    if expected_md5 and md5 != expected_md5:
        return {"error": f"MD5 {md5} differs from the .md5 file ({expected_md5}); download it again"}
    fault = None
    if md5 == known_md5:
        fault = _verify_parquet(Path(target), seq, known_records or 0)
        if fault is None:
            return {"md5": md5, "skipped": True}
    deleted: list[str] = []
    try:
        records = _write_parquet(iter_pubmed_xml(path, deleted=deleted), Path(target), seq)
    except ParseError as exc:
        return {"error": _parse_reason(exc)}
    except LitreviewError as exc:
        return {"error": str(exc)}
    except (OSError, EOFError, zlib.error) as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {"md5": md5, "records": records, "deleted": sorted(set(deleted), key=_pmid_key),
            "seconds": round(time.perf_counter() - started, 3), "repaired": fault}


def _parse_reason(exc: ParseError) -> str:
    """A parse error's message without the file path (the report names the file)."""
    where = f"{exc.source}:{exc.line}: " if exc.line is not None else f"{exc.source}: "
    text = str(exc).removeprefix(where)
    return f"line {exc.line}: {text}" if exc.line is not None else text


def _pmid_key(pmid: str) -> tuple[int, str]:
    """Numeric sort key of a PMID string."""
    return (int(pmid) if pmid.isdigit() else sys.maxsize, pmid)


@contextmanager
def _readable(mirror_dir: Path) -> Iterator[None]:
    """Turn DuckDB's error on a damaged Parquet file into a one-line MirrorError that says what to do."""
    import duckdb

    try:
        yield
    except duckdb.Error as exc:
        reason = " ".join(str(exc).split())[:300]
        raise MirrorError(f"{mirror_dir}: cannot read the mirror's Parquet files ({reason}); run `litreview mirror "
                          "build` again: it verifies every file and converts damaged ones again") from None


# -- build --------------------------------------------------------------------------


@dataclass(frozen=True)
class MirrorBuild:
    """Outcome of :func:`build_mirror`.

    Attributes
    ----------
    mirror_dir : Path
    converted, skipped : tuple of str
        Input file names converted now, and left as they were (unchanged, Parquet file sound).
    failed : tuple of (str, str)
        ``(file name, reason)`` of inputs that could not be converted.
    removed : tuple of str
        Inputs dropped from the mirror (gone from the input directories, or now failing).
    records : int
        Rows in all Parquet files (every version of every record).
    current : int
        Records a search sees (current versions, deletions applied).
    deleted : int
        Distinct PMIDs named in ``DeleteCitation`` elements.
    converted_records : int
        Rows written by this run.
    seconds : float
        Wall time of the run.
    workers : int
        Dask workers used.
    repaired : tuple of (str, str)
        ``(file name, fault)`` of unchanged inputs whose Parquet file was
        damaged and has been converted again (also in ``converted``).
    """

    mirror_dir: Path
    converted: tuple[str, ...]
    skipped: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]
    removed: tuple[str, ...]
    records: int
    current: int
    deleted: int
    converted_records: int
    seconds: float
    workers: int
    repaired: tuple[tuple[str, str], ...] = ()


def _load_manifest(mirror_dir: Path) -> dict[str, Any]:
    """The manifest of ``mirror_dir``, or an empty one for a new mirror."""
    path = mirror_dir / _MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"format": _FORMAT, "schema": None, "files": {}, "resolved": None}
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise MirrorError(f"{path}: invalid manifest ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT or "files" not in manifest:
        raise MirrorError(f"{path}: not a litreview mirror manifest (format {_FORMAT})")
    return manifest


def _save_manifest(mirror_dir: Path, manifest: Mapping[str, Any]) -> None:
    """Write the manifest atomically."""
    atomic_write_text(mirror_dir / _MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def _fingerprint(files: Mapping[str, Mapping[str, Any]]) -> str:
    """Hash of the converted inputs (name and MD5) that the current-version index describes."""
    pairs = sorted((name, entry["md5"]) for name, entry in files.items())
    return hashlib.sha1(json.dumps(pairs).encode()).hexdigest()[:16]


def _client(scheduler: Any, workers: int | None) -> tuple[Any, Callable[[], None]]:
    """A Dask client and the function that releases what was started for it."""
    from dask.distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        return scheduler, lambda: None
    if scheduler is not None:
        try:
            client = Client(scheduler)  # waits distributed.comm.timeouts.connect (Dask default 30 s)
        except (OSError, TimeoutError) as exc:
            raise MirrorError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        return client, client.close
    cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address="127.0.0.1:0")
    client = Client(cluster)

    def close() -> None:
        client.close()
        cluster.close()

    return client, close


def build_mirror(
    baseline_dir: str | Path,
    out_dir: str | Path,
    *,
    updates_dir: str | Path | None = None,
    scheduler: Any = None,
    workers: int | None = None,
    progress: bool = False,
) -> MirrorBuild:
    """Convert PubMed baseline and update files into a searchable Parquet mirror.

    Each input file is parsed with :func:`~litreview.pubmed_xml.iter_pubmed_xml`
    in its own Dask task and written to ``files/<stem>.parquet``; then the
    current-version index (``superseded.parquet``) is rebuilt with DuckDB. See
    the module docstring for the layout and the update rules.

    Parameters
    ----------
    baseline_dir : str or Path
        Directory with ``pubmedYYnNNNN.xml.gz`` files.
    out_dir : str or Path
        Mirror directory, created if missing; an existing mirror is updated.
    updates_dir : str or Path, optional
        Update files; default ``baseline_dir/updatefiles`` when it exists.
    scheduler : str or dask.distributed.Client, optional
        Address of a running Dask scheduler (``tcp://host:8786``; input and
        mirror paths must then be visible to its workers), or a client to use as
        is. Default: a :class:`~dask.distributed.LocalCluster` of ``workers``
        single-threaded processes, closed at the end.
    workers : int, optional
        Processes of the local cluster (default: CPU count); ignored with ``scheduler``.
    progress : bool
        Show a progress bar of converted files on stderr.

    Returns
    -------
    MirrorBuild
        What was converted, skipped, failed and removed, and record counts.

    Raises
    ------
    MirrorError
        No input files, mixed baseline years, an unreadable ``.md5`` file or manifest.
    ConfigError
        The mirror extra is not installed.

    Examples
    --------
    >>> done = build_mirror("pubmed/baseline", "mirror", workers=8)  # doctest: +SKIP
    >>> done.current, [name for name, _ in done.failed]  # doctest: +SKIP
    """
    _require()
    from dask.distributed import as_completed
    from distributed import KilledWorker
    from tqdm import tqdm

    started = time.perf_counter()
    inputs = _inputs(baseline_dir, updates_dir)
    mirror_dir = Path(out_dir)
    (mirror_dir / "files").mkdir(parents=True, exist_ok=True)
    for stale in (mirror_dir / "files").glob(".*.tmp"):  # left by a killed worker
        stale.unlink()
    manifest = _load_manifest(mirror_dir)
    schema = _schema_fingerprint()
    if manifest.get("schema") != schema:
        manifest["files"] = {}
        manifest["schema"] = schema
    files: dict[str, dict[str, Any]] = manifest["files"]
    wanted = {i.name for i in inputs}
    removed = [name for name in files if name not in wanted]
    failed: list[tuple[str, str]] = []
    skipped: list[str] = []
    repaired: list[tuple[str, str]] = []
    jobs: list[tuple[_Input, str | None, dict[str, Any] | None]] = []
    for item in inputs:
        entry = files.get(item.name)
        known = entry if entry and (mirror_dir / entry["parquet"]).is_file() else None
        try:
            expected = _sidecar_md5(item.path)
        except MirrorError as exc:
            failed.append((item.name, str(exc)))
            continue
        jobs.append((item, expected, known))
    for name, _ in failed:
        if name in files:
            removed.append(name)
    for name in removed:
        _drop(mirror_dir, files, name)
    converted: list[str] = []
    converted_records = 0
    n_workers = 0
    if jobs:
        client, release = _client(scheduler, workers)
        try:
            n_workers = len(client.nthreads())
            futures = {
                client.submit(_convert, str(item.path.resolve()),  # absolute: workers may run elsewhere
                              str((mirror_dir / "files" / f"{item.stem}.parquet").resolve()), item.seq, expected,
                              known and known["md5"], known and known["records"], pure=False): item
                for item, expected, known in jobs
            }
            with tqdm(total=len(futures), desc="mirror", unit="file", disable=not progress, leave=False) as bar:
                for future in as_completed(futures):
                    item = futures[future]
                    try:
                        result = future.result()
                    except KilledWorker:
                        result = {"error": "the Dask worker died converting it (out of memory?)"}
                    bar.update(1)
                    if "error" in result:
                        failed.append((item.name, result["error"]))
                        if item.name in files:
                            removed.append(item.name)
                            _drop(mirror_dir, files, item.name)
                        continue
                    if result.get("skipped"):
                        skipped.append(item.name)
                        continue
                    files[item.name] = {"md5": result["md5"], "records": result["records"],
                                        "deleted": result["deleted"], "parquet": f"files/{item.stem}.parquet",
                                        "seq": item.seq, "kind": item.kind}
                    converted.append(item.name)
                    converted_records += result["records"]
                    if result.get("repaired"):
                        repaired.append((item.name, result["repaired"]))
                    _save_manifest(mirror_dir, manifest)
        finally:
            release()
    summary = _resolve(mirror_dir, manifest)
    _save_manifest(mirror_dir, manifest)
    order = {i.name: i.seq for i in inputs}
    return MirrorBuild(
        mirror_dir=mirror_dir,
        converted=tuple(sorted(converted, key=order.__getitem__)),
        skipped=tuple(sorted(skipped, key=order.__getitem__)),
        failed=tuple(sorted(failed, key=lambda f: order[f[0]])),
        removed=tuple(sorted(set(removed))),
        records=summary["records"],
        current=summary["current"],
        deleted=summary["deleted"],
        converted_records=converted_records,
        seconds=time.perf_counter() - started,
        workers=n_workers,
        repaired=tuple(sorted(repaired, key=lambda r: order[r[0]])),
    )


def _drop(mirror_dir: Path, files: dict[str, dict[str, Any]], name: str) -> None:
    """Remove an input's entry and Parquet file from the mirror."""
    entry = files.pop(name, None)
    if entry:
        (mirror_dir / entry["parquet"]).unlink(missing_ok=True)


def _sql_str(path: Path) -> str:
    """A path as an SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def _parquet_list(mirror_dir: Path, files: Mapping[str, Mapping[str, Any]]) -> str:
    """SQL list literal of the Parquet files, in input order."""
    entries = sorted(files.values(), key=lambda e: e["seq"])
    return "[" + ", ".join(_sql_str(mirror_dir / e["parquet"]) for e in entries) + "]"


def _resolve(mirror_dir: Path, manifest: dict[str, Any]) -> dict[str, int]:
    """Rebuild ``superseded.parquet`` (older and deleted versions) and record what it describes."""
    import duckdb
    import pyarrow as pa

    files: dict[str, dict[str, Any]] = manifest["files"]
    deletions = pa.table({
        "pmid": [p for e in files.values() for p in e["deleted"]],
        "del_seq": pa.array([e["seq"] for e in files.values() for _ in e["deleted"]], pa.int32()),
    })
    target = mirror_dir / _SUPERSEDED
    tmp = mirror_dir / f".{_SUPERSEDED}.tmp"
    with duckdb.connect() as con, _readable(mirror_dir):
        con.register("deletions", deletions)
        if files:
            sources = _parquet_list(mirror_dir, files)
            con.execute(f"CREATE VIEW versions AS SELECT pmid, _seq, _row FROM read_parquet({sources})")
        else:
            con.execute("CREATE VIEW versions AS SELECT NULL::VARCHAR AS pmid, NULL::INTEGER AS _seq, "
                        "NULL::INTEGER AS _row WHERE false")
        con.execute(f"""
            COPY (
                WITH repeated AS (SELECT pmid FROM versions WHERE pmid IS NOT NULL GROUP BY pmid HAVING count(*) > 1),
                older AS (
                    SELECT _seq, _row FROM (
                        SELECT v._seq, v._row,
                               row_number() OVER (PARTITION BY v.pmid ORDER BY v._seq DESC, v._row DESC) AS rank
                        FROM versions v SEMI JOIN repeated USING (pmid)
                    ) WHERE rank > 1
                ),
                removed AS (
                    SELECT v._seq, v._row FROM versions v JOIN deletions d ON v.pmid = d.pmid AND d.del_seq >= v._seq
                )
                SELECT * FROM older UNION SELECT * FROM removed ORDER BY _seq, _row
            ) TO {_sql_str(tmp)} (FORMAT parquet)
        """)
        os.replace(tmp, target)
        records = con.execute("SELECT count(*) FROM versions").fetchone()[0]
        superseded = con.execute(f"SELECT count(*) FROM read_parquet({_sql_str(target)})").fetchone()[0]
    summary = {"records": records, "current": records - superseded,
               "deleted": len({p for e in files.values() for p in e["deleted"]})}
    manifest["resolved"] = {"inputs": _fingerprint(files), **summary}
    return summary


# -- searching ----------------------------------------------------------------------


def open_mirror(mirror_dir: str | Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with a view ``articles`` of the mirror's current records.

    Parameters
    ----------
    mirror_dir : str or Path
        Directory written by :func:`build_mirror`.

    Returns
    -------
    duckdb.DuckDBPyConnection
        In-memory connection; ``articles`` has one row per current PMID and the
        columns of :func:`arrow_schema` without ``_seq``/``_row``. Close it when done.

    Raises
    ------
    MirrorError
        Not a mirror, or its build was interrupted before the current-version
        index was written (run :func:`build_mirror` again).
    ConfigError
        The mirror extra is not installed.

    Examples
    --------
    >>> con = open_mirror("mirror")  # doctest: +SKIP
    >>> con.sql("SELECT year, count(*) FROM articles GROUP BY year ORDER BY year").df()  # doctest: +SKIP
    """
    _require()
    import duckdb

    mirror_dir = Path(mirror_dir)
    if not (mirror_dir / _MANIFEST).is_file():
        raise MirrorError(f"{mirror_dir}: not a mirror (no {_MANIFEST}; run `litreview mirror build`)")
    manifest = _load_manifest(mirror_dir)
    files = manifest["files"]
    resolved = manifest.get("resolved") or {}
    if resolved.get("inputs") != _fingerprint(files) or not (mirror_dir / _SUPERSEDED).is_file():
        raise MirrorError(f"{mirror_dir}: mirror build incomplete; run `litreview mirror build` again")
    if manifest.get("schema") != _schema_fingerprint():
        raise MirrorError(f"{mirror_dir}: mirror written with another record schema; run `litreview mirror build`")
    con = duckdb.connect()
    if files:
        try:
            with _readable(mirror_dir):
                con.execute(f"""
                    CREATE VIEW articles AS
                    SELECT r.* EXCLUDE (_seq, _row) FROM read_parquet({_parquet_list(mirror_dir, files)}) r
                    ANTI JOIN read_parquet({_sql_str(mirror_dir / _SUPERSEDED)}) s
                         ON r._seq = s._seq AND r._row = s._row
                """)
        except MirrorError:
            con.close()
            raise
    else:
        import pyarrow as pa

        empty = arrow_schema()
        con.register("_empty", pa.table({f.name: pa.array([], f.type) for f in empty}, schema=empty))
        con.execute("CREATE VIEW articles AS SELECT * EXCLUDE (_seq, _row) FROM _empty")
    return con


@dataclass(frozen=True)
class _Term:
    """One title/abstract term: a word or phrase, optionally truncated."""

    words: tuple[str, ...]
    truncated: bool = False

    @property
    def pattern(self) -> str:
        """RE2 pattern matching the term as whole words, case-insensitively."""
        body = r"[^\pL\pN]+".join(re.escape(w) for w in self.words)
        end = r"[\pL\pN]*" if self.truncated else r"(?:[^\pL\pN]|$)"
        return rf"(?i)(?:^|[^\pL\pN]){body}{end}"


def _term(text: str) -> _Term:
    """A term from free text: alphanumeric runs, trailing ``*`` = truncation."""
    truncated = text.endswith("*")
    words = tuple(re.findall(r"[^\W_]+", text.rstrip("*")))
    if not words:
        raise MirrorError(f"term {text!r} has no letters or digits")
    return _Term(words, truncated)


_TOKEN = re.compile(r'"(?P<phrase>[^"]*)"(?P<star>\*?)|(?P<word>[^\s"]+)|(?P<open>")')


def _parse_query(query: str) -> list[_Term]:
    """Split a mirror query into ANDed terms; raise MirrorError for unsupported syntax."""
    terms = []
    for match in _TOKEN.finditer(query):
        if match["open"]:
            raise MirrorError(f"query {query!r}: unbalanced quote")
        if match["phrase"] is not None:
            terms.append(_term(match["phrase"] + match["star"]))
            continue
        word = match["word"]
        if word == "AND":
            continue
        if word in ("OR", "NOT") or any(ch in word for ch in "()[]"):
            raise MirrorError(f"query {query!r}: only words and \"phrases\" joined by AND are supported "
                              f"(not {word!r}); use --mesh/--pt/--years for filters")
        terms.append(_term(word))
    return terms


def _where(groups: Sequence[tuple[Sequence[_Term], Sequence[str]]], mesh: Sequence[str],
           publication_types: Sequence[str], years: tuple[int | None, int | None] | None) -> tuple[str, list[Any]]:
    """SQL ``WHERE`` clause and parameters: every group (any of its terms or MeSH headings) and every filter."""
    text = "concat_ws(' ', title, abstract)"
    mesh_lc = "list_transform(mesh_headings, lambda m: lower(m.descriptor))"
    where: list[str] = []
    params: list[Any] = []
    for terms, headings in groups:
        anyof = []
        for term in terms:
            anyof.append(f"regexp_matches({text}, ?)")
            params.append(term.pattern)
        if headings:
            anyof.append(f"list_has_any({mesh_lc}, ?)")
            params.append([h.lower() for h in headings])
        where.append("(" + (" OR ".join(anyof) or "false") + ")")
    if mesh:
        where.append(f"list_has_any({mesh_lc}, ?)")
        params.append([m.lower() for m in mesh])
    if publication_types:
        where.append("list_has_any(list_transform(publication_types, lambda p: lower(p.name)), ?)")
        params.append([p.lower() for p in publication_types])
    low, high = years or (None, None)
    if low is not None:
        where.append("year >= ?")
        params.append(low)
    if high is not None:
        where.append("year <= ?")
        params.append(high)
    return (" WHERE " + " AND ".join(where) if where else ""), params


_ORDER = " ORDER BY TRY_CAST(pmid AS BIGINT), pmid"


def _articles(result: duckdb.DuckDBPyConnection) -> list[Article]:
    """Records from a ``SELECT *`` on ``articles`` (structs arrive as dicts, lists as lists)."""
    names = [column[0] for column in result.description]
    return [Article.from_dict(dict(zip(names, row))) for row in result.fetchall()]


def search_mirror(
    mirror_dir: str | Path,
    query: str,
    *,
    mesh: Sequence[str] = (),
    publication_types: Sequence[str] = (),
    years: tuple[int | None, int | None] | None = None,
) -> list[Article]:
    """Search the mirror offline: the current version of every matching record.

    Supported query language, exactly:

    * words separated by spaces, all required (AND); a bare ``AND`` is allowed
      and ignored; ``OR``, ``NOT``, parentheses and field tags (``[tiab]``)
      are rejected;
    * ``"quoted phrases"``: the words in this order;
    * a trailing ``*`` truncates the (last) word: ``antidepress*``;
    * matching is case-insensitive, on whole words of the title and the
      abstract; punctuation inside a term matches any run of non-alphanumeric
      characters (``5-HT`` matches ``5-HT`` and ``5 HT``).

    An empty query is allowed when a filter is given.

    Parameters
    ----------
    mirror_dir : str or Path
        Directory written by :func:`build_mirror`.
    query : str
        Terms as described above.
    mesh : sequence of str
        Keep records with at least one of these MeSH descriptors (exact name,
        case-insensitive; no explosion to narrower headings).
    publication_types : sequence of str
        Keep records with at least one of these publication types (case-insensitive).
    years : (int or None, int or None), optional
        Inclusive publication-year range; ``None`` leaves that end open.

    Returns
    -------
    list of Article
        Sorted by PMID, like an E-utilities fetch.

    Raises
    ------
    MirrorError
        Unsupported query syntax, an empty query without filters, or an
        unusable mirror directory.
    ConfigError
        The mirror extra is not installed.

    Examples
    --------
    >>> hits = search_mirror("mirror", 'ketamine "lateral habenula"', years=(2015, None))  # doctest: +SKIP
    >>> hits = search_mirror("mirror", "", mesh=["Ketamine"], publication_types=["Meta-Analysis"])  # doctest: +SKIP
    """
    terms = _parse_query(query)
    if not terms and not (mesh or publication_types or any(y is not None for y in years or ())):
        raise MirrorError("empty query: give terms or a filter")
    where, params = _where([((t,), ()) for t in terms], mesh, publication_types, years)
    with open_mirror(mirror_dir) as con, _readable(Path(mirror_dir)):
        return _articles(con.execute(f"SELECT * FROM articles{where}{_ORDER}", params))


def mirror_articles(mirror_dir: str | Path, pmids: Iterable[str]) -> tuple[list[Article], tuple[str, ...]]:
    """Current records of these PMIDs, like :func:`~litreview.fetch.fetch_ids` does online.

    Parameters
    ----------
    mirror_dir : str or Path
    pmids : iterable of str

    Returns
    -------
    articles : list of Article
        In the order asked, once each.
    missing : tuple of str
        PMIDs the mirror does not hold (or that were deleted), sorted.
    """
    wanted = list(dict.fromkeys(str(p) for p in pmids))
    with open_mirror(mirror_dir) as con, _readable(Path(mirror_dir)):
        found = {a.pmid: a for a in _by_column(con, "pmid", wanted)}
    missing = tuple(sorted((p for p in wanted if p not in found), key=_pmid_key))
    return [found[p] for p in wanted if p in found], missing


def _by_column(con: duckdb.DuckDBPyConnection, column: str, values: Sequence[str]) -> list[Article]:
    """Records whose ``pmid`` or lower-cased ``doi`` is in ``values``."""
    if not values:
        return []
    expr = "lower(doi)" if column == "doi" else "pmid"
    return _articles(con.execute(f"SELECT * FROM articles WHERE {expr} IN (SELECT unnest(?))", [list(values)]))


def refresh_from_mirror(snapshot: Snapshot, mechanisms: Mapping[str, Mechanism], mirror_dir: str | Path,
                        retrieved: str, intervention: Intervention | None = None) -> Refresh:
    """Refresh a snapshot from the mirror instead of E-utilities.

    Every mechanism query (:func:`~litreview.queries.query_groups`: the
    intervention's terms AND any of the mechanism's terms) runs against the mirror, ``[tiab]``
    terms as whole-word title/abstract matches and ``[mh]`` headings as exact
    MeSH descriptors (no explosion, so counts can be lower than PubMed's).
    The rest is :func:`~litreview.fetch.refresh_from_searches`: hits become
    ``source: pubmed`` records, curated records are replaced by their mirror
    versions, and searches carry ``origin: "mirror"``.

    Parameters
    ----------
    snapshot : Snapshot
    mechanisms : mapping of str to Mechanism
    mirror_dir : str or Path
    retrieved : str
        Date ``YYYY-MM-DD`` written into provenance and searches.
    intervention : Intervention, optional
        The review's intervention (``litreview.toml``), ANDed into every query.

    Returns
    -------
    Refresh

    Warns
    -----
    EutilsWarning
        PMIDs or DOIs of the snapshot the mirror does not hold.
    """
    from .eutils import ESearchResult
    from .fetch import QuerySearch, SearchSlice, refresh_from_searches

    terms = build_queries(mechanisms, intervention)
    with open_mirror(mirror_dir) as con, _readable(Path(mirror_dir)):
        searches = {}
        for key, mechanism in mechanisms.items():
            groups = [(tuple(_term(t) for t in words), heads) for words, heads in query_groups(mechanism, intervention)]
            where, params = _where(groups, (), (), None)
            ids = tuple(row[0] for row in con.execute(f"SELECT pmid FROM articles{where}{_ORDER}", params).fetchall())
            result = ESearchResult(count=len(ids), ids=ids)
            searches[key] = QuerySearch(terms[key], len(ids), (SearchSlice(terms[key], None, None, result),))

    return refresh_from_searches(snapshot, searches, retrieved, fetch=partial(mirror_articles, mirror_dir),
                                 resolve=partial(_mirror_dois, mirror_dir), origin="mirror", source="the mirror")


def mirror_hits(mirror_dir: str | Path, mechanisms: Mapping[str, Mechanism],
                intervention: Intervention | None) -> dict[str, int]:
    """How many mirror records each mechanism's query finds (as :func:`refresh_from_mirror` runs it).

    Returns
    -------
    dict of str to int
        Mechanism key -> hits, in the mapping's order.
    """
    hits = {}
    with open_mirror(mirror_dir) as con, _readable(Path(mirror_dir)):
        for key, mechanism in mechanisms.items():
            groups = [(tuple(_term(t) for t in words), heads) for words, heads in query_groups(mechanism, intervention)]
            where, params = _where(groups, (), (), None)
            hits[key] = int(con.execute(f"SELECT count(*) FROM articles{where}", params).fetchone()[0])
    return hits


def _mirror_dois(mirror_dir: str | Path, dois: Iterable[str]) -> dict[str, Article]:
    """Lower-cased DOI -> current mirror record, for the DOIs the mirror holds."""
    wanted = list(dict.fromkeys(d.strip().lower() for d in dois if d and d.strip()))
    with open_mirror(mirror_dir) as con, _readable(Path(mirror_dir)):
        by_doi = {a.doi.lower(): a for a in _by_column(con, "doi", wanted) if a.doi}
    return {doi: by_doi[doi] for doi in wanted if doi in by_doi}
