"""File helpers shared by every stage: atomic writes (one file or a set of files) and JSON lines."""

from __future__ import annotations

import errno
import json
import os
import signal
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .errors import CorpusError

# mkstemp creates 0600 files; give finished files the usual umask-derived mode.
_UMASK = os.umask(0o022)
os.umask(_UMASK)

__all__ = [
    "atomic_open", "atomic_write_bytes", "atomic_write_text", "atomic_write_files", "write_jsonl", "read_jsonl",
]
# Signals that would otherwise stop the process between two renames of a file set.
_HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _temp_beside(target: Path) -> tuple[int, str]:
    """Create ``target``'s folder and a temporary file in it with the usual mode; return ``(fd, path)``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)
    except BaseException:
        os.close(fd)
        Path(tmp).unlink(missing_ok=True)
        raise
    return fd, tmp


@contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; rename it over ``path`` on success.

    If the block raises, the temporary file is removed and ``path`` is left as it
    was, so an interrupted write never leaves a partial file behind.
    """
    target = Path(path)
    fd, tmp = _temp_beside(target)
    try:
        if "b" not in mode:
            kwargs.setdefault("encoding", "utf-8")
            kwargs.setdefault("newline", "\n")
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_open(path, "wb") as handle:
        handle.write(data)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` atomically."""
    with atomic_open(path, "w") as handle:
        handle.write(text)


def _stage(target: Path, data: bytes) -> str:
    """Write ``data`` in full to a temporary file beside ``target``, synced to disk; return its path."""
    fd, tmp = _temp_beside(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


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


def atomic_write_files(files: Mapping[str | os.PathLike[str], bytes]) -> None:
    """Write several files as one unit: a reader sees the old set or the new one, never a mix.

    Every file is first written in full to a temporary file beside its target
    and synced (this is where a full disk or a permission error shows); only
    then are all of them renamed into place, with SIGINT and SIGTERM held until
    the last rename (renames need no space and take microseconds). A SIGKILL or a
    power cut in that window can still leave a mix.

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
    targets = {Path(path): data for path, data in files.items()}
    staged: list[tuple[str, Path]] = []
    try:
        for target, data in targets.items():
            if target.is_dir():
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
            try:
                staged.append((_stage(target, data), target))
            except OSError as exc:
                exc.filename = exc.filename or str(target)
                raise
        with _signals_held():
            for tmp, target in staged:
                os.replace(tmp, target)
            staged.clear()
    finally:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)


def write_jsonl(path: str | os.PathLike[str], rows: Iterable[dict[str, Any]]) -> int:
    """Write one compact, key-sorted JSON object per line, atomically; return the count."""
    count = 0
    with atomic_open(path, "w") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True))
            handle.write("\n")
            count += 1
    return count


def read_jsonl(path: str | os.PathLike[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, object)`` per non-blank line; bad JSON is a CorpusError naming file and line."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CorpusError(f"line {number}: invalid JSON ({exc.msg})", os.fspath(path)) from None
