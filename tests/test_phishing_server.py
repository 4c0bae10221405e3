"""The scoring server's plumbing: request checks, CORS, Host names, the demo inbox, the command
line and a real server process on loopback, with a FAKE detector (tests/fake_detector.py).

The models behind it are tested with the real bundle in test_phishing_browser.py.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import ROOT
from fake_detector import FakeDetector
from tlutils.phishing.data import load_emails
from tlutils.phishing.service.loadtest import load_test, sample_payloads
from tlutils.phishing.service.process import get_json, start_server
from tlutils.phishing.service.server import EXTENSION_ORIGIN, create_app, parse_args

JSON = {"Content-Type": "application/json"}
EMAIL = {"subject": "Your invoice", "sender": "Payflow <account@payflow.example>",
         "text": "Your invoice is attached."}
LIMIT = 2_000  # characters, small for the tests


@pytest.fixture
def detector():
    return FakeDetector()


@pytest.fixture
def client(detector):
    return TestClient(create_app(detector, max_body_chars=LIMIT), base_url="http://127.0.0.1:8765")


def one_sentence(detail: str) -> bool:
    """A capitalised sentence ending in a full stop, with no second sentence in it."""
    return bool(re.fullmatch(r"[A-Z][^\n]*[.)]\.?", detail)) and not re.search(r"[a-z]\. [A-Z]", detail)


def test_score_returns_what_the_detector_says(client, detector):
    answer = client.post("/score", json={**EMAIL, "html": "<p>Your password</p>"})
    assert answer.status_code == 200
    assert answer.json()["verdict"] == "phishing" and answer.json()["probability"] == pytest.approx(0.9)
    assert detector.calls == [{**EMAIL, "html": "<p>Your password</p>"}]


def test_a_non_ascii_email_within_the_limit_is_scored(client):
    email = {**EMAIL, "text": "é" * (LIMIT - 200)}  # 2 bytes each in UTF-8: the limit counts characters
    assert client.post("/score", content=json.dumps(email, ensure_ascii=False).encode(), headers=JSON).status_code == 200


BAD_REQUESTS = {
    "empty body": (b"", JSON, 400, "empty"),
    "blank body": (b"  \n", JSON, 400, "empty"),
    "too large": (json.dumps({**EMAIL, "text": "x" * LIMIT}).encode(), JSON, 413, "limit of 2,000 characters"),
    "far too large": (b"x" * (LIMIT * 5), JSON, 413, "limit"),
    "not UTF-8": ('{"subject": "Caf\u00e9"}'.encode("latin-1"), JSON, 400, "UTF-8"),
    "malformed JSON": (b'{"subject": "Hi",', JSON, 400, "not valid JSON"),
    "a JSON list": (b'["Hi"]', JSON, 422, "JSON object"),
    "missing sender": (json.dumps({"subject": "Hi", "text": "x"}).encode(), JSON, 422, "lacks the field 'sender'"),
    "no body": (json.dumps({"subject": "Hi", "sender": "a@b.example"}).encode(), JSON, 422, "'html' or 'text'"),
    "blank body field": (json.dumps({**EMAIL, "text": "  "}).encode(), JSON, 422, "'html' or 'text'"),
    "subject not a string": (json.dumps({**EMAIL, "subject": 3}).encode(), JSON, 422, "'subject' must be a string"),
    "unknown field": (json.dumps({**EMAIL, "body": "x"}).encode(), JSON, 422, "unknown field 'body'"),
    "text/plain": (json.dumps(EMAIL).encode(), {"Content-Type": "text/plain"}, 415, "application/json"),
    "form": (b"subject=Hi", {"Content-Type": "application/x-www-form-urlencoded"}, 415, "application/json"),
    "no content type": (json.dumps(EMAIL).encode(), {}, 415, "no content type"),
    "latin-1 charset": (json.dumps(EMAIL).encode(), {"Content-Type": "application/json; charset=latin-1"}, 415, "UTF-8"),
}


@pytest.mark.parametrize("body,headers,status,words", BAD_REQUESTS.values(), ids=BAD_REQUESTS.keys())
def test_bad_input_gets_a_4xx_with_one_sentence(client, detector, body, headers, status, words):
    answer = client.post("/score", content=body, headers=headers)
    assert answer.status_code == status, answer.text
    detail = answer.json()["detail"]
    assert isinstance(detail, str) and one_sentence(detail), detail
    assert words in detail
    assert detector.calls == []


def test_an_oversized_body_without_content_length_is_cut_off(client):
    def chunks():  # a chunked upload declares no length
        for _ in range(20):
            yield b"x" * LIMIT
    answer = client.post("/score", content=chunks(), headers=JSON)
    assert answer.status_code == 413 and "limit" in answer.json()["detail"]


def test_the_detectors_own_refusal_is_a_422_with_its_sentence(client):
    answer = client.post("/score", json={**EMAIL, "subject": "refuse"})
    assert answer.status_code == 422
    assert answer.json() == {"detail": "The fake detector refuses e-mails whose subject is 'refuse'."}


def test_a_detector_failure_is_a_500_with_one_sentence():
    client = TestClient(create_app(FakeDetector()), base_url="http://127.0.0.1", raise_server_exceptions=False)
    answer = client.post("/score", json={**EMAIL, "subject": "crash"})
    assert answer.status_code == 500
    assert answer.json() == {"detail": "The detector failed on this e-mail (RuntimeError); the server's log has the details."}


def test_health_names_the_bundle_profile_and_models(client):
    assert client.get("/health").json() == {"status": "ok", "bundle": "fake-detector-1", "name": None,
                                            "profile": "test", "models": ["text", "screenshot"]}


def preflight(client, origin):
    return client.options("/score", headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                             "Access-Control-Request-Headers": "content-type"})


def test_cors_answers_the_extension_only(client):
    allowed = preflight(client, EXTENSION_ORIGIN)
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == EXTENSION_ORIGIN
    refused = preflight(client, "https://attacker.example")
    assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers
    other_extension = preflight(client, "chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
    assert "access-control-allow-origin" not in other_extension.headers
    answer = client.post("/score", json=EMAIL, headers={"Origin": "https://attacker.example"})
    assert "access-control-allow-origin" not in answer.headers  # the page cannot read the answer


def test_the_allowed_origin_can_be_changed(detector):
    origin = "chrome-extension://bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
    client = TestClient(create_app(detector, allowed_origins=[origin]), base_url="http://127.0.0.1")
    assert preflight(client, origin).headers["access-control-allow-origin"] == origin
    assert "access-control-allow-origin" not in preflight(client, EXTENSION_ORIGIN).headers


def test_a_non_loopback_host_name_is_refused(detector):
    """DNS rebinding: a page on attacker.example whose name now points at 127.0.0.1."""
    client = TestClient(create_app(detector), base_url="http://attacker.example:8765")
    assert client.get("/health").status_code == 400
    assert client.post("/score", json=EMAIL).status_code == 400
    assert detector.calls == []


def test_the_extension_id_follows_from_the_manifest_key():
    from tlutils.phishing.service.server import EXTENSION_KEY, extension_id

    manifest = json.loads((ROOT / "extension" / "manifest.json").read_text())
    assert manifest["key"] == EXTENSION_KEY
    assert EXTENSION_ORIGIN == f"chrome-extension://{extension_id(manifest['key'])}"


def test_the_demo_inbox_mixes_phishing_and_legitimate_without_labels(client):
    page = client.get("/demo")
    assert page.status_code == 200 and 'id="inbox"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    inbox = client.get("/demo/emails").json()
    labels = {e.id: e.label for e in load_emails("test", corpus="real")}  # the demo inbox holds real e-mails
    assert sorted(labels[e["id"]] for e in inbox) == [0, 0, 0, 1, 1, 1]
    assert not [e for e in inbox if "label" in e or "template" in e]
    assert client.get("/static/demo.js").status_code == 200


def test_the_demo_page_shows_email_html_only_in_a_sandboxed_iframe():
    script = (ROOT / "tlutils" / "phishing" / "service" / "static" / "demo.js").read_text()
    assert 'setAttribute("sandbox", "")' in script and "srcdoc" in script
    assert "innerHTML" not in script  # e-mail fields are set as text, never parsed as markup


def test_the_static_files_are_package_data():
    """A pip install (Colab) must carry the demo page: pyproject's package-data covers it."""
    import tomllib

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["tlutils"]
    static = sorted(p.relative_to(ROOT / "tlutils") for p in (ROOT / "tlutils" / "phishing" / "service" / "static").iterdir())
    assert static and all(any(s.match(pattern) for pattern in patterns) for s in static)


def test_the_command_line_refuses_a_public_host_without_allow_remote(capsys):
    with pytest.raises(SystemExit) as stop:
        parse_args(["--host", "0.0.0.0"])
    assert stop.value.code == 2
    assert "add --allow-remote" in capsys.readouterr().err
    assert parse_args(["--host", "0.0.0.0", "--allow-remote"]).host == "0.0.0.0"
    assert parse_args([]).host == "127.0.0.1" and parse_args([]).port == 8765


def test_the_command_says_so_when_the_port_is_taken(fake_server):
    from tlutils.phishing.service.server import main

    port = int(fake_server.url.rsplit(":", 1)[1])
    with pytest.raises(SystemExit) as stop:
        main(["--port", str(port)])
    assert stop.value.code == f"Port {port} on 127.0.0.1 is in use (is the server already running?); " \
                              "choose another with --port."


def listening_addresses(port: int) -> set[str]:
    """The local addresses of the sockets listening on ``port`` (Linux's /proc/net/tcp{,6})."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


@pytest.fixture(scope="module")
def fake_server():
    """The server's real command line, with the fake detector, as a process on a free port."""
    server = start_server(command=[sys.executable, str(ROOT / "tests" / "fake_detector.py")], wait_seconds=60)
    yield server
    server.stop()


def test_the_command_serves_on_loopback_only(fake_server):
    if not Path("/proc/net/tcp").exists():
        pytest.skip("No /proc/net/tcp here, so the listening address cannot be read.")
    assert get_json(f"{fake_server.url}/health")["bundle"] == "fake-detector-1"
    port = int(fake_server.url.rsplit(":", 1)[1])
    assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, and nothing else


def test_load_test_reports_latency_and_throughput(fake_server):
    report = load_test(fake_server.url, sample_payloads(5), requests=40, concurrency=4, timeout=10)
    assert report.requests == 40 and report.errors == 0
    assert 0 < report.p50_ms <= report.p95_ms < 10_000
    assert report.requests_per_second > 0


def test_load_test_stops_starting_requests_after_max_seconds(fake_server):
    report = load_test(fake_server.url, sample_payloads(2), requests=1000, concurrency=2, max_seconds=0.3)
    assert 0 < report.requests < 1000 and report.errors == 0 and report.wall_seconds < 10


def test_load_test_counts_refused_connections_as_errors():
    from tlutils.phishing.service.process import free_port

    report = load_test(f"http://127.0.0.1:{free_port()}", [EMAIL], requests=3, concurrency=2, timeout=2)
    assert report.errors == 3


# --- Issue 22: hostile input, a full queue, slow clients, restarts, the load test's arguments ---

HOSTILE = {
    "deeply nested JSON": (b"[" * 100_000 + b"]" * 100_000, 400, "nests JSON"),
    "a 5,000-digit number": (b'{"subject": ' + b"9" * 5_000 + b"}", 400, "number too long"),
}


@pytest.mark.parametrize("body,status,words", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_json_gets_one_sentence_and_no_traceback(detector, caplog, body, status, words):
    client = TestClient(create_app(detector, max_body_chars=300_000), base_url="http://127.0.0.1",
                        raise_server_exceptions=False)
    answer = client.post("/score", content=body, headers=JSON)
    assert answer.status_code == status, answer.text
    assert one_sentence(answer.json()["detail"]) and words in answer.json()["detail"]
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"


def test_a_lone_surrogate_is_scored_as_a_replacement_character(client, detector):
    body = b'{"subject": "Invoice \\ud800", "sender": "a@b.example", "text": "Pay \\udfff now"}'
    answer = client.post("/score", content=body, headers=JSON)
    assert answer.status_code == 200, answer.text
    assert detector.calls[0]["subject"] == "Invoice \ufffd" and detector.calls[0]["text"] == "Pay \ufffd now"


def test_a_client_that_disconnects_is_not_a_scoring_failure(detector, caplog):
    """The ASGI app called directly: the client leaves while its body is being read."""
    import asyncio

    app = create_app(detector)
    messages = iter([{"type": "http.request", "body": b'{"subject": ', "more_body": True},
                     {"type": "http.disconnect"}])
    scope = {"type": "http", "method": "POST", "path": "/score", "raw_path": b"/score", "query_string": b"",
             "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json")],
             "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8765), "scheme": "http",
             "http_version": "1.1", "asgi": {"version": "3.0"}, "root_path": ""}

    async def receive():
        return next(messages)

    async def send(message):
        pass

    asyncio.run(app(scope, receive, send))
    assert not [r for r in caplog.records if "failed" in r.getMessage() or r.exc_info]
    assert detector.calls == []


class BlockingDetector(FakeDetector):
    """Waits in ``score`` until released (or until two calls are in at once, with ``together``)."""

    def __init__(self, together: int = 0):
        super().__init__()
        self.release = __import__("threading").Event()
        self.meeting = __import__("threading").Barrier(together) if together else None

    def score(self, **fields):
        if self.meeting is not None:
            self.meeting.wait(timeout=10)  # BrokenBarrierError if the calls were made one by one
        else:
            self.release.wait(timeout=10)
        return super().score(**fields)


def test_two_emails_are_scored_at_the_same_time():
    """No global lock: two requests meet inside the detector (a lock would break the barrier)."""
    import concurrent.futures

    detector = BlockingDetector(together=2)
    client = TestClient(create_app(detector), base_url="http://127.0.0.1")
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: client.post("/score", json=EMAIL), range(2)))
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]


def test_a_full_queue_is_a_503_with_one_sentence():
    from tlutils.phishing.service.serving import ScoringPool

    detector = BlockingDetector()
    pool = ScoringPool(detector.score, workers=1, max_waiting=1)
    client = TestClient(create_app(detector, pool=pool), base_url="http://127.0.0.1")
    held = [pool.submit(**EMAIL) for _ in range(2)]  # one being scored, one waiting: full
    try:
        answer = client.post("/score", json=EMAIL)
        assert answer.status_code == 503 and answer.headers["retry-after"] == "2"
        assert one_sentence(answer.json()["detail"]) and "busy" in answer.json()["detail"]
    finally:
        detector.release.set()
    assert [f.result(timeout=10)["verdict"] for f in held] == ["legitimate", "legitimate"]
    assert client.post("/score", json=EMAIL).status_code == 200  # room again
    pool.close()


@pytest.fixture
def fake_server_command():
    return [sys.executable, str(ROOT / "tests" / "fake_detector.py")]


@pytest.fixture
def threaded_server():
    """The app with the fake detector under uvicorn in this process, with short deadlines (0.5 s
    for headers, 0.5 s for the body); yields its port."""
    import threading

    import uvicorn

    from tlutils.phishing.service.http_timeouts import header_deadline_protocol
    from tlutils.phishing.service.process import free_port

    port = free_port()
    config = uvicorn.Config(create_app(FakeDetector(), body_seconds=0.5), host="127.0.0.1", port=port,
                            log_level="warning", http=header_deadline_protocol(0.5))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        thread.join(0.02)
    yield port
    server.should_exit = True
    thread.join(10)


def read_until_closed(connection, seconds: float) -> bytes:
    """What the server sends before it closes ``connection`` (a timeout error if it does not)."""
    import socket

    connection.settimeout(seconds)
    received = b""
    while chunk := connection.recv(4096):
        received += chunk
    assert isinstance(connection, socket.socket)
    return received


def test_a_connection_with_slow_headers_is_closed(threaded_server):
    import socket
    import time

    with socket.create_connection(("127.0.0.1", threaded_server)) as connection:
        connection.sendall(b"POST /score HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the end of the headers
        started = time.monotonic()
        read_until_closed(connection, seconds=5)
        assert time.monotonic() - started < 3


def test_a_body_shorter_than_its_content_length_gets_a_408(threaded_server):
    import socket

    with socket.create_connection(("127.0.0.1", threaded_server)) as connection:
        connection.sendall(b"POST /score HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                           b"Content-Length: 100\r\n\r\n{\"subject\": ")
        answer = read_until_closed(connection, seconds=5)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    detail = json.loads(answer.split(b"\r\n\r\n", 1)[1])["detail"]
    assert one_sentence(detail) and "did not arrive within 0.5 s" in detail


def test_the_port_is_free_again_while_only_time_wait_connections_remain():
    """A stopped server's accepted connections linger in TIME_WAIT; that must not block a restart."""
    import socket

    from tlutils.phishing.service.process import free_port
    from tlutils.phishing.service.server import check_port_free

    port = free_port()
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen()
        client = socket.create_connection(("127.0.0.1", port))
        accepted, _ = listener.accept()
        accepted.close()  # the server side closes first, so its socket goes to TIME_WAIT
        client.recv(1)
        client.close()
    check_port_free("127.0.0.1", port)  # returns: no SystemExit


def test_a_port_out_of_range_is_one_line(capsys):
    with pytest.raises(SystemExit) as stop:
        parse_args(["--port", "99999"])
    assert stop.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith("'99999' is not a port; choose a whole number from 1 to 65535")


def test_load_test_arguments_are_checked_in_one_line(capsys):
    from tlutils.phishing.service import loadtest

    for argv, words in ((["--concurrency", "0"], "'0' is not a whole number of at least 1"),
                        (["--url", "http://192.168.1.5:8765"], "only to this machine")):
        with pytest.raises(SystemExit) as stop:
            loadtest.main(argv)
        assert stop.value.code == 2 and words in capsys.readouterr().err.splitlines()[-1]
    with pytest.raises(ValueError, match="only to this machine"):
        load_test("http://example.com:8765", [EMAIL])


def test_load_test_reports_no_throughput_when_the_server_is_down(capsys):
    from tlutils.phishing.service import loadtest
    from tlutils.phishing.service.process import free_port

    url = f"http://127.0.0.1:{free_port()}"
    assert load_test(url, [EMAIL], requests=3, concurrency=2, timeout=2).requests_per_second == 0
    with pytest.raises(SystemExit) as stop:
        loadtest.main(["--url", url, "--requests", "2"])
    assert str(stop.value.code).startswith(f"No request was answered by {url} (")
    assert "requests/s" not in capsys.readouterr().out


def test_health_names_the_bundle_folder_and_its_fingerprint(tmp_path):
    from tlutils.phishing.service.server import describe

    class SavedDetector(FakeDetector):
        folder = tmp_path / "phishing-detector-offline"

    SavedDetector.folder.mkdir()
    (SavedDetector.folder / "detector.json").write_text('{"format_version": 1}')
    name = describe(SavedDetector())["name"]
    assert re.fullmatch(r"phishing-detector-offline \([0-9a-f]{8}\)", name), name


def test_native_start_up_lines_stay_off_the_terminal(capfd):
    import os

    from tlutils.phishing.service.server import quiet_native_start_up

    with quiet_native_start_up():
        os.write(2, b"I0000 cudart_stub.cc:31] Could not find cuda drivers on your machine\n")
    assert "cuda" not in capfd.readouterr().err
    with pytest.raises(RuntimeError), quiet_native_start_up():
        os.write(2, b"what TensorFlow said before failing\n")
        raise RuntimeError("import failed")
    assert "what TensorFlow said before failing" in capfd.readouterr().err
