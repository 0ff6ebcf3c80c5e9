"""Scale-out: with ``RETROGAIT_BROKER_URL`` set, the API enqueues a Celery task per analysis and
``retrogait worker`` processes (on any number of machines) run them.

Delivery is at least once and the result is written exactly once:

* ``acks_late`` + ``reject_on_worker_lost``: the broker keeps a message until its task finished,
  so a worker killed mid-job (SIGKILL, lost machine) loses nothing; with Redis the message comes
  back after ``visibility_timeout`` and another worker takes it.
* The task first *claims* the job row (:func:`service.jobs.claim`). A duplicate delivery while a
  live worker holds the lease is retried later (so it is there should that worker die); one
  for a finished job does nothing. Only the lease holder can write the result.
"""

from __future__ import annotations

from celery import Celery
from sqlalchemy import select

from service import jobs
from service.settings import Settings
from service.store import Analysis, make_engine, session_factory

TASK_NAME = "retrogait.analyze"


def make_celery(settings: Settings) -> Celery:
    """The Celery app for ``settings`` (API side: to send; worker side: to run)."""
    app = Celery("retrogait", broker=settings.broker_url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a worker holds only the job it runs
        task_default_queue=settings.celery_queue,
        task_ignore_result=True,  # results live in the database
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": settings.celery_visibility_timeout_s},
        worker_hijack_root_logger=False,
    )
    engine = make_engine(settings)
    sessions = session_factory(engine)

    @app.task(name=TASK_NAME, bind=True, max_retries=None)
    def analyze(self, analysis_id: str) -> str:  # noqa: ANN001 - Celery's bound task
        worker_id = jobs.new_worker_id("celery")
        lease_s = settings.job_lease_s
        if not jobs.claim(sessions, analysis_id, worker_id, lease_s):
            with sessions() as s:
                status = s.scalar(select(Analysis.status).where(Analysis.id == analysis_id))
            if status in (None, "done", "failed"):
                return status or "deleted"
            # Another worker holds a live lease: look again once it could have expired.
            raise self.retry(countdown=lease_s)
        return jobs.execute(settings, sessions, analysis_id, worker_id)

    return app


class CeleryDispatcher:
    """API side: one task message per new analysis."""

    kind = "celery"

    def __init__(self, settings: Settings) -> None:
        self._app = make_celery(settings)
        self._queue = settings.celery_queue

    def submit(self, analysis_id: str) -> None:
        self._app.send_task(TASK_NAME, args=[analysis_id], queue=self._queue)

    def cancel(self, analysis_id: str) -> None:
        """Nothing to send: the running worker sees its row gone at its next heartbeat."""

    def start(self) -> None:
        pass

    def stop(self) -> None:
        self._app.close()
