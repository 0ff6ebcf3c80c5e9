"""The HTTP API on a real app and database, without running analyses (local pool size 0):
accounts and isolation, upload limits and refusals, deletion, patients, health and metrics."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from service_support import shared_clip, write_test_video

from service.app import create_app
from service.core import accounts
from service.core.settings import Settings


def _settings(tmp_path: Path, **kw) -> Settings:
    return Settings(data_dir=tmp_path / "data", local_workers=0, _env_file=None, **kw)


@pytest.fixture
def video(tmp_path: Path) -> Path:
    return write_test_video(tmp_path / "clip.mp4", seconds=1.0)


@pytest.fixture
def client(tmp_path: Path):
    with TestClient(create_app(_settings(tmp_path))) as c:
        yield c


def _upload(client: TestClient, video: Path, headers=None, **fields):
    with video.open("rb") as fh:
        return client.post(
            "/v1/analyses",
            files={"video": (video.name, fh, "video/mp4")},
            data={k: str(v) for k, v in fields.items()},
            headers=headers or {},
        )


def _files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_upload_queues_a_job_and_delete_removes_every_file(client, video, tmp_path) -> None:
    data = tmp_path / "data"
    r = _upload(client, video, height_cm=172, population="older_adults", protocol="3mbwt")
    assert r.status_code == 202, r.text
    doc = r.json()
    assert doc["status"] == "queued" and doc["result"] is None
    assert {k: v for k, v in doc["options"].items() if v is not None} == {
        "height_cm": 172.0,
        "population": "older_adults",
        "protocol": "3mbwt",
    }
    assert doc["video_bytes"] == video.stat().st_size and doc["artefacts"] == ["video"]
    stored = _files_under(data / "analyses" / doc["id"])
    assert [p.read_bytes() for p in stored] == [video.read_bytes()]
    assert client.get(f"/v1/analyses/{doc['id']}").json()["progress_pct"] == 0
    assert client.get(f"/v1/analyses/{doc['id']}/report.html").status_code == 409
    assert client.get(f"/v1/analyses/{doc['id']}/overlay.mp4").status_code == 409

    assert client.delete(f"/v1/analyses/{doc['id']}").status_code == 204
    assert not (data / "analyses" / doc["id"]).exists()
    assert client.get(f"/v1/analyses/{doc['id']}").status_code == 404
    assert client.get("/v1/analyses").json()["total"] == 0


def test_refusals_say_why_and_leave_nothing_behind(tmp_path: Path, video: Path) -> None:
    settings = _settings(tmp_path, max_upload_mb=0.05, max_duration_s=0.5)
    with TestClient(create_app(settings)) as c:
        big = write_test_video(tmp_path / "big.mp4", seconds=2, size=(320, 240), noise=True)
        assert big.stat().st_size > 0.05 * 1048576
        r = _upload(c, big)
        assert r.status_code == 413 and "larger than the limit" in r.json()["detail"]

        text = tmp_path / "notes.mp4"  # a video's name, not a video's contents
        text.write_text("hello, this is not a video\n" * 10)
        r = _upload(c, text)
        assert r.status_code == 415 and "notes.mp4" in r.json()["detail"]

        r = _upload(c, video)  # 1 s, over the 0.5 s limit
        assert r.status_code == 413 and "1.0 s long; the limit is" in r.json()["detail"]

        r = c.post("/v1/analyses", data={"height_cm": "170"})
        assert r.status_code in (415, 422) and "video" in r.json()["detail"]
        r = c.post("/v1/analyses", files={"other": ("x.mp4", b"abc")})
        assert r.status_code == 422 and "'video'" in r.json()["detail"]
        # The field name must match exactly, not be part of "video".
        short = write_test_video(tmp_path / "short.mp4", seconds=0.3)
        with short.open("rb") as fh:
            r = c.post("/v1/analyses", files={"vid": ("x.mp4", fh, "video/mp4")})
        assert r.status_code == 422 and "'video'" in r.json()["detail"]

        r = _upload(c, short, height_cm=20)
        assert r.status_code == 422 and r.json()["detail"].startswith("height_cm")
        r = _upload(c, short, calibration="{not json")
        assert r.status_code == 422 and "calibration" in r.json()["detail"]
        r = _upload(c, short, population="martians")
        assert r.status_code == 422 and "population: 'martians' is not one of" in r.json()["detail"]
        r = _upload(c, short, patient_id="NOPE")
        assert r.status_code == 422 and "no patient NOPE" in r.json()["detail"]

        assert c.get("/v1/analyses").json()["total"] == 0
    assert _files_under(settings.data_dir / "uploads") == []
    assert _files_under(settings.data_dir / "analyses") == []


def test_organisations_see_only_their_own(tmp_path: Path, video: Path) -> None:
    settings = _settings(tmp_path)
    app = create_app(settings)
    with app.state.retrogait.sessions.begin() as s:
        key_a = accounts.create_key(s, "clinic A").key
        key_b = accounts.create_key(s, "clinic B").key
    a = {"Authorization": f"Bearer {key_a}"}
    b = {"X-API-Key": key_b}
    with TestClient(app) as c:
        assert c.get("/v1/analyses").status_code == 401  # keys exist: anonymous is refused
        assert c.get("/v1/analyses", headers={"X-API-Key": "rg_wrong"}).status_code == 401
        assert c.get("/healthz").json()["single_user"] is False

        assert (
            c.post("/v1/patients", json={"id": "P-1", "height_cm": 165}, headers=a).status_code
            == 201
        )
        assert c.post("/v1/patients", json={"id": "P-1"}, headers=b).status_code == 201
        assert c.post("/v1/patients", json={"id": "P-1"}, headers=a).status_code == 409
        r = _upload(c, video, headers=a, patient_id="P-1")
        assert r.status_code == 202, r.text
        job = r.json()["id"]
        assert r.json()["options"]["height_cm"] == 165  # from the patient record

        for path in (
            f"/v1/analyses/{job}",
            f"/v1/analyses/{job}/report.html",
            f"/v1/analyses/{job}/overlay.mp4",
        ):
            got = c.get(path, headers=b)
            assert got.status_code == 404 and got.json() == {"detail": f"no analysis {job}"}
        assert c.delete(f"/v1/analyses/{job}", headers=b).status_code == 404
        assert c.get("/v1/analyses", headers=b).json()["total"] == 0
        assert c.get("/v1/patients/P-1", headers=b).json()["analyses"] == []
        mine = c.get("/v1/patients/P-1", headers=a).json()
        assert [x["id"] for x in mine["analyses"]] == [job] and mine["analysis_count"] == 1
        assert c.get(f"/v1/analyses/{job}", headers=a).status_code == 200


def test_patients_crud(client: TestClient, video: Path, tmp_path: Path) -> None:
    r = client.post("/v1/patients", json={"height_cm": 158.5, "notes": "knee rehab"})
    assert r.status_code == 201
    code = r.json()["id"]
    assert client.post("/v1/patients", json={"id": "Dr Who"}).status_code == 422  # no names
    r = client.patch(f"/v1/patients/{code}", json={"notes": "week 2"})
    assert r.json()["notes"] == "week 2" and r.json()["height_cm"] == 158.5
    assert [p["id"] for p in client.get("/v1/patients").json()["items"]] == [code]
    job = _upload(client, video, patient_id=code).json()["id"]
    r = client.delete(f"/v1/patients/{code}")
    assert r.status_code == 409 and "1 analyses" in r.json()["detail"]
    assert client.delete(f"/v1/patients/{code}?with_analyses=true").status_code == 204
    assert client.get(f"/v1/analyses/{job}").status_code == 404
    assert not (tmp_path / "data" / "analyses" / job).exists()
    assert client.get(f"/v1/patients/{code}").status_code == 404


def test_health_metrics_and_page(client: TestClient, video: Path) -> None:
    assert client.get("/healthz").json() == {
        "status": "ok",
        "version": client.get("/openapi.json").json()["info"]["version"],
        "database": "sqlite",
        "jobs": "local",
        "single_user": True,
    }
    _upload(client, video)
    metrics = client.get("/metrics").text
    assert 'retrogait_jobs{status="queued"} 1.0' in metrics
    assert "retrogait_analysis_seconds_bucket" in metrics
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]


def test_duration_limit_on_a_real_clip(tmp_path: Path) -> None:
    clip = shared_clip("backward_walk_side_demo4.mp4")  # 401 frames at 30 fps: 13.4 s
    with TestClient(create_app(_settings(tmp_path, max_duration_s=10))) as c:
        r = _upload(c, clip)
    assert r.status_code == 413 and "13.4 s long" in r.json()["detail"]
