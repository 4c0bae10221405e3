"""The capstone: a phishing e-mail detector from text and screenshots, trained on real e-mail.

Modules: ``data`` reads the course's e-mail sets (``tlutils/course_data/phishing``: the real ones,
written by ``scripts/make_real_phishing_data.py``, which reads raw MIME messages with
``scripts/mail_reader.py``, and the synthetic ones of ``scripts/make_phishing_data.py``; ``dedup``
groups near-duplicate bodies); ``inputs`` is what the models read
of an e-mail, the same in training and serving; ``render`` draws an e-mail as the screenshot the
vision model sees (the one renderer for training and serving); ``cues`` finds the rule-based hints
a reader can check; ``text_model`` and ``screenshot_model`` are the two frozen pretrained models,
``heads`` their new heads; ``ensemble`` combines them; ``training`` builds the saved bundle
(:func:`train_detector`); ``detector`` saves and loads it and scores e-mails (:func:`load_detector`,
:class:`Detector`); ``evaluation`` measures it;
``transfer`` holds each collection out in turn (leave-one-collection-out) and has the rule-based cues.
The web service that scores e-mails with a saved bundle is the subpackage :mod:`.service`
(``python -m tlutils.phishing.service.server``); it uses the model code, never the reverse.

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
