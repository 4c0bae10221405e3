"""Take lesson 07's picture of the extension at work: Chromium warning about a phishing e-mail.

Usage: TLUTILS_PROFILE=offline python scripts/extension_screenshot.py [--out notebooks/images/extension_warning.png]

It does what a learner does by hand, with the real parts: starts the scoring server on a free
loopback port with the offline bundle (``train_detector()``: trained once, then reused from the
course cache), loads ``extension/`` into Debian's Chromium (headless, a fresh profile), points the
extension's options page at the server, opens the demo inbox and clicks the first phishing e-mail
that the server flags. The picture is written only when the page really shows the extension's
warning for that e-mail, with the probability and reasons the server gave; otherwise the script
stops with one sentence and writes nothing. The browser helpers are those of the browser test
(``tests/test_phishing_browser.py``), imported rather than copied.
"""
from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
OUT = ROOT / "notebooks" / "images" / "extension_warning.png"
VIEWPORT = {"width": 960, "height": 600}
COLOURS = 64  # a screenshot of a web page has few colours: a palette PNG keeps it small


def small_png(png: bytes) -> bytes:
    """The screenshot as a palette PNG (few colours, optimised), about a fifth of the size."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    palette = image.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True)
    return out.getvalue()


def capture(chromium: str, bundle: Path) -> tuple[bytes, dict]:
    """Screenshot of the demo inbox with the warning for the first flagged phishing e-mail."""
    from playwright.sync_api import sync_playwright
    from test_phishing_browser import expected_answer, extension_origin, launch, open_email, set_server_address

    from tlutils.phishing.service.demo import demo_email_list
    from tlutils.phishing.service.process import start_server

    server = start_server(bundle=bundle)
    try:
        answers = {e.id: expected_answer(server.url, e) for e in demo_email_list()}
        flagged = [e for e in demo_email_list() if e.label == 1 and answers[e.id]["verdict"] == "phishing"]
        if not flagged:
            raise SystemExit("The detector flags none of the demo inbox's phishing e-mails, so there is no "
                             "warning to photograph; nothing was written.")
        email, answer = flagged[0], answers[flagged[0].id]
        with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
            context = launch(p, chromium, Path(profile))
            try:
                set_server_address(context, extension_origin(context), server.url)
                page = context.new_page()
                page.set_viewport_size(VIEWPORT)
                page.set_default_timeout(120_000)
                page.goto(f"{server.url}/demo")
                shown = open_email(page, email.id)
                banner_ok = (shown["state"] == "phishing" and shown["banner"] is not None
                             and all(reason in shown["banner"] for reason in answer["reasons"]))
                if not banner_ok:
                    raise SystemExit(f"The page does not show the extension's warning for {email.id} "
                                     f"(state {shown['state']!r}); nothing was written.")
                return page.screenshot(), {"email": email.id, "subject": email.subject, **shown}
            finally:
                context.close()
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    if not Path(args.chromium).is_file():
        raise SystemExit(f"Chromium is not at {args.chromium}; install it with `apt-get install chromium` "
                         "or pass --chromium PATH.")
    from tlutils.phishing import train_detector

    png, shown = capture(args.chromium, train_detector())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(small_png(png))
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes): {shown['email']} "
          f"{shown['subject']!r}, banner: {shown['banner']!r}")


if __name__ == "__main__":
    main()
