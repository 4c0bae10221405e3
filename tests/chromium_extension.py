"""Driving Chromium with the course's extension loaded, for the browser tests
(test_phishing_extension_browser.py with the fake detector, test_phishing_browser.py with the
real bundle).

The extension writes nothing about its verdict into the page (no attribute, a closed shadow
root), so the tests read it where the page cannot: the outcome from the extension's service
worker (``chrome.storage.session``), the banner's text through the DevTools protocol, which
sees closed shadow roots.
"""
from __future__ import annotations

import time

from conftest import ROOT

EXTENSION = ROOT / "extension"
BANNER_ID = "tlutils-phishing-banner"


def launch(playwright, chromium: str, profile, viewport: dict | None = None):
    """Chromium with only the course's extension loaded, headless, in a fresh profile."""
    return playwright.chromium.launch_persistent_context(
        profile, executable_path=chromium, headless=True, viewport=viewport,
        args=["--no-sandbox", "--no-proxy-server",
              f"--disable-extensions-except={EXTENSION}", f"--load-extension={EXTENSION}"])


def service_worker(context):
    """The extension's service worker."""
    return context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")


def extension_origin(context) -> str:
    """The loaded extension's origin, read from its service worker's address."""
    return "/".join(service_worker(context).url.split("/")[:3])


def wait_for(condition, seconds: float, what: str):
    """``condition()``'s first true value, polled; AssertionError naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not (value := condition()):
        assert time.monotonic() < deadline, f"{what} did not happen within {seconds:.0f} s"
        time.sleep(0.1)
    return value


def set_server_address(context, origin: str, url: str) -> str:
    """Type the server's address into the options page, save it, check the connection, and wait
    until the demo webmail's content script is registered for that address."""
    page = context.new_page()
    page.goto(f"{origin}/options.html")
    page.fill("#server", url)
    page.click("button[type=submit]")
    page.locator("#status", has_text="Saved.").wait_for()
    page.click("#check")
    status = page.locator("#status", has_text="Connected").inner_text()
    page.close()
    worker = service_worker(context)
    wait_for(lambda: [script["matches"] for script in worker.evaluate("chrome.scripting.getRegisteredContentScripts()")]
             == [[f"{url}/demo*"]], 10, f"registering the demo content script for {url}")
    return status


def last_shown(context) -> dict | None:
    """The extension's record of the last outcome it showed: ``{key, state, url}``."""
    return service_worker(context).evaluate("chrome.storage.session.get('lastShown').then(r => r.lastShown || null)")


def banner_text(page) -> str | None:
    """The banner's text, read through its closed shadow root with the DevTools protocol."""
    session = page.context.new_cdp_session(page)
    try:
        root = session.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
    finally:
        session.detach()

    def find(node):
        attributes = node.get("attributes", [])
        if "id" in attributes[::2] and attributes[attributes.index("id") + 1] == BANNER_ID:
            return node
        for child in node.get("children", []) + node.get("shadowRoots", []):
            if found := find(child):
                return found
        return None

    def text(node):
        if node.get("nodeName") == "STYLE":
            return []
        own = [node["nodeValue"]] if node.get("nodeType") == 3 else []
        return own + [t for child in node.get("children", []) + node.get("shadowRoots", []) for t in text(child)]

    host = find(root)
    return " ".join(t.strip() for t in text(host) if t.strip()) if host else None


def open_email(page, email_id: str, seconds: float = 60) -> dict:
    """Click an e-mail in the demo inbox; the extension's outcome for it and the banner's text."""
    context = page.context
    service_worker(context).evaluate("chrome.storage.session.remove('lastShown')")
    page.click(f'.tl-inbox-item[data-email-id="{email_id}"]')
    shown = wait_for(lambda: (r := last_shown(context)) and r["key"] == email_id and r, seconds,
                     f"the extension's check of e-mail {email_id}")
    return {"state": shown["state"], "banner": banner_text(page)}
