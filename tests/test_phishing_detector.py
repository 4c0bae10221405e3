"""The capstone's detector on real e-mail: one input function for training and serving, the
"cannot judge" answer, the bundle round trip and refusals, the measured scores with margins.

Trained once per test session through ``train_detector`` in the run's course cache (lesson 07 and
the browser test, on the same worker, reuse the bundle: tests/conftest.py SHARED_GROUPS).
"""
import json
import shutil
import time

import numpy as np
import pytest
from fastapi.testclient import TestClient

import tlutils
from tlutils.phishing import detector as detector_module
from tlutils.phishing import evaluation, screenshot_model, training
from tlutils.phishing.data import load_emails
from tlutils.phishing.detector import FORMAT_VERSION, load_detector, read_bundle_info
from tlutils.phishing.service.server import create_app
from test_reliability_round3 import EVASIONS

TEST = load_emails("test", corpus="real")


@pytest.fixture(scope="session")
def bundle():
    cfg = tlutils.setup("offline", verbose=False)
    return training.train_detector(cfg)


@pytest.fixture(scope="session")
def detector(bundle):
    return load_detector(bundle)


def request_of(e):
    """The e-mail as the extension sends it: subject, sender, and both bodies it has."""
    return {"subject": e.subject, "sender": e.sender, "html": e.html or None, "text": e.text or None}


def test_a_training_row_and_the_server_request_give_the_models_identical_inputs(bundle, detector, monkeypatch):
    e = next(e for e in TEST if e.label and e.format == "html" and e.text)  # has both parts
    seen = {}
    monkeypatch.setattr(detector, "text_probabilities",
                        lambda texts, real=detector.text_probabilities: seen.setdefault("text", texts) and real(texts))
    real_screenshot = screenshot_model.screenshot
    monkeypatch.setattr(screenshot_model, "screenshot",
                        lambda **fields: seen.setdefault("image", real_screenshot(**fields)))
    answer = TestClient(create_app(detector), base_url="http://127.0.0.1").post("/score", json=request_of(e))
    assert answer.status_code == 200, answer.text
    assert seen["text"] == [e.model_text]  # what training read for this e-mail
    assert np.array_equal(seen["image"], screenshot_model.email_screenshot(e))
    stored = evaluation.predictions(bundle)["test"]
    i = stored["ids"].index(e.id)
    assert abs(answer.json()["models"]["text"] - stored["text"][i]) < 1e-4  # batch vs single: float sums differ
    assert abs(answer.json()["models"]["screenshot"] - stored["screenshot"][i]) < 1e-4


def test_score_is_json_ready_and_explains_itself(detector):
    result = detector.score(**request_of(next(e for e in TEST if e.label)))
    assert json.loads(json.dumps(result)) == result
    assert set(result) == {"probability", "verdict", "threshold", "models", "shares", "reasons"}
    assert result["verdict"] == ("phishing" if result["probability"] >= result["threshold"] else "legitimate")
    low, high = sorted(result["models"].values())
    assert low - 1e-9 <= result["probability"] <= high + 1e-9
    assert any("drove the score" in r for r in result["reasons"])
    assert detector.profile == "offline" and detector.version == FORMAT_VERSION
    assert detector.models["screenshot"].startswith("EfficientNet-Lite0")


def test_an_empty_email_is_cannot_judge_and_an_image_only_one_is_judged(detector):
    image_only = "<html><head><title>x</title></head><body><a href='http://x.example'><img src='x.png'></a></body></html>"
    for fields in (dict(html=image_only), dict(html=image_only, text="  ")):
        result = detector.score(subject="Your parcel", sender="a@b.example", **fields)
        assert result["verdict"] in ("phishing", "legitimate") and 0 <= result["probability"] <= 1
        assert any("only images" in r for r in result["reasons"])
    empty = detector.score(subject="", sender="a@b.example", html="<p> </p>")
    assert (empty["probability"], empty["verdict"]) == (None, "cannot judge")
    assert empty["reasons"][0].count(". ") == 0 and "cannot judge" in empty["reasons"][0]
    client = TestClient(create_app(detector), base_url="http://127.0.0.1")
    answer = client.post("/score", json={"subject": "Your parcel", "sender": "a@b.example", "html": image_only})
    assert answer.status_code == 200 and answer.json()["verdict"] in ("phishing", "legitimate")
    with_text = detector.score(subject="Your parcel", sender="a@b.example", html=image_only,
                               text="Pay the customs fee of 1.99 EUR now to receive your parcel.")
    plain = detector.score(subject="Your parcel", sender="a@b.example",
                           text="Pay the customs fee of 1.99 EUR now to receive your parcel.")
    assert with_text["verdict"] in ("phishing", "legitimate") and with_text["probability"] == plain["probability"]


@pytest.mark.parametrize("kwargs, message", [
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
    (copy / "screenshot_head.json").unlink()
    with pytest.raises(ValueError, match="lacks screenshot_head.json, so the bundle is incomplete"):
        load_detector(copy)
    with pytest.raises(ValueError, match="no such folder"):
        load_detector(tmp_path / "nothing")
    assert not training.reusable(copy, tlutils.config.resolve("offline"), training.SEED)


def test_a_bundle_trained_on_other_data_is_not_reused(bundle, tmp_path):
    copy = tmp_path / "bundle"
    shutil.copytree(bundle, copy)
    cfg = tlutils.config.resolve("offline")
    assert training.reusable(copy, cfg, training.SEED)
    info = json.loads((copy / "detector.json").read_text())
    (copy / "detector.json").write_text(json.dumps({**info, "data": "an older course's e-mails"}))
    assert not training.reusable(copy, cfg, training.SEED)


def test_an_interrupted_save_leaves_no_half_bundle(bundle, detector, tmp_path, monkeypatch):
    target = tmp_path / "saved"
    parts = dict(heads=detector.heads, rule=detector.rule, features=evaluation.features(bundle),
                 info={k: v for k, v in detector.info.items() if k not in ("format", "format_version", "files")},
                 predictions=json.loads((bundle / "predictions.json").read_text()))
    real_write_json = detector_module.write_json

    def fail_on_predictions(path, data):
        if path.name == "predictions.json":
            raise KeyboardInterrupt  # cut off midway: the heads and features are already written
        return real_write_json(path, data)

    monkeypatch.setattr(detector_module, "write_json", fail_on_predictions)
    with pytest.raises(KeyboardInterrupt):
        detector_module.save_detector(target, **parts)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(detector_module, "write_json", real_write_json)
    detector_module.save_detector(target, **parts)
    assert read_bundle_info(target)["profile"] == "offline"


def test_train_detector_runs_the_transfer_step_it_is_given(bundle, tmp_path):
    calls = []

    class Stop(Exception):
        pass

    def lesson_step(emails, cfg):  # lesson 07 passes its own copy of training.transfer_step
        calls.append(sorted(emails))
        raise Stop

    with pytest.raises(Stop):
        training.train_detector(folder=tmp_path / "new", step=lesson_step)
    assert calls == [sorted(training.SPLITS)]
    assert training.train_detector(folder=bundle, step=lesson_step) == bundle and len(calls) == 1  # reused


def test_measured_scores_with_margins(bundle):
    """Measured on the offline profile (frozen MiniLM and EfficientNet-Lite0, logistic heads),
    2026-12-07, nine collections, phishing as read (data/phishing_reading; feature extraction has
    nothing random, so every run gives these to rounding): test PR-AUC ensemble 0.943 (the rule gives
    the text model all the weight), text 0.943, screenshot 0.696; at the guarded threshold (0.975)
    precision 0.973, recall 0.584; HTML-only PR-AUC 0.956; test_realistic PR-AUC 0.826 at base rate
    0.025. The margins leave room for other machines' float sums."""
    table = evaluation.score_table(bundle)
    test, realistic = table["test"], table["test_realistic"]
    assert test["ensemble"]["pr_auc"] >= 0.92 and test["ensemble"]["precision"] >= 0.93
    assert 0.45 <= test["ensemble"]["recall"] <= 0.75
    assert test["text"]["pr_auc"] >= test["screenshot"]["pr_auc"] + 0.15
    assert test["screenshot"]["pr_auc"] >= 0.65
    assert realistic["ensemble"]["pr_auc"] >= 10 * realistic["ensemble"]["base_rate"]
    assert test["ensemble"]["pr_auc"] >= max(test["text"]["pr_auc"], test["screenshot"]["pr_auc"]) - 0.02
    html_only = evaluation.slices(bundle)["HTML only"]
    assert html_only["pr_auc"] >= 0.93  # not carried by the format


def test_held_out_collections_are_measured_and_fall_short_of_the_goal(bundle):
    """Leave-one-collection-out with the text features (2026-12-07, nine collections, phishing as
    read), threshold by the detector's guarded rule: held-out false alarms 0.000 (mailing lists,
    deliveries) to 0.118 (notifications, 2 of 17) on the seven legitimate collections, 0.040 on
    State Department work mail; recall 0.403 and 0.433 on the two phishing sources; the goal (at
    most 5 % false alarms, at least 90 % recall) met on five of nine. The pooled rule (precision 0.95
    on all validation e-mails) that the detector used before flags 0.731 of the held-out delivery
    notices (mean recall 0.512 against the guarded rule's 0.418): the comparison lesson 07 prints to
    justify the rule. This test fails when a change moves these numbers beyond their margins
    either way."""
    from tlutils.phishing import transfer

    data = transfer.load_all(bundle)
    rows = {r["collection"]: r for r in transfer.held_out_table(data, use=("text",))}
    pooled = {r["collection"]: r for r in transfer.held_out_table(data, use=("text",), rule="pooled")}
    assert len(rows) == 9 and sum(r["n"] for r in rows.values()) == 1112
    legitimate = [name for name, r in rows.items() if not r["label"]]
    assert max(rows[name]["held_out"][0] for name in legitimate) <= 0.25
    assert max(pooled[name]["held_out"][0] for name in legitimate) >= 0.45
    assert 0.30 <= rows["honeypot_2022_2026"]["held_out"][0] <= 0.70
    assert 0.30 <= rows["spamassassin_spam_2001_2002"]["held_out"][0] <= 0.70
    assert rows["mailing_lists_2002"]["held_out"][0] <= 0.05 and rows["state_department_2009_2013"]["held_out"][0] <= 0.10
    recall = [np.mean([t[n]["held_out"][0] for n in t if t[n]["label"]]) for t in (rows, pooled)]
    assert recall[1] - 0.2 <= recall[0] <= recall[1]
    with pytest.raises(ValueError, match="Unknown threshold rule 'median'"):
        transfer.held_out_table(data, use=("text",), rule="median")


def test_the_guarded_threshold_keeps_every_legitimate_collection_under_its_cap():
    """Each legitimate collection counts, however small: a threshold that is fine on the pooled
    e-mails (1 of 8 flagged) but flags the only delivery notice is pushed above it."""
    from tlutils.phishing.ensemble import guarded_threshold

    labels = [0] * 8 + [1] * 4
    p = [0.1, 0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.8, 0.6, 0.9, 0.95, 0.7]
    kinds = ["list"] * 7 + ["delivery"] + ["scam"] * 4
    t = guarded_threshold(labels, p, kinds)
    assert 0.8 < t <= 0.800001  # just above the delivery notice
    flagged = np.asarray(p) >= t
    assert not flagged[:8].any() and flagged[8:].sum() == 2
    big = [0] * 40 + [1]
    assert guarded_threshold(big, [i / 100 for i in range(40)] + [0.99], ["list"] * 41) == pytest.approx(0.37, abs=1e-5)  # 2 of 40 may be flagged
    with pytest.raises(ValueError, match="needs legitimate e-mails"):
        guarded_threshold([1, 1], [0.5, 0.6], ["a", "a"])


def test_the_stored_outside_check_scored_this_bundle_and_its_table_is_computed(bundle, detector):
    """scripts/phishing_outside_check.py scored the bundle on collections the course may not ship;
    a change to the data, the recipe or the models changes the detector's fingerprint, and this test asks for
    the check to be run again instead of letting lesson 07 print stale numbers."""
    import importlib.util
    from pathlib import Path

    from tlutils.phishing import outside

    report = outside.load_report()
    assert outside.scored_this_bundle(report, bundle), (
        "The detector changed since the outside check: run scripts/phishing_outside_check.py again.")
    script = Path(__file__).resolve().parents[1] / "scripts" / "phishing_outside_check.py"
    spec = importlib.util.spec_from_file_location("outside_check", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert {k: (v["repository"], v["commit"]) for k, v in report["sources"].items()} == module.REPOSITORIES
    ids = [e["id"] for e in report["emails"]]
    assert len(ids) == len(set(ids)) and not set(ids) & {e.id for e in TEST}
    rows = {r["collection"]: r for r in outside.table(report)}
    assert set(rows) == {"enron_inbox_2000_2002", "nazario_2004_2005", "nazario_2015_2022"}
    for name, row in rows.items():
        mine = [e for e in report["emails"] if e["collection"] == name]
        assert row["n"] == len(mine) <= module.PER_COLLECTION
        assert row["rate"][0] == pytest.approx(np.mean([e["ensemble"] >= report["threshold"] for e in mine]))
        assert row["rate"][1] <= row["rate"][0] <= row["rate"][2]
    assert report["threshold"] == pytest.approx(detector.rule.threshold)


def test_occlusion_finds_what_the_text_model_relies_on(detector):
    e = next(e for e in TEST if e.label and e.format == "text")
    pieces = evaluation.occlusion(detector, e.subject, e.text)
    assert len(pieces) == len(evaluation.split_pieces(e.text))
    assert pieces[0][1] >= pieces[-1][1]


# Issue 27: e-mails whose phishing the old parser (lxml) hid, with and without a harmless plain-text
# part, are called phishing through POST /score; issue 26: a 1 MB e-mail is scored, and how fast.

@pytest.fixture(scope="module")
def server_client(detector):
    return TestClient(create_app(detector), base_url="http://127.0.0.1")


@pytest.mark.parametrize("name, html, text", EVASIONS, ids=[f"{n}{' +text' if t else ''}" for n, _, t in EVASIONS])
def test_html_that_hid_phishing_from_the_old_parser_is_called_phishing(name, html, text, server_client):
    request = {"subject": "Quick question", "sender": "PayPal Security <security@paypa1-verify.com>", "html": html}
    if text:
        request["text"] = text
    answer = server_client.post("/score", json=request).json()
    assert answer["verdict"] == "phishing", answer  # 0.997-0.999 on 2026-12-07; 4c55f20: 2 of 14


def test_a_1_mb_email_is_scored_and_its_latency_measured(server_client):
    html = "<div><p>" + "Issue #12 was updated by a maintainer. " * 25_380 + "</p></div>"  # 999,838 characters
    seconds = []
    for k in range(2):
        start = time.perf_counter()
        answer = server_client.post("/score", json={"subject": f"Digest {k}", "html": html + f"<p>{k}</p>",
                                                    "sender": "GitHub <notifications@github.com>"})
        seconds.append(time.perf_counter() - start)
        assert answer.status_code == 200 and answer.json()["verdict"] in ("phishing", "legitimate"), answer.text
    print(f"1 MB e-mail through POST /score: {', '.join(f'{s:.1f}' for s in seconds)} s")
    assert max(seconds) < 30  # 3.8-5.9 s with load 17 on 2 cores (4c55f20: refused with 413)


def _email(**fields):
    from tlutils.phishing.data import Email

    base = dict(id="x", sender_name="", sender_address="a@b.example", subject="", text="", html="", brand="",
                template="", label=0)
    return Email(**{**base, **fields})


def test_cue_features_name_what_a_reader_can_check():
    from tlutils.phishing import transfer

    phish = _email(sender_name="PayPal", sender_address="service@pay-secure.example", subject="Account locked",
                   html='<p>Please verify your password today.</p><a href="http://evil.example/x">https://www.paypal.com</a>')
    plain = _email(sender_name="Ann", sender_address="ann@example.org", subject="Lunch", text="Lunch on Friday?")
    images = _email(subject="Sale", html="<a href='https://shop.example'><img src='https://shop.example/a.png'></a>")
    rows = dict(zip(["phish", "plain", "images"], transfer.cue_features([phish, plain, images])))
    named = dict(zip(transfer.CUES, rows["phish"]))
    assert named["link shows another domain"] == named["sender domain is not the brand named"] == 1
    assert named["asks for credentials"] == named["presses for haste"] == named["plain-http links"] == 1
    assert not rows["plain"].any()
    assert dict(zip(transfer.CUES, rows["images"]))["only images"] == 1


def test_a_held_out_collection_is_never_trained_on():
    """A collection whose features contradict the others' is caught in-collection (it is in
    training) and missed when held out: so the fold really leaves it out."""
    import numpy as np

    from tlutils.phishing import transfer

    rng = np.random.default_rng(0)
    names, labels = ["a", "b", "c", "d"], [1, 0, 1, 0]
    centres = {"a": (3.0, 3.0, 0.0), "b": (-3.0, 3.0, 0.0), "c": (-3.0, 0.0, 3.0), "d": (-3.0, 3.0, 0.0)}
    rows = []
    for name, label in zip(names, labels):
        for split, n in (("train", 60), ("validation", 20), ("test", 20)):
            for _ in range(n):
                centre = np.array(centres[name])
                rows.append((name, label, split, centre + 0.3 * rng.normal(size=3)))
    data = {"collection": np.array([r[0] for r in rows]), "labels": np.array([r[1] for r in rows]),
            "split": np.array([r[2] for r in rows]), "text": np.array([r[3] for r in rows]),
            "cues": np.zeros((len(rows), 1))}
    table = {r["collection"]: r for r in transfer.held_out_table(data, use=("text",), C=1.0)}
    assert set(table) == set(names) and table["c"]["n"] == 100
    assert table["c"]["in_collection"][0] >= 0.9 and table["c"]["held_out"][0] <= 0.2
    assert table["a"]["held_out"][0] >= 0.9 and table["b"]["held_out"][0] <= 0.1
