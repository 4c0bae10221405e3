"""The capstone's synthetic phishing set: rebuilt identically, split by template, with hard negatives."""
import importlib.util
import re
import sys
from collections import Counter

import pytest

from conftest import ROOT
from tlutils.phishing import data


def host(url: str) -> str:
    return re.match(r"https?://([^/?]+)", url).group(1)


def test_shipped_data_is_what_the_generator_writes(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("gen", ROOT / "scripts" / "make_phishing_data.py")
    gen = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "gen", gen)  # dataclasses look their module up there
    spec.loader.exec_module(gen)
    monkeypatch.setattr(gen, "OUT", tmp_path)
    gen.main()
    for split in data.SPLITS:
        assert (tmp_path / f"{split}.jsonl").read_bytes() == (data.PHISHING_DIR / f"{split}.jsonl").read_bytes()


def test_sizes_base_rates_and_templates_never_shared_across_splits():
    splits = {name: data.load_emails(name) for name in data.SPLITS}
    counts = {name: (len(e), sum(x.label for x in e)) for name, e in splits.items()}
    assert counts == {"train": (160, 80), "validation": (48, 24), "test": (64, 32), "test_realistic": (250, 8)}
    templates = {name: {x.template for x in e} for name, e in splits.items()}
    assert not templates["train"] & (templates["validation"] | templates["test"])
    assert not templates["validation"] & templates["test"]
    assert templates["test_realistic"] == templates["test"]
    ids = [x.id for e in splits.values() for x in e]
    assert len(ids) == len(set(ids))
    texts = [x.subject_and_body for e in splits.values() for x in e]
    assert len(texts) == len(set(texts))


def test_phishing_links_and_senders_leave_the_brand_domain_and_genuine_ones_stay():
    for email in data.load_emails("train") + data.load_emails("test"):
        domain = re.search(r"@(.+)$", email.sender_address).group(1)
        hrefs = re.findall(r'href="([^"]+)"', email.html)
        genuine = email.brand.lower().replace(" ", "") + ".example"
        assert hrefs
        if email.label:
            assert domain != genuine and all(host(h) != "www." + genuine for h in hrefs)
        else:
            assert domain == genuine and all(host(h) == "www." + genuine for h in hrefs)
    shown = [e for e in data.load_emails("train") if e.label and re.search(r'class="button">https://', e.html)]
    assert shown, "some phishing links show the genuine address while pointing elsewhere"


def test_hard_negatives_come_from_the_same_brands_as_phishing():
    train = data.load_emails("train")
    alerts = [e for e in train if not e.label and re.search(r"sign-in|password|receipt|verification", e.subject, re.I)]
    assert len(alerts) >= 20
    assert {e.brand for e in alerts} == {e.brand for e in train if e.label}
    assert Counter(e.brand for e in train).most_common()[-1][1] >= 15


def test_bad_files_give_one_sentence_with_the_line(tmp_path):
    (tmp_path / "train.jsonl").write_text('{"id": "x"}\n')
    with pytest.raises(ValueError, match=r"train.jsonl, line 1 lacks the field\(s\)"):
        data.load_emails("train", tmp_path)
    (tmp_path / "train.jsonl").write_text("{not json\n")
    with pytest.raises(ValueError, match=r"line 1 is not valid JSON"):
        data.load_emails("train", tmp_path)
    with pytest.raises(ValueError, match="Unknown split 'dev'"):
        data.load_emails("dev")
    with pytest.raises(FileNotFoundError, match="make_phishing_data.py"):
        data.load_emails("test", tmp_path)
