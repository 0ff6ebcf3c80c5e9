"""Getting interrupted jobs going again within seconds, whichever runner died.

The database lease decides who holds a job (:mod:`service.jobs.runner`); this module acts on it:

* :func:`requeue_orphans`: a running job whose worker was a process of this machine that no
  longer exists goes back to the queue at once, without waiting for its lease (at start-up, and
  at every watchdog round).
* :func:`requeue_expired`: a running job whose lease nobody renewed goes back to the queue.
* :class:`Watchdog`: with Celery, a thread that every heartbeat interval requeues orphaned jobs
  and expired leases and sends the broker every queued job it has not received (an upload
  taken while the broker was unreachable, a requeued job), so nothing waits for the broker's
  visibility timeout.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from service.core.store import Analysis, utcnow
from service.jobs.processes import process_gone

log = logging.getLogger(__name__)

# An upload commits its row, then sends its message: a job this young may be on its way.
SEND_GRACE_S = 2.0


def worker_is_gone(worker_id: str) -> bool:
    """Whether ``worker_id`` (``kind:scope:pid:tag``, see :func:`service.jobs.runner.new_worker_id`)
    names a process of this machine that has ended. Other machines' workers are judged by their
    lease only."""
    parts = worker_id.split(":")
    if len(parts) != 4 or not parts[2].isdigit():
        return False
    return process_gone(parts[1], int(parts[2]))


def _requeue(sessions: sessionmaker, analysis_id: str, worker_id: str | None) -> bool:
    """Put a running job held by ``worker_id`` back in the queue; False if that changed."""
    with sessions.begin() as s:
        res = s.execute(
            update(Analysis)
            .where(
                Analysis.id == analysis_id,
                Analysis.status == "running",
                Analysis.worker_id == worker_id,
            )
            .values(
                status="queued", worker_id=None, heartbeat_at=None, progress=0.0, enqueued_at=None
            )
            .execution_options(synchronize_session=False)
        )
        return res.rowcount == 1


def requeue_orphans(sessions: sessionmaker) -> list[str]:
    """Requeue running jobs whose worker process on this machine is gone; their ids."""
    with sessions() as s:
        running = s.execute(
            select(Analysis.id, Analysis.worker_id).where(Analysis.status == "running")
        ).all()
    return [
        job_id
        for job_id, worker in running
        if worker and worker_is_gone(worker) and _requeue(sessions, job_id, worker)
    ]


def requeue_expired(
    sessions: sessionmaker, lease_s: float, now: datetime | None = None
) -> list[str]:
    """Requeue running jobs whose lease was not renewed for ``lease_s`` seconds; their ids."""
    stale = (now or utcnow()) - timedelta(seconds=lease_s)
    with sessions() as s:
        expired = s.execute(
            select(Analysis.id, Analysis.worker_id).where(
                Analysis.status == "running",
                (Analysis.heartbeat_at.is_(None)) | (Analysis.heartbeat_at < stale),
            )
        ).all()
    return [job_id for job_id, worker in expired if _requeue(sessions, job_id, worker)]


def unsent_ids(sessions: sessionmaker, limit: int = 100) -> list[str]:
    """Queued jobs the broker has not been given, oldest first."""
    young = utcnow() - timedelta(seconds=SEND_GRACE_S)
    with sessions() as s:
        return list(
            s.scalars(
                select(Analysis.id)
                .where(
                    Analysis.status == "queued",
                    Analysis.enqueued_at.is_(None),
                    Analysis.created_at < young,
                )
                .order_by(Analysis.created_at)
                .limit(limit)
            )
        )


def mark_enqueued(sessions: sessionmaker, analysis_id: str) -> None:
    """Record that the broker has the job's message."""
    with sessions.begin() as s:
        s.execute(
            update(Analysis)
            .where(Analysis.id == analysis_id)
            .values(enqueued_at=utcnow())
            .execution_options(synchronize_session=False)
        )


class Watchdog:
    """A daemon thread that, every ``interval_s``, requeues expired leases and sends unsent
    jobs with ``send`` (which raises while the broker is unreachable: they wait for the next
    round). Several watchdogs may run at once: a requeue is one conditional update, and a job
    sent twice is run once (the first claim wins)."""

    def __init__(
        self,
        sessions: sessionmaker,
        send: Callable[[str], None],
        lease_s: float,
        interval_s: float,
    ) -> None:
        self._sessions = sessions
        self._send = send
        self._lease_s = lease_s
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="job-watchdog", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def sweep(self) -> int:
        """One round; returns how many jobs were sent."""
        for job_id in requeue_orphans(self._sessions):
            log.warning("job %s: its worker process on this machine ended; requeued", job_id)
        for job_id in requeue_expired(self._sessions, self._lease_s):
            log.warning("job %s: its worker stopped renewing its lease; requeued", job_id)
        sent = 0
        for job_id in unsent_ids(self._sessions):
            self._send(job_id)  # raises while the broker is unreachable: next round
            sent += 1
        return sent

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            try:
                self.sweep()
            except Exception as exc:  # database or broker away: keep watching
                log.warning("job watchdog: %s: %s", type(exc).__name__, exc)
