"""Scale-out on real Redis with real ``retrogait worker`` processes: the analysis completes
through a worker, and a worker SIGKILLed mid-job loses nothing (another worker finishes it,
with exactly one result)."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from service_support import (
    celery_queue,
    cli_process,
    kill_group,
    shared_clip,
    wait_for,
)
from sqlalchemy import select
from test_jobs_local import BACKWARD_CLIP, assert_backward_walk_result, poll

from service.app import create_app
from service.core.settings import Settings
from service.core.store import Analysis, Artefact

pytestmark = pytest.mark.slow


@pytest.fixture
def scaleout(tmp_path: Path):
    """Settings shared by the API (in this process) and the workers (child processes)."""
    with celery_queue(tmp_path, "retrogait-test") as (url, queue, env):
        env |= {"RETROGAIT_JOB_LEASE_S": "4", "RETROGAIT_CELERY_VISIBILITY_TIMEOUT_S": "6"}
        settings = Settings(
            data_dir=tmp_path / "data",
            broker_url=url,
            celery_queue=queue,
            job_lease_s=4,
            render_overlay=False,
            _env_file=None,
        )
        yield settings, env


def _upload(client: TestClient, clip: Path) -> str:
    with clip.open("rb") as fh:
        r = client.post("/v1/analyses", files={"video": (clip.name, fh)}, data={"height_cm": "160"})
    assert r.status_code == 202, r.text
    return r.json()["id"]


def test_worker_analyses_a_backward_walk(scaleout, tmp_path: Path) -> None:
    settings, env = scaleout
    clip = shared_clip(BACKWARD_CLIP)
    log = tmp_path / "worker.log"
    worker = cli_process(["worker"], env, log)
    try:
        with TestClient(create_app(settings)) as c:
            assert c.get("/healthz").json()["jobs"] == "celery"
            job = _upload(c, clip)
            doc = poll(c.get, job, timeout_s=600)
    finally:
        kill_group(worker, signal.SIGTERM)
    assert doc["status"] == "done", (doc["error"], log.read_text()[-3000:])
    assert doc["attempts"] == 1
    assert_backward_walk_result(doc)


def test_killed_worker_loses_nothing(scaleout, tmp_path: Path) -> None:
    settings, env = scaleout
    clip = shared_clip(BACKWARD_CLIP)
    log = tmp_path / "workers.log"
    first = cli_process(["worker"], env, log)
    second = None
    try:
        with TestClient(create_app(settings)) as c:
            job = _upload(c, clip)

            def under_way() -> bool:
                doc = c.get(f"/v1/analyses/{job}").json()
                return doc["status"] == "running" and doc["progress_pct"] > 5

            wait_for(under_way, 300, "the first worker to be under way")
            kill_group(first, signal.SIGKILL)  # the machine is gone: no ack, no clean-up
            second = cli_process(["worker"], env, log)
            doc = poll(c.get, job, timeout_s=600)
            with app_sessions(c)() as s:
                rows = s.scalars(select(Analysis).where(Analysis.id == job)).all()
                overlays = s.scalars(select(Artefact).where(Artefact.analysis_id == job)).all()
    finally:
        kill_group(first, signal.SIGKILL)
        if second is not None:
            kill_group(second, signal.SIGTERM)
    assert doc["status"] == "done", (doc["error"], log.read_text()[-3000:])
    assert doc["attempts"] == 2  # the killed run and the one that finished
    assert len(rows) == 1 and rows[0].result is not None
    assert sorted(a.kind for a in overlays) == ["pose", "video"]  # one of each, none doubled
    assert_backward_walk_result(doc)


def app_sessions(client: TestClient):
    return client.app.state.retrogait.sessions
