"""Small HTTP courtesies every page and route owes a client: HEAD wherever GET is allowed (link
checkers and proxies probe with it) and a favicon (browsers ask for one on every page)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import FileResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.web import STATIC_DIR

FAVICON = STATIC_DIR / "favicon.svg"


class HeadAsGet:
    """Answer ``HEAD`` as the matching ``GET`` would, headers only (RFC 9110 9.3.2): FastAPI's
    routes accept only the methods they name, so a HEAD would otherwise be refused (405)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def install_http_extras(app: FastAPI) -> None:
    """HEAD on every GET route and ``/favicon.ico``."""

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(FAVICON, media_type="image/svg+xml")

    app.add_middleware(HeadAsGet)
