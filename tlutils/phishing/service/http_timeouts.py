"""A deadline for a request's headers, which uvicorn does not have: a connection that has not sent
a complete request line and headers within :data:`HEADER_SECONDS` is closed.

Without it a client that sends its headers slowly, or not at all, holds a connection open forever
(the "slowloris" pattern; uvicorn's ``timeout_keep_alive`` only starts after a first answer).
The body has its own deadline, in the server's ``read_body``.

>>> protocol = header_deadline_protocol(2.5)
>>> protocol.header_seconds, protocol.__name__
(2.5, 'HeaderDeadlineProtocol')
"""
from __future__ import annotations

import asyncio

from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_SECONDS = 10.0  # a browser or curl sends its headers within milliseconds


class HeaderDeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing connections whose next request's headers are late.

    The deadline starts when the connection opens and again after each answer; it is met once a
    request is being served (uvicorn then has its headers).
    """

    header_seconds = HEADER_SECONDS
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._start_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        super().connection_lost(exc)

    def _start_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = self.loop.call_later(self.header_seconds, self._deadline_passed)

    def _deadline_passed(self) -> None:
        serving = self.cycle is not None and not self.cycle.response_complete
        if not serving and not self.transport.is_closing():
            self.transport.close()


def header_deadline_protocol(seconds: float = HEADER_SECONDS) -> type[HeaderDeadlineProtocol]:
    """:class:`HeaderDeadlineProtocol` with another deadline (uvicorn takes a class, not an object)."""
    return type("HeaderDeadlineProtocol", (HeaderDeadlineProtocol,), {"header_seconds": seconds})
