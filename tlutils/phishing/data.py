"""The capstone's synthetic phishing e-mails: reading ``tlutils/course_data/phishing/<split>.jsonl`` (inside the package, so a pip install has it).

Each line is one e-mail written by ``scripts/make_phishing_data.py``. The set is synthetic (no
public phishing corpus is reachable from the course's machines), so its scores are not comparable
with published ones; see ``data/README.md``.

>>> emails = load_emails("validation")
>>> len(emails), sum(e.label for e in emails)
(48, 24)
>>> sorted({e.template for e in emails})[:2]
['L09-refund', 'L10-terms']
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from ..text import DATA_DIR

PHISHING_DIR = DATA_DIR / "phishing"
SPLITS = ("train", "validation", "test", "test_realistic")
CLASSES = ["legitimate", "phishing"]


@dataclasses.dataclass(frozen=True)
class Email:
    """One e-mail as a mail client shows it, with its template and label (1 = phishing)."""

    id: str
    sender_name: str
    sender_address: str
    subject: str
    text: str
    html: str
    brand: str
    template: str
    label: int
    recipient: str = ""

    @property
    def subject_and_body(self) -> str:
        """What the text model reads: the subject, a blank line, then the plain-text body."""
        return f"{self.subject}\n\n{self.text}"


FIELDS = [f.name for f in dataclasses.fields(Email) if f.default is dataclasses.MISSING]


def parse_email(record: dict, where: str) -> Email:
    """An :class:`Email` from one JSON record; ``where`` names it in the one-sentence error."""
    missing = [name for name in FIELDS if name not in record]
    if missing:
        raise ValueError(f"{where} lacks the field(s) {missing}; every e-mail needs {FIELDS}.")
    if record["label"] not in (0, 1):
        raise ValueError(f"{where} has label {record['label']!r}; use 0 (legitimate) or 1 (phishing).")
    known = {f.name for f in dataclasses.fields(Email)}
    return Email(**{k: v for k, v in record.items() if k in known})


def load_emails(split: str, folder: Path = PHISHING_DIR) -> list[Email]:
    """The e-mails of one split (``train``, ``validation``, ``test`` or ``test_realistic``)."""
    if split not in SPLITS:
        raise ValueError(f"Unknown split {split!r}; choose one of {list(SPLITS)}.")
    path = Path(folder) / f"{split}.jsonl"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; write it with `python scripts/make_phishing_data.py`.")
    emails = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}, line {number} is not valid JSON ({error.msg}).") from None
            emails.append(parse_email(record, f"{path}, line {number}"))
    return emails
