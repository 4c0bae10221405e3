"""The saved phishing detector: a versioned bundle folder and the :class:`Detector` that scores e-mails.

A bundle is a folder, written whole or not at all (:func:`tlutils.files.atomic_path`), that holds
no pickle, so loading one runs no code::

    detector.json               format and version, profile, the bases used, recipe, timings
    text_head.json              the text model's new head on its frozen BERT's features
    screenshot_head.json        the screenshot model's new head on its frozen CNN's features
                                (both bases are rebuilt from their source: the packaged MiniLM and
                                EfficientNet-Lite0 offline, bert-base-uncased and Keras' ResNet50)
    ensemble.json               the ensemble rule and its threshold (:mod:`tlutils.phishing.ensemble`)
    predictions.json            both models' probabilities on the validation and test e-mails,
                                computed when the bundle was trained (for the evaluation)
    features.npz                both frozen models' features of every split's e-mails (NumPy,
                                no pickle), for experiments that need no model run

``train_detector`` (in :mod:`tlutils.phishing.training`) builds one; ``load_detector`` reads it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DataFileError
from ..files import atomic_path, read_json, write_json
from . import cues
from .ensemble import WeightedAverage
from .heads import LinearHead
from .inputs import body_text, model_text, readable

FORMAT = "tlutils-phishing-detector"
FORMAT_VERSION = 3  # 2: frozen bases with JSON heads, trained on real e-mail; 3: six collections, normalised text, image-only e-mails judged
FILES = ["detector.json", "text_head.json", "screenshot_head.json", "ensemble.json", "predictions.json",
         "features.npz"]
MAX_CHARS = 1_000_000  # longer subject, text or HTML is refused (the server's own limit is lower)
CANNOT_JUDGE = ("The e-mail is empty (no subject, no readable text and no image), so the detector cannot "
                "judge it.")
IMAGE_ONLY = ("It shows only images (blocked, as the renderer loads nothing remote): judged from its subject, "
              "sender and layout.")


def save_detector(folder: str | Path, *, heads: dict[str, LinearHead], rule: WeightedAverage,
                  info: dict[str, Any], predictions: dict[str, Any], features: dict[str, np.ndarray]) -> Path:
    """Write a bundle into ``folder``, whole or not at all: everything goes into a temporary
    folder beside it, which is renamed into place at the end (a previous bundle there is
    removed just before). ``info`` holds at least ``profile`` and ``bases``."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(folder) as partial:
        partial.mkdir()
        for model, head in heads.items():
            write_json(partial / f"{model}_head.json", head.to_json())
        np.savez(partial / "features.npz", **features)
        write_json(partial / "ensemble.json", rule.to_json())
        write_json(partial / "predictions.json", predictions)
        write_json(partial / "detector.json", {"format": FORMAT, "format_version": FORMAT_VERSION, **info,
                                               "files": FILES})
    return folder


def read_bundle_info(folder: str | Path) -> dict[str, Any]:
    """``detector.json`` of a complete bundle of this format version; anything else raises
    :class:`~tlutils.errors.DataFileError` (a ``ValueError``) in one sentence."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataFileError(f"{folder} is not a detector bundle (no such folder): train one with train_detector().")
    if not (folder / "detector.json").is_file():
        raise DataFileError(f"{folder} has no detector.json, so it is no complete detector bundle: "
                            "train it again with train_detector().")
    info = read_json(folder / "detector.json", "train the detector again with train_detector()")
    if not isinstance(info, dict) or info.get("format") != FORMAT:
        raise DataFileError(f"{folder}/detector.json does not describe a {FORMAT} bundle: train one with train_detector().")
    if info.get("format_version") != FORMAT_VERSION:
        raise DataFileError(f"{folder} holds a detector of format version {info.get('format_version')!r}, "
                            f"but this tlutils reads version {FORMAT_VERSION}: train it again with train_detector().")
    missing = [name for name in FILES if not (folder / name).is_file()]
    if missing:
        raise DataFileError(f"{folder} lacks {', '.join(missing)}, so the bundle is incomplete: "
                            "train it again with train_detector().")
    return info


def load_detector(folder: str | Path) -> "Detector":
    """The :class:`Detector` saved in ``folder``; a missing file or another format version is
    refused in one sentence (``ValueError``)."""
    return Detector(folder)


def _check_field(name: str, value: Any, required: bool) -> str | None:
    """A string field of a request, or one sentence saying what is wrong with it."""
    if value is None:
        if required:
            raise ValueError(f"The e-mail's {name} is missing: give it as a string (it may be empty).")
        return None
    if not isinstance(value, str):
        raise ValueError(f"The e-mail's {name} is {type(value).__name__}, not a string: send it as text.")
    if len(value) > MAX_CHARS:
        raise ValueError(f"The e-mail's {name} has {len(value):,} characters; the detector reads at most {MAX_CHARS:,}.")
    return value


def describe_models(p_text: float, p_screenshot: float, shares: dict[str, float], phishing: bool) -> str:
    """One sentence: what each model said and which one drove the verdict.

    >>> describe_models(0.9, 0.2, {"text": 0.7, "screenshot": 0.3}, True)
    'The text model gives 0.90 and the screenshot model 0.20; the text model (share 0.70) drove the score.'
    """
    pull = {"text": shares["text"] * (p_text if phishing else 1 - p_text),
            "screenshot": shares["screenshot"] * (p_screenshot if phishing else 1 - p_screenshot)}
    driver = max(pull, key=pull.get)
    return (f"The text model gives {p_text:.2f} and the screenshot model {p_screenshot:.2f}; "
            f"the {driver} model (share {shares[driver]:.2f}) drove the score.")


class Detector:
    """A loaded bundle: the text model and the screenshot model (each a frozen base + its head)
    and the rule.

    Attributes for the server's ``/health``: ``version`` (the bundle's format version),
    ``profile`` and ``models`` (which pretrained bases the two models use).
    """

    def __init__(self, folder: str | Path) -> None:
        from ..config import resolve
        from .screenshot_model import load_base
        from .text_model import load_encoder

        self.folder = Path(folder)
        self.info = read_bundle_info(self.folder)
        self.version, self.profile, self.models = FORMAT_VERSION, self.info["profile"], self.info["bases"]
        self.rule = WeightedAverage.from_json(read_json(self.folder / "ensemble.json", "train the detector again"))
        self.heads = {model: LinearHead.from_json(read_json(self.folder / f"{model}_head.json",
                                                            "train the detector again"))
                      for model in ("text", "screenshot")}
        self.cfg = resolve(self.profile)
        self.encoder = load_encoder(self.cfg)
        self.base = load_base(self.cfg)
        self.image_size = self.cfg.screenshot_size

    def text_probabilities(self, texts: list[str]) -> np.ndarray:
        """The text model's phishing probability of each model text (see :func:`~tlutils.phishing.inputs.model_text`)."""
        return self.heads["text"].probabilities(self.encoder.features(texts, int(self.info["max_length"])))

    def probabilities(self, *, subject: str, sender: str, html: str | None, text: str | None) -> tuple[float, float]:
        """(text model, screenshot model) phishing probabilities of one e-mail, from exactly the
        inputs training used (:mod:`tlutils.phishing.inputs`)."""
        from .screenshot_model import features, screenshot

        p_text = self.text_probabilities([model_text(subject=subject, html=html, text=text)])[0]
        image = screenshot(sender=sender, subject=subject, html=html, text=text)
        p_screenshot = self.heads["screenshot"].probabilities(features(self.base, [image], self.image_size))[0]
        return float(p_text), float(p_screenshot)

    def score(self, *, subject: str, sender: str, html: str | None = None, text: str | None = None) -> dict[str, Any]:
        """Score one e-mail; JSON-ready ``{"probability", "verdict", "threshold", "models", "shares",
        "reasons"}``.

        Give ``html`` or ``text`` or both, as the e-mail has them: the models read the HTML when it
        shows any text and the plain-text part otherwise (:mod:`tlutils.phishing.inputs`). An
        e-mail made only of images is judged from its subject, sender and the screenshot of its
        layout (remote images blocked), with a reason saying so; only an empty e-mail gets
        ``probability`` None, ``verdict`` "cannot judge" and one sentence saying why. ``reasons`` lists cues found by rules in the e-mail (hints for a
        reader, not what the models look at) and which model drove the score. Bad input raises
        ``ValueError`` with one sentence.
        """
        subject = _check_field("subject", subject, True)
        sender = _check_field("sender", sender, True)
        html = _check_field("HTML", html, False)
        text = _check_field("text", text, False)
        if not readable(body_text(html=html, text=text)) and "<img" not in (html or "").lower() and not readable(subject):
            return {"probability": None, "verdict": "cannot judge", "threshold": self.rule.threshold,
                    "models": {"text": None, "screenshot": None}, "shares": self.rule.shares,
                    "reasons": [CANNOT_JUDGE]}
        p_text, p_screenshot = self.probabilities(subject=subject, sender=sender, html=html, text=text)
        probability = float(self.rule.probability(p_text, p_screenshot))
        phishing = probability >= self.rule.threshold
        found = cues.find_cues(sender=sender, subject=subject, html=html,
                               text=body_text(html=html, text=text))
        model_reason = describe_models(p_text, p_screenshot, self.rule.shares, phishing)
        reasons = ([*found[:4], model_reason] if phishing
                   else [model_reason, *(f"Still worth a look: {c[0].lower()}{c[1:]}" for c in found[:2])])
        if not readable(body_text(html=html, text=text)):
            reasons = [IMAGE_ONLY, *reasons]
        return {"probability": probability, "verdict": "phishing" if phishing else "legitimate",
                "threshold": self.rule.threshold, "models": {"text": p_text, "screenshot": p_screenshot},
                "shares": self.rule.shares, "reasons": reasons}
