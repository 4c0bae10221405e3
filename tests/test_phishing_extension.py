"""The browser extension keeps Manifest V3's rules: no remote code, host permissions only for the
loopback server, the service worker's listener at top level. (test_phishing_browser.py runs it.)"""
from __future__ import annotations

import json
import re

from conftest import ROOT

EXTENSION = ROOT / "extension"
MANIFEST = json.loads((EXTENSION / "manifest.json").read_text())
SCRIPTS = {path.name: path.read_text() for path in EXTENSION.glob("*.js")}


def test_manifest_v3_with_loopback_host_permissions_only():
    assert MANIFEST["manifest_version"] == 3
    assert MANIFEST["host_permissions"] == ["http://127.0.0.1/*", "http://localhost/*"]
    assert MANIFEST["permissions"] == ["storage", "scripting"]  # scripting: the demo script's registration


def test_no_static_content_script_on_loopback_pages():
    """The demo webmail's script is registered for the configured server's origin only (in the
    service worker), never for every local port (test_phishing_extension_browser.py runs it)."""
    matches = [match for script in MANIFEST["content_scripts"] for match in script["matches"]]
    assert not [m for m in matches if "127.0.0.1" in m or "localhost" in m], matches
    assert 'matches: [`http://${server.hostname}:${server.port || "80"}/demo*`]' in SCRIPTS["service_worker.js"]


def test_every_file_the_manifest_names_is_there():
    named = [MANIFEST["background"]["service_worker"], MANIFEST["options_ui"]["page"],
             *[js for script in MANIFEST["content_scripts"] for js in script["js"]]]
    assert [name for name in named if not (EXTENSION / name).is_file()] == []


def test_no_remote_code():
    """Nothing is fetched and run: no eval, no Function constructor, no remote script tags."""
    for name, source in SCRIPTS.items():
        assert not re.search(r"\beval\(|new Function\(|importScripts\(", source), name
    for page in EXTENSION.glob("*.html"):
        sources = re.findall(r'<script[^>]*src="([^"]+)"', page.read_text())
        assert sources and all(not re.match(r"[a-z]+:", src) for src in sources), page.name


def test_the_service_worker_registers_its_listener_at_top_level():
    source = SCRIPTS[MANIFEST["background"]["service_worker"]]
    assert re.search(r"^chrome\.runtime\.onMessage\.addListener\(", source, re.MULTILINE)


def test_the_options_page_accepts_loopback_addresses_only():
    pattern = re.search(r"const LOOPBACK = /(.+)/;", SCRIPTS["options.js"]).group(1).replace("\\/", "/")
    assert re.match(pattern, "http://127.0.0.1:8765") and re.match(pattern, "http://localhost:9000")
    assert not re.match(pattern, "http://192.168.1.5:8765")
    assert not re.match(pattern, "http://127.0.0.1.attacker.example:8765")
