"""``retrogait batch --engine celery``: a batch's recordings analysed by the service's Celery
workers instead of local processes.

Each recording becomes a stored analysis job of the service (row in ``RETROGAIT_DATABASE_URL``,
video copied under ``RETROGAIT_DATA_DIR``, task on ``RETROGAIT_BROKER_URL``), exactly as if it
had been uploaded, so the workers need nothing new and the results also show in the service
(patients, reports). The batch waits for the jobs, then writes the same outputs as the local
engine (see :mod:`service.batch.scoring`).

Resumable: the job sent for a recording is remembered in ``pending/<recording>.json`` (with the
recording's batch key), so an interrupted batch run again waits for the jobs already sent
instead of sending them twice; a finished recording is skipped as with the local engine.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service import migrations
from service.batch.scoring import (
    BatchItem,
    RecordingOutcome,
    RecordingTask,
    record_outcome,
    stored_json,
    write_json,
)
from service.core import accounts
from service.core.settings import Settings
from service.core.store import (
    PATIENT_CODE_PATTERN,
    Analysis,
    Patient,
    make_engine,
    queue_analysis,
    remove_analysis_files,
    session_factory,
)
from service.jobs import runner

PENDING_DIR = "pending"
_PATIENT_CODE = re.compile(PATIENT_CODE_PATTERN)

Progress = Callable[[RecordingOutcome], None]
Waiting = Callable[[dict[str, int], float], None]  # (counts by status, mean progress 0-1)
Outcome = tuple[str, str | None, float | None, bool]  # (status, reason, seconds, permanent)
Done = Callable[[BatchItem, RecordingTask, Outcome], None]


class CeleryEngineError(RuntimeError):
    """The Celery engine cannot run (no broker configured, database unreachable ...)."""


@dataclass(frozen=True)
class CeleryBatchOptions:
    """Where and how the batch's jobs are sent.

    Attributes:
        settings: the service's settings (database, broker, data directory, queue).
        org_name: the organisation owning the jobs (default: the single-user one).
        poll_s: seconds between looks at the jobs' status.
    """

    settings: Settings
    org_name: str = accounts.LOCAL_ORG_NAME
    poll_s: float = 1.0


def _patient(session: Session, org_id: int, code: str | None) -> Patient | None:
    """The service patient for a batch's patient code (created if new); None for a code the
    API could not address (the result still carries the code in its visit block)."""
    if not code or not _PATIENT_CODE.match(code):
        return None
    patient = session.scalar(select(Patient).where(Patient.org_id == org_id, Patient.code == code))
    if patient is None:
        patient = Patient(org_id=org_id, code=code, notes="")
        session.add(patient)
        session.flush()
    return patient


def submit_recording(
    sessions: sessionmaker, settings: Settings, org_name: str, item: BatchItem, task: RecordingTask
) -> str:
    """Store ``item`` as a queued analysis job (row + copy of the video); returns its id."""
    options = dict(task.options)
    if task.max_frames is not None:
        options["max_frames"] = task.max_frames
    video = Path(task.video)
    with sessions() as s:
        org = accounts.get_or_create_org(s, org_name)
        patient = _patient(s, org.id, item.patient_id)
        analysis = queue_analysis(
            s,
            settings,
            org_id=org.id,
            patient_id=patient.id if patient else None,
            visit_date=date.fromisoformat(item.visit_date) if item.visit_date else date.today(),
            options=options,
            video=video,
            filename=video.name,
            size_bytes=video.stat().st_size,
            sha256=task.extras["batch"]["content_sha256"],
        )
        try:
            s.commit()
        except BaseException:
            remove_analysis_files(settings, analysis.id)
            raise
        return analysis.id


def _pending_job(path: Path, key: str, sessions: sessionmaker) -> tuple[str, str] | None:
    """``(id, status)`` of the job already stored for this recording with these settings, if
    it still exists."""
    record = stored_json(path, key, lambda d: d.get("key"))
    if record is None:
        return None
    with sessions() as s:
        job = s.get(Analysis, str(record.get("analysis_id")))
        return (job.id, job.status) if job is not None else None


def _send(dispatcher: Any, settings: Settings, analysis_id: str) -> None:
    try:
        dispatcher.submit(analysis_id)
    except Exception as exc:  # broker unreachable: the job stays stored, a rerun sends it
        raise CeleryEngineError(
            f"cannot send jobs to the broker ({settings.broker_url}): {exc}; "
            "run the batch again once it is reachable"
        ) from exc


def _outcome_of(job: Analysis | None, analysis_id: str) -> Outcome | None:
    """``(status, reason, seconds, permanent)`` for a finished job; None while it runs."""
    if job is None:
        return "failed", f"analysis job {analysis_id} was deleted from the service", None, False
    if job.status == "failed":
        error = job.error or "no message"
        return "failed", error, job.analysis_s, runner.is_recording_fault(error)
    if job.status == "done":
        return "analysed", None, job.analysis_s, False
    return None


def _write_result(job: Analysis, task: RecordingTask) -> None:
    from vision.result import result_from_dict

    doc = dict(job.result or {})
    doc["extras"] = {**(doc.get("extras") or {}), **task.extras, "analysis_id": job.id}
    result_from_dict(doc)  # what is written must read back as the contract says
    write_json(Path(task.result_path), doc)


def _probe_failure(video: str) -> str | None:
    """Why a file is not a video (checked here, as the local engine does, so a corrupt file
    fails with its own name and never occupies a worker); None when it is one."""
    from vision.video import VideoError, probe

    try:
        probe(video)
    except VideoError as exc:
        return f"{type(exc).__name__}: {str(exc).strip() or 'no message'}"
    return None


def run_celery(
    tasks: list[tuple[BatchItem, RecordingTask]],
    out_dir: Path,
    options: CeleryBatchOptions,
    on_outcome: Progress | None = None,
    on_wait: Waiting | None = None,
) -> list[RecordingOutcome]:
    """Send ``tasks`` to the service's workers and wait for them all; outcomes as they end."""
    settings = options.settings
    if not settings.broker_url:
        raise CeleryEngineError(
            "the celery engine needs RETROGAIT_BROKER_URL (and the workers' "
            "RETROGAIT_DATABASE_URL and RETROGAIT_DATA_DIR)"
        )
    from service.jobs.celery_app import CeleryDispatcher

    settings.ensure_dirs()
    migrations.upgrade(settings.sqlalchemy_url)
    engine = make_engine(settings)
    sessions = session_factory(engine)
    dispatcher = CeleryDispatcher(settings)
    outcomes: list[RecordingOutcome] = []

    def done(item: BatchItem, task: RecordingTask, result: Outcome) -> None:
        outcome = record_outcome(out_dir, item, task, result)
        (out_dir / PENDING_DIR / f"{item.recording_id}.json").unlink(missing_ok=True)
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    try:
        waiting = _send_jobs(tasks, out_dir, options, sessions, dispatcher, done)
        _wait_for_jobs(waiting, sessions, options, on_wait, done)
    finally:
        dispatcher.stop()
        engine.dispose()
    return outcomes


def _send_jobs(
    tasks: list[tuple[BatchItem, RecordingTask]],
    out_dir: Path,
    options: CeleryBatchOptions,
    sessions: sessionmaker,
    dispatcher: Any,
    done: Done,
) -> dict[str, tuple[BatchItem, RecordingTask]]:
    """Each recording's job sent to the workers, unless an earlier run of the batch sent it: the
    jobs to wait for, by analysis id. A file that is not a video is failed here (``done``)."""
    settings = options.settings
    waiting: dict[str, tuple[BatchItem, RecordingTask]] = {}
    for item, task in tasks:
        key = task.extras["batch"]["key"]
        pending = out_dir / PENDING_DIR / f"{item.recording_id}.json"
        stored = _pending_job(pending, key, sessions)
        if stored is None:
            reason = _probe_failure(task.video)
            if reason is not None:
                done(item, task, ("failed", reason, None, True))
                continue
            analysis_id = submit_recording(sessions, settings, options.org_name, item, task)
            write_json(pending, {"key": key, "analysis_id": analysis_id, "recording": item.source})
            _send(dispatcher, settings, analysis_id)
        else:
            analysis_id, status = stored
            if status == "queued":
                # Its message may never have reached the broker; a duplicate is harmless
                # (the first worker to claim the job runs it, the other does nothing).
                _send(dispatcher, settings, analysis_id)
        waiting[analysis_id] = (item, task)
    return waiting


def _wait_for_jobs(
    waiting: dict[str, tuple[BatchItem, RecordingTask]],
    sessions: sessionmaker,
    options: CeleryBatchOptions,
    on_wait: Waiting | None,
    done: Done,
) -> None:
    """Poll the database until every job in ``waiting`` has ended, each reported to ``done``."""
    while waiting:
        with sessions() as s:
            jobs = {
                a.id: a for a in s.scalars(select(Analysis).where(Analysis.id.in_(list(waiting))))
            }
            for analysis_id in list(waiting):
                job = jobs.get(analysis_id)
                result = _outcome_of(job, analysis_id)
                if result is None:
                    continue
                item, task = waiting.pop(analysis_id)
                if result[0] == "analysed" and job is not None:  # a done job exists
                    _write_result(job, task)
                done(item, task, result)
            if on_wait is not None and waiting:
                counts = {
                    st: sum(jobs[i].status == st for i in waiting if i in jobs)
                    for st in ("queued", "running")
                }
                progress = [jobs[i].progress for i in waiting if i in jobs]
                on_wait(counts, sum(progress) / len(progress) if progress else 0.0)
        if waiting:
            time.sleep(options.poll_s)
