"""Build the local PubMed mirror: baseline and update files converted to Parquet with Dask.

A user who outgrows E-utilities downloads NCBI's annual baseline
(``pubmed/baseline/pubmedYYnNNNN.xml.gz``, about 1,300 files of 30,000 records)
and the daily update files (``pubmed/updatefiles/``, same naming, numbers
continuing after the baseline's). :func:`build_mirror` turns them into a
directory (laid out as :mod:`.mirror_format` describes) that
:func:`~litreview.sources.mirror.search_mirror` queries offline.

Inputs
    Every ``pubmedYYnNNNN.xml.gz`` (or ``.xml``) in ``baseline_dir`` and in the
    update directory (``updates_dir``; default ``baseline_dir/updatefiles`` when
    it exists). Other file names are ignored. All files must carry the same
    ``YY`` (one baseline year with its own updates); they are applied in
    ``NNNN`` order, so baseline and update files may also share one directory.
    An NCBI checksum file beside an input (``<name>.md5``, ``MD5(<name>)= <hex>``)
    is checked; a file whose checksum differs is reported as failed.

Conversion runs as one Dask task per input file (a local cluster of worker
processes, or a running scheduler whose workers see the same paths); the
client only collects the results, updates the manifest and builds the index.
Re-running :func:`build_mirror` converts only new or changed inputs: a file is
skipped when its manifest entry has the same MD5 (taken from the ``.md5`` file
when present, computed otherwise) and its Parquet file is sound -- a worker
reads it back in full (footer, schema, row count against the manifest, every
page, with the page checksums the files are written with); a Parquet file that
is truncated, damaged or replaced is converted again and reported as repaired.
Inputs that are gone, or that now fail, leave the mirror. A corrupt input is reported by name
and does not stop the others; none of its records are kept (also not those
before the fault), so a later build retries the whole file. Run one build at a
time per mirror directory.

The build needs the ``mirror`` extra (Dask, PyArrow, DuckDB); without it it
raises :class:`~litreview.errors.ConfigError`.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._io import atomic_open
from ..corpus.records import Article
from ..errors import LitreviewError, MirrorError, ParseError
from .mirror_format import (
    _SUPERSEDED,
    _fingerprint,
    _load_manifest,
    _parquet_list,
    _pmid_key,
    _readable,
    _require,
    _save_manifest,
    _schema_fingerprint,
    _sql_str,
    arrow_schema,
)

__all__ = ["MirrorBuild", "find_inputs", "build_mirror"]

#: Records per Parquet row group (and per batch held in a worker's memory).
BATCH_ROWS = 5_000

#: NCBI's name for baseline and update files; group 1 is the year, group 2 the file number.
FILE_NAME = re.compile(r"^pubmed(\d{2})n(\d{4})\.xml(?:\.gz)?$")
_MD5_LINE = re.compile(r"MD5\((?P<name>[^)]*)\)\s*=\s*(?P<hex>[0-9a-fA-F]{32})")


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
    except Exception as exc:  # any fault of one input (a value Arrow refuses...) is that file's error
        return {"error": f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"}
    return {"md5": md5, "records": records, "deleted": sorted(set(deleted), key=_pmid_key),
            "seconds": round(time.perf_counter() - started, 3), "repaired": fault}


def _parse_reason(exc: ParseError) -> str:
    """A parse error's message without the file path (the report names the file)."""
    where = f"{exc.source}:{exc.line}: " if exc.line is not None else f"{exc.source}: "
    text = str(exc).removeprefix(where)
    return f"line {exc.line}: {text}" if exc.line is not None else text


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
