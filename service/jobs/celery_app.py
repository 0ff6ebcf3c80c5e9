"""Scale-out: with ``RETROGAIT_BROKER_URL`` set, the API enqueues a Celery task per analysis and
``retrogait worker`` processes (on any number of machines) run them.

Delivery is at least once and the result is written exactly once:

* The database lease decides: a :class:`service.jobs.recovery.Watchdog` in the API and in every
  worker requeues a job whose worker stopped renewing its lease and sends it again, so a killed
  worker's job is taken over about one lease after its last heartbeat. It also sends the jobs
  uploaded while the broker was unreachable once it is back.
* ``acks_late`` + ``reject_on_worker_lost`` keep the message until its task finished, as a
  second line: with Redis it comes back after ``visibility_timeout`` (twice the lease unless
  set), even with no watchdog running.
* The task first *claims* the job row (:func:`service.jobs.runner.claim`). A delivery for a job
  a live worker holds, or a finished one, does nothing (the watchdog resends it should that worker
  die). Only the lease holder can write the result.
"""

from __future__ import annotations

from celery import Celery
from celery.signals import worker_ready, worker_shutdown
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from service.core.settings import Settings
from service.core.store import Analysis, make_engine, session_factory
from service.jobs import recovery, runner

TASK_NAME = "retrogait.analyze"


def make_celery(settings: Settings, sessions: sessionmaker | None = None) -> Celery:
    """The Celery app for ``settings`` (API side: to send; worker side: to run), with the
    database's ``sessions`` (default: a new engine's)."""
    app = Celery("retrogait", broker=settings.broker_url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a worker holds only the job it runs
        task_default_queue=settings.celery_queue,
        task_ignore_result=True,  # results live in the database
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": settings.visibility_timeout_s},
        worker_hijack_root_logger=False,
    )
    if sessions is None:
        sessions = session_factory(make_engine(settings))

    @app.task(name=TASK_NAME)
    def analyze(analysis_id: str) -> str:
        worker_id = runner.new_worker_id("celery")
        if not runner.claim(sessions, analysis_id, worker_id, settings.job_lease_s):
            with sessions() as s:
                status = s.scalar(select(Analysis.status).where(Analysis.id == analysis_id))
            return status or "deleted"  # held by a live worker, or finished
        return runner.execute(settings, sessions, analysis_id, worker_id)

    def watchdog_send(analysis_id: str) -> None:
        send(app, settings, sessions, analysis_id)

    watchdog = recovery.Watchdog(
        sessions, watchdog_send, settings.job_lease_s, settings.heartbeat_s
    )

    def start_watchdog(**_kwargs: object) -> None:
        recovery.requeue_orphans(sessions)
        watchdog.start()

    worker_ready.connect(start_watchdog, weak=False)
    worker_shutdown.connect(lambda **_kwargs: watchdog.stop(), weak=False)
    return app


def send(app: Celery, settings: Settings, sessions: sessionmaker, analysis_id: str) -> None:
    """Give the broker the job's message and record that it has it (raises while the broker is
    unreachable; the job then stays unsent for a watchdog to send)."""
    app.send_task(TASK_NAME, args=[analysis_id], queue=settings.celery_queue)
    recovery.mark_enqueued(sessions, analysis_id)


class CeleryDispatcher:
    """API side: one task message per new analysis."""

    kind = "celery"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._sessions = session_factory(make_engine(settings))
        self._app = make_celery(settings, self._sessions)
        self._watchdog = recovery.Watchdog(
            self._sessions, self.submit, settings.job_lease_s, settings.heartbeat_s
        )

    def submit(self, analysis_id: str) -> None:
        """Send the job (raises while the broker is unreachable: the watchdog sends it later)."""
        send(self._app, self._settings, self._sessions, analysis_id)

    def cancel(self, analysis_id: str) -> None:
        """Nothing to send: the running worker sees its row gone at its next heartbeat."""

    def start(self) -> None:
        """Requeue jobs of this machine's dead workers, then watch leases and unsent jobs."""
        recovery.requeue_orphans(self._sessions)
        self._watchdog.start()

    def stop(self) -> None:
        self._watchdog.stop()
        self._app.close()
