"""Reading a raw e-mail (RFC 5322 / MIME bytes, an ``.eml`` file) with the standard library's ``email`` package.

:func:`read_message` returns what a mail client shows: the sender, the subject (RFC 2047 encoded
words decoded), the date, the first ``text/plain`` and the first ``text/html`` part of the body
(decoded from base64 or quoted-printable and from their charset), and the number of attachments,
which are counted and skipped, never opened.

>>> raw = (b"From: =?utf-8?q?Caf=C3=A9?= <news@cafe.example>\\r\\nSubject: =?utf-8?b?SGVsbG8=?=\\r\\n"
...        b"Date: Tue, 15 Feb 2022 19:08:55 +0000\\r\\nContent-Type: text/plain; charset=utf-8\\r\\n\\r\\nHi there\\r\\n")
>>> m = read_message(raw)
>>> m.sender_name, m.sender_address, m.subject, m.year, m.text.strip()
('Café', 'news@cafe.example', 'Hello', 2022, 'Hi there')
"""
from __future__ import annotations

import dataclasses
import email
import email.policy
import email.utils
import re
from email.message import EmailMessage


@dataclasses.dataclass(frozen=True)
class Message:
    """The parts of an e-mail a reader sees (``html`` and ``text`` may be empty)."""

    sender_name: str
    sender_address: str
    subject: str
    year: int | None
    text: str
    html: str
    attachments: int


def _header(message: EmailMessage, name: str) -> str:
    """A header's decoded value ('' when missing or beyond repair)."""
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError, AttributeError):  # the parser's own errors on broken headers
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def _content(part: EmailMessage) -> str:
    """A text part's content decoded from its transfer encoding and charset; an unknown or wrong
    charset falls back to UTF-8 with replacement characters, so nothing is lost silently."""
    try:
        return part.get_content()
    except (LookupError, UnicodeError, AssertionError, ValueError):
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


FIRST_YEAR, LAST_YEAR = 1990, 2026  # a year outside these is a broken or misread date


def _year(date: str) -> int | None:
    """The year of a Date header, or None when it is missing or implausible.

    A written four-digit year is taken as written: the parser reads two-digit years as 20xx up to
    68, so a day number standing where the year should be ("Sat, Sep 28 02:11:05 2002") became 2028.

    >>> _year("Sat, Sep 28 02:11:05 2002"), _year("Tue, 15 Feb 2022 19:08:55 +0000"), _year("nonsense")
    (2002, 2022, None)
    """
    written = [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", date or "")]
    if written:
        return written[0] if FIRST_YEAR <= written[0] <= LAST_YEAR else None
    try:
        parsed = email.utils.parsedate_to_datetime(date)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.year if parsed and FIRST_YEAR <= parsed.year <= LAST_YEAR else None


def read_message(raw: bytes) -> Message:
    """The sender, subject, year, plain-text and HTML body of a raw e-mail (see the module)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    name, address = email.utils.parseaddr(_header(message, "from"))
    bodies = {"plain": "", "html": ""}
    attachments = 0
    for part in message.walk():
        if part.is_multipart():
            continue
        if part.is_attachment() or part.get_content_maintype() != "text":
            attachments += 1
            continue
        kind = part.get_content_subtype()
        if kind in bodies and not bodies[kind]:
            bodies[kind] = _content(part)
    return Message(sender_name=name.strip().strip('"'), sender_address=address.strip(),
                   subject=_header(message, "subject"), year=_year(_header(message, "date")),
                   text=bodies["plain"], html=bodies["html"], attachments=attachments)
