"""What a live session leaves behind: who may open one, its totals, its full analysis (the same
contract as uploads) and, on request, the analysis saved to a patient.

Blocking functions (database, analysis): the WebSocket handler runs them in worker threads.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

import numpy as np
from fastapi import HTTPException, WebSocket

from service.api.patients import owned_patient
from service.core.deps import resolve_caller
from service.core.store import Analysis, Organisation, utcnow
from service.jobs.analysis import analyse_pose, analysis_options
from vision.live.analyzer import LiveAnalyzer
from vision.live.recording import RecordingTooShortError
from vision.pose import PoseEstimator
from vision.result import result_from_dict

LIVE_RECORDING_NAME = "live session"


def authorise(websocket: WebSocket) -> Organisation | None:
    """The caller's organisation, by the same rules as the HTTP API (:func:`resolve_caller`).

    The key comes from the ``api_key`` query parameter, else the ``X-API-Key`` or
    ``Authorization: Bearer`` header. Returns None when the app has no database (the router
    mounted on its own): then there is nothing to save to and nobody to tell apart.

    Raises:
        HTTPException: 401 for a missing, unknown or revoked key.
    """
    state = getattr(websocket.app.state, "retrogait", None)
    if state is None:
        return None
    key = websocket.query_params.get("api_key") or websocket.headers.get("x-api-key")
    auth = websocket.headers.get("authorization", "")
    if not key and auth.lower().startswith("bearer "):
        key = auth[7:].strip()
    client = websocket.client.host if websocket.client is not None else None
    with state.sessions() as session:
        org = resolve_caller(state, session, key or None, client).org
        session.expunge(org)
        return org


def live_summary(
    analyzer: LiveAnalyzer, received: int, dropped: int, latencies_ms: list[float]
) -> dict[str, Any]:
    """Totals of the live session as the person saw them, and the server's timing."""
    lat = np.asarray(latencies_ms)
    return {
        **analyzer.summary(),
        "frames_received": received,
        "frames_processed": len(latencies_ms),
        "frames_dropped": dropped,
        "latency_ms": None
        if lat.size == 0
        else {
            "p50": round(float(np.percentile(lat, 50)), 1),
            "p95": round(float(np.percentile(lat, 95)), 1),
        },
    }


def analyse_recording(
    analyzer: LiveAnalyzer, estimator: PoseEstimator, stop: dict[str, Any]
) -> tuple[dict[str, Any] | None, str | None]:
    """The full analysis of what was recorded since ``start``: (document, None) or (None, why).

    Options come from the ``stop`` message (``height_cm``, ``population``); the analysis is the
    one uploads get (:mod:`service.jobs.analysis`).
    """
    if analyzer.start_t_s is None:
        return None, "the session was never started, so nothing was recorded"
    try:
        seq = analyzer.to_sequence(backend=estimator.backend, model=estimator.model)
    except RecordingTooShortError as exc:
        return None, str(exc)
    options = {k: stop.get(k) for k in ("height_cm", "population") if stop.get(k) is not None}
    options["protocol"] = "free_backward"
    try:
        opts = analysis_options(options)
        result = analyse_pose(seq, opts, options)
    except ValueError as exc:
        return None, f"the recording could not be analysed: {exc}"
    doc = result.to_dict()
    doc.setdefault("extras", {})["live"] = {"resampled_fps": seq.fps, **seq.meta}
    result_from_dict(doc)  # must read back as the contract says
    return doc, None


def save_result(
    websocket: WebSocket, org: Organisation | None, doc: dict[str, Any], stop: dict[str, Any]
) -> str:
    """Store the live session's result as a finished analysis; returns its id.

    Raises:
        HTTPException: 409 without a database, 404 for an unknown patient.
    """
    state = getattr(websocket.app.state, "retrogait", None)
    if state is None or org is None:
        raise HTTPException(409, "this server has no database to save the session to")
    body = json.dumps(doc, sort_keys=True).encode("utf-8")
    with state.sessions() as session:
        code = stop.get("patient_id")
        patient_id = owned_patient(session, org, str(code)).id if code else None
        now = utcnow()
        analysis = Analysis(
            org_id=org.id,
            patient_id=patient_id,
            visit_date=date.today(),
            status="done",
            progress=1.0,
            options={"source": "live", "protocol": "free_backward"},
            result=doc,
            video_filename=LIVE_RECORDING_NAME,
            video_bytes=0,
            content_sha256=hashlib.sha256(body).hexdigest(),
            started_at=now,
            finished_at=now,
        )
        session.add(analysis)
        session.commit()
        return analysis.id
