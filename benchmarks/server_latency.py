"""The scoring server's latency, throughput and start-up, before and after, measured in one run.

    TLUTILS_PROFILE=offline .venv/bin/python benchmarks/server_latency.py [--quick]

What it measures, on a typical e-mail (a test e-mail with a newsletter footer: about 1.8 KB of
HTML, the issue's "about 2 KB"):

1. The pool's size: e-mails per second at concurrency 8 with 1, 2 and 3 scoring threads, in
   this process, the sizes taking turns over several rounds (so that a shared machine's changing
   load falls on all of them alike).
2. The server as a process (``python -m tlutils.phishing.service.server --bundle ...``): time to a
   healthy ``/health``, the first e-mail's latency, p50/p95 at concurrency 1, 8 and 16, requests
   per second, and 503s (a full queue). "before" is the server of commit ``BEFORE`` (one scoring
   at a time behind a lock, eager BERT), extracted with ``git archive`` and run on the same
   bundle; "after" is this tree's server with its default pool.

The machine may be shared: the load average is printed with the table; compare rows of one run.
The "before" server can only load a bundle of format 1 (a fine-tuned ``text_model``): with
today's bundle it is skipped, saying so. (The stage and batch tables this script printed for
format 1, and their numbers, are in docs/measurements.md.)
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[1]
BEFORE = "fb333b1"  # main before the pool: one global lock, eager BERT
FOOTER = ("<table role='presentation' width='100%'><tr><td style='color:#777777'><p>You receive this e-mail "
          "because you have an account with us. <a href='https://example.com/preferences'>Manage your "
          "preferences</a> or <a href='https://example.com/unsubscribe'>unsubscribe</a>.</p>"
          + "<p>Example Ltd, 1 High Street, Exampletown. Registered in England and Wales. "
            "Please do not reply to this e-mail; this mailbox is not monitored.</p>" * 6
          + "</td></tr></table>")


def typical_payloads(count: int = 8) -> list[dict]:
    """``count`` test e-mails with a newsletter footer, as ``POST /score`` bodies (HTML only)."""
    from tlutils.phishing.data import load_emails

    return [{"subject": e.subject, "sender": f"{e.sender_name} <{e.sender_address}>", "html": e.html + FOOTER}
            for e in load_emails("test")[:count]]


def pool_sizes(detector, payloads: list[dict], rounds: int, requests: int = 40) -> dict[int, list[float]]:
    """E-mails per second at concurrency 8 for pools of 1, 2 and 3 threads, taking turns."""
    import concurrent.futures

    from tlutils.phishing.service.serving import ScoringPool

    rates: dict[int, list[float]] = {1: [], 2: [], 3: []}
    for _ in range(rounds):
        for workers in rates:
            pool = ScoringPool(detector.score, workers=workers, max_waiting=requests)
            started = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(8) as clients:
                list(clients.map(lambda i: pool.submit(**payloads[i % len(payloads)]).result(), range(requests)))
            rates[workers].append(requests / (time.perf_counter() - started))
            pool.close()
    return rates


def measure_server(label: str, command: list[str], env: dict, payloads: list[dict], quick: bool) -> dict | None:
    """Start one server, time its start-up and first e-mail, load-test it, stop it (None, said
    in one line, when it does not start)."""
    from tlutils.phishing.service.loadtest import load_test, post_json
    from tlutils.phishing.service.process import start_server

    started = time.perf_counter()
    try:
        server = start_server(command=command, wait_seconds=600, env=env)
    except RuntimeError as error:
        print(f"No row for {label}: {str(error).splitlines()[-1]}")
        return None
    row = {"server": label, "start-up s": time.perf_counter() - started}
    try:
        row["first e-mail ms"] = post_json(f"{server.url}/score", payloads[0], timeout=120) * 1000
        scale = 1 if quick else 3
        for concurrency, requests in ((1, 12 * scale), (8, 24 * scale), (16, 32 * scale)):
            report = load_test(server.url, payloads, requests=requests, concurrency=concurrency, timeout=120)
            row[f"c{concurrency}"] = report
    finally:
        server.stop()
    return row


def server_commands(bundle: Path, before_tree: Path | None) -> list[tuple[str, list[str], dict]]:
    """(label, command, environment) of each server to measure."""
    # -P: the working directory does not go first on sys.path, so PYTHONPATH picks the tree
    def command(module: str) -> list[str]:
        return [sys.executable, "-P", "-m", module, "--bundle", str(bundle)]

    rows = []
    if before_tree is not None:  # the service moved into tlutils.phishing.service after BEFORE
        rows.append((f"before ({BEFORE}, lock)", command("tlutils.phishing.server"),
                     {**os.environ, "PYTHONPATH": str(before_tree)}))
    rows.append(("after (pool of 2, compiled BERT)", command("tlutils.phishing.service.server"), dict(os.environ)))
    return rows


def extract_before(folder: Path) -> Path | None:
    """The ``tlutils`` package of commit :data:`BEFORE`, extracted into ``folder`` (None without git history)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", BEFORE, "tlutils"], capture_output=True)
    if archive.returncode != 0:
        print(f"No 'before' row: commit {BEFORE} is not in this clone ({archive.stderr.decode().strip()}).")
        return None
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def print_servers(rows: list[dict]) -> None:
    """The servers' table, with each row's ratio against the first (before)."""
    if not rows:
        return
    print("\n| server | start-up s | first e-mail ms | c1 p50 ms | c1 p95 ms | c8 p50 ms | c8 req/s "
          "| c16 p50 ms | c16 req/s | c16 503s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        c1, c8, c16 = row["c1"], row["c8"], row["c16"]
        print(f"| {row['server']} | {row['start-up s']:.1f} | {row['first e-mail ms']:.0f} | {c1.p50_ms:.0f} "
              f"| {c1.p95_ms:.0f} | {c8.p50_ms:.0f} | {c8.requests_per_second:.1f} | {c16.p50_ms:.0f} "
              f"| {c16.requests_per_second:.1f} | {c16.errors} |")
    before = rows[0]
    for row in rows[1:]:
        print(f"{row['server']} against {before['server']}: c1 p50 x{row['c1'].p50_ms / before['c1'].p50_ms:.2f}, "
              f"c1 p95 x{row['c1'].p95_ms / before['c1'].p95_ms:.2f}, "
              f"c8 req/s x{row['c8'].requests_per_second / before['c8'].requests_per_second:.2f}, "
              f"c16 p50 x{row['c16'].p50_ms / before['c16'].p50_ms:.2f}, "
              f"start-up x{row['start-up s'] / before['start-up s']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and requests")
    args = parser.parse_args()
    import tlutils
    from tlutils.phishing import load_detector, train_detector

    cfg = tlutils.setup(verbose=False)
    bundle = train_detector(cfg)
    payloads = typical_payloads()
    print(f"profile {cfg.profile}, bundle {bundle}, e-mail HTML {np.mean([len(p['html']) for p in payloads]):.0f} "
          f"characters on average; load average at the start {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    detector = load_detector(bundle)
    from tlutils.phishing.service.serving import prepare_for_serving

    rates = pool_sizes(prepare_for_serving(detector), payloads, rounds=2 if args.quick else 4)
    print("\n| scoring threads | e-mails/s at concurrency 8, each round | mean |\n|---|---|---|")
    for workers, values in rates.items():
        print(f"| {workers} | {', '.join(f'{v:.1f}' for v in values)} | {np.mean(values):.1f} |")
    del detector
    with tempfile.TemporaryDirectory() as folder:
        before_tree = extract_before(Path(folder))
        rows = [measure_server(label, command, env, payloads, args.quick)
                for label, command, env in server_commands(bundle, before_tree)]
    print_servers([row for row in rows if row is not None])
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
