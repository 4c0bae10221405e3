"""The demo webmail's inbox: a few real e-mails of the test split, phishing and legitimate, interleaved.

Real, because the detector is trained on real mail: it flags every legitimate e-mail of the
course's synthetic set (sign-in codes, receipts), a kind of mail the public legitimate collections
do not hold (lesson 07 says so). Only HTML e-mails are shown, as a webmail would; the demo page
shows them in a sandboxed frame that loads nothing remote.

The scoring server serves them at ``GET /demo/emails`` for ``static/demo.html``; the browser test
and the lesson open them there. Labels are left out: the page shows what a mail client shows.

>>> inbox = demo_emails()
>>> len(inbox), sorted(inbox[0])
(6, ['html', 'id', 'sender_address', 'sender_name', 'subject', 'text'])
"""
from __future__ import annotations

import functools
import itertools

from ..data import Email, load_emails

PER_CLASS = 3
SHOWN = ("id", "sender_name", "sender_address", "subject", "html", "text")  # text: the plain-text part


def pick_demo_emails(emails: list[Email], per_class: int = PER_CLASS) -> list[Email]:
    """``per_class`` phishing and as many legitimate e-mails, each of another template or brand
    (the first in file order), alternating legitimate and phishing."""
    chosen: dict[int, list[Email]] = {0: [], 1: []}
    kinds: set[tuple[str, str]] = set()
    for email in emails:
        kind = (email.template, email.brand)
        if kind not in kinds and len(chosen[email.label]) < per_class:
            chosen[email.label].append(email)
            kinds.add(kind)
    if min(len(c) for c in chosen.values()) < per_class:
        raise ValueError(f"The split has fewer than {per_class} kinds of e-mail of each class for the demo inbox.")
    pairs = itertools.zip_longest(chosen[0], chosen[1])
    return [email for pair in pairs for email in pair if email is not None]


@functools.cache
def demo_email_list() -> tuple[Email, ...]:
    """The demo inbox's e-mails, read once."""
    return tuple(pick_demo_emails([e for e in load_emails("test", corpus="real") if e.format == "html"]))


def demo_emails() -> list[dict[str, str]]:
    """The demo inbox as JSON-ready records, without their labels."""
    return [{field: getattr(email, field) for field in SHOWN} for email in demo_email_list()]
