"""``retrogait batch --engine celery`` with real ``retrogait worker`` processes on real Redis:
the recordings become service jobs run by the workers, the batch writes the same outputs as the
local engine, a corrupt file fails alone, and a second run sends nothing again."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from service_support import REPO, celery_queue, cli_process, kill_group

from service import migrations
from service.cli import main
from service.core.settings import Settings
from service.core.store import Analysis, make_engine, session_factory

MAX_FRAMES = 45  # 1.5 s of each 30 fps clip: enough for a result document, cheap in pose time


def test_celery_engine_needs_a_broker(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.mp4").write_bytes(b"x")
    monkeypatch.delenv("RETROGAIT_BROKER_URL", raising=False)
    monkeypatch.setenv("RETROGAIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)  # no .env file to pick a broker up from
    out = tmp_path / "out"
    assert main(["batch", str(tmp_path / "in"), "-o", str(out), "--engine", "celery"]) == 2
    assert "needs RETROGAIT_BROKER_URL" in capsys.readouterr().err


@pytest.fixture
def workers(tmp_path: Path):
    """Two ``retrogait worker`` processes on a Redis database and queue of their own."""
    with celery_queue(tmp_path, "retrogait-batch-test") as (_, _, env):
        # Migrate once up front: processes starting together on a fresh database would race.
        settings = Settings(data_dir=tmp_path / "data", _env_file=None)
        settings.ensure_dirs()
        migrations.upgrade(settings.sqlalchemy_url)
        log = tmp_path / "workers.log"
        procs = [cli_process(["worker"], env, log) for _ in range(2)]
        yield env, log
        for proc in procs:
            kill_group(proc, signal.SIGTERM)


def _batch(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "service.cli", "batch", *args],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.slow
def test_batch_runs_on_celery_workers_and_resumes(workers, tmp_path: Path) -> None:
    env, log = workers
    clips = sorted((REPO / "sample_videos").glob("*.mp4"))[:2]
    if len(clips) < 2:
        pytest.skip("sample_videos/ has fewer than two clips")
    src = tmp_path / "in"
    for patient, clip in zip(("P-1", "P-2"), clips, strict=True):
        (src / patient).mkdir(parents=True)
        shutil.copyfile(clip, src / patient / clip.name)
    (src / "P-2" / "corrupt.mp4").write_bytes(bytes(range(256)) * 32)
    out = tmp_path / "out"
    args = [str(src), "-o", str(out), "--engine", "celery", "--max-frames", str(MAX_FRAMES)]

    first = _batch(args, env)
    assert first.returncode == 1, (first.stdout, first.stderr[-2000:], log.read_text()[-3000:])
    assert "3 recordings: 2 analysed, 0 unchanged (skipped), 1 failed" in first.stdout
    rows = {r["recording"]: r for r in csv.DictReader((out / "summary.csv").open())}
    assert rows["P-2/corrupt.mp4"]["status"] == "failed"
    assert rows["P-2/corrupt.mp4"]["reason"].startswith("NotAVideoError")
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)
    engine = make_engine(settings)
    with session_factory(engine)() as s:
        jobs = {a.id: a for a in s.query(Analysis)}
        patients = {a.id: a.patient.code for a in jobs.values()}
    engine.dispose()
    assert len(jobs) == 2  # the corrupt file never became a job
    for patient, clip in zip(("P-1", "P-2"), clips, strict=True):
        row = rows[f"{patient}/{clip.name}"]
        assert row["status"] == "analysed", row["reason"]
        doc = json.loads((out / row["result_json"]).read_text())
        job = jobs[doc["extras"]["analysis_id"]]
        # The document is the worker's result, with the batch's visit and resume key added.
        assert job.status == "done" and job.worker_id.startswith("celery:")
        assert job.options["max_frames"] == MAX_FRAMES
        assert doc["video"]["frame_count"] == job.result["video"]["frame_count"]
        assert doc["extras"]["visit"]["patient_id"] == patient
        assert patients[job.id] == patient
        assert len(doc["extras"]["batch"]["key"]) == 64
    assert sorted(p.name for p in (out / "reports").iterdir()) == [
        "P-1.html",
        "P-1.pdf",
        "P-2.html",
        "P-2.pdf",
    ]
    assert not list((out / "pending").iterdir())

    again = _batch(args, env)
    assert again.returncode == 1
    assert "3 recordings: 0 analysed, 2 unchanged (skipped), 1 failed" in again.stdout
    engine = make_engine(settings)
    with session_factory(engine)() as s:
        assert s.query(Analysis).count() == 2  # nothing was sent twice
    engine.dispose()


@pytest.mark.slow
def test_unreachable_broker_then_resume_sends_the_stored_job(workers, tmp_path: Path) -> None:
    env, log = workers
    clip = sorted((REPO / "sample_videos").glob("*.mp4"))[0]
    src = tmp_path / "in"
    src.mkdir()
    shutil.copyfile(clip, src / clip.name)
    out = tmp_path / "out"
    args = [str(src), "-o", str(out), "--engine", "celery", "--max-frames", str(MAX_FRAMES)]
    down = _batch(args, {**env, "RETROGAIT_BROKER_URL": "redis://127.0.0.1:1/0"})
    assert down.returncode == 2, (down.stdout, down.stderr[-2000:])
    assert "cannot send jobs to the broker" in down.stderr
    assert len(list((out / "pending").iterdir())) == 1  # the stored job is remembered

    up = _batch(args, env)
    assert up.returncode == 0, (up.stdout, up.stderr[-2000:], log.read_text()[-3000:])
    assert "1 recordings: 1 analysed" in up.stdout
    engine = make_engine(Settings(data_dir=tmp_path / "data", _env_file=None))
    with session_factory(engine)() as s:
        assert [a.status for a in s.query(Analysis)] == ["done"]  # one job, sent on resume
    engine.dispose()
