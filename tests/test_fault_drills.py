"""Fault drills with real processes (``retrogait serve``, ``retrogait worker``), real PostgreSQL
and Redis, each bounded in time. The drills use a short job lease (4 s; 60 s where the drill
shows that nobody waits for it) so they take seconds, and print their timings.

* a Celery worker SIGKILLed (or frozen) mid-job: another worker takes the job over within two
  leases;
* ``serve`` killed with SIGKILL mid-job: the restarted server resumes it at once, not after
  its lease;
* every key revoked while the server runs: requests without a valid key get 401;
* the broker unreachable for a while: an upload is still taken and the job completes once the
  broker is back;
* twenty uploads at once: every one taken, nothing left in the uploads directory
  (bench/upload_load.py prints the server's memory under the same load).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fault_support import (
    Relay,
    server,
    synthetic_walk,
    wait_attempt,
    wait_done,
    wait_running,
)
from service_support import (
    REPO,
    celery_queue,
    cli_process,
    kill_group,
    postgres_schema_url,
)

pytestmark = pytest.mark.slow

DRILL_LEASE_S = 4.0
# A drill clip analyses in seconds; this bounds a rerun on a busy machine.
RERUN_BOUND_S = 180.0


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_walk(tmp_path_factory.mktemp("drill") / "walk.mp4")


@pytest.fixture
def database_url():
    gen = postgres_schema_url()
    yield next(gen)
    gen.close()


def _report(name: str, **figures: float) -> None:
    text = ", ".join(f"{k} {v:.1f} s" for k, v in figures.items())
    print(f"\n[drill] {name}: {text}", file=sys.stderr)


@pytest.mark.parametrize("fault", ["SIGKILL", "SIGSTOP"])
def test_lost_celery_worker_is_taken_over_within_two_leases(
    fault: str, walk: Path, database_url: str, tmp_path: Path
) -> None:
    """SIGKILL: the worker process is gone (its successor on this machine sees so at once).
    SIGSTOP: it is frozen, as a machine cut off the network looks from here; its lease expires."""
    with celery_queue(tmp_path, "retrogait-drill") as (_url, _queue, env):
        env |= {"RETROGAIT_DATABASE_URL": database_url, "RETROGAIT_JOB_LEASE_S": str(DRILL_LEASE_S)}
        log = tmp_path / "drill.log"
        workers = [cli_process(["worker"], env, log) for _ in range(2)]
        try:
            with server(env, log, workers=0) as srv:
                job = srv.upload(walk)
                running = wait_running(srv, job)
                holder = next(w for w in workers if f":{w.pid}:" in _worker_id(srv, job))
                assert running["attempts"] == 1
                holder.send_signal(getattr(signal, fault))
                lost = time.monotonic()
                if fault == "SIGKILL":
                    holder.wait(timeout=30)  # reaped, as its supervisor would
                wait_attempt(srv, job, 2, timeout_s=2 * DRILL_LEASE_S)
                taken_over_s = time.monotonic() - lost
                doc = wait_done(srv, job, RERUN_BOUND_S)
                done_s = time.monotonic() - lost
        finally:
            for w in workers:
                kill_group(w, signal.SIGKILL)
    assert doc["status"] == "done", (doc["error"], log.read_text()[-3000:])
    assert doc["attempts"] == 2 and doc["result"]["metrics"]["step_count"] > 0
    _report(f"Celery worker {fault}", lost_to_takeover=taken_over_s, lost_to_done=done_s)


def _worker_id(srv, job: str) -> str:  # noqa: ANN001
    """The lease holder's id, read from the database the server shares."""
    from sqlalchemy import create_engine, text

    engine = create_engine(srv.env["RETROGAIT_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            q = text("SELECT worker_id FROM analyses WHERE id = :id")
            return conn.execute(q, {"id": job}).scalar_one()
    finally:
        engine.dispose()


def test_killed_server_resumes_its_job_at_restart_not_after_the_lease(
    walk: Path, database_url: str, tmp_path: Path
) -> None:
    lease_s = 60.0
    env = {
        "RETROGAIT_DATA_DIR": str(tmp_path / "data"),
        "RETROGAIT_DATABASE_URL": database_url,
        "RETROGAIT_JOB_LEASE_S": str(lease_s),
        "RETROGAIT_RENDER_OVERLAY": "false",
        "RETROGAIT_BROKER_URL": "",
    }
    log = tmp_path / "serve.log"
    with server(env, log, workers=1) as srv:
        job = srv.upload(walk)
        wait_running(srv, job)
        srv.kill9()
        killed = time.monotonic()
        srv.start()
        restarted_s = time.monotonic() - killed
        wait_attempt(srv, job, 2, timeout_s=lease_s / 2)
        resumed_s = time.monotonic() - killed
        doc = wait_done(srv, job, RERUN_BOUND_S)
        done_s = time.monotonic() - killed
    assert doc["status"] == "done", (doc["error"], log.read_text()[-3000:])
    assert doc["attempts"] == 2
    assert resumed_s < lease_s / 2  # not the lease: the restart found the worker gone
    _report(
        "serve kill -9",
        kill_to_restarted=restarted_s,
        kill_to_resumed=resumed_s,
        kill_to_done=done_s,
    )


def test_revoking_every_key_at_run_time_locks_the_server(tmp_path: Path) -> None:
    env = {"RETROGAIT_DATA_DIR": str(tmp_path / "data"), "RETROGAIT_BROKER_URL": ""}
    keys = subprocess.run(
        [sys.executable, "-m", "service.cli", "keys", "create", "--org", "clinic-a"],
        cwd=REPO,
        env={**_os_env(), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    key = next(w for w in keys.stdout.split() if w.startswith("rg_"))
    with server(env, tmp_path / "serve.log", workers=0) as srv:
        auth = {"Authorization": f"Bearer {key}"}
        assert httpx.get(srv.url + "/v1/analyses", headers=auth).status_code == 200
        revoke = subprocess.run(
            [sys.executable, "-m", "service.cli", "keys", "revoke", key[:9]],
            cwd=REPO,
            env={**_os_env(), **env},
            capture_output=True,
            text=True,
        )
        assert revoke.returncode == 0, revoke.stderr
        for path in ("/v1/analyses", "/v1/patients", "/v1/audit", "/metrics"):
            assert httpx.get(srv.url + path).status_code == 401, path
            assert httpx.get(srv.url + path, headers=auth).status_code == 401, path
        r = httpx.post(srv.url + "/v1/analyses", files={"video": ("a.mp4", b"\0" * 100)})
        assert r.status_code == 401
        assert httpx.get(srv.url + "/healthz").json()["single_user"] is False


def _os_env() -> dict[str, str]:
    import os

    return dict(os.environ)


def test_jobs_complete_once_the_broker_is_back(
    walk: Path, database_url: str, tmp_path: Path
) -> None:
    with celery_queue(tmp_path, "retrogait-outage") as (url, _queue, env):
        redis_url = urlsplit(url)
        relay = Relay((redis_url.hostname or "localhost", redis_url.port or 6379))
        relay.restore()
        via_relay = f"redis://127.0.0.1:{relay.port}{redis_url.path}"
        env |= {
            "RETROGAIT_DATABASE_URL": database_url,
            "RETROGAIT_JOB_LEASE_S": str(DRILL_LEASE_S),
            "RETROGAIT_BROKER_URL": via_relay,
        }
        log = tmp_path / "outage.log"
        worker = cli_process(["worker"], env, log)
        try:
            with server(env, log, workers=0) as srv:
                relay.cut()
                job = srv.upload(walk)  # taken while the broker is unreachable
                time.sleep(3 * DRILL_LEASE_S)
                assert srv.job(job)["status"] == "queued"
                relay.restore()
                back = time.monotonic()
                doc = wait_done(srv, job, RERUN_BOUND_S)
                done_s = time.monotonic() - back
        finally:
            kill_group(worker, signal.SIGTERM)
            relay.cut()
    assert doc["status"] == "done", (doc["error"], log.read_text()[-3000:])
    _report("broker outage", back_to_done=done_s)


def test_twenty_uploads_at_once_are_all_taken(tmp_path: Path) -> None:
    from service_support import write_test_video

    clip = write_test_video(tmp_path / "clip.mp4", seconds=2.0, size=(320, 240), noise=True)
    env = {"RETROGAIT_DATA_DIR": str(tmp_path / "data"), "RETROGAIT_BROKER_URL": ""}
    statuses: list[int] = []
    with server(env, tmp_path / "serve.log", workers=0) as srv:

        def send() -> None:
            with clip.open("rb") as fh:
                r = httpx.post(srv.url + "/v1/analyses", files={"video": fh}, timeout=300)
            statuses.append(r.status_code)

        threads = [threading.Thread(target=send) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        listed = httpx.get(srv.url + "/v1/analyses", params={"status": "queued"}).json()
    assert statuses == [202] * 20
    assert listed["total"] == 20
    assert list((tmp_path / "data" / "uploads").iterdir()) == []
