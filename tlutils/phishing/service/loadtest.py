"""A bounded load test of the scoring server on loopback: latency percentiles and throughput.

With the server running (``python -m tlutils.phishing.service.server``)::

    python -m tlutils.phishing.service.loadtest --requests 50 --concurrency 4

>>> summarise([0.010, 0.020, 0.030, 0.040], wall_seconds=0.05, errors=0).p50_ms
25.0

Only loopback addresses are accepted: the load test sends e-mails, which stay on this machine.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import numpy as np

from ..data import load_emails
from .process import LOOPBACK_OPENER, is_loopback


@dataclasses.dataclass(frozen=True)
class LoadReport:
    """What a load test measured: request count, failures, latency percentiles, and throughput
    (answered requests per second: failures do not count)."""

    requests: int
    errors: int
    concurrency: int
    p50_ms: float
    p95_ms: float
    requests_per_second: float
    wall_seconds: float

    first_error: str | None = None

    def __str__(self) -> str:
        return (f"{self.requests} requests, concurrency {self.concurrency}, {self.errors} errors: "
                f"p50 {self.p50_ms:.0f} ms, p95 {self.p95_ms:.0f} ms, "
                f"{self.requests_per_second:.1f} requests/s over {self.wall_seconds:.1f} s")


def summarise(latencies: list[float], *, wall_seconds: float, errors: int, concurrency: int = 1,
              first_error: str | None = None) -> LoadReport:
    """A :class:`LoadReport` from per-request latencies in seconds (successful requests only)."""
    seconds = np.asarray(latencies) if latencies else np.asarray([np.nan])
    return LoadReport(requests=len(latencies) + errors, errors=errors, concurrency=concurrency,
                      p50_ms=round(float(np.percentile(seconds, 50)) * 1000, 1),
                      p95_ms=round(float(np.percentile(seconds, 95)) * 1000, 1),
                      requests_per_second=round(len(latencies) / wall_seconds, 2),
                      wall_seconds=round(wall_seconds, 2), first_error=first_error)


def check_loopback_url(url: str) -> str:
    """``url`` if it is ``http://`` on a loopback host, else a one-sentence ValueError.

    >>> check_loopback_url("http://192.168.1.5:8765")
    Traceback (most recent call last):
    ...
    ValueError: The load test sends e-mails only to this machine: give an http:// address on 127.0.0.1 or localhost, not 'http://192.168.1.5:8765'.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or not is_loopback(parts.hostname or ""):
        raise ValueError("The load test sends e-mails only to this machine: give an http:// address on "
                         f"127.0.0.1 or localhost, not {url!r}.")
    return url


def post_json(url: str, payload: dict, timeout: float) -> float:
    """POST ``payload`` as JSON and return the seconds until the whole answer arrived."""
    request = urllib.request.Request(url, data=json.dumps(payload).encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    with LOOPBACK_OPENER.open(request, timeout=timeout) as response:
        response.read()
    return time.perf_counter() - started


def load_test(base_url: str, payloads: list[dict], *, requests: int = 50, concurrency: int = 4,
              timeout: float = 60.0, max_seconds: float = 300.0) -> LoadReport:
    """Send up to ``requests`` e-mails (cycling through ``payloads``) to ``base_url + "/score"``,
    ``concurrency`` at a time. Bounded twice: each request gives up after ``timeout`` seconds, and
    no request starts after ``max_seconds`` (those count neither as sent nor as errors).

    Example (with the server running): ``print(load_test("http://127.0.0.1:8765", payloads))``.
    """
    if not payloads:
        raise ValueError("The load test needs at least one e-mail to send.")
    if requests < 1 or concurrency < 1:
        raise ValueError(f"The load test needs at least one request and a concurrency of at least 1 "
                         f"(got {requests} and {concurrency}).")
    url = check_loopback_url(base_url.rstrip("/")) + "/score"
    started = time.perf_counter()
    deadline = started + max_seconds

    def one(i: int) -> float | None:
        if time.perf_counter() > deadline:
            return None
        return post_json(url, payloads[i % len(payloads)], timeout)

    latencies, failures = [], []
    with concurrent.futures.ThreadPoolExecutor(max_workers=concurrency) as pool:
        for future in concurrent.futures.as_completed([pool.submit(one, i) for i in range(requests)]):
            try:
                seconds = future.result()
            except (OSError, urllib.error.URLError) as error:
                failures.append(error)
            else:
                if seconds is not None:
                    latencies.append(seconds)
    return summarise(latencies, wall_seconds=time.perf_counter() - started, errors=len(failures),
                     concurrency=concurrency, first_error=str(failures[0]) if failures else None)


def sample_payloads(count: int = 10) -> list[dict]:
    """The first ``count`` e-mails of the test split as ``POST /score`` bodies."""
    return [{"subject": e.subject, "sender": f"{e.sender_name} <{e.sender_address}>", "html": e.html}
            for e in load_emails("test")[:count]]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line: a loopback ``--url`` and whole numbers of at least 1 (else one line)."""
    from .server import positive_int

    parser = argparse.ArgumentParser(prog="python -m tlutils.phishing.service.loadtest", description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8765", help="the server (loopback only)")
    parser.add_argument("--requests", type=positive_int, default=50)
    parser.add_argument("--concurrency", type=positive_int, default=4)
    args = parser.parse_args(argv)
    try:
        check_loopback_url(args.url)
    except ValueError as error:
        parser.error(str(error))
    return args


def main(argv: list[str] | None = None) -> None:
    """``python -m tlutils.phishing.service.loadtest``: load-test a running server and print the report;
    exit with one sentence when no request was answered."""
    args = parse_args(argv)
    report = load_test(args.url, sample_payloads(), requests=args.requests, concurrency=args.concurrency)
    if report.errors == report.requests:
        sys.exit(f"No request was answered by {args.url} ({report.first_error}): start the server with "
                 ".venv/bin/python -m tlutils.phishing.service.server, or give its address with --url.")
    print(report)


if __name__ == "__main__":
    main()
