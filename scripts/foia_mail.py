"""Read the top message of one e-mail released under FOIA by the US State Department (2015-2016).

The released e-mails are PDFs; ``datahoarder/secretary-clinton-email-dump`` keeps the text that
``pdftotext -layout`` drew from each (one file per document). Every page repeats a release
header and footer (``UNCLASSIFIED U.S. Department of State Case No. ... Doc No. ... Date: ...``),
release stamps (``RELEASE IN PART``) and exemption codes (``B5``, ``B6``, ``1.4(D)``) at the right
margin, and redactions leave runs of spaces. Those would tell a model which collection an e-mail
comes from, so they are removed. Only the top message is kept (the one its sender wrote; quoted
replies below it may come from anyone), and only when its sender writes from a ``state.gov``
address: mail a federal employee wrote in their official duties is a work of the US government,
in the public domain (17 U.S.C. § 105).

>>> page = '''    UNCLASSIFIED U.S. Department of State Case No. F-2014-20439 Doc No. C05788270 Date: 12/31/2015
...                                                        RELEASE IN PART
... From:                            Valmoro, Lona J <ValmoroU\u00a9state.gov>
... Sent:                            Tuesday, January 24, 2012 9:40 PM
... To:
... Subject:                         Schedule
...
... MS --       is sitting down with the Senator tomorrow at 4:15 and asked to join.   B5
... From: Someone Else <else@example.com>
... Sent: Monday, January 23, 2012 1:00 PM
... Quoted reply, not kept.'''
>>> m = top_message(page)
>>> m.sender_name, m.sender_address, m.year, m.subject
('Valmoro, Lona J', 'ValmoroU@state.gov', 2012, 'Schedule')
>>> m.text
'MS -- is sitting down with the Senator tomorrow at 4:15 and asked to join.'
"""
from __future__ import annotations

import re
from typing import NamedTuple

HEADER = re.compile(r"^\s*(From|Sent|To|Cc|Subject|Attachments|Importance)(?:\s*:|\s{2,}|$)\s*(.*)$")
END_OF_MESSAGE = re.compile(r"^\s*(From|Sent)\s*:|^[\s_-]*Original Message|^\s*On .* wrote:\s*$", re.I)
RELEASE_LINE = re.compile(r"UNCLASSIFIED U\.?S\.? Department of State|Case No\. F-20\d\d|^\s*RELEASE IN\b|"
                          r"^\s*(PART|FULL)?\s*((B\d|1\.4\s*\(\w\))[\s,]*)+$|UNCLASSIFIED|^\s*(CONFIDENTIAL|SECRET)\s*$|"
                          r"Classified by|Reason:\s*1\.4|Declassify On", re.I)
CODES_AT_MARGIN = re.compile(r"\s{3,}((B\d|1\.4\s*\(\w\))[\s,]*)+$")
STATE_ADDRESS = re.compile(r"[\w.'-]+\s*[@\u00a9]\s*state\.go[vy]\b", re.I)


class Message(NamedTuple):
    sender_name: str
    sender_address: str
    year: int | None
    subject: str
    text: str


def _clean(line: str) -> str:
    """One line without exemption codes at its margin and without redaction gaps."""
    return re.sub(r"\s{2,}", " ", CODES_AT_MARGIN.sub("", line)).strip()


def top_message(page: str) -> Message | None:
    """The first message of a released e-mail, or None when it has no ``From:`` header or its
    sender writes from no ``state.gov`` address."""
    lines = [line for line in page.replace("\f", "\n").splitlines() if not RELEASE_LINE.search(line)]
    start = next((i for i, line in enumerate(lines) if (match := HEADER.match(line)) and match[1] == "From"), None)
    if start is None:
        return None
    headers, i = {}, start
    while i < len(lines) and (HEADER.match(lines[i]) or not lines[i].strip()) and i - start < 12:
        match = HEADER.match(lines[i])
        if match and match[1] not in headers:
            headers[match[1]] = _clean(match[2])
        elif match:
            break
        i += 1
    body = []
    while i < len(lines) and not END_OF_MESSAGE.match(lines[i]):
        body.append(_clean(lines[i]))
        i += 1
    address = STATE_ADDRESS.search(headers.get("From", ""))
    if not address:
        return None
    name = headers["From"][:address.start()].strip(" <\"'")
    year = re.search(r"\b(20[01]\d)\b", headers.get("Sent", ""))
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(body)).strip()
    return Message(name, re.sub(r"\s*[@\u00a9]\s*", "@", address[0]).replace(".goy", ".gov"),
                   int(year[1]) if year else None, headers.get("Subject", ""), text)
