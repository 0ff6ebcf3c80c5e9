"""``/healthz`` (liveness and database) and ``/metrics`` (Prometheus)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from service import accounts
from service.api.schemas import Health, Problem
from service.deps import StateDep
from vision import __version__

router = APIRouter(tags=["health"])


@router.get(
    "/healthz",
    response_model=Health,
    responses={503: {"model": Problem, "description": "Database unreachable"}},
)
def healthz(state: StateDep) -> Health:
    try:
        with state.sessions() as s:
            s.execute(text("SELECT 1"))
            single_user = not accounts.keys_configured(s)
    except Exception as exc:
        raise HTTPException(503, f"database unreachable: {type(exc).__name__}") from exc
    return Health(
        status="ok",
        version=__version__,
        database=state.engine.dialect.name,
        jobs=state.dispatcher.kind,
        single_user=single_user,
    )


@router.get(
    "/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}}
)
def metrics(request: Request) -> Response:
    """Prometheus text format: jobs by status, analysis duration histogram."""
    return Response(
        generate_latest(request.app.state.metrics_registry), media_type=CONTENT_TYPE_LATEST
    )
