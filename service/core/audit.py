"""The audit trail: who read, exported or deleted an organisation's analyses and patients.

Entries are added in the same transaction as what they record (a delete and its entry commit
together, or neither does) and never changed afterwards; the table refuses updates and deletes.
They name things by id or pseudonymous code only, never by their health data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fastapi import Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.core.store import AuditEntry

AuditAction = Literal["read", "list", "export", "delete"]
AuditResource = Literal["analysis", "patient", "batch"]


@dataclass(frozen=True)
class AuditQuery:
    """Which entries to list: an organisation's, newest first, optionally about one resource.

    Attributes:
        org_id: the organisation whose entries these are.
        resource: only entries about this kind of resource (None: every kind).
        resource_id: only entries about this analysis id or patient code (None: any).
        limit: entries per page.
        offset: entries skipped.
    """

    org_id: int
    resource: str | None = None
    resource_id: str | None = None
    limit: int = 100
    offset: int = 0


def record(
    session: Session,
    request: Request,
    action: AuditAction,
    resource: AuditResource,
    resource_id: str | None = None,
    detail: str = "",
) -> None:
    """Add an entry for the caller of ``request`` (set by the auth dependency). The caller
    commits, with the change the entry records when there is one."""
    caller = request.state.caller
    session.add(
        AuditEntry(
            org_id=caller.org.id,
            key_prefix=caller.key_prefix,
            action=action,
            resource=resource,
            resource_id=resource_id,
            detail=detail,
            client=caller.client,
        )
    )


def record_now(
    session: Session,
    request: Request,
    action: AuditAction,
    resource: AuditResource,
    resource_id: str | None = None,
    detail: str = "",
) -> None:
    """:func:`record` and commit (reads and exports change nothing else)."""
    record(session, request, action, resource, resource_id, detail)
    session.commit()


def entries(session: Session, query: AuditQuery) -> tuple[list[AuditEntry], int]:
    """One page of entries matching ``query`` and how many match in all."""
    q = select(AuditEntry).where(AuditEntry.org_id == query.org_id)
    if query.resource is not None:
        q = q.where(AuditEntry.resource == query.resource)
    if query.resource_id is not None:
        q = q.where(AuditEntry.resource_id == query.resource_id)
    total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
    page = q.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    return list(session.scalars(page.limit(query.limit).offset(query.offset))), total
