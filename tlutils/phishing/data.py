"""The capstone's e-mails, real and synthetic, shipped inside the package (a pip install has them).

``load_emails(split, corpus="real")`` reads the **real** e-mails, ``tlutils/course_data/phishing/real/<split>.jsonl.gz``
(written by ``scripts/make_real_phishing_data.py`` from nine public collections: honeypot and
SpamAssassin phishing as read, legitimate mail of 1997-2024 and State Department work mail; see
``data/README.md``): what the
detector is trained and judged on. ``load_emails(split)`` (``corpus="synthetic"``) reads the course's
synthetic e-mails (``tlutils/course_data/phishing/<split>.jsonl``, ``scripts/make_phishing_data.py``),
kept for the demo inbox and for unit tests, whose template split shows what synthetic data hides.

>>> real = load_emails("validation", corpus="real")
>>> len(real), sum(e.label for e in real), all(e.english for e in real)
(193, 75, True)

>>> emails = load_emails("validation", corpus="synthetic")
>>> len(emails), sum(e.label for e in emails)
(48, 24)
>>> sorted({e.template for e in emails})[:2]
['L09-refund', 'L10-terms']
"""
from __future__ import annotations

import dataclasses
import functools
import gzip
import json
import re
from pathlib import Path

from ..text import DATA_DIR
from .inputs import model_text

PHISHING_DIR = DATA_DIR / "phishing"
REAL_DIR = PHISHING_DIR / "real"
CORPORA = {"real": ("train", "validation", "test", "test_other_languages"),
           "synthetic": ("train", "validation", "test", "test_realistic")}
SPLITS = CORPORA["synthetic"]
CLASSES = ["legitimate", "phishing"]
# The commonest English words (function words): their share among a text's words tells English apart.
ENGLISH_WORDS = frozenset("""the of and to a in is you that it for on your with as are this be at have from
or by not we an will our can if all has was but they more please can't don't it's i me my us so do no
""".split())


# The commonest function words of other languages written in Latin letters (German, French, Spanish,
# Portuguese, Italian, Dutch, the Scandinavian languages), none of them also an English word.
OTHER_WORDS = frozenset("""und der die das ist nicht sie mit ihr ihre wir auf bitte ein eine sind oder
les et est vous pour une des du votre pas nous sur avec dans est été
el los las y es usted para una su por con que del sus muy
os você não seu sua uma com em da dos das é
il di che è per non sono della gli
het een van je niet uw zijn wij op voor
og er det til på av med som ikke har deg din ditt fra att och är inte jag
""".split())


LINK = re.compile(r"\S*(?:https?://|www\.)\S*", re.I)


def _words(text: str) -> list[str]:
    """The words of ``text``, lower case, links left out: a delivery notice full of tracking
    links is still English (the links' fragments counted as words pushed real notices under 12 %).

    >>> _words("Track it: https://www.ups.example/track?id=ABC123 today")
    ['track', 'it', 'today']
    """
    return re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", LINK.sub(" ", text).lower())


def english_share(text: str) -> float:
    """The share of ``text``'s words that are among the commonest English words (0 when it has
    none). English prose scores about 0.3-0.5, other languages under 0.1.

    >>> english_share("Please verify your account at the link below"), english_share("Bitte bestätigen Sie Ihr Konto")
    (0.5, 0.0)
    """
    words = _words(text)
    return round(sum(w in ENGLISH_WORDS for w in words) / len(words), 4) if words else 0.0


def is_english(text: str) -> bool:
    """True when ``text`` reads as English: at least 12 % of its words are common English function
    words *and* common function words of other languages are fewer than half as many (a Norwegian
    text with English links and a few shared words passed the first test alone).

    >>> is_english("Please verify your account at the link below")
    True
    >>> is_english("Hei! Du har vunnet en iPhone. Klikk her for å få din premie: it is the best offer of the year")
    False
    """
    words = _words(text)
    english = sum(w in ENGLISH_WORDS for w in words)
    other = sum(w in OTHER_WORDS for w in words)
    return bool(words) and english >= 0.12 * len(words) and other < english / 2


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
    source: str = "synthetic"  # real: "<repository>:<kind>", e.g. "phishing_pot:honeypot", "spamassassin:easy-ham"
    collection: str = ""  # real: the collection it came from (see data/README.md), for held-out evaluation
    year: int | None = None
    format: str = "html"  # "html" when the HTML part shows readable text, else "text"
    english: bool = True

    @property
    def sender(self) -> str:
        """The From line as a mail client shows it: ``Name <address>``."""
        return f"{self.sender_name} <{self.sender_address}>" if self.sender_name else self.sender_address

    @functools.cached_property
    def model_text(self) -> str:
        """What the text model reads (:func:`tlutils.phishing.inputs.model_text`, as the server does)."""
        return model_text(subject=self.subject, html=self.html, text=self.text)


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


def load_emails(split: str, folder: Path | None = None, corpus: str = "synthetic") -> list[Email]:
    """The e-mails of one split: real (``train``, ``validation``, ``test``, ``test_other_languages``)
    or synthetic (``train``, ``validation``, ``test``, ``test_realistic``)."""
    if corpus not in CORPORA:
        raise ValueError(f"Unknown corpus {corpus!r}; choose 'real' or 'synthetic'.")
    if split not in CORPORA[corpus]:
        raise ValueError(f"Unknown split {split!r} of the {corpus} e-mails; choose one of {list(CORPORA[corpus])}.")
    real = corpus == "real"
    folder = Path(folder) if folder is not None else REAL_DIR if real else PHISHING_DIR
    path = folder / (f"{split}.jsonl.gz" if real else f"{split}.jsonl")
    script = "make_real_phishing_data.py" if real else "make_phishing_data.py"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; write it with `python scripts/{script}`.")
    emails = []
    with (gzip.open if real else open)(path, "rt", encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}, line {number} is not valid JSON ({error.msg}).") from None
            emails.append(parse_email(record, f"{path}, line {number}"))
    return emails
