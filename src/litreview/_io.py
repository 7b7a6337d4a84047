"""File helpers shared by every stage: atomic writes, sets of files written as one unit, safe reads.

Writes never leave a partial file: :func:`atomic_open` writes beside the target
and renames; :func:`atomic_write_files` does the same for several files that
belong together (an export set), and :func:`write_file_set` also seals a set
(the snapshot) with a checksum manifest that :func:`read_file_set` reads once and :func:`verify_file_set` checks.
Reads turn every file-level fault -- missing, a directory, not UTF-8, bad
JSON/TOML, nested too deeply -- into a one-line
:class:`~litreview.errors.CorpusError` naming the file (and line).
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import io
import json
import os
import signal
import tempfile
import threading
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from .errors import CorpusError

# mkstemp creates 0600 files; give finished files the usual umask-derived mode.
_UMASK = os.umask(0o022)
os.umask(_UMASK)
MANIFEST_FORMAT = 1
#: Pause before reading a file set again that changed while it was read.
_REREAD_PAUSE = 0.05

__all__ = [
    "atomic_open", "atomic_write_bytes", "atomic_write_text", "atomic_write_files", "dump_jsonl", "write_jsonl",
    "append_jsonl", "write_file_set", "read_file_set", "verify_file_set",
    "read_text", "read_toml", "read_json", "read_jsonl", "parse_json", "parse_jsonl", "toml_value",
]


@contextmanager
def _temporary(target: Path, mode: str, **kwargs: Any) -> Iterator[tuple[IO[Any], Path]]:
    """A new file beside ``target``, flushed and fsynced when the block ends; removed if the block raises."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)
        if "b" not in mode:
            kwargs.setdefault("encoding", "utf-8")
            kwargs.setdefault("newline", "\n")
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle, Path(tmp)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; rename it over ``path`` on success.

    If the block raises, the temporary file is removed and ``path`` is left as it
    was, so an interrupted write never leaves a partial file behind.
    """
    target = Path(path)
    with _temporary(target, mode, **kwargs) as (handle, tmp):
        yield handle
    try:
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_open(path, "wb") as handle:
        handle.write(data)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` atomically."""
    with atomic_open(path, "w") as handle:
        handle.write(text)


def dump_jsonl(handle: IO[str], rows: Iterable[dict[str, Any]]) -> int:
    """Write one compact, key-sorted JSON object per line to ``handle``; return the count."""
    count = 0
    for row in rows:
        handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True))
        handle.write("\n")
        count += 1
    return count


def write_jsonl(path: str | os.PathLike[str], rows: Iterable[dict[str, Any]]) -> int:
    """Write one compact, key-sorted JSON object per line, atomically; return the count."""
    with atomic_open(path, "w") as handle:
        return dump_jsonl(handle, rows)


# -- sets of files written as one unit ---------------------------------------------------


# Signals that would otherwise stop the process between two renames of a file set.
_HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends, then deliver them as they would have been.

    Python runs signal handlers in the main thread only; elsewhere the block runs unguarded.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, frame: caught.append(signum)) for sig in _HELD_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        for sig in dict.fromkeys(caught):
            signal.raise_signal(sig)


def _fsync_directory(directory: Path) -> None:
    """Make renames in ``directory`` durable (POSIX; a no-op where directories cannot be opened)."""
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _digest(data: bytes) -> dict[str, Any]:
    """``{"sha256": ..., "bytes": ...}`` of a file's content."""
    return {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def atomic_write_files(files: Mapping[str | os.PathLike[str], bytes]) -> None:
    """Write several files as one unit: a reader sees the old set or the new one, never a mix.

    Every file is first written in full to a temporary file beside its target
    and synced (this is where a full disk or a permission error shows); only
    then are all of them renamed into place, in the order given, with SIGINT and
    SIGTERM held until the last rename (renames need no space and take
    microseconds), and the folders synced. A SIGKILL or a power cut in that
    window can still leave a mix; :func:`write_file_set` seals a set so that a
    reader notices.

    Parameters
    ----------
    files : mapping of path to bytes
        Target path -> content; folders are created.

    Raises
    ------
    OSError
        A file could not be written, or a target is a directory; no target has
        been replaced and no temporary file is left. ``filename`` names the target.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            target = Path(path)
            if target.is_dir():
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
            try:
                with _temporary(target, "wb") as (handle, tmp):
                    staged.append((tmp, target))
                    handle.write(data)
            except OSError as exc:
                exc.filename = exc.filename or str(target)
                raise
        with _signals_held():
            for tmp, target in staged:
                os.replace(tmp, target)
            staged.clear()
        for folder in dict.fromkeys(Path(path).parent for path in files):
            _fsync_directory(folder)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)


def write_file_set(directory: str | os.PathLike[str], files: Mapping[str, Callable[[IO[str]], object]],
                   manifest: str = "manifest.json") -> None:
    """Write text files into ``directory`` as one unit, sealed by a checksum manifest renamed last.

    Every writer renders its file in memory; the files and then ``manifest``
    (``{"format": 1, "files": {name: {"sha256", "bytes"}}}``) are written with
    :func:`atomic_write_files`. An error, a full disk, Ctrl-C or a kill while
    writing leaves the old set and its manifest as they were; a hard kill
    inside the rename window (microseconds) leaves files that no longer match
    the manifest, which :func:`verify_file_set` reports instead of letting a
    reader use a mixed set.

    Parameters
    ----------
    directory : str or Path
        Created if missing.
    files : mapping of str to callable
        File name -> function writing the file's text to the handle it is given.
    manifest : str
        Name of the manifest file.

    Raises
    ------
    OSError
        The set could not be written (the old set is kept).
    """
    directory = Path(directory)
    rendered = {}
    for name, write in files.items():
        buffer = io.StringIO(newline="\n")
        write(buffer)
        rendered[name] = buffer.getvalue().encode("utf-8")
    seal = {"format": MANIFEST_FORMAT, "files": {name: _digest(data) for name, data in rendered.items()}}
    rendered[manifest] = (json.dumps(seal, indent=1, sort_keys=True) + "\n").encode("utf-8")
    atomic_write_files({directory / name: data for name, data in rendered.items()})


def read_file_set(directory: str | os.PathLike[str], names: Sequence[str], manifest: str = "manifest.json",
                  missing: str = "file not found") -> tuple[dict[str, bytes], bytes | None]:
    """Read every file of a set written by :func:`write_file_set` once, between two reads of its manifest.

    The bytes returned are the ones to parse and to check with
    :func:`verify_file_set`, so what is verified is what is used (reading the
    files a second time to hash them would let a rewrite in between pass a mix).
    When the manifest changed between its two reads, or the files do not match
    it (a writer was renaming the new set into place), the whole read starts
    over once.

    Parameters
    ----------
    directory : str or Path
    names : sequence of str
        The files the set must contain.
    manifest : str
        Name of the manifest file.
    missing : str
        Message for a missing file.

    Returns
    -------
    files : dict of str to bytes
        Each name's content.
    seal : bytes or None
        The manifest's content (None when it is missing).

    Raises
    ------
    CorpusError
        A file is missing or unreadable, or the set was rewritten during both reads.
    """
    directory = Path(directory)
    for attempt in range(2):
        before = _read_optional(directory / manifest)
        files = {name: _read_bytes(directory / name, missing) for name in names}
        after = _read_optional(directory / manifest)
        if before == after and (after is None or _mismatch(after, files, manifest) is None):
            break
        if not attempt:
            time.sleep(_REREAD_PAUSE)  # let a writer in its rename window (microseconds) finish
        elif before != after:
            raise CorpusError(f"{manifest} changed twice while the set was read (a writer is rewriting it); "
                              "read it again once the writer is done", str(directory))
    return files, after


def _read_optional(path: Path) -> bytes | None:
    """The file's bytes, or None when it does not exist."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _read_error(path, exc) from None


def _mismatch(seal_data: bytes, files: Mapping[str, bytes], manifest: str) -> str | None:
    """The first file whose bytes differ from the manifest's digest (``manifest`` when it is unusable), else None."""
    try:
        seal = json.loads(seal_data)
    except (ValueError, RecursionError):
        return manifest
    entries = seal.get("files") if isinstance(seal, dict) and seal.get("format") == MANIFEST_FORMAT else None
    if not isinstance(entries, dict):
        return manifest
    for name, data in files.items():
        expected = entries.get(name)
        if not isinstance(expected, dict) or \
                _digest(data) != {"sha256": expected.get("sha256"), "bytes": expected.get("bytes")}:
            return name
    return None


def verify_file_set(directory: str | os.PathLike[str], files: Mapping[str, bytes], seal_data: bytes | None,
                    manifest: str = "manifest.json") -> None:
    """Check that the bytes :func:`read_file_set` returned are the ones the manifest read with them sealed.

    Parameters
    ----------
    directory : str or Path
    files : mapping of str to bytes
        The files :func:`read_file_set` returned.
    seal_data : bytes or None
        The manifest it returned with them.
    manifest : str
        Name of the manifest file.

    Raises
    ------
    CorpusError
        No or malformed manifest, a file missing from it, or a file whose SHA-256
        differs (edited by hand, or a write was killed between its renames).
    """
    directory = Path(directory)
    seal_path = directory / manifest
    if seal_data is None:
        raise CorpusError(f"missing: cannot verify the files of {directory} as one set "
                          "(rebuild it with `litreview snapshot build`)", str(seal_path))
    parse_json(seal_data, seal_path)
    wrong = _mismatch(seal_data, files, manifest)
    if wrong == manifest:
        raise CorpusError(f"not a manifest of format {MANIFEST_FORMAT}", str(seal_path))
    if wrong is not None:
        seal = json.loads(seal_data)
        if not isinstance(seal["files"].get(wrong), dict):
            raise CorpusError(f"{wrong} is not listed", str(seal_path))
        raise CorpusError(
            f"{wrong} does not match {manifest} (SHA-256 differs): the file was changed outside litreview or "
            f"a write was interrupted, so the set may mix two versions; restore the directory from version "
            f"control or rebuild it with `litreview snapshot build`", str(directory))


# -- reading -----------------------------------------------------------------------------


def _read_error(path: Path, exc: OSError, missing: str = "file not found") -> CorpusError:
    """A one-line CorpusError for a file that cannot be opened."""
    if isinstance(exc, FileNotFoundError):
        return CorpusError(missing, str(path))
    if isinstance(exc, IsADirectoryError):
        return CorpusError("is a directory, not a file", str(path))
    return CorpusError(f"cannot be read ({exc.strerror or exc})", str(path))


def _read_bytes(path: Path, missing: str) -> bytes:
    """The file's bytes; CorpusError when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _read_error(path, exc, missing) from None


def _decode(data: bytes, path: Path, first_line: int = 1) -> str:
    """UTF-8 text; CorpusError naming the line and byte that are not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = first_line + data.count(b"\n", 0, exc.start)
        raise CorpusError(f"line {line}: not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                          str(path)) from None


def read_text(path: str | os.PathLike[str], missing: str = "file not found") -> str:
    """A UTF-8 text file; CorpusError when missing, a directory, unreadable or not UTF-8."""
    path = Path(path)
    return _decode(_read_bytes(path, missing), path)


def read_toml(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A TOML file; CorpusError for any file fault, syntax error or absurd nesting."""
    path = Path(path)
    text = read_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError(f"TOML syntax error: {exc}", str(path)) from None
    except RecursionError:
        raise CorpusError("TOML nested too deeply", str(path)) from None


def read_json(path: str | os.PathLike[str], missing: str = "file not found") -> Any:
    """A JSON file; CorpusError for any file fault, bad JSON or absurd nesting."""
    path = Path(path)
    return parse_json(_read_bytes(path, missing), path)


def parse_json(data: bytes, path: str | os.PathLike[str]) -> Any:
    """JSON from a file's bytes already read; CorpusError naming ``path`` for bad UTF-8, bad JSON or nesting."""
    path = Path(path)
    text = _decode(data, path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CorpusError(f"line {exc.lineno}: invalid JSON ({exc.msg})", str(path)) from None
    except RecursionError:
        raise CorpusError("JSON nested too deeply", str(path)) from None


def read_jsonl(path: str | os.PathLike[str], missing: str = "file not found") -> Iterator[tuple[int, Any]]:
    """Yield ``(line_number, object)`` per non-blank line; every fault is a CorpusError naming file and line."""
    path = Path(path)
    return parse_jsonl(_read_bytes(path, missing), path)


def parse_jsonl(data: bytes, path: str | os.PathLike[str]) -> Iterator[tuple[int, Any]]:
    """:func:`read_jsonl` on a file's bytes already read (errors name ``path``)."""
    path = Path(path)
    for number, raw in enumerate(data.splitlines(), start=1):
        line = _decode(raw, path, number)
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"line {number}: invalid JSON ({exc.msg})", str(path)) from None
        except RecursionError:
            raise CorpusError(f"line {number}: JSON nested too deeply", str(path)) from None


def _torn_line(fd: int, size: int) -> int | None:
    """The number of the last line when the file's ``size`` bytes do not end in a newline, else None."""
    if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
        return None
    lines, offset = 1, 0
    while offset < size:
        chunk = os.pread(fd, min(1 << 20, size - offset), offset)
        if not chunk:
            break
        lines += chunk.count(b"\n")
        offset += len(chunk)
    return lines


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data``: ``os.write`` may write fewer than asked (a full disk, a size limit)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


def append_jsonl(path: str | os.PathLike[str], row: dict[str, Any]) -> None:
    """Append one compact, key-sorted JSON line to an append-only log, durably and whole.

    The file is opened with ``O_APPEND`` and locked (``flock``) while the line
    is written, so two writers never interleave or overwrite each other's lines
    (a temporary file renamed over the log could drop a line another writer
    appended meanwhile). The line is written to its last byte (``os.write`` may
    write only part of it when the disk or the file-size limit is reached);
    when the rest cannot be written the file is cut back to its former length,
    so a failed append leaves the log as it was. ``fsync`` makes the line
    durable before returning. A log whose last line has no newline (a write
    killed part-way) is refused rather than glued onto.

    Raises
    ------
    CorpusError
        The log is a directory or cannot be written (nothing was appended), or
        its last line is incomplete (naming the file and line).
    """
    path = Path(path)
    data = (json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o666)
    except OSError as exc:
        raise _write_error(path, exc) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        torn = _torn_line(fd, size)
        if torn is not None:
            raise CorpusError(f"line {torn} is incomplete (no newline at its end: a write was cut short); "
                              "nothing was appended: remove or complete that line, then record the decision again",
                              str(path))
        try:
            _write_all(fd, data)
            os.fsync(fd)
        except OSError as exc:
            with suppress(OSError):
                os.ftruncate(fd, size)
                os.fsync(fd)
            raise _write_error(path, exc) from None
    finally:
        os.close(fd)


def _write_error(path: Path, exc: OSError) -> CorpusError:
    """A one-line CorpusError for a file that cannot be appended to (nothing was written)."""
    if isinstance(exc, IsADirectoryError) or path.is_dir():
        return CorpusError("is a directory, not a file: nothing was appended", str(path))
    return CorpusError(f"cannot be written ({exc.strerror or exc}): nothing was appended", str(path))


def toml_value(value: Any) -> str:
    """A TOML value for a string (one line), a list of strings or a table of strings."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + "}"
    return "[" + ", ".join(toml_value(v) for v in value) + "]"
