"""The capstone: a phishing e-mail detector from text and screenshots, trained on real e-mail.

Modules: ``data`` reads the course's e-mail sets (``tlutils/course_data/phishing``: the real ones,
written by ``scripts/make_real_phishing_data.py`` with ``mail``, which reads raw MIME messages,
and the synthetic ones of ``scripts/make_phishing_data.py``; ``dedup`` groups near-duplicate
bodies); ``inputs`` is what the models read
of an e-mail, the same in training and serving; ``render`` draws an e-mail as the screenshot the
vision model sees (the one renderer for training and serving); ``cues`` finds the rule-based hints
a reader can check; ``text_model`` and ``screenshot_model`` are the two frozen pretrained models,
``heads`` their new heads; ``ensemble`` combines them; ``training`` builds the saved bundle
(:func:`train_detector`); ``detector`` saves and loads it and scores e-mails (:func:`load_detector`,
:class:`Detector`); ``evaluation`` measures it;
``transfer`` holds each collection out in turn (leave-one-collection-out) and has the rule-based cues;
``server`` is the local scoring server (``python -m tlutils.phishing.server``), with ``score_request``
(what ``POST /score`` accepts), ``serving`` (its compiled, warmed-up models and pool of scoring
threads), ``http_timeouts`` (its deadline for slow headers), ``demo`` (the demo inbox it serves),
``process`` (running it in the background) and ``loadtest`` (its latency and throughput).

    from tlutils.phishing import train_detector, load_detector
    detector = load_detector(train_detector())
    detector.score(subject="...", sender="Bank <a@bank.example>", html="<p>...</p>")
"""
from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    """``train_detector``, ``load_detector``, ``save_detector`` and ``Detector``, imported on first use."""
    if name == "train_detector":
        from .training import train_detector

        return train_detector
    if name in ("load_detector", "save_detector", "Detector"):
        from . import detector

        return getattr(detector, name)
    raise AttributeError(f"module 'tlutils.phishing' has no attribute {name!r}")
