"""Score a collection the course does not ship (an mbox file or a folder of .eml files) with a trained
detector bundle, and print the share it flags, with a 95 % bootstrap interval.

For collections whose licence keeps them out of the package (for example the Nazario phishing
corpus's ``phishing0.mbox``): a check from outside, never training data. E-mails that are also in
the course's sets (same sender, subject and body) are left out of the count::

    python scripts/score_outside_collection.py phishing0.mbox --bundle ~/.cache/tlutils/models/phishing-detector-offline
"""
from __future__ import annotations

import argparse
import mailbox
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling mail_reader.py, also when loaded by path

from mail_reader import read_message  # noqa: E402
from tlutils.phishing.data import CORPORA, is_english, load_emails  # noqa: E402
from tlutils.phishing.inputs import body_text, readable  # noqa: E402
from tlutils.phishing.transfer import rate_interval  # noqa: E402


def raw_messages(path: Path):
    """The raw bytes of every message in an mbox file or a folder of files."""
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            yield file.read_bytes()
    else:
        for message in mailbox.mbox(str(path)):
            yield message.as_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path, help="an mbox file or a folder of .eml files")
    parser.add_argument("--bundle", type=Path, required=True, help="a trained detector bundle folder")
    parser.add_argument("--limit", type=int, default=200, help="score at most this many English e-mails")
    args = parser.parse_args()
    if not args.source.exists():
        sys.exit(f"{args.source} does not exist: give an mbox file or a folder of .eml files.")
    from tlutils.phishing.detector import load_detector

    known = {(e.sender_address, e.subject, body_text(html=e.html, text=e.text)[:500])
             for split in CORPORA["real"] for e in load_emails(split, corpus="real")}
    detector = load_detector(args.bundle)
    flags, skipped = [], 0
    for raw in raw_messages(args.source):
        m = read_message(raw)
        body = body_text(html=m.html, text=m.text)
        if not readable(body) or not is_english(f"{m.subject}\n{body}") or \
                (m.sender_address, m.subject, body[:500]) in known:
            skipped += 1
            continue
        sender = f"{m.sender_name} <{m.sender_address}>" if m.sender_name else m.sender_address
        result = detector.score(subject=m.subject, sender=sender, html=m.html or None, text=m.text or None)
        flags.append(int(result["verdict"] == "phishing"))
        if len(flags) >= args.limit:
            break
    share, low, high = rate_interval(flags)
    print(f"{args.source.name}: {sum(flags)} of {len(flags)} English e-mails flagged as phishing, "
          f"{share:.3f} (95 % CI {low:.3f}-{high:.3f}); {skipped} skipped (unreadable, not English, or in the course's sets)")


if __name__ == "__main__":
    main()
