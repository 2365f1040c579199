"""What every response of the workbench carries, and what no request may exceed, before any route runs."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Pages are the workbench's own: no scripts, no frames, nothing from another origin.
HEADERS = [
    (b"content-security-policy",
     b"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]  # fmt: skip


class Limits:
    """ASGI middleware: security headers on every response; a request body over the cap is never read."""

    def __init__(self, app: ASGIApp, max_body: int, bench: Any) -> None:
        self.app, self.max_body, self.bench = app, max_body, bench

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        if scope["method"] == "POST":
            length = dict(scope["headers"]).get(b"content-length")
            refused = None
            if length is None or not length.isdigit():
                refused = 411
            elif int(length) > self.max_body:
                refused = 413
            if refused is not None:
                request = Request(scope, receive)
                limit = f"{self.max_body // (1024 * 1024)} MB"
                code = "YZ-WEB-012" if refused == 413 else "YZ-WEB-010"
                response = self.bench.message(request, None, code, refused, limit=limit)
                await response(scope, receive, send_with_headers)
                return
            receive = _capped(receive, int(length))
        await self.app(scope, receive, send_with_headers)


def _capped(receive: Receive, declared: int) -> Receive:
    """The body as received, cut off at its declared length (a client may not send more than it said)."""
    seen = 0

    async def read() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > declared:
                return {"type": "http.disconnect"}
        return message

    return read
