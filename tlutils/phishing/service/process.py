"""Run the scoring server as a background process (the lesson and the tests do), and stop it.

>>> free_port() > 1024
True
"""
from __future__ import annotations

import dataclasses
import ipaddress
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

# Loopback never goes through a proxy, whatever http_proxy says.
LOOPBACK_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
SERVER_COMMAND = [sys.executable, "-m", "tlutils.phishing.service.server"]


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``.

    >>> is_loopback("127.0.0.1"), is_loopback("[::1]"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str, timeout: float = 5.0) -> dict:
    """GET ``url`` on loopback and decode its JSON answer."""
    with LOOPBACK_OPENER.open(url, timeout=timeout) as response:
        return json.loads(response.read())


@dataclasses.dataclass
class ServerProcess:
    """A scoring server running in the background: its address, process and log file."""

    url: str
    process: subprocess.Popen
    log: Path

    def log_tail(self, lines: int = 15) -> str:
        """The last lines the server printed."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def wait_until_healthy(self, seconds: float) -> dict:
        """``GET /health``'s answer, once the server gives one (RuntimeError after ``seconds``)."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                return get_json(f"{self.url}/health")
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"The scoring server exited with code {self.process.returncode}:\n"
                                       f"{self.log_tail()}") from None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"The scoring server did not answer within {seconds:.0f} s:\n"
                                       f"{self.log_tail()}") from None
                time.sleep(0.3)

    def stop(self) -> None:
        """Stop the server (Ctrl+C, as in a terminal) and wait for it to exit."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def start_server(*, bundle: Path | None = None, port: int | None = None, command: list[str] | None = None,
                 wait_seconds: float = 300.0, env: dict[str, str] | None = None) -> ServerProcess:
    """Start ``python -m tlutils.phishing.service.server`` in the background and wait for ``/health``.

    ``command`` replaces the server's command (the tests start one with a fake detector); ``env``
    its environment (default: this process's).
    Example: ``server = start_server(bundle=folder)``, ... ``server.stop()``.
    """
    port = port or free_port()
    args = [*(command or SERVER_COMMAND), "--port", str(port)]
    if bundle is not None:
        args += ["--bundle", str(bundle)]
    log = Path(tempfile.mkstemp(prefix="phishing-server-", suffix=".log")[1])
    with open(log, "wb") as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, env=env)
    server = ServerProcess(url=f"http://127.0.0.1:{port}", process=process, log=log)
    try:
        server.wait_until_healthy(wait_seconds)
    except BaseException:
        server.stop()
        raise
    return server
