"""The extension in Chromium against the server with the FAKE detector (tests/fake_detector.py):
what it reads, what it shows and where, and what the page can learn. (The real bundle's verdicts
in the browser are test_phishing_browser.py's.)

One browser session walks through: the options page names the bundle; the demo webmail, opened
at the configured address, sends both parts of an e-mail; the page cannot read the verdict; the
banner leaves the sender line and the inbox free in an 800 x 600 window; e-mail HTML opens no
connection; "cannot judge" is its own state; a demo-like page on another local port is not read;
with the server stopped the banner gives the command, and the e-mail is checked again once the
server is back.
"""
from __future__ import annotations

import http.server
import json
import socket
import sys
import threading

import pytest
from playwright.sync_api import sync_playwright

from chromium_extension import BANNER_ID, banner_text, launch, last_shown, open_email, set_server_address, wait_for
from conftest import ROOT
from tlutils.phishing.service.process import free_port, start_server
from tlutils.phishing.service.server import EXTENSION_ORIGIN

FAKE_SERVER = [sys.executable, str(ROOT / "tests" / "fake_detector.py")]


def inbox(tracker_port: int) -> list[dict]:
    """The demo inbox the page is given (routed): a phishing e-mail with elements that would
    connect to ``tracker_port``, a legitimate one, and one the detector cannot judge."""
    tracker = f"http://127.0.0.1:{tracker_port}"
    lure = (f'<link rel="preconnect" href="{tracker}"><link rel="dns-prefetch" href="{tracker}">'
            f'<p>Confirm your password now.</p><iframe src="{tracker}/frame"></iframe><img src="{tracker}/pixel.png">')
    common = {"sender_name": "Payflow", "sender_address": "billing@payflow.example"}
    return [{**common, "id": "phish", "subject": "Account locked", "html": lure, "text": "Confirm your password now."},
            {**common, "id": "fine", "subject": "Your receipt", "html": "<p>Thanks for your order.</p>",
             "text": "Thanks for your order."},
            {**common, "id": "blank", "subject": "unreadable", "html": "<p>\u200b</p>", "text": ""}]


@pytest.fixture
def tracker():
    """A loopback port that counts the connections made to it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    accepted = []

    def accept():
        while listener.fileno() != -1:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue
    threading.Thread(target=accept, daemon=True).start()
    yield listener.getsockname()[1], accepted
    listener.close()


@pytest.fixture
def other_local_app():
    """Another web app on this machine, on another port, whose page looks like the demo webmail."""
    page = (b'<!doctype html><body><article id="reading-pane" data-email-id="other"><h2 class="tl-subject">Payroll</h2>'
            b'<p class="tl-from" data-sender="HR &lt;hr@corp.example&gt;">HR</p>'
            b'<iframe class="tl-body" srcdoc="Your password is hunter2"></iframe></article></body>')

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/demo"
    server.shutdown()


def overlaps(a: dict, b: dict) -> bool:
    """Whether two bounding boxes share any area."""
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and \
        a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def test_the_extension_reads_only_its_server_and_keeps_its_verdict_from_the_page(chromium, tmp_path, tracker,
                                                                                  other_local_app):
    tracker_port, connections = tracker
    port = free_port()
    server = start_server(command=FAKE_SERVER, port=port, wait_seconds=60)
    try:
        with sync_playwright() as p:
            context = launch(p, chromium, tmp_path / "profile", viewport={"width": 800, "height": 600})
            try:
                status = set_server_address(context, EXTENSION_ORIGIN, server.url)
                page = context.new_page()
                page.route(f"{server.url}/demo/emails", lambda route: route.fulfill(
                    status=200, content_type="application/json", body=json.dumps(inbox(tracker_port))))
                page.goto(f"{server.url}/demo")
                phish = open_email(page, "phish")
                page_sees = page.evaluate(f"""() => ({{
                    shadow: document.getElementById("{BANNER_ID}").shadowRoot,
                    attributes: [...document.querySelectorAll("*")].flatMap(e => [...e.attributes].map(a => a.name))
                                  .filter(name => name.startsWith("data-tlutils") || name === "data-state")}})""")
                boxes = {name: page.locator(selector).bounding_box() for name, selector in
                         (("banner", f"#{BANNER_ID}"), ("sender", ".tl-from"), ("subject", ".tl-subject"),
                          ("inbox", "nav"))}
                blank = open_email(page, "blank")

                other = context.new_page()
                other.goto(other_local_app)
                other.wait_for_timeout(500)  # a content script would have run and scored by now (~0.1 s)
                read_elsewhere = other.evaluate(f"!!document.getElementById('{BANNER_ID}')")
                other_record = last_shown(context)
                other.close()

                server.stop()
                down = open_email(page, "fine")
                server = start_server(command=FAKE_SERVER, port=port, wait_seconds=60)  # same port, at once
                back = wait_for(lambda: (r := last_shown(context)) and r["state"] != "unreachable" and r, 20,
                                "the e-mail's re-check once the server was back")
            finally:
                context.close()
    finally:
        server.stop()

    assert status == "Connected: bundle of format fake-detector-1, profile test."
    assert phish["state"] == "phishing"
    assert "(90% probability)" in phish["banner"] and "(read: HTML and text)" in phish["banner"]
    assert page_sees == {"shadow": None, "attributes": []}
    assert connections == [], "the e-mail's HTML opened a connection from the demo page"  # seconds later
    banner = boxes["banner"]
    assert banner["x"] >= 0 and banner["x"] + banner["width"] <= 800 and banner["y"] + banner["height"] <= 600
    assert not [name for name in ("sender", "subject", "inbox") if overlaps(banner, boxes[name])], boxes
    assert blank["state"] == "cannot-judge" and "no text the fake detector can read" in blank["banner"]
    assert not read_elsewhere and other_record["key"] == "blank"
    assert down["state"] == "unreachable"
    assert ".venv/bin/python -m tlutils.phishing.service.server" in down["banner"]
    assert back["key"] == "fine" and back["state"] == "legitimate" and back["url"].startswith(f"{server.url}/demo")
