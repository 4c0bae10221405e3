"""The capstone end to end in a real browser: Debian's Chromium with the extension loaded, the
scoring server running the real bundle (trained offline by ``train_detector``, or reused from the
run's course cache), the demo inbox opened.

What it checks: the server answers a small load test (12 e-mails, 4 at a time) without errors, at
3.5 e-mails per second or more, and prints its latency; the extension loads with the id the
server's CORS expects; its options page saves the server's address, reaches it and names the
bundle; for every e-mail in the demo inbox the banner agrees with the server's own verdict on
what the page shows (warning with the probability and reasons for phishing, nothing for
legitimate), and at least one phishing e-mail is warned about and one legitimate e-mail is not;
the server starts without TensorFlow's native start-up lines. Screenshots go to the test's
tmp folder. (The extension's own behaviour, with the server down, on other pages, and what the
page can read, is test_phishing_extension_browser.py's, with a fake detector.)

Extensions load in Chromium's headless mode (Chromium 156 as Debian ships it:
``--load-extension`` with a persistent context), so no X server is needed.

Time on 2 cores shared with other jobs: with the bundle already in the cache 115 s (load about
13; the server's start was about 50 s of it); training the bundle first (cap-models' recipe of
14:30 UTC, load 7 to 11) 587 s more, a cost the phishing-bundle group pays once.
"""
from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import sync_playwright

import tlutils
from chromium_extension import extension_origin, launch, open_email, set_server_address
from tlutils.phishing.service.demo import demo_email_list
from tlutils.phishing.service.loadtest import load_test, sample_payloads
from tlutils.phishing.training import train_detector
from tlutils.phishing.service.process import LOOPBACK_OPENER, start_server
from tlutils.phishing.service.server import EXTENSION_ORIGIN

TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def bundle():
    """The real detector bundle of the offline profile (trained once per course cache)."""
    return train_detector(tlutils.setup("offline", verbose=False))


def expected_answer(url: str, email, shown_html: str) -> dict:
    """The server's own answer for an e-mail as the demo page shows it (its HTML without the
    elements that would connect, and its plain-text part), sent as the content script sends it."""
    payload = {"subject": email.subject, "sender": f"{email.sender_name} <{email.sender_address}>",
               "html": shown_html, "text": email.text}
    request = urllib.request.Request(f"{url}/score", data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with LOOPBACK_OPENER.open(request, timeout=120) as response:
        return json.loads(response.read())


def health_name_digits(bundle) -> str:
    """The fingerprint /health gives the bundle: the first 8 hex digits of its detector.json's SHA-256."""
    import hashlib

    return hashlib.sha256((bundle / "detector.json").read_bytes()).hexdigest()[:8]


def test_the_extension_warns_about_phishing_in_chromium(chromium, bundle, tmp_path):
    server = start_server(bundle=bundle)
    try:
        emails = list(demo_email_list())
        expected = {}
        report = load_test(server.url, sample_payloads(), requests=12, concurrency=4, max_seconds=120)
        print(f"real bundle on loopback: {report}")
        with sync_playwright() as p:
            context = launch(p, chromium, tmp_path / "profile")
            try:
                assert extension_origin(context) == EXTENSION_ORIGIN
                status = set_server_address(context, EXTENSION_ORIGIN, server.url)
                page = context.new_page()
                page.set_default_timeout(TIMEOUT_MS)
                page.goto(f"{server.url}/demo")
                seen = {}
                for email in emails:
                    seen[email.id] = open_email(page, email.id)
                    shown_html = page.get_attribute("#reading-pane iframe.tl-body", "srcdoc")
                    expected[email.id] = expected_answer(server.url, email, shown_html)
                    if expected[email.id]["verdict"] == "phishing":
                        page.screenshot(path=tmp_path / "warning.png")
            finally:
                context.close()
    finally:
        server.stop()

    for email in emails:
        answer, shown = expected[email.id], seen[email.id]
        assert shown["state"] == answer["verdict"].replace(" ", "-"), email.id  # "cannot judge" -> "cannot-judge"
        if answer["verdict"] == "phishing":
            assert f"({round(answer['probability'] * 100)}% probability)" in shown["banner"]
            assert all(reason in shown["banner"] for reason in answer["reasons"])
        else:
            assert shown["banner"] is None, f"{email.id}: a legitimate verdict shows a banner"
    assert any(e.label == 1 and seen[e.id]["state"] == "phishing" for e in emails), "no phishing e-mail warned about"
    assert any(e.label == 0 and seen[e.id]["state"] == "legitimate" for e in emails), "every legitimate e-mail warned about"
    assert report.errors == 0 and report.requests == 12, report
    # One e-mail at a time behind a lock, BERT run eagerly, managed 2.2 e-mails/s on 2 cores (1.6
    # in benchmarks/server_latency.py's run at load 10, where the pool of compiled models managed
    # 10.2); this test measured 10.4 at load 6 and 6.0 at load 10. 3.5 leaves room for a loaded
    # machine and still fails the one-at-a-time server.
    assert report.requests_per_second >= 3.5, report
    assert status == f"Connected: bundle {bundle.name} ({health_name_digits(bundle)}), profile offline."
    assert not [line for line in server.log.read_text().splitlines() if "cuda" in line.lower() or "oneDNN" in line]
    assert (tmp_path / "warning.png").stat().st_size > 10_000
