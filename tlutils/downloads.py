"""Download failures as one clear sentence instead of a page of traceback.

Loaders in tlutils wrap their downloads in :func:`downloading`. In a notebook,
:func:`install_notebook_handler` (called by ``tlutils.setup()``) also shows a failed download
from a lesson's own cell, such as ``VGG16(weights="imagenet")``, as that one sentence.
"""
from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path


class DownloadError(RuntimeError):
    """A model or dataset could not be downloaded; the message says how to go on."""


def is_network_failure(exc: BaseException) -> bool:
    """True for the errors a download raises when the network or the host is unreachable.

    Example:
        >>> is_network_failure(ConnectionError("Name or service not known"))
        True
        >>> is_network_failure(ValueError("bad shape"))
        False
    """
    if isinstance(exc, (OSError, DownloadError)):  # URLError, requests, sockets, hub errors
        return True
    if type(exc).__name__ == "DownloadError":  # tensorflow-datasets' own
        return True
    return str(exc).startswith("URL fetch failure")  # keras.utils.get_file


def failure_message(what: str, exc: BaseException, cache: Path | str | None = None) -> str:
    """The one sentence shown when downloading ``what`` failed with ``exc``.

    Example:
        >>> failure_message("the VGG16 weights", OSError("timed out"), "/cache")[:43]
        'Could not download the VGG16 weights (timed'
    """
    reason = " ".join(str(exc).split()) or type(exc).__name__
    if len(reason) > 160:
        reason = reason[:157] + "..."
    where = f"put the files in {cache}, " if cache else ""
    return (
        f"Could not download {what} ({reason}); check the internet connection and run the cell "
        f"again, {where}or run the course offline with TLUTILS_PROFILE=offline."
    )


@contextlib.contextmanager
def downloading(what: str, cache: Path | str | None = None) -> Iterator[None]:
    """Turn a network failure inside the block into a :class:`DownloadError`.

    Other errors pass through unchanged; the original stays attached as ``__cause__``.

    Example:
        >>> with downloading("a dataset"):
        ...     pass
    """
    try:
        yield
    except DownloadError:
        raise
    except Exception as exc:
        if not is_network_failure(exc):
            raise
        raise DownloadError(failure_message(what, exc, cache)) from exc


# What a download failure raised in a lesson's own cell says (keras.utils.get_file, the
# Hugging Face hub client, requests/urllib3); other OSErrors keep their usual traceback.
NETWORK_MARKERS = ("URL fetch failure", "huggingface.co", "Max retries exceeded")


def _show_download_failure(shell, etype, value, tb, tb_offset=None):
    """IPython custom-exception hook: one sentence for download failures, else the usual."""
    if isinstance(value, DownloadError):
        print(f"DownloadError: {value}", file=sys.stderr)
    elif is_network_failure(value) and any(m in str(value) for m in NETWORK_MARKERS):
        print(f"DownloadError: {failure_message('pretrained weights', value)}", file=sys.stderr)
    else:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)


def install_notebook_handler() -> bool:
    """Register the one-sentence display in IPython; False outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc((Exception,), _show_download_failure)
    return True
