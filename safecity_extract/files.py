"""File helpers every writer shares: one content hash and one atomic write.

A file is written to a temporary file in the same folder, flushed and fsynced, then moved over
the target, so a reader never sees half a file and a failed write keeps the old content.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import IO, Any, Callable

_BLOCK = 1 << 20  # bytes read at a time while hashing


def sha256_file(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of the file's bytes, as hex (the document key of outputs and SQLite)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def atomic_write(path: str | os.PathLike[str], write: Callable[[IO[str]], object]) -> None:
    """Call ``write(f)`` on a temporary UTF-8 text file beside ``path``, then replace ``path``
    with it. On any error the temporary file is removed and ``path`` keeps its old content."""
    _replace(Path(path), "w", write)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    _replace(Path(path), "w", lambda f: f.write(text))


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    _replace(Path(path), "wb", lambda f: f.write(data))


def _replace(target: Path, mode: str, write: Callable[[Any], object]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp makes the file private (0600); outputs get the mode any new file would get.
        os.chmod(tmp, 0o666 & ~_umask())
        f: IO[Any] = (open(fd, "wb") if mode == "wb"
                      else open(fd, "w", encoding="utf-8", newline=""))
        with f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        remove_quietly(tmp)
        raise
    _fsync_dir(target.parent)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def remove_quietly(path: str) -> None:
    """Delete a temporary file if it is still there."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable; not every platform lets a folder be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
