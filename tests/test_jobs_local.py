"""Local jobs end to end on a real clip: upload, poll, result, report, overlay, delete; and a
``retrogait serve`` killed mid-job whose job completes after the restart."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from service_support import cli_process, free_port, kill_group, shared_clip, wait_for

from service.app import create_app
from service.core.settings import Settings

BACKWARD_CLIP = "backward_walk_side_demo4.mp4"
# From the clip's manifest: walks backward from about frame 190 to 345 at 30 fps.
BACKWARD_START_S, BACKWARD_END_S = 190 / 30, 345 / 30


def assert_backward_walk_result(doc: dict) -> None:
    """What the real backward-walk clip must give: a backward segment where the person walks
    backward, and a step count a person could take in this 13 s clip."""
    result = doc["result"]
    backward = [s for s in result["segments"] if s["direction"] == "backward"]
    assert backward, f"no backward segment in {result['segments']}"
    covered = sum(
        max(0.0, min(s["end_s"], BACKWARD_END_S) - max(s["start_s"], BACKWARD_START_S))
        for s in backward
    )
    assert covered > 0.6 * (BACKWARD_END_S - BACKWARD_START_S), result["segments"]
    assert 4 <= result["metrics"]["step_count"] <= 40, result["metrics"]
    assert result["schema_version"] == "1" and result["video"]["frame_count"] == 401


def poll(get, analysis_id: str, timeout_s: float) -> dict:
    def finished():
        doc = get(f"/v1/analyses/{analysis_id}").json()
        return doc if doc["status"] in ("done", "failed") else None

    return wait_for(finished, timeout_s, f"analysis {analysis_id} to finish", interval_s=1.0)


@pytest.mark.slow
def test_local_pool_analyses_a_backward_walk(tmp_path: Path) -> None:
    clip = shared_clip(BACKWARD_CLIP)
    settings = Settings(data_dir=tmp_path / "data", local_workers=1, _env_file=None)
    with TestClient(create_app(settings)) as c:
        with clip.open("rb") as fh:
            r = c.post("/v1/analyses", files={"video": (clip.name, fh)}, data={"height_cm": "160"})
        assert r.status_code == 202, r.text
        job = r.json()["id"]
        doc = poll(c.get, job, timeout_s=600)
        assert doc["status"] == "done", doc["error"]
        assert_backward_walk_result(doc)
        assert doc["attempts"] == 1 and doc["progress_pct"] == 100
        assert "retrogait_analysis_seconds_count 1.0" in c.get("/metrics").text

        html = c.get(f"/v1/analyses/{job}/report.html")
        assert html.status_code in (200, 501), html.text
        if "overlay" in doc["artefacts"]:
            video = c.get(f"/v1/analyses/{job}/overlay.mp4")
            assert video.status_code == 200 and len(video.content) > 10_000
        assert c.delete(f"/v1/analyses/{job}").status_code == 204
    assert not (settings.analyses_dir / job).exists()


@pytest.mark.slow
def test_restarted_server_completes_the_interrupted_job(tmp_path: Path) -> None:
    clip = shared_clip(BACKWARD_CLIP)
    port = free_port()
    env = {
        "RETROGAIT_DATA_DIR": str(tmp_path / "data"),
        "RETROGAIT_PORT": str(port),
        "RETROGAIT_LOCAL_WORKERS": "1",
        "RETROGAIT_JOB_LEASE_S": "3",
        "RETROGAIT_RENDER_OVERLAY": "false",
    }
    log = tmp_path / "serve.log"
    http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)

    def up() -> bool:
        try:
            return http.get("/healthz").status_code == 200
        except httpx.TransportError:
            return False

    server = cli_process(["serve"], env, log)
    try:
        wait_for(up, 120, "the server to start")
        with clip.open("rb") as fh:
            job = http.post("/v1/analyses", files={"video": (clip.name, fh)}).json()["id"]

        def analysing() -> bool:
            doc = http.get(f"/v1/analyses/{job}").json()
            return doc["status"] == "running" and doc["progress_pct"] > 5

        wait_for(analysing, 300, "the job to be under way")
        os.kill(server.pid, signal.SIGKILL)  # a crash: no clean shutdown, no lease handed back
        server.wait(timeout=30)
        server = cli_process(["serve"], env, log)
        wait_for(up, 120, "the server to restart")
        doc = poll(http.get, job, timeout_s=600)
    finally:
        kill_group(server, signal.SIGTERM)
        http.close()
    assert doc["status"] == "done", (doc["error"], log.read_text()[-3000:])
    assert doc["attempts"] == 2  # started once, taken over once, one result
    assert_backward_walk_result(doc)
