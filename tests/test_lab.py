"""`make lab` serves JupyterLab: start it through make and ask its REST API."""
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

from conftest import ROOT

TOKEN = "course-test-token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {TOKEN}"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy
    with opener.open(request, timeout=5) as response:
        return response.status, response.read()


def test_make_lab_serves_jupyterlab_with_the_notebooks():
    port = _free_port()
    args = f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={TOKEN}"
    server = subprocess.Popen(["make", "-s", "lab", f"LAB_ARGS={args}"], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True, env={**os.environ, "JUPYTER_NO_CONFIG": "1"})
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/api/status")
                break
            except OSError:
                assert server.poll() is None, "make lab exited early"
                assert time.monotonic() < deadline, "JupyterLab did not answer within 90 s"
                time.sleep(0.5)
        assert status == 200 and "started" in json.loads(body)
        _, body = _get(f"http://127.0.0.1:{port}/api/contents")
        names = {item["name"] for item in json.loads(body)["content"]}
        assert "01_feature_extraction.ipynb" in names  # served from notebooks/
        status, body = _get(f"http://127.0.0.1:{port}/lab")
        assert status == 200 and b"JupyterLab" in body
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
