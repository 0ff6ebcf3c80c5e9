"""The FastAPI application factory.

``create_app(settings)`` migrates the database (Alembic), builds the job dispatcher (local pool
or Celery) and mounts the routers and the web page. Workers start and stop with the app's
lifespan, so ``TestClient(app)`` used as a context manager runs jobs too.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from service import migrations
from service.api import analyses, health, patients
from service.api.docs import mount_docs
from service.deps import AppState, JobDispatcher
from service.http_extras import install_http_extras
from service.local_pool import LocalWorkerPool
from service.metrics import make_registry
from service.settings import Settings
from service.store import make_engine, session_factory
from vision import __version__

log = logging.getLogger(__name__)
WEB_DIR = Path(__file__).resolve().parent / "web"


def _dispatcher(settings: Settings, state_sessions) -> JobDispatcher:  # noqa: ANN001
    if settings.broker_url:
        from service.celery_app import CeleryDispatcher

        return CeleryDispatcher(settings)
    return LocalWorkerPool(settings, state_sessions, settings.local_workers)


def _validation_message(exc: RequestValidationError) -> str:
    """FastAPI's list of errors as one sentence: errors are always {"detail": message}."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path"))
        parts.append(f"{loc}: {err.get('msg')}" if loc else str(err.get("msg")))
    return "; ".join(parts) or "invalid request"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    settings.ensure_dirs()
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
    app.state.metrics_registry = make_registry(sessions)
    mount_docs(app)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_message(exc)}, status_code=422)

    @app.exception_handler(HTTPException)
    async def _http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else jsonable_encoder(exc.detail)
        return JSONResponse(
            {"detail": detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None)
        )

    app.include_router(health.router)
    app.include_router(analyses.router)
    app.include_router(patients.router)
    for optional in ("service.api.batches", "service.api.live", "service.api.visit_changes"):
        try:
            module = importlib.import_module(optional)
        except ModuleNotFoundError as exc:
            if exc.name != optional:
                raise
            continue
        app.include_router(module.router)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html", media_type="text/html")

    @app.get("/clinic", include_in_schema=False)
    def clinic() -> FileResponse:
        return FileResponse(WEB_DIR / "clinic.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
    install_http_extras(app)
    return app
