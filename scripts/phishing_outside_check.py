"""Score the course's detector on real mail from collections it never saw, which the course may not ship.

Three collections, each rebuilt from a public git repository pinned to a commit, none of them
licensed for redistribution, so they stay out of the package; only the numbers this script computes
are stored (``tlutils/course_data/phishing/outside_run/report.json``, read by lesson 07):

* ``enron_inbox_2000_2002`` (legitimate): the Enron corpus (work mail released by the US Federal
  Energy Regulatory Commission in 2003), its ``inbox`` folders, from ``Edgar427/Team22introtoAI``.
* ``nazario_2015_2022`` (phishing): José Nazario's phishing corpus of 2015-2022, as the CSV of
  Al-Subaiey et al. (2024) holds it (subject and plain-text body), from
  ``emiliopm1997/Zero_Day_Phishing_Project``.
* ``nazario_2004_2005`` (phishing): the same corpus's first mailboxes, raw, from
  ``shaeferd/Phishing-Detection``.

Every message is read like the course's own (scripts/mail_reader.py, the builder's ``record``);
English only; near-duplicates of any e-mail in the course's data are left out (tlutils.phishing.dedup),
as are near-duplicates within a collection (one per group); then :data:`PER_COLLECTION` e-mails per
collection in a fixed pseudo-random order. The detector is the bundle ``train_detector`` builds in
the offline profile; the report keeps its fingerprint (threshold and first test probabilities),
so a test can tell when the detector changed and the check must run again::

    python scripts/phishing_outside_check.py --git enron=/m/Team22introtoAI.git \\
        --git nazario_csv=/m/Zero_Day_Phishing_Project.git --git nazario_mbox=/m/Phishing-Detection.git
"""
from __future__ import annotations

import argparse
import csv
import datetime
import hashlib
import io
import json
import mailbox
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_real_phishing_data as builder  # noqa: E402
from git_mirror import pinned_dirs  # noqa: E402
from tlutils.phishing.outside import OUTSIDE_RUN, fingerprint  # noqa: E402

REPOSITORIES = {
    "enron": ("Edgar427/Team22introtoAI", "a1331d1274cf82211adb475641fe1a07a629c19f"),
    "nazario_csv": ("emiliopm1997/Zero_Day_Phishing_Project", "f8f9e32f8d5df6fb6460a9c0a1da870fbb51fbb8"),
    "nazario_mbox": ("shaeferd/Phishing-Detection", "47ddb8e9ec1bac76b5db25efa1add5b81657149d"),
}
LICENCE = "no licence stated: scored here, never shipped"
PER_COLLECTION = 300
CANDIDATES = 1500  # messages read per collection before the English and near-duplicate filters


def order(key: str) -> str:
    return hashlib.sha256(("outside" + key).encode()).hexdigest()


def enron(git_dir: Path) -> list[dict]:
    """Inbox messages of the Enron corpus, the first :data:`CANDIDATES` in a fixed order."""
    items = [(p, s) for p, s in builder.blobs(git_dir, "maildir/") if "/inbox/" in p and not p.endswith(".DS_Store")]
    items = sorted(items, key=lambda item: order(item[0]))[:CANDIDATES]
    return [r for path, raw in builder.read_blobs(git_dir, items)
            if (r := builder.record("enron_inbox_2000_2002", "enron", "maildir/inbox/", path, raw, 0))]


def nazario_csv(git_dir: Path) -> list[dict]:
    """Rows of Nazario.csv as records (the body is plain text: the CSV's makers stripped the HTML)."""
    from tlutils.phishing.data import is_english

    _, raw = next(builder.read_blobs(git_dir, builder.blobs(git_dir, "data/Nazario.csv")))
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8", errors="replace"))))
    out = []
    for number, row in enumerate(rows, start=2):
        subject, body = (row.get("subject") or "").strip(), (row.get("body") or "").strip()
        if not builder.readable(body):
            continue
        name, _, address = (row.get("sender") or "").rpartition("<")
        years = [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", row.get("date") or "")]
        out.append({"id": f"nazario_csv/data/Nazario.csv#{number}", "sender_name": name.strip().strip('"'),
                    "sender_address": address.rstrip(">").strip() or (row.get("sender") or "").strip(),
                    "subject": subject, "text": body[:builder.MAX_TEXT], "html": "", "brand": "", "template": "",
                    "label": 1, "source": "nazario:csv", "collection": "nazario_2015_2022",
                    "year": years[0] if years else None, "format": "text", "english": is_english(f"{subject}\n{body}")})
    return sorted(out, key=lambda r: order(r["id"]))[:CANDIDATES]


def nazario_mbox(git_dir: Path) -> list[dict]:
    """Messages of the 2004-2005 mailboxes ``phishing0.mbox`` and ``20051114.mbox``, as records."""
    out = []
    for name in ("phishing0.mbox", "20051114.mbox"):
        found = builder.blobs(git_dir, name)
        if not found:
            continue
        _, raw = next(builder.read_blobs(git_dir, found[:1]))
        with tempfile.NamedTemporaryFile(suffix=".mbox") as f:
            f.write(raw)
            f.flush()
            for number, message in enumerate(mailbox.mbox(f.name)):
                r = builder.record("nazario_2004_2005", "nazario_mbox", "mbox/", f"{name}#{number}",
                                   message.as_bytes(), 1)
                if r:
                    out.append(r)
    return sorted(out, key=lambda r: order(r["id"]))[:CANDIDATES]


def unseen(records: list[dict], course: list[dict]) -> list[dict]:
    """English records with no near-duplicate in the course's data, one per near-duplicate group,
    at most :data:`PER_COLLECTION` per collection."""
    from tlutils.phishing.dedup import groups

    everything = course + records
    group = groups([builder.body_text(html=r["html"], text=r["text"]) for r in everything])
    taken = {group[i] for i in range(len(course))}
    kept, counts = [], {}
    for i, r in enumerate(records, start=len(course)):
        if not r["english"] or group[i] in taken or counts.get(r["collection"], 0) >= PER_COLLECTION:
            continue
        taken.add(group[i])
        counts[r["collection"]] = counts.get(r["collection"], 0) + 1
        kept.append(r)
    return kept


def score(records: list[dict], bundle: Path) -> dict[str, list[float]]:
    """Text, screenshot and ensemble probabilities of each record from the bundle's models."""
    from tlutils.phishing import load_detector
    from tlutils.phishing.data import parse_email
    from tlutils.phishing.screenshot_model import email_screenshot, features

    detector = load_detector(bundle)
    emails = [parse_email(r, r["id"]) for r in records]
    p_text = detector.text_probabilities([e.model_text for e in emails])
    images = [email_screenshot(e) for e in emails]
    p_shot = detector.heads["screenshot"].probabilities(features(detector.base, images, detector.image_size))
    p = detector.rule.probability(p_text, p_shot)
    return {"text": p_text.tolist(), "screenshot": p_shot.tolist(), "ensemble": p.tolist(),
            "threshold": detector.rule.threshold}


def outside_records(dirs: dict[str, Path]) -> list[dict]:
    """Every outside collection's records that :func:`unseen` keeps (``dirs``: :func:`pinned_dirs`)."""
    course = [json.loads(line) for split in ("train", "validation", "test", "test_other_languages")
              for line in builder.gzip.open(builder.REAL_DIR / f"{split}.jsonl.gz", "rt", encoding="utf-8")]
    return unseen(enron(dirs["enron"]) + nazario_csv(dirs["nazario_csv"]) + nazario_mbox(dirs["nazario_mbox"]),
                  course)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--git", action="append", default=[], metavar="NAME=GIT_DIR",
                        help=f"a repository's git folder, NAME one of {sorted(REPOSITORIES)}")
    parser.add_argument("--out", type=Path, default=OUTSIDE_RUN)
    args = parser.parse_args()
    dirs = pinned_dirs(args.git, REPOSITORIES)
    os.environ.setdefault("TLUTILS_PROFILE", "offline")
    import tlutils
    from tlutils.phishing import train_detector

    start = time.perf_counter()
    records = outside_records(dirs)
    cfg = tlutils.current()
    bundle = train_detector(cfg)
    scores = score(records, bundle)
    report = {"made": {"date": datetime.date.today().isoformat(), "profile": cfg.profile,
                       "fingerprint": fingerprint(bundle), "seconds": round(time.perf_counter() - start, 1),
                       "load": round(os.getloadavg()[0], 1)},
              "sources": {name: {"repository": repo, "commit": commit, "licence": LICENCE}
                          for name, (repo, commit) in REPOSITORIES.items()},
              "threshold": scores.pop("threshold"),
              "emails": [{"id": r["id"], "collection": r["collection"], "label": r["label"], "year": r["year"],
                          "format": r["format"], **{m: round(v[i], 6) for m, v in scores.items()}}
                         for i, r in enumerate(records)]}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    for row in tlutils.phishing.outside.table(report):
        print(row)


if __name__ == "__main__":
    main()
