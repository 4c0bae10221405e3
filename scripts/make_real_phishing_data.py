"""Build the capstone's real e-mail sets from public collections: ``tlutils/course_data/phishing/real/*.jsonl.gz``.

Sources (each pinned to a commit; see data/README.md for their licences):

- phishing: rf-peixoto/phishing_pot, real phishing and scam e-mails caught by honeypots (.eml),
- legitimate: the Apache SpamAssassin public corpus's easy and hard ham, as packaged (raw
  messages) by stdlib-js/datasets-spam-assassin.

Fetch both repositories (``git clone`` or the course's fetch tool) and pass the folders that hold
their git data::

    python scripts/make_real_phishing_data.py --phishing-pot /path/phishing_pot.git \\
        --spamassassin /path/datasets-spam-assassin.git

Every message is read with the standard library's ``email`` package (tlutils.phishing.mail).
Then: the collections' anonymisation markers are replaced by one neutral address, so that no
model can tell the collections apart by them; e-mails with nothing readable are left out;
near-duplicates (the same normalised subject or the same opening of the body) are grouped and a
group never straddles two splits (at most two e-mails are kept per group); each split is filled
with fixed shares of HTML and plain-text e-mails per class, so that the format alone says little
about the label (the collections differ sharply in format: see data/README.md). Re-running it on
the same commits writes identical files.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tlutils.phishing.data import REAL_DIR, english_share  # noqa: E402
from tlutils.phishing.inputs import body_text, readable  # noqa: E402
from tlutils.phishing.mail import read_message  # noqa: E402

SOURCES = {
    "phishing_pot": {"repo": "rf-peixoto/phishing_pot", "commit": "8e207b5f465bf72c2326551b1a9b2ba67f3b4ef6",
                     "folders": {"email/": 1}},
    "spamassassin": {"repo": "stdlib-js/datasets-spam-assassin", "commit": "1b84d49ab4b28092ead009b3ceeb67ae525289d1",
                     "folders": {"data/easy-ham-1/": 0, "data/easy-ham-2/": 0, "data/hard-ham-1/": 0}},
}
# (split, label, format): how many English e-mails; plus the non-English phishing for the language check.
QUOTAS = {"train": {(1, "html"): 120, (1, "text"): 110, (0, "html"): 90, (0, "text"): 140},
          "validation": {(1, "html"): 30, (1, "text"): 30, (0, "html"): 30, (0, "text"): 30},
          "test": {(1, "html"): 90, (1, "text"): 30, (0, "html"): 40, (0, "text"): 80}}
OTHER_LANGUAGES = 40  # non-English phishing in the test_other_languages split
MAX_HTML = 60_000  # characters of HTML kept per e-mail (the renderer reads 100,000; keeps the files small)
MAX_TEXT = 20_000
PER_GROUP = 2
ENGLISH = 0.12  # share of common English words above which a text counts as English (see data.english_share)
NEUTRAL = ""  # removed: any fixed stand-in would itself mark the collection that holds more markers
MARKERS = [(re.compile(r"phishing@pot", re.I), NEUTRAL),
           (re.compile(r"[\w.+-]*@(spamassassin\.)?taint\.org", re.I), NEUTRAL),
           (re.compile(r"\b(zzzz|yyyy)[\w.+-]*@[\w.-]+", re.I), NEUTRAL),
           (re.compile(r"spamassassin\.taint\.org", re.I), ""),
           (re.compile(r"zzzz|yyyy", re.I), "")]


def neutral(value: str) -> str:
    """``value`` with the collections' anonymisation markers replaced by one neutral form."""
    for pattern, replacement in MARKERS:
        value = pattern.sub(replacement, value)
    return value


def blobs(git_dir: Path, folder: str) -> list[tuple[str, str]]:
    """(path, blob id) of every file under ``folder`` at HEAD, sorted by path."""
    listing = subprocess.run(["git", "--git-dir", str(git_dir), "ls-tree", "-r", "HEAD", folder],
                             capture_output=True, text=True, check=True).stdout
    rows = [line.split(None, 3) for line in listing.splitlines()]
    return sorted((row[3], row[2]) for row in rows if row[1] == "blob" and row[3].endswith((".eml", ".txt")))


def read_blobs(git_dir: Path, items: list[tuple[str, str]]):
    """Yield (path, bytes) of each blob through one ``git cat-file --batch``; missing ones are skipped."""
    process = subprocess.Popen(["git", "--git-dir", str(git_dir), "cat-file", "--batch"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    for path, sha in items:
        process.stdin.write(sha.encode() + b"\n")
        process.stdin.flush()
        header = process.stdout.readline().split()
        if len(header) < 3:
            print(f"skipped {path}: not in the snapshot", file=sys.stderr)
            continue
        data = process.stdout.read(int(header[2]))
        process.stdout.read(1)
        yield path, data
    process.stdin.close()
    process.wait()


def head_commit(git_dir: Path) -> str:
    return subprocess.run(["git", "--git-dir", str(git_dir), "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()


def record(source: str, folder: str, path: str, raw: bytes, label: int) -> dict | None:
    """One e-mail as a JSON-ready record, or None when it has nothing readable."""
    m = read_message(raw)
    subject, html, text = neutral(m.subject), neutral(m.html[:MAX_HTML]), neutral(m.text[:MAX_TEXT])
    body = body_text(html=html, text=text)
    if not readable(body):
        return None
    kind = folder.strip("/").split("/")[-1].rsplit("-", 1)[0] if source == "spamassassin" else "honeypot"
    return {"id": f"{source}/{path}", "sender_name": neutral(m.sender_name), "sender_address": neutral(m.sender_address),
            "subject": subject, "text": text, "html": html, "brand": "", "template": "", "label": label,
            "source": f"{source}:{kind}", "year": m.year, "format": "html" if readable(html) else "text",
            "english": english_share(f"{subject}\n{body}") >= ENGLISH}


def normalised(value: str) -> str:
    """Lower case, links and numbers blanked, reply prefixes and spaces squeezed: for near-duplicates."""
    value = re.sub(r"https?://\S+|\S+@\S+", " ", value.lower())
    value = re.sub(r"\d+", "0", value)
    value = re.sub(r"^((re|fw|fwd|aw)\s*:\s*)+", "", value.strip())
    return " ".join(re.findall(r"\w+", value))


def group_ids(records: list[dict]) -> list[str]:
    """A group key per record: records sharing a normalised subject (of 3 words or more) or the
    same first 30 words of body are one group (union-find over both keys)."""
    parent = list(range(len(records)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, r in enumerate(records):
        subject = normalised(r["subject"])
        keys = ["b:" + " ".join(normalised(body_text(html=r["html"], text=r["text"])).split()[:30])]
        if len(subject.split()) >= 3:
            keys.append("s:" + subject)
        for key in keys:
            if key in first:
                parent[find(i)] = find(first[key])
            else:
                first[key] = i
    return [hashlib.sha256(records[find(i)]["id"].encode()).hexdigest() for i in range(len(records))]


def split_records(records: list[dict]) -> dict[str, list[dict]]:
    """Fill each split's quotas group by group (groups in a fixed pseudo-random order)."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for key, r in zip(group_ids(records), records):
        groups[key].append(r)
    order = sorted(groups, key=lambda k: hashlib.sha256(("order" + k).encode()).hexdigest())
    splits: dict[str, list[dict]] = {name: [] for name in [*QUOTAS, "test_other_languages"]}
    used = {name: defaultdict(int) for name in QUOTAS}
    for key in order:
        members = sorted(groups[key], key=lambda r: r["id"])[:PER_GROUP]
        if not all(r["english"] for r in members):
            if members[0]["label"] == 1 and len(splits["test_other_languages"]) < OTHER_LANGUAGES:
                splits["test_other_languages"].extend(r for r in members if not r["english"])
            continue
        for name in ("test", "validation", "train"):  # the group goes whole into the first split with room
            cells = [(r["label"], r["format"]) for r in members]
            if all(used[name][c] + cells.count(c) <= QUOTAS[name].get(c, 0) for c in set(cells)):
                for r, c in zip(members, cells):
                    used[name][c] += 1
                    splits[name].append({**r, "template": key[:12]})
                break
    for name, quota in QUOTAS.items():
        short = {c: n - used[name][c] for c, n in quota.items() if used[name][c] < n}
        if short:
            print(f"{name}: {short} e-mails short of the quota", file=sys.stderr)
    return splits


def write(splits: dict[str, list[dict]], folder: Path) -> None:
    """One gzip-compressed JSON line per e-mail, sorted by id, with a fixed gzip header (mtime 0)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in splits.items():
        lines = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in sorted(rows, key=lambda r: r["id"]))
        with open(folder / f"{name}.jsonl.gz", "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                                                            filename="") as f:
            f.write(lines.encode("utf-8"))
        labels = [r["label"] for r in rows]
        print(f"{name}: {len(rows)} e-mails, {sum(labels)} phishing, "
              f"{sum(r['format'] == 'html' for r in rows)} HTML, {(folder / f'{name}.jsonl.gz').stat().st_size:,} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phishing-pot", type=Path, required=True, help="git folder of rf-peixoto/phishing_pot")
    parser.add_argument("--spamassassin", type=Path, required=True,
                        help="git folder of stdlib-js/datasets-spam-assassin")
    parser.add_argument("--out", type=Path, default=REAL_DIR)
    args = parser.parse_args()
    records = []
    for name, git_dir in (("phishing_pot", args.phishing_pot), ("spamassassin", args.spamassassin)):
        source = SOURCES[name]
        if head_commit(git_dir) != source["commit"]:
            sys.exit(f"{git_dir} is not at {source['repo']}'s commit {source['commit']}: check it out first.")
        for folder, label in source["folders"].items():
            for path, raw in read_blobs(git_dir, blobs(git_dir, folder)):
                r = record(name, folder, path, raw, label)
                if r is not None:
                    records.append(r)
    for source in sorted({r["source"] for r in records}):
        mine = [r for r in records if r["source"] == source]
        print(f"{source}: {len(mine)} readable e-mails, {sum(r['english'] for r in mine) / len(mine):.0%} English, "
              f"{sum(r['format'] == 'html' for r in mine) / len(mine):.0%} HTML")
    write(split_records(records), args.out)


if __name__ == "__main__":
    main()
