"""The FastAPI application factory.

``create_app(settings)`` migrates the database (Alembic), builds the job dispatcher (local pool
or Celery) and mounts the routers and the web page. Workers start and stop with the app's
lifespan, so ``TestClient(app)`` used as a context manager runs jobs too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from service import migrations
from service.api import analyses, audit, batches, health, live, patients, uploads, visit_changes
from service.api.docs import mount_docs
from service.api.schemas import problem_responses
from service.core.deps import AppState, JobDispatcher
from service.core.http_extras import install_http_extras
from service.core.security_headers import SecurityHeaders
from service.core.settings import Settings
from service.core.store import make_engine, session_factory
from service.jobs.local_pool import LocalWorkerPool
from service.web import STATIC_DIR
from vision import __version__

log = logging.getLogger(__name__)


def _dispatcher(settings: Settings, state_sessions) -> JobDispatcher:  # noqa: ANN001
    if settings.broker_url:
        from service.jobs.celery_app import CeleryDispatcher

        return CeleryDispatcher(settings)
    return LocalWorkerPool(settings, state_sessions, settings.local_workers)


def _validation_message(exc: RequestValidationError) -> str:
    """FastAPI's list of errors as one sentence: errors are always {"detail": message}."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path"))
        parts.append(f"{loc}: {err.get('msg')}" if loc else str(err.get("msg")))
    return "; ".join(parts) or "invalid request"


def allowed_methods(request: Request) -> list[str]:
    """Every method the OpenAPI document gives the request's path (Starlette's 405 names only
    the methods of the first route that matched the path)."""
    methods: set[str] = set()
    for template, operations in request.app.openapi().get("paths", {}).items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, request.url.path):
            methods |= {m.upper() for m in operations}
    return sorted(methods)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    settings.ensure_dirs()
    uploads.remove_dead_uploads(settings.uploads_dir)
    migrations.upgrade(settings.sqlalchemy_url)
    engine = make_engine(settings)
    sessions = session_factory(engine)
    state = AppState(settings, engine, sessions, _dispatcher(settings, sessions))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        state.dispatcher.start()
        try:
            yield
        finally:
            state.dispatcher.stop()
            engine.dispose()

    app = FastAPI(
        title="retrogait",
        version=__version__,
        description="Gait and balance assessment of backward walking from video. "
        "A screening aid, not a diagnosis.",
        lifespan=lifespan,
        docs_url=None,  # served from installed assets by mount_docs, not from a CDN
        redoc_url=None,
    )
    app.state.retrogait = state
    app.add_middleware(SecurityHeaders)
    default_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = problem_responses(default_openapi())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    mount_docs(app)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_message(exc)}, status_code=422)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else jsonable_encoder(exc.detail)
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=headers)

    app.include_router(health.router)
    app.include_router(analyses.router)
    app.include_router(patients.router)
    app.include_router(audit.router)
    app.include_router(batches.router)
    app.include_router(live.router)
    app.include_router(visit_changes.router)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")

    @app.get("/clinic", include_in_schema=False)
    def clinic() -> FileResponse:
        return FileResponse(STATIC_DIR / "clinic.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_http_extras(app)
    return app
