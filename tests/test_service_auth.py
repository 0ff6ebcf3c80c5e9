"""Authentication cannot flip: whether a key is needed comes from configuration, bind address
and key history, at every request; ``/metrics`` needs a key (or the scrape token) once keys are
in use and shows an organisation only its own jobs."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from service_support import write_test_video

from service.app import create_app
from service.core import accounts
from service.core.settings import Settings


def _settings(tmp_path: Path, **extra: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", local_workers=0, _env_file=None, **extra)


def _new_key(client: TestClient, org: str) -> str:
    with client.app.state.retrogait.sessions() as s:
        key = accounts.create_key(s, org).key
        s.commit()
    return key


def _revoke_all(client: TestClient) -> None:
    with client.app.state.retrogait.sessions() as s:
        for _org, prefix, _label, active in accounts.list_keys(s):
            if active:
                accounts.revoke_key(s, prefix)
        s.commit()


def _upload(client: TestClient, video: Path, headers: dict[str, str]) -> int:
    with video.open("rb") as fh:
        return client.post(
            "/v1/analyses", files={"video": ("clip.mp4", fh)}, headers=headers
        ).status_code


def test_revoking_every_key_never_reopens_the_server(tmp_path: Path) -> None:
    video = write_test_video(tmp_path / "clip.mp4", seconds=1.5)
    with TestClient(create_app(_settings(tmp_path))) as c:
        assert c.get("/healthz").json()["single_user"] is True
        assert c.get("/v1/analyses").status_code == 200  # single-user: no key needed
        key = _new_key(c, "clinic-a")
        assert c.get("/v1/analyses").status_code == 401
        assert c.get("/v1/analyses", headers={"X-API-Key": key}).status_code == 200
        both = {"Authorization": f"Bearer {key}", "X-API-Key": key + "x"}
        r = c.get("/v1/analyses", headers=both)  # which one was meant cannot be told
        assert r.status_code == 401 and "two different API keys" in r.json()["detail"]
        _revoke_all(c)
        assert c.get("/healthz").json()["single_user"] is False
        for path in ("/v1/analyses", "/v1/patients", "/metrics", "/v1/audit"):
            assert c.get(path).status_code == 401, path
        assert c.get("/v1/analyses", headers={"X-API-Key": key}).status_code == 401
        assert _upload(c, video, {}) == 401


def test_beyond_loopback_a_key_is_always_needed(tmp_path: Path) -> None:
    with TestClient(create_app(_settings(tmp_path, host="0.0.0.0"))) as c:
        assert c.get("/healthz").json()["single_user"] is False
        assert c.get("/v1/patients").status_code == 401
        assert c.get("/metrics").status_code == 401
    # Configuration wins over the bind address on loopback, never beyond it.
    with TestClient(create_app(_settings(tmp_path, require_api_key=True))) as c:
        assert c.get("/v1/patients").status_code == 401
    with TestClient(create_app(_settings(tmp_path, host="0.0.0.0", require_api_key=False))) as c:
        assert c.get("/v1/patients").status_code == 401


def test_metrics_show_an_organisation_its_own_jobs(tmp_path: Path) -> None:
    video = write_test_video(tmp_path / "clip.mp4", seconds=1.5)
    settings = _settings(tmp_path, metrics_token="scrape-secret-0123456789")
    with TestClient(create_app(settings)) as c:
        key_a, key_b = _new_key(c, "clinic-a"), _new_key(c, "clinic-b")
        for _ in range(2):
            assert _upload(c, video, {"X-API-Key": key_a}) == 202
        assert _upload(c, video, {"Authorization": f"Bearer {key_b}"}) == 202
        queued = 'retrogait_jobs{status="queued"}'
        own = c.get("/metrics", headers={"X-API-Key": key_b})
        assert own.status_code == 200 and f"{queued} 1.0" in own.text
        every = c.get("/metrics", headers={"Authorization": "Bearer scrape-secret-0123456789"})
        assert every.status_code == 200 and f"{queued} 3.0" in every.text
        assert c.get("/metrics", headers={"X-API-Key": "scrape-secret-wrong"}).status_code == 401
        wrong = {"X-API-Key": "scrape-secr\u00e9t".encode()}  # not ASCII: still just refused
        assert c.get("/metrics", headers=wrong).status_code == 401


def _entries(client: TestClient, headers: dict[str, str], **params: str) -> list[dict]:
    r = client.get("/v1/audit", headers=headers, params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_audit_trail_records_reads_exports_and_deletes(tmp_path: Path) -> None:
    video = write_test_video(tmp_path / "clip.mp4", seconds=1.5)
    with TestClient(create_app(_settings(tmp_path))) as c:
        key_a, key_b = _new_key(c, "clinic-a"), _new_key(c, "clinic-b")
        a, b = {"X-API-Key": key_a}, {"X-API-Key": key_b}
        prefix_a = key_a[:9]
        r = c.post("/v1/patients", json={"id": "P-7", "height_cm": 171, "notes": "knee"}, headers=a)
        assert r.status_code == 201
        with video.open("rb") as fh:
            r = c.post(
                "/v1/analyses",
                files={"video": ("c.mp4", fh)},
                data={"patient_id": "P-7"},
                headers=a,
            )
        job = r.json()["id"]
        assert c.get(f"/v1/analyses/{job}", headers=a).status_code == 200
        assert c.get(f"/v1/analyses/{job}/report.pdf", headers=a).status_code == 409  # not done
        assert c.get("/v1/patients/P-7", headers=a).status_code == 200
        assert c.get(f"/v1/analyses/{job}", headers=b).status_code == 404
        r = c.delete("/v1/patients/P-7", params={"with_analyses": "true"}, headers=a)
        assert r.status_code == 204
        trail = _entries(c, a)
        assert [(e["action"], e["resource"], e["resource_id"]) for e in trail] == [
            ("delete", "patient", "P-7"),
            ("delete", "analysis", job),
            ("read", "patient", "P-7"),
            ("read", "analysis", job),
        ]
        assert {e["key_prefix"] for e in trail} == {prefix_a}
        assert all(e["client"] for e in trail)
        assert "knee" not in str(trail) and "171" not in str(trail)  # no health data kept
        assert _entries(c, b) == []  # an organisation sees its own trail only
        assert [e["action"] for e in _entries(c, a, resource_id="P-7")] == ["delete", "read"]
