"""``/v1/batches``: several recordings of a patient uploaded at once, followed as one batch.

Each accepted file becomes an ordinary analysis (same options, same job queue) that points to
its batch; a file that is not a video, too large or too long is refused on its own, with its
reason, and the others go on.
"""

from __future__ import annotations

import copy
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select

from service.api import uploads
from service.api.analyses import ERRORS, send_jobs, store_analysis
from service.api.schemas import AnalysisOptionsOut, BatchCounts, BatchFile, BatchOut, Problem
from service.api.upload_form import UPLOAD_SCHEMA, form_options, form_patient, parse_form
from service.core import audit
from service.core.deps import OrgDep, SessionDep, StateDep
from service.core.store import Analysis, Batch, remove_analysis_files

router = APIRouter(prefix="/v1/batches", tags=["batches"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    404: {"model": Problem, "description": "No such batch for this organisation"},
}


def _batch_upload_schema() -> dict[str, Any]:
    """The single upload's form, with ``videos`` (one or more files) instead of ``video``."""
    schema = copy.deepcopy(UPLOAD_SCHEMA)
    form = schema["requestBody"]["content"]["multipart/form-data"]["schema"]
    del form["properties"]["video"]
    # One part or several: in multipart form a single file and a list of one look the same.
    form["properties"]["videos"] = {
        "oneOf": [
            {"type": "string", "format": "binary"},
            {"type": "array", "items": {"type": "string", "format": "binary"}, "minItems": 2},
        ],
        "description": "The recordings, one multipart part named 'videos' each.",
    }
    form["required"] = ["videos"]
    return schema


def batch_out(batch: Batch, analyses: list[Analysis]) -> BatchOut:
    files = [
        BatchFile(
            filename=a.video_filename,
            status=a.status,
            analysis_id=a.id,
            progress_pct=100.0 if a.status in ("done", "failed") else round(100 * a.progress, 1),
            error=a.error,
        )
        for a in analyses
    ]
    files += [
        BatchFile(
            filename=r["filename"],
            status="refused",
            progress_pct=0.0,
            error=r["detail"],
            status_code=r["status_code"],
        )
        for r in batch.refused or []
    ]
    counts = BatchCounts()
    for f in files:
        setattr(counts, f.status, getattr(counts, f.status) + 1)
    accepted = [f.progress_pct for f in files if f.status != "refused"]
    return BatchOut(
        id=batch.id,
        patient_id=batch.patient.code if batch.patient else None,
        created_at=batch.created_at,
        options=AnalysisOptionsOut.model_validate(batch.options or {}),
        counts=counts,
        progress_pct=round(sum(accepted) / len(accepted), 1) if accepted else 100.0,
        finished=counts.queued + counts.running == 0,
        files=files,
    )


def _batch_analyses(session: SessionDep, batch_id: str) -> list[Analysis]:
    query = select(Analysis).where(Analysis.batch_id == batch_id)
    return list(session.scalars(query.order_by(Analysis.created_at, Analysis.id)))


@router.post(
    "",
    status_code=202,
    response_model=BatchOut,
    openapi_extra=_batch_upload_schema(),
    responses={
        **ERRORS,
        413: {"model": Problem, "description": "Too many files in one batch"},
        415: {"model": Problem, "description": "Not a multipart upload"},
        422: {"model": Problem, "description": "Invalid option or no video"},
    },
)
async def create_batch(request: Request, state: StateDep, session: SessionDep, org: OrgDep):
    """Upload several recordings (repeated field ``videos``) with one set of options, typically
    for one patient; each becomes an analysis. Answers 202 with the batch; refused files are
    listed with their reason. Poll ``GET /v1/batches/{id}``."""
    settings = state.settings
    try:
        videos, fields = await uploads.receive_uploads(
            request, settings.uploads_dir, settings.max_upload_bytes, settings.max_batch_files
        )
    except uploads.UploadRefused as exc:
        raise HTTPException(exc.status_code, exc.detail) from exc
    stored: list[Analysis] = []
    try:
        form = parse_form(fields)
        patient = form_patient(session, org, form)
        batch = Batch(
            org_id=org.id,
            patient_id=patient.id if patient else None,
            options=form_options(form, patient),
            refused=[],
        )
        session.add(batch)
        session.flush()
        refused = []
        for video in videos:
            if video.refused is None:
                try:
                    await run_in_threadpool(
                        uploads.check_video,
                        video.path,
                        settings.max_duration_s,
                        video.filename,
                    )
                except uploads.UploadRefused as exc:
                    video.refused = exc
            if video.refused is not None:
                refused.append(
                    {
                        "filename": video.filename,
                        "detail": video.refused.detail,
                        "status_code": video.refused.status_code,
                    }
                )
                continue
            stored.append(store_analysis(session, settings, org, video, form, patient, batch.id))
        batch.refused = refused
        try:
            session.commit()
        except Exception:
            for a in stored:
                remove_analysis_files(settings, a.id)
            raise
    finally:
        for video in videos:
            video.discard()
    send_jobs(state, [a.id for a in stored])
    # Just committed, in upload order (the session keeps objects loaded after a commit).
    return batch_out(batch, stored)


@router.get("/{batch_id}", response_model=BatchOut, responses=_ERRORS)
def get_batch(batch_id: str, request: Request, session: SessionDep, org: OrgDep) -> BatchOut:
    """Counts by status, progress, and each file's analysis id and status."""
    batch = session.get(Batch, batch_id)
    if batch is None or batch.org_id != org.id:  # another organisation's batch looks like none
        raise HTTPException(404, f"no batch {batch_id}")
    out = batch_out(batch, _batch_analyses(session, batch.id))
    audit.record_now(session, request, "read", "batch", batch_id)
    return out
