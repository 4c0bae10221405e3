"""The capstone's local scoring server: the detector behind ``POST /score``, on 127.0.0.1 only.

Start it with one command (it trains the offline bundle, or reuses the saved one, when no
``--bundle`` is given)::

    python -m tlutils.phishing.service.server [--bundle DIR] [--port 8765]

Routes: ``POST /score`` (JSON ``{subject, sender, html?, text?}``, one of html/text required)
returns the detector's answer; ``GET /health`` says which bundle and profile serve; ``GET /demo``
is a small webmail inbox of test e-mails for the browser extension in ``extension/``.

How it scores (:mod:`tlutils.phishing.service.serving`): ``--workers`` threads score at once (2 by
default, measured by ``benchmarks/server_latency.py``), with at most ``--queue`` e-mails waiting
behind them; more are refused with a 503 and one sentence. Slow clients are cut off: headers
must arrive within 10 s (:mod:`tlutils.phishing.service.http_timeouts`) and the body within
:data:`BODY_SECONDS` (a 408).

Who may call it. The server listens on loopback, so only programs on this machine reach it. Web
pages open in the browser are programs on this machine too, so three more rules keep them out:
CORS answers only the extension's origin (``chrome-extension://<id>``; the id is fixed by the
``key`` in ``extension/manifest.json``, see :data:`EXTENSION_ORIGIN`); ``/score`` takes only
``application/json``, which a page on another origin cannot send without a CORS preflight; and
requests must name a loopback host (``Host: 127.0.0.1``), which defeats DNS rebinding. The
extension itself is not subject to CORS (its host permission covers the server), so the origin
list mainly guards against web pages; ``--allowed-origin`` changes it for a re-keyed extension.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import hashlib
import logging
import os
import socket
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any, Protocol

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import ClientDisconnect

from .demo import demo_emails
from .process import is_loopback
from .score_request import BadRequest, byte_limit, parse_score_body, too_large
from .serving import DEFAULT_QUEUE, DEFAULT_WORKERS, Busy, ScoringPool

# The public half of the key that fixes the extension's id (extension/manifest.json's "key");
# the private half was never kept, since an unpacked extension needs only this one.
EXTENSION_KEY = (
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqEM+3KxU5nhTwN4aUsW95boV1bW84Neba8Fmo07UPbrK"
    "IOQjQFvkXUxyJMYGFsGcom6fv2e55SBWtfJ1MuWgFQ/+1LYReg78p+JOXWyHLmJiENd6CRYzoBDTGz7ZJg0HmU2j"
    "JQ4g2d36jHZewQ2lraGUmo1J9bEQC9v5Erx/jbmHIp1qFKcgV8MLUcFPm0+EjHe3dqlkFXO5zX8O6IGvT9AZLZsz"
    "s0j1apmmg3+SaETKu2gMW6OBkFAe8I6OMSl/RQiecyhUOAliJIBKwVwLaJamFAJQN5alI34AqkqU9GPEtxEHMGzj"
    "Bxialv7128y7tke4jmtApM0OQzPnZ7UDjwIDAQAB"
)
STATIC_DIR = Path(__file__).with_name("static")
logger = logging.getLogger(__name__)
DEFAULT_PORT = 8765
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]", "::1"]
# Real e-mails are scored whole up to 1 MB of HTML (issue-tracker digests reach 240 kB) with their
# plain-text part; a body longer than this (in JSON characters) is refused in one sentence.
MAX_BODY_CHARS = 2_500_000
BODY_SECONDS = 10.0  # the whole body must arrive within this time after the headers (loopback: milliseconds)
DEMO_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "frame-src 'self' about:; object-src 'none'; base-uri 'none'; form-action 'none'")


class Scorer(Protocol):
    """What the server needs of a detector: ``score`` (see ``tlutils.phishing.detector``)."""

    def score(self, *, subject: str, sender: str, html: str | None = None,
              text: str | None = None) -> dict: ...


def extension_id(key: str) -> str:
    """Chromium's id for an extension with this manifest ``key``: SHA-256 of the key, first 32 hex
    digits written with the letters a-p.

    >>> extension_id(EXTENSION_KEY)
    'kphnmcllaedbcgifbcfjkpmohaodijke'
    """
    digest = hashlib.sha256(base64.b64decode(key)).hexdigest()[:32]
    return "".join(chr(ord("a") + int(digit, 16)) for digit in digest)


EXTENSION_ORIGIN = f"chrome-extension://{extension_id(EXTENSION_KEY)}"


def bundle_name(detector: Scorer) -> str | None:
    """Which bundle serves, as a person can tell bundles apart: its folder's name and the first
    digits of the SHA-256 of its ``detector.json`` (retraining changes them); None when the
    detector has no folder (the tests' fake one)."""
    folder = getattr(detector, "folder", None)
    if folder is None or not (Path(folder) / "detector.json").is_file():
        return None
    digest = hashlib.sha256((Path(folder) / "detector.json").read_bytes()).hexdigest()[:8]
    return f"{Path(folder).name} ({digest})"


def describe(detector: Scorer) -> dict[str, Any]:
    """``GET /health``'s answer: the bundle's format version, its name (:func:`bundle_name`), its
    profile and its models, when the detector says them (a detector without them still serves)."""
    return {"status": "ok",
            "bundle": getattr(detector, "version", None),
            "name": bundle_name(detector),
            "profile": getattr(detector, "profile", None),
            "models": getattr(detector, "models", None)}


async def read_body(request: Request, max_chars: int, seconds: float = BODY_SECONDS) -> bytes:
    """The request's bytes, refusing as soon as they pass the limit, declared or not (413), or
    when they have not all arrived within ``seconds`` (408: a Content-Length larger than what is
    sent would otherwise hold the request forever)."""
    limit = byte_limit(max_chars)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(max_chars)
    body = bytearray()
    try:
        async with asyncio.timeout(seconds):
            async for chunk in request.stream():
                body += chunk
                if len(body) > limit:
                    raise too_large(max_chars)
    except TimeoutError:
        expected = f"of {int(declared):,} bytes " if declared.isdigit() else ""
        raise BadRequest(408, f"The request body {expected}did not arrive within {seconds:g} s "
                              f"({len(body):,} bytes came); send it whole.") from None
    return bytes(body)


def json_ready(value: Any) -> Any:
    """``value`` with NumPy numbers made plain Python ones, which JSON can hold.

    >>> import numpy as np
    >>> json_ready({"probability": np.float32(0.25), "models": [np.int64(1)]})
    {'probability': 0.25, 'models': [1]}
    """
    if isinstance(value, dict):
        return {key: json_ready(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(item) for item in value]
    return value.item() if hasattr(value, "item") and hasattr(value, "dtype") else value


async def score_in_pool(pool: ScoringPool, fields: dict[str, Any]) -> dict:
    """The detector's answer from the pool: its one-sentence refusal is a 422, a full queue a 503,
    and a failure a 500 whose traceback is logged once (the client gets one sentence)."""
    try:
        future = pool.submit(**fields)
    except Busy as error:
        raise BadRequest(503, str(error)) from None
    try:
        return await asyncio.wrap_future(future)
    except ValueError as error:
        raise BadRequest(422, str(error)) from None
    except Exception as error:
        logger.error("Scoring failed", exc_info=error)
        raise BadRequest(500, f"The detector failed on this e-mail ({type(error).__name__}); "
                              "the server's log has the details.") from None


def add_scoring_routes(app: FastAPI, detector: Scorer, max_body_chars: int, pool: ScoringPool,
                       body_seconds: float) -> None:
    """``POST /score`` and ``GET /health``."""
    @app.post("/score")
    async def score_email(request: Request) -> JSONResponse:
        """Score one e-mail: ``{subject, sender, html?, text?}`` -> probability, verdict, reasons."""
        body = await read_body(request, max_body_chars, body_seconds)
        fields = parse_score_body(body, request.headers.get("content-type"), max_chars=max_body_chars)
        return JSONResponse(json_ready(await score_in_pool(pool, fields.model_dump())))

    @app.get("/health")
    def health() -> dict[str, Any]:
        """Which bundle serves, in which profile, with which models."""
        return describe(detector)


def add_demo_routes(app: FastAPI) -> None:
    """``GET /demo`` (the webmail page), ``GET /demo/emails`` (its inbox) and ``/static``."""
    @app.get("/demo", include_in_schema=False)
    def demo_page() -> FileResponse:
        return FileResponse(STATIC_DIR / "demo.html", headers={"Content-Security-Policy": DEMO_CSP})

    @app.get("/demo/emails")
    def demo_inbox() -> list[dict[str, str]]:
        """The demo inbox: a few e-mails of the test split, phishing and legitimate, unlabelled."""
        return demo_emails()

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


def create_app(detector: Scorer, *, allowed_origins: list[str] | None = None,
               max_body_chars: int = MAX_BODY_CHARS, allowed_hosts: list[str] | None = None,
               pool: ScoringPool | None = None, body_seconds: float = BODY_SECONDS) -> FastAPI:
    """The scoring app around any object with ``.score`` (the tests pass a fake one).

    ``allowed_origins``: the origins CORS answers (default: the course extension's);
    ``allowed_hosts``: the ``Host`` names served (default: loopback names only);
    ``pool``: the threads that score (default: :class:`~tlutils.phishing.service.serving.ScoringPool`
    of ``detector.score`` with its default sizes); ``body_seconds``: see :func:`read_body`.

    >>> from fastapi.testclient import TestClient
    >>> class FakeDetector:
    ...     def score(self, **fields): return {"probability": 0.5}
    >>> client = TestClient(create_app(FakeDetector()), base_url="http://127.0.0.1")
    >>> client.post("/score", content=b"{}", headers={"Content-Type": "text/plain"}).json()["detail"]
    "Send the e-mail as JSON with 'Content-Type: application/json' (got 'text/plain')."
    """
    app = FastAPI(title="tlutils phishing detector", docs_url=None, redoc_url=None)
    app.add_middleware(CORSMiddleware, allow_origins=allowed_origins or [EXTENSION_ORIGIN],
                       allow_methods=["GET", "POST"], allow_headers=["Content-Type"])
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or LOOPBACK_HOSTS)

    @app.exception_handler(BadRequest)
    async def refuse(request: Request, error: BadRequest) -> JSONResponse:
        headers = {"Retry-After": "2"} if error.status == 503 else None
        return JSONResponse({"detail": error.detail}, status_code=error.status, headers=headers)

    @app.exception_handler(ClientDisconnect)
    async def gone(request: Request, error: ClientDisconnect) -> Response:
        """The client closed the connection before its request was read: nobody awaits an answer."""
        logger.info("A client disconnected before sending its whole request.")
        return Response(status_code=400)

    @app.exception_handler(Exception)
    async def fail(request: Request, error: Exception) -> JSONResponse:
        logger.error("The server failed on %s %s", request.method, request.url.path, exc_info=error)
        return JSONResponse({"detail": f"The server failed on this request ({type(error).__name__}); "
                                       "its log has the details."}, status_code=500)

    add_scoring_routes(app, detector, max_body_chars, pool or ScoringPool(detector.score), body_seconds)
    add_demo_routes(app)
    return app


def port_number(value: str) -> int:
    """A TCP port from the command line, 1 to 65535 (argparse turns the ValueError into one line)."""
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port; choose a whole number from 1 to 65535")
    return int(value)


def positive_int(value: str) -> int:
    """A whole number of at least 1 from the command line."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of at least 1")
    return int(value)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line; a host other than loopback needs ``--allow-remote``."""
    parser = argparse.ArgumentParser(prog="python -m tlutils.phishing.service.server",
                                     description="Serve the phishing detector on 127.0.0.1.")
    parser.add_argument("--bundle", type=Path, help="a saved detector bundle (default: train or "
                        "reuse the current profile's bundle in the course cache)")
    parser.add_argument("--port", type=port_number, default=DEFAULT_PORT)
    parser.add_argument("--host", default="127.0.0.1", help="loopback unless --allow-remote")
    parser.add_argument("--allow-remote", action="store_true",
                        help="let --host be a non-loopback address (other machines can then send e-mails)")
    parser.add_argument("--allowed-origin", action="append", dest="allowed_origins",
                        help=f"an origin CORS answers (repeatable; default {EXTENSION_ORIGIN})")
    parser.add_argument("--workers", type=positive_int, default=DEFAULT_WORKERS,
                        help=f"e-mails scored at once (default {DEFAULT_WORKERS}, for 2 cores)")
    parser.add_argument("--queue", type=positive_int, default=DEFAULT_QUEUE,
                        help=f"e-mails that may wait for a worker; more get a 503 (default {DEFAULT_QUEUE})")
    args = parser.parse_args(argv)
    if not is_loopback(args.host) and not args.allow_remote:
        parser.error(f"--host {args.host} would let other machines reach the server; "
                     "add --allow-remote if that is what you want.")
    return args


def check_port_free(host: str, port: int) -> None:
    """Exit with one sentence when ``host:port`` is taken (often: the server already runs).

    The probe binds as uvicorn will, with ``SO_REUSEADDR``: connections of a stopped server
    that linger in TIME_WAIT (about 60 s after Ctrl+C) do not keep the port from being reused,
    while a socket that listens there still does.
    """
    with socket.socket(socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError:
            sys.exit(f"Port {port} on {host} is in use (is the server already running?); "
                     "choose another with --port.")


@contextlib.contextmanager
def quiet_native_start_up():
    """Keep what TensorFlow's C++ core prints while it starts ("oneDNN custom operations are on",
    "Could not find cuda drivers") off the terminal: it writes to file descriptor 2 before any
    log setting can take effect. What is printed there is shown after all if the start fails."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # the TF classes' deprecation notice
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        except BaseException:
            os.dup2(saved, 2)
            captured.seek(0)
            sys.stderr.write(captured.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def load_bundle(bundle: Path | None):
    """The detector from ``bundle``, or from the bundle ``train_detector`` trains or reuses, in
    the profile ``TLUTILS_PROFILE`` names (``tlutils.setup`` points the caches first)."""
    from ...environment import setup
    from ..detector import load_detector
    from ..training import train_detector

    with quiet_native_start_up():
        setup(verbose=False)
    return load_detector(bundle if bundle is not None else train_detector())


def serve(app: FastAPI, host: str, port: int) -> None:
    """Run ``app`` with uvicorn until Ctrl+C, closing connections whose headers are late."""
    import uvicorn

    from .http_timeouts import HeaderDeadlineProtocol

    uvicorn.run(app, host=host, port=port, log_level="warning", http=HeaderDeadlineProtocol)


def main(argv: list[str] | None = None) -> None:
    """``python -m tlutils.phishing.service.server``: load the detector, then serve until Ctrl+C."""
    from ...errors import CourseError
    from .serving import prepare_for_serving

    args = parse_args(argv)
    if not is_loopback(args.host):
        warnings.warn(f"Serving on {args.host}: any machine that reaches this address can use the "
                      "detector and see the e-mails it is sent.", stacklevel=1)
    check_port_free(args.host, args.port)  # before loading the models, which takes a while
    try:
        detector = prepare_for_serving(load_bundle(args.bundle))
    except (OSError, ValueError, CourseError) as error:
        sys.exit(f"Cannot load the detector: {error}")
    hosts = None if is_loopback(args.host) else ["*"]
    pool = ScoringPool(detector.score, workers=args.workers, max_waiting=args.queue)
    app = create_app(detector, allowed_origins=args.allowed_origins, allowed_hosts=hosts, pool=pool)
    print(f"Scoring server on http://{args.host}:{args.port} (demo inbox: /demo, Ctrl+C stops it)",
          flush=True)
    try:
        serve(app, args.host, args.port)
    finally:
        pool.close()


if __name__ == "__main__":
    main()
