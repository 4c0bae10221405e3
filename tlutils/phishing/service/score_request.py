"""What ``POST /score`` accepts: checks on the raw request, each failure one sentence and a status.

The scoring server (:mod:`tlutils.phishing.service.server`) reads the body itself instead of letting
FastAPI parse it, so that every kind of bad input gets its own status and one clear sentence
(FastAPI's default is a list of pydantic errors). The order of the checks is the order a reader
would look: content type, size, encoding, JSON, fields.

>>> fields = parse_score_body(b'{"subject": "Hi", "sender": "a@b.example", "text": "Hello"}',
...                           "application/json", max_chars=1000)
>>> fields.model_dump()
{'subject': 'Hi', 'sender': 'a@b.example', 'html': None, 'text': 'Hello'}
>>> parse_score_body(b'{"subject": "Hi"}', "application/json", max_chars=1000)
Traceback (most recent call last):
...
tlutils.phishing.service.score_request.BadRequest: 422: The request lacks the field 'sender'; send subject, sender and html or text.
"""
from __future__ import annotations

import json
import re

import pydantic

FIELDS = "subject, sender and html or text"
UTF8_MAX_BYTES_PER_CHAR = 4
LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # json.loads joins escaped pairs, so any left is alone


class BadRequest(Exception):
    """A request the server refuses: an HTTP status and one sentence for ``{"detail": ...}``."""

    def __init__(self, status: int, detail: str):
        super().__init__(f"{status}: {detail}")
        self.status, self.detail = status, detail


class ScoreRequest(pydantic.BaseModel):
    """The e-mail to score: subject, sender (as the mail client shows it), and its HTML or text body."""

    model_config = pydantic.ConfigDict(extra="forbid", strict=True)
    subject: str
    sender: str
    html: str | None = None
    text: str | None = None


def check_content_type(content_type: str | None) -> None:
    """Only JSON in UTF-8 is accepted (415 otherwise).

    Insisting on ``application/json`` also keeps web pages out: a cross-origin page can send
    ``text/plain`` without asking first, but JSON needs a CORS preflight, which only the
    extension's origin passes.
    """
    media_type, _, params = (content_type or "").partition(";")
    if media_type.strip().lower() != "application/json":
        raise BadRequest(415, f"Send the e-mail as JSON with 'Content-Type: application/json' "
                              f"(got {content_type or 'no content type'!r}).")
    charset = params.strip().lower().removeprefix("charset=").strip('"')
    if params.strip() and charset not in ("utf-8", "utf8"):
        raise BadRequest(415, f"Send the JSON in UTF-8 (got {params.strip()!r}).")


def byte_limit(max_chars: int) -> int:
    """The most bytes a body of ``max_chars`` characters can take in UTF-8 (read no more)."""
    return max_chars * UTF8_MAX_BYTES_PER_CHAR


def too_large(max_chars: int) -> BadRequest:
    """The 413 answer for a body over the limit."""
    return BadRequest(413, f"The request is larger than the server's limit of {max_chars:,} characters "
                           "(e-mails are scored up to 1 MB of HTML with their plain-text part); "
                           "send a shorter e-mail.")


def decode_json(body: bytes, max_chars: int) -> object:
    """The JSON value in ``body``: empty, oversized, non-UTF-8 and malformed bodies are refused."""
    if not body.strip():
        raise BadRequest(400, f"The request body is empty; send a JSON object with {FIELDS}.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest(400, f"The request body is not valid UTF-8 (byte {error.start}).") from None
    if len(text) > max_chars:
        raise too_large(max_chars)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise BadRequest(400, f"The request body is not valid JSON ({error.msg} at line {error.lineno}, "
                              f"column {error.colno}).") from None
    except RecursionError:
        raise BadRequest(400, "The request body nests JSON arrays or objects too deeply; "
                              f"send one flat object with {FIELDS}.") from None
    except ValueError:  # Python refuses to read integers of more than 4,300 digits
        raise BadRequest(400, "The request body holds a number too long to read; "
                              f"send one object with {FIELDS}, all strings.") from None


def explain(error: pydantic.ValidationError) -> str:
    """One sentence for the first problem pydantic found in the fields."""
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"])
    kind = first["type"]
    if kind == "missing":
        return f"The request lacks the field '{field}'; send {FIELDS}."
    if kind == "extra_forbidden":
        return f"The request has an unknown field '{field}'; send only subject, sender, html and text."
    if kind == "model_type":
        return f"The request body must be a JSON object with {FIELDS}."
    if kind == "string_type":
        return f"The field '{field}' must be a string."
    return f"The field '{field}' is not valid: {first['msg']}."


def without_lone_surrogates(fields: ScoreRequest) -> ScoreRequest:
    """``fields`` with each lone UTF-16 surrogate (JSON allows ``"\\ud800"`` alone, UTF-8 cannot
    hold it) replaced by U+FFFD, as a browser does when it reads such a string.

    >>> without_lone_surrogates(ScoreRequest(subject="a\\ud800b", sender="s", text="t")).subject
    'a\ufffdb'
    """
    return fields.model_copy(update={name: LONE_SURROGATE.sub("\ufffd", value)
                                     for name, value in fields.model_dump().items() if isinstance(value, str)})


def validate_fields(value: object) -> ScoreRequest:
    """The request's fields, checked: subject and sender, and at least one non-empty body."""
    try:
        fields = without_lone_surrogates(ScoreRequest.model_validate(value))
    except pydantic.ValidationError as error:
        raise BadRequest(422, explain(error)) from None
    if not (fields.html or "").strip() and not (fields.text or "").strip():
        raise BadRequest(422, "The request has no body; send the e-mail's 'html' or 'text' (or both).")
    return fields


def parse_score_body(body: bytes, content_type: str | None, *, max_chars: int) -> ScoreRequest:
    """Every check of a ``POST /score`` request, in order; raises :class:`BadRequest`."""
    check_content_type(content_type)
    if len(body) > byte_limit(max_chars):
        raise too_large(max_chars)
    return validate_fields(decode_json(body, max_chars))
