"""The embedded worker pool of ``retrogait serve``: jobs persisted in the database, each run in
its own child process.

``size`` threads each claim the oldest claimable job (see :mod:`service.jobs.runner`) and run it
in a spawned child process, so a heavy analysis never holds the API's interpreter lock and a deleted
job's process can simply be stopped. Restart-safe: on a clean shutdown unfinished jobs go back to
the queue; after a crash the next server on this machine takes them back at start-up (their
worker process is gone), and another machine's server once their leases expire.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading

from sqlalchemy.orm import sessionmaker

from service.core.settings import Settings
from service.jobs import recovery, runner

log = logging.getLogger(__name__)


class LocalWorkerPool:
    kind = "local"

    def __init__(self, settings: Settings, sessions: sessionmaker, size: int) -> None:
        self.settings = settings
        self.sessions = sessions
        self.size = size
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._children: dict[str, multiprocessing.process.BaseProcess] = {}
        self._lock = threading.Lock()
        self._context = multiprocessing.get_context("spawn")

    def start(self) -> None:
        for analysis_id in recovery.requeue_orphans(self.sessions):
            log.info("job %s: its server ended mid-job; resuming it", analysis_id)
        for n in range(self.size):
            t = threading.Thread(target=self._loop, name=f"local-worker-{n}", daemon=True)
            t.start()
            self._threads.append(t)

    def submit(self, analysis_id: str) -> None:
        """A job was queued (its row is the queue entry): look now, not at the next poll."""
        self._wake.set()

    def cancel(self, analysis_id: str) -> None:
        """Stop the child running ``analysis_id`` (its row is being deleted)."""
        with self._lock:
            child = self._children.get(analysis_id)
        if child is not None and child.is_alive():
            child.terminate()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop taking jobs, stop running children and hand their jobs back to the queue."""
        self._stop.set()
        self._wake.set()
        with self._lock:
            children = list(self._children.values())
        for child in children:
            if child.is_alive():
                child.terminate()
        for t in self._threads:
            t.join(timeout=timeout_s)

    def _loop(self) -> None:
        worker_id = runner.new_worker_id("local")
        while not self._stop.is_set():
            try:
                ran = self._run_one(worker_id)
            except Exception:
                log.exception("local worker error")
                ran = False
            if not ran:
                self._wake.wait(self.settings.job_poll_s)
                self._wake.clear()

    def _run_one(self, worker_id: str) -> bool:
        lease_s = self.settings.job_lease_s
        for analysis_id in runner.claimable_ids(self.sessions, lease_s):
            if runner.claim(self.sessions, analysis_id, worker_id, lease_s):
                break
        else:
            return False
        child = self._context.Process(
            target=runner.run_claimed_in_child,
            args=(self.settings.model_dump_json(), analysis_id, worker_id, os.getpid()),
            name=f"analysis-{analysis_id}",
            daemon=True,
        )
        with self._lock:
            self._children[analysis_id] = child
        try:
            child.start()
            child.join()
        finally:
            with self._lock:
                self._children.pop(analysis_id, None)
        if child.exitcode != 0:
            if self._stop.is_set():
                runner.release(self.sessions, analysis_id, worker_id)
            else:  # the child died without writing (crash, out of memory, killed)
                error = f"{runner.WORKER_DIED} (exit code {child.exitcode})"
                runner.finish(self.sessions, analysis_id, worker_id, status="failed", error=error)
        return True
