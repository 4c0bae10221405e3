"""Download failures as one clear sentence, soon, instead of a page of traceback or a hang.

Loaders in tlutils wrap their downloads in :func:`downloading`. In a notebook,
:func:`install_notebook_handler` (called by ``tlutils.setup()``) also shows a failed download
from a lesson's own cell, such as ``VGG16(weights="imagenet")``, as that one sentence.

Network waits are bounded by silence, not by total time (:func:`limit_network_waits`): a dead
network fails at once (no retry loop), a connection that accepts and then says nothing fails
after ``$TLUTILS_NETWORK_TIMEOUT`` seconds of silence (default 30; a Hugging Face hub metadata
request, the first thing ``from_pretrained`` sends, after :data:`HUB_METADATA_SECONDS`), and a
slow download that keeps sending bytes runs to the end.
"""
from __future__ import annotations

import contextlib
import errno
import functools
import importlib
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .errors import CourseError, InputError

TIMEOUT_ENV = "TLUTILS_NETWORK_TIMEOUT"
DEFAULT_SILENCE = 30.0  # seconds without a byte before a download counts as stalled
CONNECT_SECONDS = 10.0  # seconds to open a connection (a dead route); never above the silence
HUB_METADATA_SECONDS = 5.0  # the hub answers a HEAD or API request in well under a second
TFDS_RETRIES = 0  # tensorflow-datasets retries 10 times (about 205 s dead); 1 would double a stall


class DownloadError(CourseError, RuntimeError):
    """A model or dataset could not be downloaded; the message says how to go on."""


def silence_timeout() -> float:
    """Seconds of silence after which a download is given up (``$TLUTILS_NETWORK_TIMEOUT``).

    Example:
        >>> silence_timeout() > 0
        True
    """
    value = os.environ.get(TIMEOUT_ENV, "").strip()
    try:
        seconds = float(value) if value else DEFAULT_SILENCE
    except ValueError:
        raise InputError(f"{TIMEOUT_ENV}={value!r} is not a number of seconds: set it to e.g. 30 "
                          "or unset it.") from None
    if seconds <= 0:
        raise InputError(f"{TIMEOUT_ENV}={value!r} must be more than 0 seconds: set it to e.g. 30 "
                          "or unset it.")
    return seconds


def request_timeouts() -> tuple[float, float]:
    """``(connect, read)`` seconds for a requests call: the read one is per chunk, not in total.

    Example:
        >>> connect, read = request_timeouts()
        >>> connect <= read
        True
    """
    silence = silence_timeout()
    return min(CONNECT_SECONDS, silence), silence


def hub_metadata_seconds() -> float:
    """Seconds of silence after which a Hugging Face hub metadata request (a file's HEAD, the
    API) is given up: :data:`HUB_METADATA_SECONDS`, or the silence limit if that is shorter.

    Example:
        >>> 0 < hub_metadata_seconds() <= HUB_METADATA_SECONDS
        True
    """
    return min(HUB_METADATA_SECONDS, silence_timeout())


def metadata_timeouts() -> tuple[float, float]:
    """``(connect, read)`` seconds for a metadata request (see :func:`hub_metadata_seconds`)."""
    seconds = hub_metadata_seconds()
    return seconds, seconds


def with_default_timeout(function: Callable[..., Any],
                         timeouts: Callable[[], Any] = request_timeouts) -> Callable[..., Any]:
    """Wrap a requests- or httpx-style call so that a missing or ``None`` ``timeout`` becomes
    ``timeouts()`` (libraries pass ``None``, which waits forever)."""
    if getattr(function, "_tlutils_timeout", False):
        return function

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = timeouts()
        return function(*args, **kwargs)

    call._tlutils_timeout = True  # type: ignore[attr-defined]
    return call


def _hub_client() -> Any:
    """The Hugging Face hub's own HTTP client (httpx, huggingface_hub >= 1.0), whose calls without
    a timeout get the metadata one: its default client waits for ever, and some of its calls
    (``repo_info`` in ``snapshot_download``) pass ``timeout=None`` explicitly. Downloads pass
    their own (``HF_HUB_DOWNLOAD_TIMEOUT``, the silence limit)."""
    import httpx
    from huggingface_hub.utils._http import default_client_factory

    connect, read = metadata_timeouts()
    bounded = httpx.Timeout(read, connect=connect)
    client = default_client_factory()
    client.timeout = bounded
    for name in ("request", "stream"):
        setattr(client, name, _unless_silent(with_default_timeout(getattr(client, name), lambda: bounded), httpx))
    return client


# When the hub last let a request time out. transformers 5's from_pretrained asks the hub several
# things in a row (a file's metadata, then other candidates), each bounded by the metadata
# timeout: on a stalled network that added up to over 20 s. After one timeout, the hub's requests
# fail at once for HUB_SILENT_SECONDS, so a learner's call fails after one wait, not several.
_silent_since = [float("-inf")]
HUB_SILENT_SECONDS = 30.0


def _unless_silent(function: Callable[..., Any], httpx: Any) -> Callable[..., Any]:
    """Wrap a hub client call: it raises at once, as a timeout, while the hub was silent a moment
    ago, and a timeout of its own starts such a moment."""
    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        waited = time.monotonic() - _silent_since[0]
        if waited < HUB_SILENT_SECONDS:
            raise httpx.ConnectTimeout(f"the Hugging Face hub (huggingface.co) did not answer {waited:.0f} s ago; "
                                       f"not asking again for {HUB_SILENT_SECONDS - waited:.0f} s")
        try:
            return function(*args, **kwargs)
        except httpx.TimeoutException:
            _silent_since[0] = time.monotonic()
            raise

    return call


# The hub's own timeouts, each with the seconds tlutils gives it unless the user set the variable:
# a file's metadata (HEAD) is a small answer, a file's download may pause longer between bytes.
HUB_TIMEOUTS = {"HF_HUB_ETAG_TIMEOUT": hub_metadata_seconds, "HF_HUB_DOWNLOAD_TIMEOUT": silence_timeout}
HUB_RETRIES = 0  # the hub retries a failed request 5 times, 1+2+4+8+8 s apart, logging each


def without_retries(function: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap the hub's ``http_backoff`` so that a failed request is not retried (unless a caller
    asks for retries): a learner's own ``from_pretrained`` on a dead network then fails at once
    (it waited 23 s and printed 12 lines), and on a stalled one after one silence, not six."""
    if getattr(function, "_tlutils_no_retry", False):
        return function

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("max_retries", HUB_RETRIES)
        return function(*args, **kwargs)

    call._tlutils_no_retry = True  # type: ignore[attr-defined]
    return call


def _limit_hub() -> None:
    """Timeouts for the Hugging Face hub: its env variables (read at its import; a value the
    user set wins), a session whose calls without a timeout get one, and no retry loop. The hub
    is imported here, so that a lesson's own ``from_pretrained`` later is covered too."""
    import huggingface_hub
    import huggingface_hub.constants as constants

    for name, seconds in HUB_TIMEOUTS.items():  # it read the variables at its import
        chosen = os.environ.get(name, "").strip()
        setattr(constants, name, int(chosen) if chosen.isdigit() else max(1, round(seconds())))
    huggingface_hub.set_client_factory(_hub_client)
    http = importlib.import_module("huggingface_hub.utils._http")
    for name in ("http_backoff", "http_stream_backoff"):  # the hub's downloads call them from there
        setattr(http, name, without_retries(getattr(http, name)))
    huggingface_hub.utils.logging.set_verbosity_error()  # the failure is said in one sentence


_chosen_timeouts: set[float] = set()  # default socket timeouts tlutils set (others' values stay)


def _limit_sockets() -> float | None:
    """Set Python's default socket timeout to the silence limit, unless someone else chose
    one; returns the value it replaced."""
    before = socket.getdefaulttimeout()
    if before is None or before in _chosen_timeouts:
        seconds = silence_timeout()
        _chosen_timeouts.add(seconds)
        socket.setdefaulttimeout(seconds)
    return before


@contextlib.contextmanager
def _limit_tfds() -> Iterator[None]:
    """tensorflow-datasets without its 205-second retry loop, and with timeouts on silence."""
    if "tensorflow_datasets" not in sys.modules:  # not used here: nothing to import
        yield
        return
    downloader = importlib.import_module("tensorflow_datasets.core.download.downloader")
    saved = downloader.MAX_RETRIES, downloader._open_url
    downloader.MAX_RETRIES = min(TFDS_RETRIES, saved[0])  # a glitch: the learner runs it again
    downloader._open_url = with_default_timeout(saved[1])
    try:
        yield
    finally:
        downloader.MAX_RETRIES, downloader._open_url = saved


def limit_network_waits() -> None:
    """Bound every wait on the network by silence (``tlutils.setup()`` calls this).

    Python's default socket timeout covers Keras' ``get_file`` (urllib) in a lesson's own cell,
    as long as nothing else chose one; the hub's session gets its own.
    """
    _limit_sockets()
    _limit_hub()


# OSErrors of the local disk, not of the network: a full, read-only or unwritable cache.
LOCAL_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.ENOTDIR,
                errno.EISDIR, errno.EEXIST}


def is_network_failure(exc: BaseException) -> bool:
    """True for the errors a download raises when the network or the host is unreachable.

    A full or unwritable disk is not one: telling the learner to check the internet
    connection would send them the wrong way.

    Example:
        >>> is_network_failure(ConnectionError("Name or service not known"))
        True
        >>> is_network_failure(PermissionError(13, "Permission denied"))
        False
        >>> is_network_failure(ValueError("bad shape"))
        False
    """
    if isinstance(exc, OSError) and exc.errno in LOCAL_ERRNOS:
        return False
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
        f"Could not download {what} ({reason}); check the internet connection and try again, "
        f"{where}or run the course offline with TLUTILS_PROFILE=offline."
    )


@contextlib.contextmanager
def downloading(what: str, cache: Path | str | None = None) -> Iterator[None]:
    """Turn a network failure inside the block into a :class:`DownloadError`.

    Inside the block every network wait is bounded by silence (see :func:`limit_network_waits`;
    the socket default applies only for the block unless ``setup()`` set it). Other errors
    pass through unchanged; the original stays attached as ``__cause__``.

    Example:
        >>> with downloading("a dataset"):
        ...     pass
    """
    saved_timeout = socket.getdefaulttimeout()
    try:
        _limit_sockets()
        _limit_hub()
        with _limit_tfds():
            yield
    except DownloadError:
        raise
    except Exception as exc:
        if not is_network_failure(exc):
            raise
        raise DownloadError(failure_message(what, exc, cache)) from exc
    finally:
        socket.setdefaulttimeout(saved_timeout)


# What a download failure raised in a lesson's own cell says (keras.utils.get_file, the
# Hugging Face hub client, requests/urllib3); other OSErrors keep their usual traceback.
NETWORK_MARKERS = ("URL fetch failure", "huggingface.co", "Max retries exceeded")


def _weights_folder(exc: BaseException) -> str | None:
    """Where the failed download would have gone: the Hugging Face cache, or the folder where Keras
    looks for weights (``<course cache>/keras/models`` after ``setup()``)."""
    if "huggingface.co" in str(exc):
        return os.environ.get("HF_HOME")
    config = sys.modules.get("keras.src.backend.config")
    return os.path.join(config.keras_home(), "models") if config is not None else None


def _show_download_failure(shell, etype, value, tb, tb_offset=None):
    """IPython custom-exception hook: one sentence for download failures and other course
    errors (:class:`~tlutils.errors.CourseError`), else the usual traceback."""
    if isinstance(value, CourseError):
        print(f"{type(value).__name__}: {value}", file=sys.stderr)
    elif is_network_failure(value) and any(m in str(value) for m in NETWORK_MARKERS):
        print(f"DownloadError: {failure_message('pretrained weights', value, _weights_folder(value))}", file=sys.stderr)
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
