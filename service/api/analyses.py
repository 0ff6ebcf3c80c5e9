"""``/v1/analyses``: upload a video, follow the job, read the result, reports and overlay."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from service.api import uploads
from service.api.schemas import (
    PATIENT_CODE_PATTERN,
    AnalysisLinks,
    AnalysisList,
    AnalysisOptionsOut,
    AnalysisOut,
    AnalysisSummary,
    JobStatusName,
    Problem,
)
from service.api.upload_form import (
    UPLOAD_SCHEMA,
    UploadForm,
    form_options,
    form_patient,
    parse_form,
)
from service.core import audit
from service.core.deps import OrgDep, SessionDep, StateDep
from service.core.store import (
    Analysis,
    Patient,
    artefact_path,
    queue_analysis,
    remove_analysis_files,
)

router = APIRouter(prefix="/v1/analyses", tags=["analyses"])
log = logging.getLogger(__name__)

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Missing or unknown API key"},
    404: {"model": Problem, "description": "No such analysis for this organisation"},
}


def store_analysis(
    session: SessionDep,
    settings: Any,
    org: OrgDep,
    upload: uploads.ReceivedUpload,
    form: UploadForm,
    patient: Patient | None,
    batch_id: str | None = None,
) -> Analysis:
    """A queued analysis row for a checked upload, its video moved into the analysis
    directory. The caller commits (and removes the directory if that fails), then submits."""
    analysis = queue_analysis(
        session,
        settings,
        org_id=org.id,
        patient_id=patient.id if patient else None,
        visit_date=form.visit_date or date.today(),
        options=form_options(form, patient),
        video=upload.path,
        filename=upload.filename,
        size_bytes=upload.size_bytes,
        sha256=upload.sha256,
        batch_id=batch_id,
        move=True,
    )
    upload.temp_path = None
    return analysis


def send_jobs(state: StateDep, analysis_ids: list[str]) -> None:
    """Hand stored jobs to the runner. A broker that cannot be reached loses nothing: the jobs
    stay queued in the database and the job watchdog sends them once it is back."""
    for analysis_id in analysis_ids:
        try:
            state.dispatcher.submit(analysis_id)
        except Exception as exc:
            log.warning("job %s stays queued until the broker is back: %s", analysis_id, exc)
            return


def summary(a: Analysis) -> AnalysisSummary:
    r = a.result or {}
    m = r.get("metrics") or {}
    return AnalysisSummary(
        id=a.id,
        status=a.status,
        progress_pct=round(100 * a.progress, 1),
        patient_id=a.patient.code if a.patient else None,
        visit_date=a.visit_date,
        created_at=a.created_at,
        finished_at=a.finished_at,
        walk_direction=m.get("walk_direction"),
        step_count=m.get("step_count"),
        speed_mps=m.get("speed_mps"),
        cadence_spm=m.get("cadence_spm"),
        step_length_mean_m=(m.get("step_length_m") or {}).get("mean"),
        stride_time_sd_ms=m.get("stride_time_sd_ms"),
        trunk_flexion_max_deg=(m.get("trunk_flexion_deg") or {}).get("max"),
        test_3mbwt_s=m.get("test_3mbwt_s"),
        overall_score=(r.get("scores") or {}).get("overall"),
        fall_risk_level=(r.get("fall_risk") or {}).get("level"),
        scale_method=(r.get("scale") or {}).get("method"),
        batch_id=a.batch_id,
    )


def detail(a: Analysis) -> AnalysisOut:
    base = f"/v1/analyses/{a.id}"
    return AnalysisOut(
        id=a.id,
        status=a.status,
        progress_pct=round(100 * a.progress, 1),
        patient_id=a.patient.code if a.patient else None,
        visit_date=a.visit_date,
        options=AnalysisOptionsOut.model_validate(a.options or {}),
        video_filename=a.video_filename,
        video_bytes=a.video_bytes,
        content_sha256=a.content_sha256,
        created_at=a.created_at,
        started_at=a.started_at,
        finished_at=a.finished_at,
        analysis_s=a.analysis_s,
        attempts=a.attempts,
        error=a.error,
        artefacts=sorted(x.kind for x in a.artefacts),
        links=AnalysisLinks(
            self=base,
            report_html=f"{base}/report.html",
            report_pdf=f"{base}/report.pdf",
            overlay_mp4=f"{base}/overlay.mp4",
        ),
        result=a.result if a.status == "done" else None,
    )


def owned_analysis(session: SessionDep, org: OrgDep, analysis_id: str) -> Analysis:
    a = session.get(Analysis, analysis_id)
    if a is None or a.org_id != org.id:  # another organisation's id looks exactly like none
        raise HTTPException(404, f"no analysis {analysis_id}")
    return a


@router.post(
    "",
    status_code=202,
    response_model=AnalysisOut,
    openapi_extra=UPLOAD_SCHEMA,
    responses={
        **ERRORS,
        413: {"model": Problem, "description": "Video too large or too long"},
        415: {"model": Problem, "description": "Not a usable video"},
        422: {"model": Problem, "description": "Invalid option"},
    },
)
async def create_analysis(request: Request, state: StateDep, session: SessionDep, org: OrgDep):
    """Upload a video (field ``video``) with options; the analysis runs in the background.

    Answers 202 with the new analysis (status ``queued``); poll ``GET /v1/analyses/{id}``.
    """
    settings = state.settings
    try:
        upload = await uploads.receive_upload(
            request, settings.uploads_dir, settings.max_upload_bytes
        )
    except uploads.UploadRefused as exc:
        raise HTTPException(exc.status_code, exc.detail) from exc
    try:
        form = parse_form(upload.fields)
        patient = form_patient(session, org, form)
        try:
            await run_in_threadpool(
                uploads.check_video, upload.path, settings.max_duration_s, upload.filename
            )
        except uploads.UploadRefused as exc:
            raise HTTPException(exc.status_code, exc.detail) from exc
        analysis = store_analysis(session, settings, org, upload, form, patient)
        try:
            session.commit()
        except Exception:
            remove_analysis_files(settings, analysis.id)
            raise
    finally:
        upload.discard()
    session.refresh(analysis)
    send_jobs(state, [analysis.id])
    return detail(analysis)


@router.get("", response_model=AnalysisList, responses=ERRORS)
def list_analyses(
    request: Request,
    session: SessionDep,
    org: OrgDep,
    status: JobStatusName | None = None,
    patient_id: str | None = Query(None, pattern=PATIENT_CODE_PATTERN),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=2**31 - 1),
) -> AnalysisList:
    """This organisation's analyses, newest first."""
    q = select(Analysis).where(Analysis.org_id == org.id)
    if status:
        q = q.where(Analysis.status == status)
    if patient_id:
        q = q.join(Patient, Patient.id == Analysis.patient_id).where(Patient.code == patient_id)
    total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
    page = q.order_by(Analysis.created_at.desc()).limit(limit).offset(offset)
    # Each summary names its patient: one query for the page's patients, not one per row.
    items = [summary(a) for a in session.scalars(page.options(selectinload(Analysis.patient)))]
    audit.record_now(session, request, "list", "analysis", patient_id, f"{len(items)} analyses")
    return AnalysisList(items=items, total=total)


@router.get("/{analysis_id}", response_model=AnalysisOut, responses=ERRORS)
def get_analysis(
    analysis_id: str, request: Request, session: SessionDep, org: OrgDep
) -> AnalysisOut:
    """Status, progress and, once done, the result document."""
    out = detail(owned_analysis(session, org, analysis_id))
    audit.record_now(session, request, "read", "analysis", analysis_id)
    return out


@router.delete("/{analysis_id}", status_code=204, responses=ERRORS)
def delete_analysis(
    analysis_id: str, request: Request, state: StateDep, session: SessionDep, org: OrgDep
) -> Response:
    """Delete the analysis, its video and every artefact (a running job is stopped)."""
    a = owned_analysis(session, org, analysis_id)
    audit.record(session, request, "delete", "analysis", analysis_id)
    session.delete(a)
    session.commit()
    state.dispatcher.cancel(analysis_id)
    remove_analysis_files(state.settings, analysis_id)
    return Response(status_code=204)


def visit_document(a: Analysis) -> dict[str, Any]:
    """The result document with the visit details reports show (``extras.visit``)."""
    if a.status != "done" or a.result is None:
        raise HTTPException(409, f"analysis {a.id} is {a.status}; the report needs a result")
    doc = dict(a.result)
    visit = {
        "date": a.visit_date.isoformat() if a.visit_date else None,
        "recording": a.video_filename,
        "analysis_id": a.id,
        "protocol": (a.options or {}).get("protocol"),
        "population": (a.options or {}).get("population"),
    }
    doc["extras"] = {**(doc.get("extras") or {}), "visit": visit}
    return doc


def _report(
    kind: str, analysis_id: str, request: Request, session: SessionDep, org: OrgDep
) -> str | bytes:
    a = owned_analysis(session, org, analysis_id)
    visits = [visit_document(a)]
    patient: dict[str, Any] | None = None
    if a.patient is not None:
        patient = {"id": a.patient.code, "height_cm": a.patient.height_cm}
        earlier = session.scalars(
            select(Analysis)
            .where(
                Analysis.patient_id == a.patient_id,
                Analysis.status == "done",
                Analysis.id != a.id,
                Analysis.created_at <= a.created_at,
            )
            .order_by(Analysis.visit_date, Analysis.created_at)
        )
        visits = [visit_document(x) for x in earlier] + visits
    # Imported here: the renderers load matplotlib and fpdf2, which only a report needs.
    from service.reports.render import render_html, render_pdf

    report = (
        render_html(visits, patient=patient)
        if kind == "html"
        else render_pdf(visits, patient=patient)
    )
    audit.record_now(session, request, "export", "analysis", analysis_id, f"report.{kind}")
    return report


_REPORT_ERRORS = {
    **ERRORS,
    409: {"model": Problem, "description": "Analysis not done"},
}


@router.get("/{analysis_id}/report.html", response_class=HTMLResponse, responses=_REPORT_ERRORS)
def report_html(
    analysis_id: str, request: Request, session: SessionDep, org: OrgDep
) -> HTMLResponse:
    """The report as a web page (with the patient's earlier visits when linked to a patient)."""
    return HTMLResponse(_report("html", analysis_id, request, session, org))


@router.get(
    "/{analysis_id}/report.pdf",
    response_class=Response,
    responses={**_REPORT_ERRORS, 200: {"content": {"application/pdf": {}}}},
)
def report_pdf(analysis_id: str, request: Request, session: SessionDep, org: OrgDep) -> Response:
    """The report as PDF."""
    pdf = _report("pdf", analysis_id, request, session, org)
    disposition = f'inline; filename="{analysis_id}.pdf"'
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": disposition})


@router.get(
    "/{analysis_id}/overlay.mp4",
    response_class=FileResponse,
    responses={
        **ERRORS,
        409: {"model": Problem, "description": "No overlay (yet)"},
        200: {"content": {"video/mp4": {}}},
    },
)
def overlay_video(
    analysis_id: str, request: Request, state: StateDep, session: SessionDep, org: OrgDep
) -> FileResponse:
    """The video with the skeleton, events and cues drawn on it (written after the analysis)."""
    a = owned_analysis(session, org, analysis_id)
    art = next((x for x in a.artefacts if x.kind == "overlay"), None)
    if art is None or not artefact_path(state.settings, art).is_file():
        raise HTTPException(409, f"analysis {a.id} has no overlay video ({a.status})")
    path = artefact_path(state.settings, art)
    audit.record_now(session, request, "export", "analysis", analysis_id, "overlay.mp4")
    return FileResponse(path, media_type="video/mp4")
