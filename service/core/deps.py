"""FastAPI dependencies: the app's state, a database session per request, the caller (their
organisation and key, from the API key)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Protocol

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.core import accounts
from service.core.settings import Settings
from service.core.store import Organisation


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


bearer_scheme = HTTPBearer(auto_error=False, description="An API key from `retrogait keys create`.")
key_header_scheme = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="Same key, as header."
)

# Who acted, in the audit trail, when no key was needed (a single-user server).
LOCAL_CALLER = "local"


@dataclass(frozen=True)
class Caller:
    """Who is asking: their organisation, the prefix of the key they used (``local`` on a
    single-user server) and the client's address (None when unknown)."""

    org: Organisation
    key_prefix: str
    client: str | None


def resolve_caller(
    state: AppState, session: Session, key: str | None, client: str | None
) -> Caller:
    """The caller for ``key`` (None: no key sent), or 401.

    A key, when sent, must be active even on a single-user server. Without one, the request
    belongs to the single-user organisation only while :func:`accounts.auth_required` says so,
    which is decided afresh at every request.
    """
    if key:
        row = accounts.active_key(session, key)
        if row is None:
            raise HTTPException(401, "unknown or revoked API key")
        return Caller(row.organisation, row.prefix, client)
    if accounts.auth_required(state.settings, session):
        raise HTTPException(401, "API key required (Authorization: Bearer <key>)")
    org = accounts.get_or_create_org(session, accounts.LOCAL_ORG_NAME)
    session.commit()
    return Caller(org, LOCAL_CALLER, client)


def presented_key(
    bearer: HTTPAuthorizationCredentials | None, header_key: str | None
) -> str | None:
    """The key the request carries, in either header; 401 when the two headers disagree (which
    one was meant cannot be told)."""
    if bearer is not None and header_key and header_key != bearer.credentials:
        raise HTTPException(401, "two different API keys sent (Authorization and X-API-Key)")
    return bearer.credentials if bearer is not None else header_key


def current_caller(
    request: Request,
    state: Annotated[AppState, Depends(app_state)],
    session: Annotated[Session, Depends(db_session)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)] = None,
    header_key: Annotated[str | None, Security(key_header_scheme)] = None,
) -> Caller:
    """The caller of this request (kept on ``request.state.caller`` for the audit trail)."""
    client = request.client.host if request.client is not None else None
    caller = resolve_caller(state, session, presented_key(bearer, header_key), client)
    request.state.caller = caller
    return caller


def current_org(caller: Annotated[Caller, Depends(current_caller)]) -> Organisation:
    """The caller's organisation."""
    return caller.org


SessionDep = Annotated[Session, Depends(db_session)]
CallerDep = Annotated[Caller, Depends(current_caller)]
OrgDep = Annotated[Organisation, Depends(current_org)]
StateDep = Annotated[AppState, Depends(app_state)]
