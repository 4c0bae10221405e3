"""Shared test set-up: the offline profile, and no network at all inside the test process."""
from __future__ import annotations

import errno
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "", None}

os.environ.setdefault("TLUTILS_PROFILE", "offline")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _host(address) -> str | None:
    return address[0] if isinstance(address, tuple) else None


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail fast, like a machine with no network, on any connection that leaves localhost."""
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(self, address):
        if self.family == socket.AF_UNIX or _host(address) in LOCAL_HOSTS:
            return real_connect(self, address)
        raise OSError(errno.ENETUNREACH, f"Network is unreachable (tests are offline): {address}")

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, bytes):
            host = host.decode()
        if host in LOCAL_HOSTS:
            return real_getaddrinfo(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, f"Name or service not known (tests are offline): {host}")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


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
