"""Analysis jobs: the database is the source of truth, whichever runner executes them.

A job is an ``analyses`` row. A runner *claims* it with one conditional UPDATE (queued, or
running under a lease nobody has renewed for ``job_lease_s``), renews the lease while it works
(the heartbeat also carries progress), and writes the result with another conditional UPDATE
that only the lease holder can make. So a job is never lost (a dead runner's lease expires and
another runner takes over) and gets exactly one result (a runner that lost its lease cannot
write). Runners: :mod:`service.jobs.local_pool` (default, inside ``retrogait serve``) and
:mod:`service.jobs.celery_app` (``retrogait worker`` processes, with ``RETROGAIT_BROKER_URL``).
"""

from __future__ import annotations

import logging
import os
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import sessionmaker

from service.core.settings import Settings
from service.core.store import (
    Analysis,
    Artefact,
    analysis_dir,
    make_engine,
    relative_to_data,
    remove_analysis_files,
    session_factory,
    utcnow,
)
from service.jobs import analysis
from service.jobs.processes import process_scope

log = logging.getLogger(__name__)


class JobCancelled(Exception):
    """The job was deleted, or its lease taken over, while it ran: stop without writing."""


def new_worker_id(kind: str) -> str:
    """``kind:scope:pid:tag``: the scope and PID let a successor on the same machine see that
    the worker has ended (:func:`service.jobs.recovery.worker_is_gone`)."""
    return f"{kind}:{process_scope()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _claimable(lease_s: float, now: datetime):  # noqa: ANN202 - SQL expression
    stale = now - timedelta(seconds=lease_s)
    return or_(
        Analysis.status == "queued",
        (Analysis.status == "running")
        & (or_(Analysis.heartbeat_at.is_(None), Analysis.heartbeat_at < stale)),
    )


def claim(sessions: sessionmaker, analysis_id: str, worker_id: str, lease_s: float) -> bool:
    """Take the job if it is queued or its lease expired; True if this worker now holds it."""
    now = utcnow()
    with sessions.begin() as s:
        res = s.execute(
            update(Analysis)
            .where(Analysis.id == analysis_id, _claimable(lease_s, now))
            .values(
                status="running",
                worker_id=worker_id,
                heartbeat_at=now,
                started_at=now,
                progress=0.0,
                attempts=Analysis.attempts + 1,
                error=None,
            )
            .execution_options(synchronize_session=False)
        )
        return res.rowcount == 1


def claimable_ids(sessions: sessionmaker, lease_s: float, limit: int = 10) -> list[str]:
    """Oldest claimable jobs first."""
    with sessions() as s:
        return list(
            s.scalars(
                select(Analysis.id)
                .where(_claimable(lease_s, utcnow()))
                .order_by(Analysis.created_at)
                .limit(limit)
            )
        )


def _update_held(sessions: sessionmaker, analysis_id: str, holder: str, /, **values: Any) -> bool:
    """Update a running job only while ``holder`` still holds its lease: a worker that lost
    the lease (taken over after a stall) can never overwrite the new holder's work."""
    with sessions.begin() as s:
        res = s.execute(
            update(Analysis)
            .where(
                Analysis.id == analysis_id,
                Analysis.worker_id == holder,
                Analysis.status == "running",
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return res.rowcount == 1


def renew(sessions: sessionmaker, analysis_id: str, worker_id: str, progress: float) -> bool:
    """Heartbeat: renew the lease and store progress (0-1). False if the lease is gone."""
    return _update_held(
        sessions,
        analysis_id,
        worker_id,
        heartbeat_at=utcnow(),
        progress=min(max(progress, 0.0), 0.999),
    )


def release(sessions: sessionmaker, analysis_id: str, worker_id: str) -> None:
    """Hand an unfinished job back to the queue (runner shutting down cleanly)."""
    _update_held(
        sessions,
        analysis_id,
        worker_id,
        status="queued",
        worker_id=None,
        heartbeat_at=None,
        progress=0.0,
    )


def finish(sessions: sessionmaker, analysis_id: str, worker_id: str, **values: Any) -> bool:
    """Store the outcome; False if the lease was lost meanwhile (the result is not written)."""
    return _update_held(sessions, analysis_id, worker_id, finished_at=utcnow(), **values)


class _Heartbeat:
    """Renews the lease every ``interval_s`` seconds from a thread; the analysis's progress
    callback only records the fraction (cheap) and raises :class:`JobCancelled` once the lease
    is lost, which unwinds the analysis."""

    def __init__(
        self,
        sessions: sessionmaker,
        analysis_id: str,
        worker_id: str,
        interval_s: float,
        parent_pid: int | None,
    ) -> None:
        self._args = (sessions, analysis_id, worker_id)
        self._interval_s = interval_s
        self._parent_pid = parent_pid
        self.progress = 0.0
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="job-heartbeat", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def report(self, fraction: float) -> None:
        self.progress = float(fraction)
        if self.lost.is_set():
            raise JobCancelled("job deleted or taken over by another worker")

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            if self._parent_pid is not None and os.getppid() != self._parent_pid:
                # Our server died: stop at once so its successor can take the job over.
                os._exit(3)
            try:
                if not renew(*self._args, self.progress):
                    self.lost.set()
            except Exception:  # a database hiccup: keep trying until the lease runs out
                log.warning("heartbeat failed", exc_info=True)


def _save_artefact(
    sessions: sessionmaker, settings: Settings, analysis_id: str, kind: str, path: Path
) -> None:
    with sessions.begin() as s:
        old = s.scalar(
            select(Artefact).where(Artefact.analysis_id == analysis_id, Artefact.kind == kind)
        )
        if old is not None:
            s.delete(old)
            s.flush()
        s.add(
            Artefact(
                analysis_id=analysis_id,
                kind=kind,
                path=relative_to_data(settings, path),
                bytes=path.stat().st_size,
            )
        )


# A job's error text starts with one of these when the machinery failed (a fault of ours, a
# worker that died) rather than the recording: such a job may succeed if run again.
ANALYSIS_CRASHED = "analysis failed:"
WORKER_DIED = "analysis process ended abnormally"


def is_recording_fault(error: str) -> bool:
    """Whether a failed job's ``error`` blames the recording (running it again cannot help)."""
    return not error.startswith((ANALYSIS_CRASHED, WORKER_DIED))


def execute(
    settings: Settings,
    sessions: sessionmaker,
    analysis_id: str,
    worker_id: str,
    parent_pid: int | None = None,
) -> str:
    """Run a job this worker has claimed; returns the final status (done, failed, cancelled).

    ``parent_pid``: when set, the job stops (without writing) if that process dies.
    """
    with sessions() as s:
        job = s.get(Analysis, analysis_id)
        if job is None or job.worker_id != worker_id:
            return "cancelled"
        options = dict(job.options or {})
        display_name = job.video_filename
        video = next((settings.data_dir / a.path for a in job.artefacts if a.kind == "video"), None)
    if video is None or not video.exists():
        finish(
            sessions,
            analysis_id,
            worker_id,
            status="failed",
            error="the uploaded video is missing from storage",
        )
        return "failed"
    out_dir = analysis_dir(settings, analysis_id)
    started = time.perf_counter()
    try:
        with _Heartbeat(sessions, analysis_id, worker_id, settings.heartbeat_s, parent_pid) as hb:
            doc, pose_path = analysis.analyse(video, options, out_dir, hb.report, display_name)
            if settings.render_overlay:
                overlay = analysis.render_overlay(video, pose_path, out_dir)
                _save_artefact(sessions, settings, analysis_id, "overlay", overlay)
            _save_artefact(sessions, settings, analysis_id, "pose", pose_path)
    except JobCancelled:
        _cleanup_if_deleted(settings, sessions, analysis_id)
        return "cancelled"
    except analysis.UserVideoError as exc:
        return _failed(settings, sessions, analysis_id, worker_id, str(exc))
    except Exception as exc:
        log.error("analysis %s failed:\n%s", analysis_id, traceback.format_exc())
        return _failed(
            settings,
            sessions,
            analysis_id,
            worker_id,
            f"{ANALYSIS_CRASHED} {type(exc).__name__}: "
            + analysis.in_user_terms(str(exc), video, display_name),
        )
    elapsed_s = time.perf_counter() - started
    if finish(
        sessions,
        analysis_id,
        worker_id,
        status="done",
        result=doc,
        progress=1.0,
        analysis_s=elapsed_s,
    ):
        return "done"
    _cleanup_if_deleted(settings, sessions, analysis_id)
    return "cancelled"


def _failed(
    settings: Settings, sessions: sessionmaker, analysis_id: str, worker_id: str, message: str
) -> str:
    if finish(sessions, analysis_id, worker_id, status="failed", error=message):
        return "failed"
    _cleanup_if_deleted(settings, sessions, analysis_id)
    return "cancelled"


def _cleanup_if_deleted(settings: Settings, sessions: sessionmaker, analysis_id: str) -> None:
    """A job deleted mid-run may have written files after the API removed the directory."""
    with sessions() as s:
        if s.get(Analysis, analysis_id) is None:
            remove_analysis_files(settings, analysis_id)


def run_claimed_in_child(
    settings_json: str, analysis_id: str, worker_id: str, parent_pid: int
) -> None:
    """Entry point of a local-pool child process (spawned, so it gets a fresh interpreter)."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings.model_validate_json(settings_json)
    engine = make_engine(settings)
    try:
        execute(settings, session_factory(engine), analysis_id, worker_id, parent_pid=parent_pid)
    finally:
        engine.dispose()


ProgressCallback = Callable[[float], None]
