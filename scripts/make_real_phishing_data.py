"""Build the capstone's real e-mail sets from public collections: ``tlutils/course_data/phishing/real/*.jsonl.gz``.

Collections (each repository pinned to a commit; licences in data/README.md and the data folder's
LICENSE.md). Legitimate: the SpamAssassin corpus's easy ham (mailing lists and personal mail,
2002) and hard ham (newsletters and vendor mail, 2002); real bounces and delivery-status
notifications gathered by the sisimai project (2000s-2020s); real messages kept as test
fixtures by four e-mail libraries (mikel/mail, nodemailer/mailparser, mailgun/talon, MailCore 2);
real delivery notices of 2019-2022 (Amazon, USPS, UPS, FedEx, DHL, Royal Mail, ...) kept as test
fixtures by the Mail and Packages integration; and modern notifications of 2015-2024 (issue
trackers, a security advisory, calendar invitations, sign-up and welcome mail, newsletters) that
seven mail projects keep as fixtures, listed file by file because the same folders hold
hand-written test mail; and work mail of 2009-2013 that State Department staff wrote from their
state.gov addresses, released under FOIA in 2015-2016 (public domain as works of the US
government; scripts/foia_mail.py reads the released text).
Phishing and scams: Phishing Pot (honeypots, 2022-2026) and the SpamAssassin corpus's spam
(2001-2002), two independent sources twenty years apart. A trap address receives everything, so
both hold advertising as well as fraud: an e-mail of these two collections is kept only if it was
read and labelled ``phishing`` (``data/phishing_reading/``: the criteria, and one label with its
reason per e-mail read); advertising, genuine mail and e-mails not read are left out.

Fetch the repositories (``git clone`` or the course's fetch tool) and pass the folders holding their
git data, for example::

    python scripts/make_real_phishing_data.py --git phishing_pot=/m/phishing_pot.git \\
        --git spamassassin=/m/datasets-spam-assassin.git --git sisimai=/m/set-of-emails.git \\
        --git mail_rb=/m/mail.git --git mailparser_js=/m/mailparser.git --git talon=/m/talon.git \\
        --git mailcore2=/m/mailcore2.git --git mail_and_packages=/m/Home-Assistant-Mail-And-Packages.git \\
        --git james=/m/james-project.git --git dkim_verifier=/m/dkim_verifier.git --git enmime=/m/enmime.git \\
        --git postal_mime=/m/postal-mime.git --git mailauth=/m/mailauth.git --git chatmail=/m/core.git \\
        --git mail_parser_py=/m/mail-parser.git --git state_dept=/m/secretary-clinton-email-dump.git

Every message is read with the standard library's ``email`` package (scripts/mail_reader.py). Then:
the collections' anonymisation markers are removed (they would name a collection); e-mails with
nothing readable are left out; near-duplicates are grouped by their normalised bodies
(tlutils.phishing.dedup: MinHash over 5-word shingles, whatever the subject) and by a shared
normalised subject within a collection; a group is kept in one collection and one split only
(at most :data:`PER_GROUP` members); English and other languages are told apart by
tlutils.phishing.data.is_english. Re-running it on the same commits writes identical files.
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
sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling mail_reader.py, also when loaded by path

from git_mirror import git, pinned_dirs  # noqa: E402
from foia_mail import top_message  # noqa: E402
from mail_reader import read_message  # noqa: E402
from tlutils.phishing.data import REAL_DIR, is_english  # noqa: E402
from tlutils.phishing.dedup import groups  # noqa: E402
from tlutils.phishing.inputs import body_text, readable  # noqa: E402

REPOSITORIES = {
    "phishing_pot": ("rf-peixoto/phishing_pot", "8e207b5f465bf72c2326551b1a9b2ba67f3b4ef6"),
    "spamassassin": ("stdlib-js/datasets-spam-assassin", "1b84d49ab4b28092ead009b3ceeb67ae525289d1"),
    "sisimai": ("sisimai/set-of-emails", "18e585c22288b83c1f6943949cb86b2623b362ce"),
    "mail_rb": ("mikel/mail", "d645d7b5b7d03218b0bc8971ef041c991a63f5f7"),
    "mailparser_js": ("nodemailer/mailparser", "bb1881eb35c0d406c68c8613443827ccbad00065"),
    "talon": ("mailgun/talon", "71d9b6eb78e985bcdfbf99b69c20c001b4b818c4"),
    "mailcore2": ("MailCore/mailcore2", "8f0923db493ad8fc3e0f33fd0c70f3633e8787a7"),
    "mail_and_packages": ("moralmunky/Home-Assistant-Mail-And-Packages", "f2a8ecfedb5627a8e7a1871ce7948e50c77e1142"),
    "james": ("apache/james-project", "20bf8083e39be4a750f606e576a162087bb3f18a"),
    "dkim_verifier": ("lieser/dkim_verifier", "1badb6c8d639bd5973f870fa7bfc6f96facba9ca"),
    "enmime": ("jhillyerd/enmime", "0d919cc223e9cb6c2d45d6c653e7a64156006351"),
    "postal_mime": ("postalsys/postal-mime", "e7c35dd9fcddaf73a1359256b1e4865e5cd33521"),
    "mailauth": ("postalsys/mailauth", "d2616c6bee77cf0cf77fe6ea6743b856696f081e"),
    "chatmail": ("chatmail/core", "48888898ee148ed7b70fa825acffa6829c56c5cf"),
    "mail_parser_py": ("SpamScope/mail-parser", "01c177fecddd9db1def23ba509ab31b12ab4fbc5"),
    "state_dept": ("datahoarder/secretary-clinton-email-dump", "3a745b81c168126bfeca20ce2b22bfd7de101296"),
}
JAMES_EML = "mailbox/store/src/test/resources/eml/"
# Real messages among test fixtures, listed file by file: the same folders hold hand-written test mail.
MAILCORE_REAL = [f"unittest/data/summary/input/{name}.eml" for name in (
    "1944-rendering", "1970-anchor", "4851-chinese", "989-encoding-1", "989-encoding-2", "989-encoding-3",
    "1015-windows-1252", "965-email-rendering")]
NOTIFICATIONS = [("james", JAMES_EML + name) for name in ("mail1.eml", "mail2.eml", "mail3.eml", "mail4.eml",
                                                            "pgpSignedMail.eml", "mail.eml", "invitationEmailFromOP.eml")] + [
    ("dkim_verifier", "test/data/original/"), ("enmime", "testdata/mail/ctype-bug.raw"),
    ("enmime", "testdata/mail/mime-blank-media-name.raw"), ("postal_mime", "test/fixtures/calendar-event.eml"),
    ("mailauth", "test/fixtures/message3.eml"), ("chatmail", "test-data/message/mailinglist_xt_local_microsoft.eml"),
    ("chatmail", "test-data/message/tlsrpt.eml"), ("mail_parser_py", "tests/mails/mail_test_13")]
# collection: label, [(repository, folder)], e-mails per split (train, validation, test)
COLLECTIONS = {
    "honeypot_2022_2026": (1, [("phishing_pot", "email/")], (170, 50, 80)),
    "spamassassin_spam_2001_2002": (1, [("spamassassin", "data/spam-1/"), ("spamassassin", "data/spam-2/")],
                                    (80, 25, 45)),
    "mailing_lists_2002": (0, [("spamassassin", "data/easy-ham-1/"), ("spamassassin", "data/easy-ham-2/")],
                           (100, 30, 50)),
    "newsletters_2002": (0, [("spamassassin", "data/hard-ham-1/")], (70, 25, 45)),
    "bounces": (0, [("sisimai", "maildir/bsd/")], (80, 25, 45)),
    "library_fixtures": (0, [("mail_rb", "spec/fixtures/emails/"), ("mailparser_js", "test/fixtures/"),
                             ("talon", "tests/fixtures/"), *[("mailcore2", path) for path in MAILCORE_REAL]],
                         (45, 15, 30)),
    "deliveries_2019_2022": (0, [("mail_and_packages", "tests/test_emails/")], (12, 4, 10)),
    "notifications_2015_2024": (0, NOTIFICATIONS, (8, 3, 8)),
    "state_department_2009_2013": (0, [("state_dept", "data/docs/text/")], (80, 25, 45)),
}
SPLITS = ("train", "validation", "test")
OTHER_LANGUAGES = 40  # non-English phishing in the test_other_languages split
MAX_HTML, MAX_TEXT = 60_000, 20_000  # characters kept per e-mail (keeps the files small)
PER_GROUP = 3
MARKERS = [re.compile(p, re.I) for p in (r"phishing@pot", r"[\w.+-]*@(spamassassin\.)?taint\.org",
                                         r"\b(zzzz|yyyy)[\w.+-]*@[\w.-]+", r"(spamassassin\.)?taint\.org", r"zzzz|yyyy",
                                         r"spamassassin|phishing ?pot")]
# Fixture folders of legitimate collections that hold spam and scams (parser edge cases kept from
# spam: "Western Union Swift Money Transfer", home-loan and pharmacy offers), not legitimate mail.
LEFT_OUT = ("spec/fixtures/emails/error_emails/",)
READ_LABELS = Path(__file__).resolve().parents[1] / "data" / "phishing_reading" / "labels.jsonl"
LABELS = ("phishing", "advertising", "legitimate", "unclear")  # what a reader may say of an e-mail
SKIP = re.compile(r"\.(rb|js|py|json|md|txt\.gz|yml|png|jpg|gif|pdf|zip|html?)$", re.I)


def neutral(value: str) -> str:
    """``value`` with the collections' anonymisation markers removed."""
    for pattern in MARKERS:
        value = pattern.sub("", value)
    return value


def blobs(git_dir: Path, folder: str) -> list[tuple[str, str]]:
    """(path, blob id) of every message-like file under ``folder`` at HEAD, sorted by path."""
    listing = git(git_dir, "ls-tree", "-r", "HEAD", folder).decode()
    rows = [line.split(None, 3) for line in listing.splitlines()]
    return sorted((row[3], row[2]) for row in rows
                  if row[1] == "blob" and not SKIP.search(row[3]) and not row[3].startswith(LEFT_OUT))


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


def record(collection: str, repo: str, folder: str, path: str, raw: bytes, label: int) -> dict | None:
    """One e-mail as a JSON-ready record, or None when it has nothing readable or no headers."""
    if b"\n\n" not in raw.replace(b"\r\n", b"\n")[:200_000]:
        return None
    m = read_message(raw)
    if not (m.subject or m.sender_address):
        return None
    subject, html, text = neutral(m.subject), neutral(m.html[:MAX_HTML]), neutral(m.text[:MAX_TEXT])
    body = body_text(html=html, text=text)
    if not readable(body):
        return None
    kind = (folder if folder.endswith("/") else folder.rsplit("/", 1)[0]).strip("/").split("/")[-1]
    return {"id": f"{repo}/{path}", "sender_name": neutral(m.sender_name), "sender_address": neutral(m.sender_address),
            "subject": subject, "text": text, "html": html, "brand": "", "template": "", "label": label,
            "source": f"{repo}:{kind}", "collection": collection, "year": m.year,
            "format": "html" if readable(html) else "text", "english": is_english(f"{subject}\n{body}")}


def read_labels(path: Path) -> dict[str, str]:
    """``{id: label}`` of the e-mails read (``phishing``, ``advertising``, ``legitimate``, ``unclear``)."""
    labels = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        row = json.loads(line)
        if row["label"] not in LABELS:
            raise ValueError(f"{path.name}, line {number}: unknown label {row['label']!r}")
        labels[row["id"]] = row["label"]
    return labels


def read_as_phishing(records: list[dict], labels: dict[str, str]) -> list[dict]:
    """The records of the phishing collections that were read as phishing (the others unchanged)."""
    kept = [r for r in records if not r["label"] or labels.get(r["id"]) == "phishing"]
    for collection, (label, _, _) in COLLECTIONS.items():
        if label:
            mine = [r for r in records if r["collection"] == collection]
            read = [labels[r["id"]] for r in mine if r["id"] in labels]
            print(f"{collection}: {len(read)} of {len(mine)} read: "
                  + ", ".join(f"{name} {read.count(name)}" for name in LABELS))
    return kept


NEWS = re.compile(r"\(AP\)|Associated Press|Reuters|Copyright|All rights reserved|\u00a9 ?\d{4}", re.I)


def foia_record(collection: str, repo: str, folder: str, path: str, raw: bytes, label: int) -> dict | None:
    """A released State Department e-mail (scripts/foia_mail.py) as a record, or None when it is not
    a state.gov sender's own message of 80 to 2,000 characters; news clippings pasted into a
    message are left out (their text is the news agency's, not a government work)."""
    m = top_message(raw.decode("utf-8", errors="replace"))
    if m is None or not 80 <= len(m.text) <= 2_000 or NEWS.search(m.text):
        return None
    return {"id": f"{repo}/{path}", "sender_name": m.sender_name, "sender_address": m.sender_address,
            "subject": m.subject, "text": m.text, "html": "", "brand": "", "template": "", "label": label,
            "source": f"{repo}:foia", "collection": collection, "year": m.year, "format": "text",
            "english": is_english(f"{m.subject}\n{m.text}")}


def subject_key(subject: str) -> str:
    """A subject without reply prefixes, numbers and punctuation, lower case: for threads."""
    subject = re.sub(r"^\s*((re|fw|fwd|aw|sv)\s*(\[\d+\])?\s*:\s*)+", "", subject.lower())
    return " ".join(re.findall(r"[^\W\d_]+", subject))


def group_keys(records: list[dict]) -> list[str]:
    """A group key per record: near-duplicate bodies (any collection) or one thread subject
    (within a collection) make one group."""
    near = groups([body_text(html=r["html"], text=r["text"]) for r in records])
    parent = {i: near[i] for i in range(len(records))}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple, int] = {}
    for i, r in enumerate(records):
        key = (r["collection"], subject_key(r["subject"]))
        if not key[1]:
            continue
        if key in first:
            a, b = find(i), find(first[key])
            parent[max(a, b)] = min(a, b)
        else:
            first[key] = i
    return [hashlib.sha256(records[find(i)]["id"].encode()).hexdigest() for i in range(len(records))]


def split_records(records: list[dict]) -> dict[str, list[dict]]:
    """Fill each collection's quota per split group by group (groups in a fixed pseudo-random
    order); a group lies in one split and, when it spans collections, in its first collection only."""
    by_group: dict[str, list[dict]] = defaultdict(list)
    for key, r in zip(group_keys(records), records):
        by_group[key].append(r)
    order = sorted(by_group, key=lambda k: hashlib.sha256(("order" + k).encode()).hexdigest())
    splits: dict[str, list[dict]] = {name: [] for name in [*SPLITS, "test_other_languages"]}
    used = {name: defaultdict(int) for name in SPLITS}
    names = list(COLLECTIONS)
    for key in order:
        members = sorted(by_group[key], key=lambda r: (names.index(r["collection"]), r["id"]))
        members = [r for r in members if r["collection"] == members[0]["collection"]][:PER_GROUP]
        collection = members[0]["collection"]
        if not all(r["english"] for r in members):
            if COLLECTIONS[collection][0] == 1 and len(splits["test_other_languages"]) < OTHER_LANGUAGES:
                splits["test_other_languages"].extend(r for r in members if not r["english"])
            continue
        for name, quota in zip(("test", "validation", "train"), reversed(COLLECTIONS[collection][2])):
            if used[name][collection] + len(members) <= quota:
                used[name][collection] += len(members)
                splits[name].extend({**r, "template": key[:12]} for r in members)
                break
    for name in SPLITS:
        for collection, (_, _, quota) in COLLECTIONS.items():
            wanted = quota[SPLITS.index(name)]
            if used[name][collection] < wanted:
                print(f"{name}/{collection}: {wanted - used[name][collection]} e-mails short", file=sys.stderr)
    return splits


def write(splits: dict[str, list[dict]], folder: Path) -> None:
    """One gzip-compressed JSON line per e-mail, sorted by id, with a fixed gzip header (mtime 0)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in splits.items():
        lines = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in sorted(rows, key=lambda r: r["id"]))
        with open(folder / f"{name}.jsonl.gz", "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                                                            filename="") as f:
            f.write(lines.encode("utf-8"))
        counts = defaultdict(int)
        for r in rows:
            counts[r["collection"]] += 1
        print(f"{name}: {len(rows)} e-mails, {sum(r['label'] for r in rows)} phishing, {dict(counts)}, "
              f"{(folder / f'{name}.jsonl.gz').stat().st_size:,} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--git", action="append", default=[], metavar="NAME=GIT_DIR",
                        help=f"a repository's git folder, NAME one of {sorted(REPOSITORIES)}")
    parser.add_argument("--out", type=Path, default=REAL_DIR)
    parser.add_argument("--labels", type=Path, default=READ_LABELS, help="the labels read (JSON lines)")
    args = parser.parse_args()
    dirs = pinned_dirs(args.git, REPOSITORIES)
    records = []
    for collection, (label, folders, _) in COLLECTIONS.items():
        mine = []
        for repo, folder in folders:
            git_dir = Path(dirs[repo])
            reader = foia_record if repo == "state_dept" else record
            for path, raw in read_blobs(git_dir, blobs(git_dir, folder)):
                r = reader(collection, repo, folder, path, raw, label)
                if r is not None:
                    mine.append(r)
        years = sorted(r["year"] for r in mine if r["year"])
        print(f"{collection}: {len(mine)} readable e-mails, {sum(r['english'] for r in mine) / max(1, len(mine)):.0%} "
              f"English, {sum(r['format'] == 'html' for r in mine) / max(1, len(mine)):.0%} HTML, years "
              f"{years[len(years) // 20] if years else '-'}-{years[-len(years) // 20 - 1] if years else '-'} (5-95 %)")
        records.extend(mine)
    write(split_records(read_as_phishing(records, read_labels(args.labels))), args.out)


if __name__ == "__main__":
    main()
