"""Interrupted jobs back in the queue, on both databases: a worker process of this machine
that ended (at once), a lease nobody renewed (any machine), and jobs the broker never got
(sent by the watchdog once it can be reached)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
import test_store
from sqlalchemy.orm import sessionmaker

from service.core import accounts
from service.core.store import Analysis, utcnow
from service.jobs import recovery
from service.jobs.processes import process_scope

# The store tests' fixtures: every test here runs on SQLite and on PostgreSQL.
settings = test_store.settings
sessions = test_store.sessions
LEASE_S = 10.0


def _ended_pid() -> int:
    run = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(run.stdout)


def _job(
    db: sessionmaker,
    status: str,
    worker: str | None = None,
    heartbeat_age_s: float = 0.0,
    age_s: float = 60.0,
) -> str:
    now = utcnow()
    with db.begin() as s:
        org = accounts.get_or_create_org(s, "clinic")
        a = Analysis(
            org_id=org.id,
            content_sha256="0" * 64,
            status=status,
            worker_id=worker,
            heartbeat_at=now - timedelta(seconds=heartbeat_age_s) if worker else None,
            created_at=now - timedelta(seconds=age_s),
            progress=0.4 if worker else 0.0,
        )
        s.add(a)
        s.flush()
        return a.id


def _status(db: sessionmaker, job: str) -> tuple[str, str | None, float]:
    with db() as s:
        a = s.get(Analysis, job)
        return a.status, a.worker_id, a.progress


def test_jobs_of_ended_local_workers_are_requeued_at_once(sessions: sessionmaker) -> None:
    here = process_scope()
    gone = _job(sessions, "running", f"celery:{here}:{_ended_pid()}:aaaa")
    alive = _job(sessions, "running", f"local:{here}:{os.getpid()}:bbbb")
    elsewhere = _job(sessions, "running", f"celery:other-host+1:{_ended_pid()}:cccc")
    assert recovery.requeue_orphans(sessions) == [gone]
    assert _status(sessions, gone) == ("queued", None, 0.0)
    assert _status(sessions, alive)[0] == _status(sessions, elsewhere)[0] == "running"


def test_expired_leases_are_requeued_and_fresh_ones_kept(sessions: sessionmaker) -> None:
    stale = _job(sessions, "running", "celery:other-host+1:42:dddd", heartbeat_age_s=LEASE_S + 1)
    fresh = _job(sessions, "running", "celery:other-host+1:43:eeee", heartbeat_age_s=1.0)
    assert recovery.requeue_expired(sessions, LEASE_S) == [stale]
    assert _status(sessions, stale) == ("queued", None, 0.0)
    assert _status(sessions, fresh)[0] == "running"


def test_watchdog_sends_what_the_broker_never_got(sessions: sessionmaker) -> None:
    unsent = _job(sessions, "queued")
    just_uploaded = _job(sessions, "queued", age_s=0.0)  # its upload is sending it now
    expired = _job(sessions, "running", "celery:other-host+1:44:ffff", heartbeat_age_s=60)
    broker_up = False
    sent: list[str] = []

    def send(job: str) -> None:
        if not broker_up:
            raise ConnectionError("broker unreachable")
        sent.append(job)
        recovery.mark_enqueued(sessions, job)

    watchdog = recovery.Watchdog(sessions, send, LEASE_S, interval_s=1.0)
    with pytest.raises(ConnectionError):
        watchdog.sweep()
    assert _status(sessions, expired)[0] == "queued"  # requeued even while the broker is away
    broker_up = True
    assert watchdog.sweep() == 2 and sorted(sent) == sorted([unsent, expired])
    assert watchdog.sweep() == 0  # sent once, not again
    assert just_uploaded not in sent
