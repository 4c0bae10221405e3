"""Files written whole or not at all, and JSON read back with a sentence when it is damaged.

A run that is cut off (Colab disconnects, a full disk, Ctrl-C, a kill) must never leave half a
file that a later run trusts: every state file, cached array and saved model is written next to
its place, flushed to the disk (fsync) and then renamed over it, which is atomic on one file
system. A full disk while writing is one sentence (:class:`~tlutils.errors.FolderError`), and
the previous file stays as it was.
"""
from __future__ import annotations

import contextlib
import errno
import gc
import json
import os
import shutil
import sys
import traceback
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .errors import DataFileError, FolderError

PARTIAL = ".partial-"  # prefix of the temporary names; a later run ignores and replaces them
ASIDE = ".previous-"  # prefix of a folder's previous copy while the new one is renamed in
FULL_DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
# How h5py and TensorFlow word a full disk in errors that carry no errno.
FULL_DISK_WORDS = ("No space left on device", "errno = 28", "Disk quota exceeded", "File too large")


def is_disk_full(exc: BaseException) -> bool:
    """True for the errors a write raises when the disk (or the user's quota) is full.

    Example:
        >>> is_disk_full(OSError(28, "No space left on device"))
        True
        >>> is_disk_full(OSError("Can't write data (file write failed: ..., errno = 28, error message = 'No space')"))
        True
        >>> is_disk_full(PermissionError(13, "Permission denied"))
        False
    """
    if isinstance(exc, OSError) and exc.errno in FULL_DISK_ERRNOS:
        return True
    return isinstance(exc, (OSError, RuntimeError)) and any(w in str(exc) for w in FULL_DISK_WORDS)


def disk_full_error(path: Path, fix: str = "free some space and run it again") -> FolderError:
    """The one sentence for a full disk while writing ``path``.

    Example:
        >>> str(disk_full_error(Path("/cache/models/a.keras")))
        'The disk holding /cache/models is full (writing a.keras): free some space and run it again; what was saved before is unchanged.'
    """
    return FolderError(f"The disk holding {path.parent} is full (writing {path.name}): {fix}; "
                       "what was saved before is unchanged.")


def _fsync(path: Path) -> None:
    """Flush a file, or every file in a folder, and the folder entries, to the disk."""
    files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
    for name in files:
        with open(name, "rb+") as f:
            os.fsync(f.fileno())
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (not every file system can: then it is skipped)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _release_quietly(exc: BaseException, partial: Path) -> None:
    """Close now what a writer that hit a full disk left open. h5py's half-written files complain
    when freed ("Exception ignored ... file write failed") and, left until Python exits, crashed it
    (exit status 139, measured on a full 4 MB tmpfs); closed here, they stay quiet."""
    saved = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        if not is_disk_full(unraisable.exc_value):
            saved(unraisable)

    sys.unraisablehook = hook
    try:
        seen: BaseException | None = exc
        while seen is not None:  # the writer's own errors while closing are chained to it
            traceback.clear_frames(seen.__traceback__)
            seen = seen.__context__
        h5py = sys.modules.get("h5py")
        if h5py is not None:  # files still held by frames that Keras took out of the traceback
            for handle in [o for o in gc.get_objects() if isinstance(o, h5py.File)]:
                with contextlib.suppress(Exception):
                    if handle.id.valid and Path(handle.filename).name == partial.name:
                        handle.close()
        gc.collect()
    finally:
        sys.unraisablehook = saved


@contextlib.contextmanager
def atomic_path(path: Path, fix: str = "free some space and run it again") -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; flushed to the disk and renamed over
    ``path`` when the block ends without an error, removed (file or folder) when it does not.
    A previous folder at ``path`` is replaced only once the new one is whole (:func:`_move_in`):
    write into the temporary folder and leave the old one alone.

    The temporary name ends like ``path`` (``.weights.h5``, ``.npz``), since some writers insist.
    A full disk inside the block raises :func:`disk_full_error` (ending with ``fix``).

    Example:
        >>> import tempfile
        >>> target = Path(tempfile.mkdtemp()) / "x.txt"
        >>> with atomic_path(target) as partial:
        ...     _ = partial.write_text("done")
        >>> target.read_text(), partial.exists()
        ('done', False)
    """
    path = Path(path)
    partial = path.with_name(f"{PARTIAL}{path.name}")
    restore_aside(path)
    try:
        yield partial
        _fsync(partial)
        _move_in(partial, path)
    except Exception as exc:
        if is_disk_full(exc):
            _release_quietly(exc, partial)
            raise disk_full_error(path, fix) from None
        raise
    finally:
        if partial.is_dir():
            shutil.rmtree(partial, ignore_errors=True)
        else:
            partial.unlink(missing_ok=True)


def _move_in(partial: Path, path: Path) -> None:
    """Rename the whole new copy over ``path``. A file is replaced in one atomic rename; a folder
    (which a rename cannot replace) is swapped: the previous copy is renamed aside, the new one
    renamed in, and only then is the previous one removed, so at every moment one whole copy exists."""
    if not (partial.is_dir() and path.is_dir()):
        partial.replace(path)
        _fsync_folder(path.parent)
        return
    aside = path.with_name(f"{ASIDE}{path.name}")
    shutil.rmtree(aside, ignore_errors=True)
    path.rename(aside)
    try:
        partial.rename(path)
    except BaseException:  # even Ctrl-C between the two renames: the previous copy goes back
        restore_aside(path)
        raise
    _fsync_folder(path.parent)
    shutil.rmtree(aside, ignore_errors=True)


def restore_aside(path: Path) -> None:
    """Finish a folder swap that a kill cut off (:func:`_move_in`): when only the previous copy
    of ``path`` exists, aside, it is renamed back; when both exist, the previous one is removed.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp())
        >>> (root / f"{ASIDE}model").mkdir()
        >>> restore_aside(root / "model"); sorted(p.name for p in root.iterdir())
        ['model']
    """
    path = Path(path)
    aside = path.with_name(f"{ASIDE}{path.name}")
    if not aside.is_dir():
        return
    if path.exists():
        shutil.rmtree(aside, ignore_errors=True)
    else:
        aside.rename(path)


def write_atomically(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file renamed over it.

    Example:
        >>> import tempfile
        >>> write_atomically(Path(tempfile.mkdtemp()) / "a.json", "{}").read_text()
        '{}'
    """
    with atomic_path(path) as partial:
        partial.write_text(text)
    return path


def write_json(path: Path, data: Any) -> Path:
    """:func:`write_atomically` the JSON of ``data`` (indented, so people can read it)."""
    return write_atomically(path, json.dumps(data, indent=2))


def read_json(path: Path, fix: str) -> Any:
    """The JSON in ``path``; a damaged file raises one sentence naming it and saying ``fix``.

    Example:
        >>> import tempfile
        >>> bad = Path(tempfile.mkdtemp()) / "clock.json"
        >>> _ = bad.write_text('{"seconds": 1')
        >>> read_json(bad, "delete it")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        tlutils.errors.DataFileError: ...clock.json is damaged (Expecting ',' delimiter at line 1, column 14): delete it.
    """
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        reason = f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
    except UnicodeDecodeError:
        reason = "it is not text"
    raise DataFileError(f"{path} is damaged ({reason}): {fix}.")


def read_arrays(path: Path, names: Sequence[str],
                check: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any] | None:
    """The arrays ``names`` of the feature cache file ``path`` (``.npz``, read without pickle);
    None when it is missing, or damaged (truncated, not a NumPy archive, an array missing, or
    refused by ``check``, which raises ValueError), which is said in one line and the file
    removed, so that the features are computed again. The one reader of the course's caches."""
    import numpy as np

    path = Path(path)
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as saved:
            arrays = {name: saved[name] for name in names}
        if check is not None:
            check(arrays)
        return arrays
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        reason = " ".join(str(exc).split())[:120] or type(exc).__name__
        print(f"  {path} is damaged ({reason}): computing these features again", flush=True)
        path.unlink(missing_ok=True)
        return None


def write_arrays(path: Path, **arrays: Any) -> None:
    """``arrays`` saved in the feature cache file ``path`` (``.npz``, no pickle), written whole or
    not at all (:func:`atomic_path`), its folder made first. The one writer of the course's caches.

    Example:
        >>> import tempfile, numpy as np
        >>> path = Path(tempfile.mkdtemp()) / "cache" / "test.npz"
        >>> write_arrays(path, x=np.ones((2, 3)), y=np.arange(2))
        >>> {name: a.shape for name, a in read_arrays(path, ["x", "y"]).items()}
        {'x': (2, 3), 'y': (2,)}
        >>> _ = path.write_bytes(b"cut off")
        >>> import contextlib, io
        >>> with contextlib.redirect_stdout(io.StringIO()) as said:
        ...     damaged = read_arrays(path, ["x", "y"])
        >>> damaged, path.exists(), "computing these features again" in said.getvalue()
        (None, False, True)
    """
    import numpy as np

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as partial:
        np.savez(partial, **arrays)
