"""A fake detector for the tests of the scoring server's plumbing (validation, CORS, binding).

It is NOT the course's model: it calls an e-mail phishing when its body mentions a password.
The real detector (``tlutils.phishing.detector``) is tested with the real bundle in
``test_phishing_browser.py``. Run as a script, it starts the server's real command line with
this detector in place of the bundle: ``python tests/fake_detector.py --port 8765``.
"""
from __future__ import annotations

import sys

import numpy as np


class FakeDetector:
    """Scores by one keyword and remembers what it was asked."""

    version = "fake-detector-1"
    profile = "test"
    models = ["text", "screenshot"]

    def __init__(self):
        self.calls: list[dict] = []

    def score(self, *, subject: str, sender: str, html: str | None = None, text: str | None = None) -> dict:
        """A fixed-shape answer like ``Detector.score``'s (probabilities as NumPy floats, as models
        give them); ValueError for the subject "refuse", RuntimeError for "crash", and the
        "cannot judge" answer for "unreadable". The reason names the parts it was sent."""
        self.calls.append({"subject": subject, "sender": sender, "html": html, "text": text})
        if subject == "refuse":
            raise ValueError("The fake detector refuses e-mails whose subject is 'refuse'.")
        if subject == "crash":
            raise RuntimeError("a bug in the fake detector")
        if subject == "unreadable":
            return {"probability": None, "verdict": "cannot judge", "threshold": 0.5, "models": None,
                    "shares": None, "reasons": ["The e-mail has no text the fake detector can read."]}
        phishing = "password" in f"{html or ''} {text or ''}".lower()
        probability = np.float32(0.9 if phishing else 0.1)
        parts = " and ".join(name for name, value in (("HTML", html), ("text", text)) if value)
        return {"probability": probability, "verdict": "phishing" if phishing else "legitimate",
                "threshold": 0.5, "models": {"text": probability, "screenshot": probability},
                "shares": {"text": 0.5, "screenshot": 0.5},
                "reasons": [f"The body asks for a password (read: {parts})."] if phishing else []}


def main(argv: list[str]) -> None:
    """The server's command line, serving :class:`FakeDetector` instead of a bundle."""
    from tlutils.phishing.service import server

    server.load_bundle = lambda bundle: FakeDetector()
    server.main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
