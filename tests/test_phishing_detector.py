"""The capstone's detector: the saved bundle round trip, refusals, the measured scores, bad input.

Trained once per test session through ``train_detector`` in the run's course cache (lesson 07 and
the browser test, on the same worker, reuse the bundle: tests/conftest.py SHARED_GROUPS).
"""
import json
import shutil

import pytest

import tlutils
from tlutils.phishing import detector as detector_module
from tlutils.phishing import evaluation, training
from tlutils.phishing.data import load_emails
from tlutils.phishing.detector import FORMAT_VERSION, load_detector, read_bundle_info


@pytest.fixture(scope="session")
def bundle():
    cfg = tlutils.setup("offline", verbose=False)
    return training.train_detector(cfg)


@pytest.fixture(scope="session")
def detector(bundle):
    return load_detector(bundle)


def fields(e):
    return dict(subject=e.subject, sender=f"{e.sender_name} <{e.sender_address}>", html=e.html, text=e.text)


def test_score_is_json_ready_and_explains_itself(detector):
    phishing = next(e for e in load_emails("test") if e.label)
    result = detector.score(**fields(phishing))
    assert json.loads(json.dumps(result)) == result
    assert set(result) == {"probability", "verdict", "threshold", "models", "shares", "reasons"}
    assert result["verdict"] == ("phishing" if result["probability"] >= result["threshold"] else "legitimate")
    assert abs(sum(result["shares"].values()) - 1) < 1e-9
    low, high = sorted(result["models"].values())
    assert low - 1e-9 <= result["probability"] <= high + 1e-9
    assert any("drove the score" in r for r in result["reasons"])
    assert detector.profile == "offline" and detector.version == FORMAT_VERSION
    assert detector.models["screenshot"].startswith("EfficientNet-Lite0")


def test_reload_gives_the_same_scores_and_matches_the_stored_predictions(bundle, detector):
    again = load_detector(bundle)
    stored = evaluation.predictions(bundle)["test"]
    by_id = {e.id: e for e in load_emails("test")}
    for i in (0, 1, len(stored["ids"]) - 1):
        e = by_id[stored["ids"][i]]
        first, second = detector.score(**fields(e)), again.score(**fields(e))
        assert abs(first["probability"] - second["probability"]) < 1e-6
        assert abs(first["models"]["text"] - stored["text"][i]) < 1e-4  # batch vs single: float sums differ
        assert abs(first["models"]["screenshot"] - stored["screenshot"][i]) < 1e-4


def test_only_text_or_only_html_is_enough(detector):
    e = next(e for e in load_emails("test") if e.label)
    from_text = detector.score(subject=e.subject, sender=e.sender_address, text=e.text)
    from_html = detector.score(subject=e.subject, sender=e.sender_address, html=e.html)
    assert {from_text["verdict"], from_html["verdict"]} <= {"phishing", "legitimate"}
    assert any("leads to" in r for r in from_html["reasons"]) or not evaluation.cues.link_mismatches(e.html)


@pytest.mark.parametrize("kwargs, message", [
    (dict(subject="Hi", sender="a@b.example"), "body is empty"),
    (dict(subject="Hi", sender="a@b.example", text="   ", html="<p> </p>"), "body is empty"),
    (dict(subject="Hi", sender="a@b.example", html="<script>only code</script>"), "body is empty"),
    (dict(subject=None, sender="a@b.example", text="Pay now"), "subject is missing"),
    (dict(subject="Hi", sender=42, text="Pay now"), "sender is int, not a string"),
    (dict(subject="Hi", sender="a@b.example", text="x" * 1_000_001), "at most 1,000,000"),
])
def test_bad_input_is_refused_in_one_sentence(detector, kwargs, message):
    with pytest.raises(ValueError, match=message) as caught:
        detector.score(**kwargs)
    assert str(caught.value).count(". ") == 0 and str(caught.value).endswith(".")


def test_a_bundle_of_another_version_or_with_a_missing_file_is_refused(bundle, tmp_path):
    copy = tmp_path / "bundle"
    shutil.copytree(bundle, copy)
    info = json.loads((copy / "detector.json").read_text())
    (copy / "detector.json").write_text(json.dumps({**info, "format_version": FORMAT_VERSION + 1}))
    with pytest.raises(ValueError, match=f"format version {FORMAT_VERSION + 1}, but this tlutils reads version"):
        load_detector(copy)
    (copy / "detector.json").write_text(json.dumps(info))
    (copy / "screenshot_head.weights.h5").unlink()
    with pytest.raises(ValueError, match="lacks screenshot_head.weights.h5, so the bundle is incomplete"):
        load_detector(copy)
    with pytest.raises(ValueError, match="no such folder"):
        load_detector(tmp_path / "nothing")
    assert not training.reusable(copy, tlutils.config.resolve("offline"), training.SEED)


def test_an_interrupted_save_leaves_no_half_bundle(bundle, detector, tmp_path, monkeypatch):
    target = tmp_path / "saved"
    parts = dict(tokenizer=detector.tokenizer, text_model=detector.text_model, head=detector.head,
                 rule=detector.rule, info={k: v for k, v in detector.info.items() if k not in ("format", "format_version", "files")},
                 predictions=json.loads((bundle / "predictions.json").read_text()))
    real_write_json = detector_module.write_json

    def fail_on_predictions(path, data):
        if path.name == "predictions.json":
            raise KeyboardInterrupt  # cut off midway: the text model and head are already written
        return real_write_json(path, data)

    monkeypatch.setattr(detector_module, "write_json", fail_on_predictions)
    with pytest.raises(KeyboardInterrupt):
        detector_module.save_detector(target, **parts)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(detector_module, "write_json", real_write_json)
    detector_module.save_detector(target, **parts)
    assert read_bundle_info(target)["profile"] == "offline"
    assert load_detector(target).score(subject="Hi", sender="a@b.example", text="Lunch at noon?")["verdict"]
