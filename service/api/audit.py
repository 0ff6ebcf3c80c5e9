"""``/v1/audit``: an organisation's own audit trail (reads, exports, deletes of its records)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query

from service.api.analyses import ERRORS
from service.api.schemas import AuditEntryOut, AuditList
from service.core import audit
from service.core.deps import OrgDep, SessionDep

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("", response_model=AuditList, responses={401: ERRORS[401]})
def list_audit(
    session: SessionDep,
    org: OrgDep,
    resource: Literal["analysis", "patient", "batch"] | None = None,
    resource_id: str | None = Query(None, max_length=64),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=2**31 - 1),
) -> AuditList:
    """Who read, exported or deleted this organisation's analyses and patients, newest first.
    Entries outlive what they name (a deleted patient's entries stay, with its code only)."""
    query = audit.AuditQuery(org.id, resource, resource_id, limit, offset)
    rows, total = audit.entries(session, query)
    return AuditList(
        items=[
            AuditEntryOut(
                at=e.at,
                key_prefix=e.key_prefix,
                action=e.action,
                resource=e.resource,
                resource_id=e.resource_id,
                detail=e.detail,
                client=e.client,
            )
            for e in rows
        ],
        total=total,
    )
