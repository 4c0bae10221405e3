"""A bounded load test of the scoring server on loopback: latency percentiles and throughput.

With the server running (``python -m tlutils.phishing.server``)::

    python -m tlutils.phishing.loadtest --requests 50 --concurrency 4

>>> summarise([0.010, 0.020, 0.030, 0.040], wall_seconds=0.05, errors=0).p50_ms
25.0
"""
from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import json
import time
import urllib.error
import urllib.request

import numpy as np

from .data import load_emails
from .process import LOOPBACK_OPENER


@dataclasses.dataclass(frozen=True)
class LoadReport:
    """What a load test measured: request count, failures, latency percentiles, throughput."""

    requests: int
    errors: int
    concurrency: int
    p50_ms: float
    p95_ms: float
    requests_per_second: float
    wall_seconds: float

    def __str__(self) -> str:
        return (f"{self.requests} requests, concurrency {self.concurrency}, {self.errors} errors: "
                f"p50 {self.p50_ms:.0f} ms, p95 {self.p95_ms:.0f} ms, "
                f"{self.requests_per_second:.1f} requests/s over {self.wall_seconds:.1f} s")


def summarise(latencies: list[float], *, wall_seconds: float, errors: int, concurrency: int = 1) -> LoadReport:
    """A :class:`LoadReport` from per-request latencies in seconds (successful requests only)."""
    seconds = np.asarray(latencies) if latencies else np.asarray([np.nan])
    return LoadReport(requests=len(latencies) + errors, errors=errors, concurrency=concurrency,
                      p50_ms=round(float(np.percentile(seconds, 50)) * 1000, 1),
                      p95_ms=round(float(np.percentile(seconds, 95)) * 1000, 1),
                      requests_per_second=round((len(latencies) + errors) / wall_seconds, 2),
                      wall_seconds=round(wall_seconds, 2))


def post_json(url: str, payload: dict, timeout: float) -> float:
    """POST ``payload`` as JSON and return the seconds until the whole answer arrived."""
    request = urllib.request.Request(url, data=json.dumps(payload).encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    with LOOPBACK_OPENER.open(request, timeout=timeout) as response:
        response.read()
    return time.perf_counter() - started


def load_test(base_url: str, payloads: list[dict], *, requests: int = 50, concurrency: int = 4,
              timeout: float = 60.0) -> LoadReport:
    """Send ``requests`` e-mails (cycling through ``payloads``) to ``base_url + "/score"``,
    ``concurrency`` at a time; each request gives up after ``timeout`` seconds.

    Example (with the server running): ``print(load_test("http://127.0.0.1:8765", payloads))``.
    """
    if not payloads:
        raise ValueError("The load test needs at least one e-mail to send.")
    url = base_url.rstrip("/") + "/score"
    latencies, errors = [], 0
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=concurrency) as pool:
        futures = [pool.submit(post_json, url, payloads[i % len(payloads)], timeout) for i in range(requests)]
        for future in concurrent.futures.as_completed(futures):
            try:
                latencies.append(future.result())
            except (OSError, urllib.error.URLError):
                errors += 1
    return summarise(latencies, wall_seconds=time.perf_counter() - started, errors=errors,
                     concurrency=concurrency)


def sample_payloads(count: int = 10) -> list[dict]:
    """The first ``count`` e-mails of the test split as ``POST /score`` bodies."""
    return [{"subject": e.subject, "sender": f"{e.sender_name} <{e.sender_address}>", "html": e.html}
            for e in load_emails("test")[:count]]


def main(argv: list[str] | None = None) -> None:
    """``python -m tlutils.phishing.loadtest``: load-test a running server and print the report."""
    parser = argparse.ArgumentParser(prog="python -m tlutils.phishing.loadtest", description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8765")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args(argv)
    print(load_test(args.url, sample_payloads(), requests=args.requests, concurrency=args.concurrency))


if __name__ == "__main__":
    main()
