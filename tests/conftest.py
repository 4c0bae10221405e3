"""Shared test set-up: the offline profile, and no network at all inside the test process."""
from __future__ import annotations

import errno
import os
import socket
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
