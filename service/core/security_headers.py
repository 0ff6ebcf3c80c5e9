"""Security headers on every HTTP response (pure ASGI middleware: streaming responses and
WebSockets pass through untouched).

The pages load their scripts and styles from ``/static`` and ``/live/assets`` only, so scripts
are limited to the server's own files. Styles may be inline because the HTML report embeds its
stylesheet and plots; images and videos may come from ``data:`` and ``blob:`` URLs (report plots,
the upload page's preview of the chosen file). Objects are limited to the server's own and
``blob:`` URLs rather than none, because a browser shows a PDF report (opened directly, or by
the clinic page from a ``blob:`` URL) in a plugin document that this rule governs. The API
documentation pages start their viewers with an inline script, so only they may run one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; "
    "worker-src 'self' blob:; font-src 'self' data:; object-src 'self' blob:; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
DOCS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "script-src 'self';", "script-src 'self' 'unsafe-inline';"
)
DOCS_PATHS: tuple[str, ...] = ("/docs", "/redoc")

SECURITY_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=(), payment=()",
}


def policy_for(path: str) -> str:
    """The Content-Security-Policy for a request path."""
    docs = any(path == p or path.startswith(p + "/") for p in DOCS_PATHS)
    return DOCS_CONTENT_SECURITY_POLICY if docs else CONTENT_SECURITY_POLICY


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` and the path's Content-Security-Policy to every HTTP
    response; a header the route set itself is kept."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = {**SECURITY_HEADERS, "Content-Security-Policy": policy_for(scope["path"])}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in extra.items():
                    if name.lower().encode("latin-1") not in present:
                        headers.append((name.lower().encode("latin-1"), value.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
