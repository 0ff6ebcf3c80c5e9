"""``POST /v1/batches`` and ``GET /v1/batches/{id}`` on a real app and database (no analyses run:
local pool size 0, except where the test runs the jobs): per-file refusals, accounts and
isolation, options carried to every analysis."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from service_support import wait_for, write_test_video

from service.app import create_app
from service.core import accounts
from service.core.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def _settings(tmp_path: Path, **kw) -> Settings:
    kw.setdefault("local_workers", 0)
    return Settings(data_dir=tmp_path / "data", _env_file=None, **kw)


@pytest.fixture
def client(tmp_path: Path):
    with TestClient(create_app(_settings(tmp_path, max_upload_mb=0.2))) as c:
        yield c


def _send(client: TestClient, paths: list[Path], headers=None, **fields):
    handles = [p.open("rb") for p in paths]
    try:
        return client.post(
            "/v1/batches",
            files=[
                ("videos", (p.name, fh, "video/mp4")) for p, fh in zip(paths, handles, strict=True)
            ],
            data={k: str(v) for k, v in fields.items()},
            headers=headers or {},
        )
    finally:
        for fh in handles:
            fh.close()


def test_batch_queues_each_video_and_refuses_bad_files_one_by_one(client, tmp_path) -> None:
    client.post("/v1/patients", json={"id": "P-7", "height_cm": 164})
    good = [write_test_video(tmp_path / f"visit{i}.mp4", seconds=1.0) for i in (1, 2)]
    text = tmp_path / "notes.mp4"
    text.write_text("not a video\n" * 50)
    big = write_test_video(tmp_path / "big.mp4", seconds=4, size=(320, 240), noise=True)
    assert big.stat().st_size > 0.2 * 1048576  # over this server's limit
    r = _send(
        client,
        [good[0], text, big, good[1]],
        patient_id="P-7",
        population="older_adults",
        visit_date="2025-04-02",
    )
    assert r.status_code == 202, r.text
    batch = r.json()
    assert batch["patient_id"] == "P-7" and batch["finished"] is False
    assert batch["counts"] == {"queued": 2, "running": 0, "done": 0, "failed": 0, "refused": 2}
    by_name = {f["filename"]: f for f in batch["files"]}
    notes = by_name["notes.mp4"]
    assert notes["status"] == "refused" and notes["status_code"] == 415
    assert "notes.mp4" in by_name["notes.mp4"]["error"]
    assert by_name["big.mp4"]["status_code"] == 413 and "limit" in by_name["big.mp4"]["error"]
    for name in ("visit1.mp4", "visit2.mp4"):
        analysis = client.get(f"/v1/analyses/{by_name[name]['analysis_id']}").json()
        assert analysis["status"] == "queued" and analysis["patient_id"] == "P-7"
        assert analysis["visit_date"] == "2025-04-02"
        # The patient's height fills in, as for a single upload.
        assert analysis["options"]["height_cm"] == 164 and analysis["options"]["population"]
    assert client.get(f"/v1/batches/{batch['id']}").json() == batch
    # Nothing of the refused files is left in the data directory.
    stored = sorted(p.name for p in (tmp_path / "data").rglob("*.mp4"))
    assert stored == ["video.mp4", "video.mp4"]
    assert not list((tmp_path / "data" / "uploads").iterdir())


def test_batch_requests_refused_as_a_whole(client, tmp_path) -> None:
    clip = write_test_video(tmp_path / "a.mp4", seconds=1.0)
    r = _send(client, [clip], patient_id="NOBODY")
    assert r.status_code == 422 and "no patient NOBODY" in r.json()["detail"]
    r = _send(client, [clip], protocol="sprint")
    assert r.status_code == 422 and "protocol" in r.json()["detail"]
    r = client.post("/v1/batches", data={"height_cm": "170"}, files={"other": ("x", b"abc")})
    assert r.status_code == 422 and "videos" in r.json()["detail"]
    r = client.post("/v1/batches", json={"videos": []})
    assert r.status_code == 415
    assert client.get("/v1/batches/0123456789abcdef").status_code == 404
    assert not list((tmp_path / "data" / "uploads").iterdir())
    assert not list((tmp_path / "data" / "analyses").iterdir())


def test_too_many_files_in_one_batch(tmp_path) -> None:
    clip = write_test_video(tmp_path / "a.mp4", seconds=1.0)
    with TestClient(create_app(_settings(tmp_path, max_batch_files=2))) as c:
        r = _send(c, [clip, clip, clip])
    assert r.status_code == 413 and "more than 2 videos" in r.json()["detail"]
    assert not list((tmp_path / "data" / "uploads").iterdir())


def test_other_organisations_batch_is_not_found(client, tmp_path) -> None:
    app = client.app
    with app.state.retrogait.sessions() as s:
        key_a = accounts.create_key(s, "clinic-a").key
        key_b = accounts.create_key(s, "clinic-b").key
        s.commit()
    clip = write_test_video(tmp_path / "a.mp4", seconds=1.0)
    a = {"Authorization": f"Bearer {key_a}"}
    b = {"Authorization": f"Bearer {key_b}"}
    assert _send(client, [clip]).status_code == 401
    batch = _send(client, [clip], headers=a).json()
    assert client.get(f"/v1/batches/{batch['id']}", headers=a).status_code == 200
    r = client.get(f"/v1/batches/{batch['id']}", headers=b)
    assert r.status_code == 404 and r.json() == {"detail": f"no batch {batch['id']}"}
    analysis_id = batch["files"][0]["analysis_id"]
    assert client.get(f"/v1/analyses/{analysis_id}", headers=b).status_code == 404


@pytest.mark.slow
def test_batch_of_two_sample_clips_runs_to_done(tmp_path) -> None:
    clips = sorted((REPO / "sample_videos").glob("*.mp4"))[:2]
    if len(clips) < 2:
        pytest.skip("sample_videos/ has fewer than two clips")
    settings = _settings(tmp_path, local_workers=1, render_overlay=False)
    with TestClient(create_app(settings)) as c:
        c.post("/v1/patients", json={"id": "P-2", "height_cm": 170})
        batch = _send(c, clips, patient_id="P-2").json()
        seen_progress = set()

        def finished():
            doc = c.get(f"/v1/batches/{batch['id']}").json()
            seen_progress.add(doc["progress_pct"])
            return doc if doc["finished"] else None

        doc = wait_for(finished, 600, "the batch to finish", interval_s=1.0)
        patient = c.get("/v1/patients/P-2").json()
    assert doc["counts"]["done"] == 2, doc
    assert doc["progress_pct"] == 100 and len(seen_progress) >= 2
    assert sorted(a["id"] for a in patient["analyses"]) == sorted(
        f["analysis_id"] for f in doc["files"]
    )
