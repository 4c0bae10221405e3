"""Shared test set-up: the offline profile, and no network at all inside the test process.

Connections that leave localhost fail as on a machine without network. A test can instead
send them to a loopback server: one that refuses (``dead_network``), one that accepts and then
never answers (``stalled_network``), or a slow but live web server (``trickle_server``).
"""
from __future__ import annotations

import dataclasses
import errno
import http.server
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "", None}

os.environ.setdefault("TLUTILS_PROFILE", "offline")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# TLUTILS_PROGRESS_AFTER=inf (no progress bar) is set by the root conftest.py, for a lesson run
# alone too; tests/test_text.py checks the bar without it.


# `make test` runs the suite on two pytest-xdist workers (`-n 2`): TensorFlow builds its graphs
# in one Python thread, so one process left a core idle for much of the run. The scheduler below
# sends each group whole to one worker, in collection order (longest groups first, below). Each file is a
# group (a notebook's cells share one kernel; a module's fixtures, one process); two pairs share
# one, because the second reuses what the first leaves in the run's course cache (lesson 04's
# saved classifier is lesson 05's "full training"; test_challenge's run is the one lesson 06
# reports; the capstone's detector bundle is trained by whichever of its three files runs
# first). (xdist's own `--dist loadgroup` marks do not take under pytest 9.2: it rewrites a
# node attribute that pytest no longer reads.)
SHARED_GROUPS = {"notebooks/04_bert_fine_tuning.ipynb": "bert-classifier",
                 "notebooks/05_strategies_and_mistakes.ipynb": "bert-classifier",
                 "tests/test_challenge.py": "flowers102-run",
                 "notebooks/06_flowers102_challenge.ipynb": "flowers102-run",
                 # The capstone's detector bundle is trained once (train_detector) and reused.
                 "tests/test_phishing_detector.py": "phishing-bundle",
                 "notebooks/07_phishing_capstone.ipynb": "phishing-bundle",
                 "tests/test_phishing_browser.py": "phishing-bundle"}


def group_of(nodeid: str) -> str:
    """The group a test or notebook cell runs in: its file's, or a shared one.

    Example: ``group_of("notebooks/05_strategies_and_mistakes.ipynb::Cell 3") == "bert-classifier"``.
    """
    path = nodeid.split("::")[0]
    return SHARED_GROUPS.get(path, path)


# Seconds each slow group took in a fresh clone's `make test` (pytest --durations=0, summed per
# group; two workers). The collection is ordered longest first, so the worker that takes the
# longest group is not handed another long one at the end (xdist's own order counts tests, and a
# file of a few slow tests went last). Other groups count half a second per test.
GROUP_SECONDS = {"bert-classifier": 600, "phishing-bundle": 170, "flowers102-run": 140,
                 "notebooks/00_what_a_pretrained_network_knows.ipynb": 73,
                 "notebooks/02_fine_tuning.ipynb": 43, "tests/test_lab_browser.py": 34,
                 "tests/test_adapters.py": 33, "notebooks/01_feature_extraction.ipynb": 32,
                 "tests/test_downloads.py": 24, "tests/test_text.py": 22, "tests/test_lite0.py": 21,
                 "tests/test_installed.py": 18, "tests/test_phishing_extension_browser.py": 14,
                 "tests/test_classroom.py": 40, "tests/test_rendered_pages.py": 20,
                 "tests/test_html_reader_browser.py": 15, "tests/test_reliability_round3.py": 25,
                 # Estimates from CPU time under load (2026-12-07): builds two otter assignments and
                 # grades lesson 03 twice (was 90 s with three gradings; 144 -> 107 s alone at load 3
                 # after the cut, 2026-12-07); opens lesson 00 in Chromium.
                 "tests/test_assignments.py": 65, "tests/test_lab_dark_theme.py": 15}


def pytest_collection_modifyitems(config, items):
    """Order the groups longest first (see GROUP_SECONDS), keeping each group's own order."""
    counts: dict[str, int] = {}
    for item in items:
        counts[group_of(item.nodeid)] = counts.get(group_of(item.nodeid), 0) + 1
    first_seen = {group: index for index, group in enumerate(counts)}

    def expected(group: str) -> float:
        return GROUP_SECONDS.get(group, 0.5 * counts[group])

    items.sort(key=lambda item: (-expected(group_of(item.nodeid)), first_seen[group_of(item.nodeid)]))


def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's file-scope scheduling, with :func:`group_of` as the scope, in the
    collection's order (longest groups first, see :func:`pytest_collection_modifyitems`)."""
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

    config.option.loadscopereorder = False
    return GroupScheduling(config, log)


@pytest.fixture(autouse=True)
def restore_course_setup():
    """Leave the process's course set-up as the test found it: ``tlutils.current()``, the hub
    switches that an offline ``setup()`` sets (HF_HUB_OFFLINE, TRANSFORMERS_OFFLINE) and its record
    of their earlier values. A test that calls ``tlutils.setup("full")`` must not turn the next
    test on its worker into a full-profile one (the capstone's browser test then tried to download
    bert-base-uncased), nor leave a record that no longer matches os.environ (a later
    ``setup("quick")`` then put back HF_HUB_OFFLINE=1: test_config failed after test_downloads
    and the detector tests on one worker)."""
    from tlutils import environment

    saved = environment._current, dict(environment._saved_switches)
    switches = {name: os.environ.get(name) for name in environment.HUB_OFFLINE_SWITCHES}
    yield
    environment._current = saved[0]
    environment._saved_switches.clear()
    environment._saved_switches.update(saved[1])
    for name, value in switches.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _host(address) -> str | None:
    return address[0] if isinstance(address, tuple) else None


@dataclasses.dataclass
class Route:
    """Where connections that leave localhost go: nowhere (``port`` None) or a loopback port."""

    port: int | None = None


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail fast, like a machine with no network, on any connection that leaves localhost
    (unless a test routes them to a loopback server: see ``dead_network``)."""
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo
    route = Route()
    saved_timeout = socket.getdefaulttimeout()

    def connect(self, address):
        if self.family == socket.AF_UNIX or _host(address) in LOCAL_HOSTS:
            return real_connect(self, address)
        if route.port:
            return real_connect(self, ("127.0.0.1", route.port))
        raise OSError(errno.ENETUNREACH, f"Network is unreachable (tests are offline): {address}")

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, bytes):
            host = host.decode()
        if host in LOCAL_HOSTS:
            return real_getaddrinfo(host, *args, **kwargs)
        if route.port:  # every host name resolves to the loopback server
            return real_getaddrinfo("127.0.0.1", route.port, socket.AF_INET, socket.SOCK_STREAM)
        raise socket.gaierror(socket.EAI_NONAME, f"Name or service not known (tests are offline): {host}")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    from tlutils import downloads

    # Each test meets the hub afresh: a timeout in an earlier test would make its requests fail at once.
    monkeypatch.setattr(downloads, "_silent_since", [float("-inf")])
    yield route
    socket.setdefaulttimeout(saved_timeout)  # tlutils.setup() sets one for the whole process


SILENCE = 1.0  # seconds of silence before the code gives up, in the network simulations


@pytest.fixture
def dead_network(no_network, monkeypatch):
    """Every host refuses connections (a port bound on loopback but not listening)."""
    monkeypatch.setenv("TLUTILS_NETWORK_TIMEOUT", str(SILENCE))
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        no_network.port = blocker.getsockname()[1]
        yield no_network


@pytest.fixture
def stalled_network(no_network, monkeypatch):
    """Every host accepts the connection and then never sends a byte (a stalled proxy)."""
    monkeypatch.setenv("TLUTILS_NETWORK_TIMEOUT", str(SILENCE))
    stop, held = threading.Event(), []
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)

    def hold():
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    no_network.port = server.getsockname()[1]
    yield no_network
    stop.set()
    thread.join()
    for conn in [server, *held]:
        conn.close()


@pytest.fixture
def trickle_server(no_network):
    """``start(body, chunks, pause)``: every host becomes a plain-HTTP server that sends
    ``body`` in ``chunks`` pieces with ``pause`` seconds between them (slow, but alive)."""
    servers = []

    def start(body: bytes, chunks: int, pause: float) -> int:
        class Slow(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                size = -(-len(body) // chunks)
                for i in range(0, len(body), size):
                    self.wfile.write(body[i:i + size])
                    self.wfile.flush()
                    time.sleep(pause)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        no_network.port = server.server_address[1]
        return no_network.port

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def unwritable_folder(tmp_path):
    """A folder in which not even root can create files (sysfs), or a read-only one."""
    if os.geteuid() == 0:
        folder = Path("/sys/kernel")
        if not folder.is_dir():
            pytest.skip("Running as root without /sys: no folder is read-only for root here.")
        return folder
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    return folder


@pytest.fixture
def clean_environ(monkeypatch):
    """Let a test change os.environ (as tlutils.setup does) and restore it afterwards."""
    saved = dict(os.environ)
    yield os.environ
    os.environ.clear()
    os.environ.update(saved)


# --- Browser tests -------------------------------------------------------------------------------
CHROMIUM_HINT = ("Chromium is missing: install Debian's browser with `sudo apt-get install chromium` "
                 "(the browser tests install it themselves when run as root).")


def find_chromium(install: bool = True) -> str | None:
    """Path of Debian's Chromium; installs it with apt-get when missing and running as root.

    Browser libraries from the package index (Playwright) cannot download their own browser on
    the course's machines, so every browser test drives this one.
    """
    path = shutil.which("chromium")
    if path or not install or os.geteuid() != 0 or not shutil.which("apt-get"):
        return path
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        try:
            subprocess.run(command, env=env, capture_output=True, timeout=900, check=True)
        except (OSError, subprocess.SubprocessError):
            return None
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def chromium() -> str:
    """Chromium's path for a browser test. Locally a missing browser skips the test with one
    sentence; with CI=true it fails instead, since CI must run every browser test."""
    path = find_chromium()
    if path:
        return path
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(CHROMIUM_HINT)
    pytest.skip(CHROMIUM_HINT)
