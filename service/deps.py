"""FastAPI dependencies: the app's state, a database session per request, the caller's
organisation (from the API key)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Protocol

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from service import accounts
from service.settings import Settings
from service.store import Organisation


class JobDispatcher(Protocol):
    """Where new jobs go: the local pool or Celery."""

    kind: str

    def submit(self, analysis_id: str) -> None: ...

    def cancel(self, analysis_id: str) -> None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


@dataclass
class AppState:
    settings: Settings
    engine: Engine
    sessions: sessionmaker
    dispatcher: JobDispatcher


def app_state(request: Request) -> AppState:
    return request.app.state.retrogait


def db_session(state: Annotated[AppState, Depends(app_state)]) -> Iterator[Session]:
    with state.sessions() as session:
        yield session


_bearer = HTTPBearer(auto_error=False, description="An API key from `retrogait keys create`.")
_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="Same key, as header.")


def current_org(
    session: Annotated[Session, Depends(db_session)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
    header_key: Annotated[str | None, Security(_key_header)] = None,
) -> Organisation:
    """The caller's organisation. Without any key configured: the single-user organisation."""
    key = bearer.credentials if bearer is not None else header_key
    if key:
        org = accounts.org_for_key(session, key)
        if org is None:
            raise HTTPException(401, "unknown or revoked API key")
        return org
    if accounts.keys_configured(session):
        raise HTTPException(401, "API key required (Authorization: Bearer <key>)")
    org = accounts.get_or_create_org(session, accounts.LOCAL_ORG_NAME)
    session.commit()
    return org


SessionDep = Annotated[Session, Depends(db_session)]
OrgDep = Annotated[Organisation, Depends(current_org)]
StateDep = Annotated[AppState, Depends(app_state)]
