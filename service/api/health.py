"""``/healthz`` (liveness and database) and ``/metrics`` (Prometheus)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, Security
from fastapi.security import HTTPAuthorizationCredentials
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from service.api.schemas import Health, Problem
from service.core import accounts
from service.core.deps import (
    LOCAL_CALLER,
    StateDep,
    bearer_scheme,
    key_header_scheme,
    presented_key,
    resolve_caller,
)
from service.core.metrics import make_registry
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
            single_user = not accounts.auth_required(state.settings, s)
    except Exception as exc:
        raise HTTPException(503, f"database unreachable: {type(exc).__name__}") from exc
    return Health(
        status="ok",
        version=__version__,
        database=state.engine.dialect.name,
        jobs=state.dispatcher.kind,
        single_user=single_user,
    )


def _scrape_scope(
    request: Request,
    state: StateDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)] = None,
    header_key: Annotated[str | None, Security(key_header_scheme)] = None,
) -> int | None:
    """Whose jobs a scrape may see: every organisation's (None) for the configured metrics
    token or on a single-user server, else the caller's own organisation (its id)."""
    key = presented_key(bearer, header_key)
    token = state.settings.metrics_token
    if (
        key
        and token is not None
        and secrets.compare_digest(key.encode(), token.get_secret_value().encode())
    ):
        return None
    client = request.client.host if request.client is not None else None
    with state.sessions() as session:
        caller = resolve_caller(state, session, key, client)
        single_user = caller.key_prefix == LOCAL_CALLER
        return None if single_user else caller.org.id


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {"content": {CONTENT_TYPE_LATEST: {}}},
        401: {"model": Problem, "description": "Missing or unknown API key or metrics token"},
    },
)
def metrics(state: StateDep, org_id: Annotated[int | None, Depends(_scrape_scope)]) -> Response:
    """Prometheus text format: jobs by status, analysis duration histogram. With keys in use it
    needs one (the caller's organisation only) or ``RETROGAIT_METRICS_TOKEN`` (all of them)."""
    return Response(
        generate_latest(make_registry(state.sessions, org_id)), media_type=CONTENT_TYPE_LATEST
    )
