"""Files written whole or not at all, and JSON read back with a sentence when it is damaged.

A run that is cut off (Colab disconnects, a full disk, Ctrl-C) must never leave half a file
that a later run trusts: every state file, cached array and converted model is written next to
its place and then renamed over it, which is atomic on one file system.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import DataFileError


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; renamed over ``path`` when the block ends
    without an error, removed (file or folder) when it does not.

    The temporary name ends like ``path`` (``.weights.h5``, ``.npz``), since some writers insist.

    Example:
        >>> import tempfile
        >>> target = Path(tempfile.mkdtemp()) / "x.txt"
        >>> with atomic_path(target) as partial:
        ...     _ = partial.write_text("done")
        >>> target.read_text(), partial.exists()
        ('done', False)
    """
    partial = path.with_name(f".partial-{path.name}")
    try:
        yield partial
        partial.replace(path)
    finally:
        if partial.is_dir():
            shutil.rmtree(partial, ignore_errors=True)
        else:
            partial.unlink(missing_ok=True)


def write_atomically(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file renamed over it.

    Example:
        >>> import tempfile
        >>> write_atomically(Path(tempfile.mkdtemp()) / "a.json", "{}").read_text()
        '{}'
    """
    with atomic_path(path) as partial, open(partial, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
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
