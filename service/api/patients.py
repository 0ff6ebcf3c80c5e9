"""``/v1/patients``: pseudonymous patients (code, height, notes) and their analyses over time."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from service.api.analyses import ERRORS, summary
from service.api.schemas import (
    PATIENT_CODE_PATTERN,
    PatientDetail,
    PatientIn,
    PatientList,
    PatientOut,
    PatientPatch,
    Problem,
)
from service.core import audit
from service.core.deps import OrgDep, SessionDep, StateDep
from service.core.store import Analysis, Patient, remove_analysis_files

router = APIRouter(prefix="/v1/patients", tags=["patients"])

PatientCode = Path(pattern=PATIENT_CODE_PATTERN, description="The patient's pseudonymous code.")
_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    404: {"model": Problem, "description": "No such patient for this organisation"},
}


def _count(session: SessionDep, patient: Patient) -> int:
    return session.scalar(select(func.count()).where(Analysis.patient_id == patient.id)) or 0


def _out(session: SessionDep, p: Patient) -> PatientOut:
    return PatientOut(
        id=p.code,
        height_cm=p.height_cm,
        notes=p.notes,
        created_at=p.created_at,
        updated_at=p.updated_at,
        analysis_count=_count(session, p),
    )


def owned_patient(session: SessionDep, org: OrgDep, code: str) -> Patient:
    p = session.scalar(select(Patient).where(Patient.org_id == org.id, Patient.code == code))
    if p is None:
        raise HTTPException(404, f"no patient {code}")
    return p


@router.post(
    "",
    status_code=201,
    response_model=PatientOut,
    responses={**_ERRORS, 409: {"model": Problem, "description": "Code already used"}},
)
def create_patient(body: PatientIn, session: SessionDep, org: OrgDep) -> PatientOut:
    """Register a patient under a pseudonymous code (never a name)."""
    code = body.id or f"P-{secrets.token_hex(4).upper()}"
    p = Patient(org_id=org.id, code=code, height_cm=body.height_cm, notes=body.notes)
    session.add(p)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise HTTPException(409, f"patient {code} already exists") from None
    return _out(session, p)


@router.get("", response_model=PatientList, responses=ERRORS)
def list_patients(
    request: Request,
    session: SessionDep,
    org: OrgDep,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=2**31 - 1),
) -> PatientList:
    q = select(Patient).where(Patient.org_id == org.id)
    total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
    rows = session.scalars(q.order_by(Patient.code).limit(limit).offset(offset))
    items = [_out(session, p) for p in rows]
    audit.record_now(session, request, "list", "patient", None, f"{len(items)} patients")
    return PatientList(items=items, total=total)


@router.get("/{patient_id}", response_model=PatientDetail, responses=_ERRORS)
def get_patient(
    request: Request, session: SessionDep, org: OrgDep, patient_id: str = PatientCode
) -> PatientDetail:
    """The patient and their analyses, oldest visit first (to follow them over visits)."""
    p = owned_patient(session, org, patient_id)
    rows = session.scalars(
        select(Analysis)
        .where(Analysis.patient_id == p.id)
        .order_by(Analysis.visit_date, Analysis.created_at)
    )
    out = PatientDetail(**_out(session, p).model_dump(), analyses=[summary(a) for a in rows])
    audit.record_now(session, request, "read", "patient", patient_id)
    return out


@router.patch("/{patient_id}", response_model=PatientOut, responses=_ERRORS)
def update_patient(
    body: PatientPatch, session: SessionDep, org: OrgDep, patient_id: str = PatientCode
) -> PatientOut:
    """Change height or notes (fields left out stay as they are)."""
    p = owned_patient(session, org, patient_id)
    for name, value in body.model_dump(exclude_unset=True).items():
        if name == "notes" and value is None:
            value = ""
        setattr(p, name, value)
    session.commit()
    return _out(session, p)


@router.delete(
    "/{patient_id}",
    status_code=204,
    responses={**_ERRORS, 409: {"model": Problem, "description": "Patient has analyses"}},
)
def delete_patient(
    request: Request,
    state: StateDep,
    session: SessionDep,
    org: OrgDep,
    patient_id: str = PatientCode,
    with_analyses: bool = Query(False, description="Also delete their analyses and videos."),
) -> Response:
    """Delete a patient; with ``with_analyses=true`` also every analysis and file of theirs."""
    p = owned_patient(session, org, patient_id)
    ids = list(session.scalars(select(Analysis.id).where(Analysis.patient_id == p.id)))
    if ids and not with_analyses:
        raise HTTPException(
            409,
            f"patient {patient_id} has {len(ids)} analyses; delete them or pass with_analyses=true",
        )
    for a in session.scalars(select(Analysis).where(Analysis.id.in_(ids))):
        audit.record(session, request, "delete", "analysis", a.id, f"with patient {patient_id}")
        session.delete(a)
    audit.record(session, request, "delete", "patient", patient_id)
    session.delete(p)
    session.commit()
    for analysis_id in ids:
        state.dispatcher.cancel(analysis_id)
        remove_analysis_files(state.settings, analysis_id)
    return Response(status_code=204)
