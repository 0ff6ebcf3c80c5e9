"""``/v1/patients/{id}/changes``: how a patient's key metrics changed from the first visit date to
the last, judged against the smallest real change (published MDC or SRD for the condition, else
the two walks' measured repeatability, else a stated design choice), so that the clinic page can
draw that band and read a change inside it as no change."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from service.api.analyses import ERRORS
from service.api.patients import PatientCode, owned_patient
from service.api.schemas import Problem
from service.core import audit
from service.core.deps import OrgDep, SessionDep
from service.core.store import Analysis
from vision.assess import CONDITIONS, compare_visits
from vision.result import result_from_dict

router = APIRouter(prefix="/v1/patients", tags=["patients"])
_ERRORS = {
    **ERRORS,
    404: {"model": Problem, "description": "No such patient for this organisation"},
    422: {"model": Problem, "description": "Unknown condition"},
}


class MetricChangeOut(BaseModel):
    metric: str = Field(description="Key in the result's metrics (dotted for nested values).")
    unit: str
    earlier: float | None
    later: float | None
    change: float | None = Field(description="later - earlier, in unit")
    threshold: float | None = Field(description="Smallest real change, in unit.")
    threshold_kind: str
    source: str
    verdict: Literal["real change", "within measurement noise", "not comparable"]
    direction: Literal["better", "worse"] | None = None
    note: str = ""


class VisitChangesOut(BaseModel):
    condition: str
    earlier_date: dt.date | None = Field(description="Visit date of the earlier analysis.")
    later_date: dt.date | None
    changes: list[MetricChangeOut] = Field(
        description="Empty until the patient has scored analyses of two visit dates."
    )
    notes: list[str] = []


@router.get("/{patient_id}/changes", response_model=VisitChangesOut, responses=_ERRORS)
def visit_changes(
    request: Request,
    session: SessionDep,
    org: OrgDep,
    patient_id: str = PatientCode,
    condition: str = Query(
        "general",
        description="Picks the published MDCs: " + ", ".join(CONDITIONS),
        json_schema_extra={"enum": list(CONDITIONS)},
    ),
) -> VisitChangesOut:
    """First visit date against the last: each key metric's change and its smallest real change."""
    if condition not in CONDITIONS:
        raise HTTPException(422, f"unknown condition {condition!r}; known: {', '.join(CONDITIONS)}")
    p = owned_patient(session, org, patient_id)
    audit.record_now(session, request, "read", "patient", patient_id, "changes")
    done = [
        a
        for a in session.scalars(
            select(Analysis)
            .where(Analysis.patient_id == p.id, Analysis.status == "done")
            .order_by(Analysis.visit_date, Analysis.created_at)
        )
        if a.result
    ]
    dates = {a.visit_date or a.created_at.date() for a in done}
    if len(dates) < 2:
        note = "a change needs scored recordings of two visit dates"
        return VisitChangesOut(
            condition=condition, earlier_date=None, later_date=None, changes=[], notes=[note]
        )
    first, last = done[0], done[-1]
    assert first.result is not None and last.result is not None  # `done` keeps only results
    change = compare_visits(
        result_from_dict(first.result), result_from_dict(last.result), condition
    )
    return VisitChangesOut(
        condition=condition,
        earlier_date=first.visit_date or first.created_at.date(),
        later_date=last.visit_date or last.created_at.date(),
        changes=[MetricChangeOut(**c) for c in change.to_dict()["changes"]],
        notes=change.notes,
    )
