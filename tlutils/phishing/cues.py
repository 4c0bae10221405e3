"""Cues a person can check in an e-mail, found with plain rules: the ``reasons`` of a score.

These rules do not make the score (the two models do); they point at what a reader can verify
before trusting the e-mail: a link whose text shows one address while it leads to another, a
sender's domain that imitates a name, plain-http links, urgency and requests for passwords or
card details. Each cue is one short sentence.

>>> html = '<p>Pay now</p><a href="http://paypa1.example/x">https://www.paypal.example/login</a>'
>>> link_mismatches(html)
[('www.paypal.example', 'paypa1.example')]
"""
from __future__ import annotations

import difflib
import re
from urllib.parse import urlsplit

from .render import parse_email_html

URGENCY = re.compile(r"\b(urgent|immediately|final (notice|warning|reminder)|within \d+ hours|today|"
                     r"act fast|expires? in|suspend\w*|locked|frozen|terminat\w+|legal action|"
                     r"permanently closed|at risk)\b", re.I)
CREDENTIALS = re.compile(r"\b(confirm|enter|provide|submit|re-enter|update|verify)\b[^.]{0,60}?\b"
                         r"(password|login|username|card (number|details)|card|security code|date of birth|"
                         r"payment details|identity|billing information)\b", re.I)
DOMAIN_IN_TEXT = re.compile(r"\b((?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,})(?:/\S*)?", re.I)


def host(url: str) -> str:
    """The host name of ``url`` in lower case ('' when it has none).

    >>> host("https://WWW.Bank.example/login?x=1"), host("mailto:a@b.example")
    ('www.bank.example', '')
    """
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


def links(html: str) -> list[tuple[str, str]]:
    """(shown text, target) of every link in ``html``."""
    found = []
    for block in parse_email_html(html):
        for run in block.runs:
            if run.href is not None:
                found.append((run.text.strip(), run.href))
    return found


def link_mismatches(html: str) -> list[tuple[str, str]]:
    """Links whose text shows a domain other than the one they lead to: (shown, actual) hosts."""
    mismatches = []
    for text, href in links(html):
        shown = DOMAIN_IN_TEXT.search(text)
        if not shown:
            continue
        shown_host = host(shown.group(1) if "://" in shown.group(1) else "http://" + shown.group(1))
        actual = host(href)
        if shown_host and actual and shown_host != actual:
            mismatches.append((shown_host, actual))
    return mismatches


def sender_domain(sender: str) -> str:
    """The domain of the address in ``sender`` ("Name <a@b.example>" or "a@b.example").

    >>> sender_domain("Payflow <hello@Payflow.example>")
    'payflow.example'
    """
    match = re.search(r"@([A-Za-z0-9.-]+)", sender or "")
    return match.group(1).lower().rstrip(".") if match else ""


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def sender_imitation(sender: str) -> str | None:
    """A sentence when the sender's domain imitates the name it shows: close to it, yet not it.

    "Payflow <x@payf1ow.example>" imitates; "Payflow <x@payflow.example>" is the name's own domain;
    an unrelated name and domain say nothing either way.

    >>> sender_imitation("Payflow <service@payf1ow.example>")
    "The sender's domain payf1ow.example imitates the name Payflow without being its domain."
    >>> sender_imitation("Payflow <hello@payflow.example>") is None
    True
    """
    name = re.sub(r"<.*?>", "", sender or "").strip().strip('"')
    domain = sender_domain(sender)
    if not name or not domain or "@" in name:
        return None
    wanted, first_label = _squash(name), _squash(domain.split(".")[0])
    if not wanted or not first_label or first_label in wanted:  # "Northwind Bank Support" <..@northwindbank..>
        return None
    similar = difflib.SequenceMatcher(None, wanted, first_label).ratio() >= 0.75
    if similar or wanted in _squash(domain):
        return f"The sender's domain {domain} imitates the name {name} without being its domain."
    return None


def find_cues(*, sender: str, subject: str, html: str | None, text: str) -> list[str]:
    """The cues found in one e-mail, as short sentences (empty when none is found)."""
    cues = []
    for shown, actual in link_mismatches(html or "")[:2]:
        cues.append(f"A link shows {shown} but leads to {actual}.")
    imitation = sender_imitation(sender)
    if imitation:
        cues.append(imitation)
    insecure = sorted({host(href) for _, href in links(html or "") if href.lower().startswith("http://")})
    if insecure:
        cues.append(f"A link uses plain http (no encryption): {insecure[0]}.")
    words = f"{subject}\n{text}"
    request = CREDENTIALS.search(words)
    if request:
        cues.append(f"It asks you to {request.group(0).strip().lower()}.")
    urgency = URGENCY.search(words)
    if urgency:
        cues.append(f"It presses for haste (\"{urgency.group(0)}\").")
    return cues
