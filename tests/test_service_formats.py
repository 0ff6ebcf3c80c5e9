"""What an upload must be (formats, length, field, visit date), the security headers every
response carries, and temporary uploads of dead requests removed at start-up."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from service_support import write_test_video

from service.api import uploads
from service.app import create_app
from service.core.settings import Settings
from service.jobs.processes import process_scope


@pytest.fixture
def client(tmp_path: Path):
    settings = Settings(data_dir=tmp_path / "data", local_workers=0, _env_file=None)
    with TestClient(create_app(settings)) as c:
        yield c


def _post(client: TestClient, path: Path, field: str = "video", **data: str):
    with path.open("rb") as fh:
        return client.post("/v1/analyses", files={field: (path.name, fh)}, data=data)


def test_stills_gifs_and_short_clips_are_refused_with_why(client, tmp_path: Path) -> None:
    from PIL import Image

    still = tmp_path / "still.gif"
    Image.new("RGB", (64, 48), (200, 40, 40)).save(still)
    r = _post(client, still)
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == "still.gif holds a single frame, a still image: send a video"
    frames = [Image.new("RGB", (64, 48), (i * 20, 40, 40)) for i in range(12)]
    animated = tmp_path / "walk.gif"
    frames[0].save(animated, save_all=True, append_images=frames[1:], duration=100)
    r = _post(client, animated)
    assert r.status_code == 415 and "walk.gif is gif" in r.json()["detail"]
    assert "MP4/MOV" in r.json()["detail"]

    one_frame = write_test_video(tmp_path / "one.mp4", seconds=0.1)
    r = _post(client, one_frame)
    assert r.status_code == 422 and "one.mp4 holds a single frame" in r.json()["detail"]
    short = write_test_video(tmp_path / "short.mp4", seconds=0.5)
    r = _post(client, short)
    assert (
        r.json()["detail"]
        == "short.mp4 is 0.50 s long (5 frames): a walk needs at least 1 s of video"
    )
    assert _post(client, write_test_video(tmp_path / "ok.mp4", seconds=1.0)).status_code == 202
    assert list((tmp_path / "data" / "uploads").iterdir()) == []


def test_a_video_in_the_wrong_field_is_named(client, tmp_path: Path) -> None:
    clip = write_test_video(tmp_path / "clip.mp4", seconds=1.0, size=(320, 240), noise=True)
    assert clip.stat().st_size > 64 * 1024  # larger than any text field may be
    r = _post(client, clip, field="file")
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == "field 'file' carries a file; send the video in the field 'video'"
    with clip.open("rb") as fh:
        r = client.post("/v1/batches", files={"upload": ("clip.mp4", fh)})
    assert r.status_code == 422 and "field 'videos'" in r.json()["detail"]
    r = client.post("/v1/batches", files={"videos": (None, b"{}")})
    assert r.json() == {"detail": "field 'videos' holds text; send the video as a file"}
    r = client.post("/v1/analyses", files={"video": (None, b"some text")})
    assert r.json() == {"detail": "field 'video' holds text; send the video as a file"}


def test_visit_dates_are_not_in_the_future(client, tmp_path: Path) -> None:
    clip = write_test_video(tmp_path / "clip.mp4", seconds=1.0)
    r = _post(client, clip, visit_date="9999-12-31")
    assert r.status_code == 422 and r.json()["detail"].startswith("visit_date:")
    assert "in the future" in r.json()["detail"]
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    r = _post(client, clip, visit_date=tomorrow)  # a clinic ahead of the server's UTC day
    assert r.status_code == 202 and r.json()["visit_date"] == tomorrow
    r = _post(client, clip, visit_date="")
    assert r.status_code == 422 and r.json()["detail"].startswith("visit_date:")


def test_every_response_carries_the_security_headers(client) -> None:
    for path in ("/", "/clinic", "/static/upload.js", "/v1/analyses", "/healthz", "/nowhere"):
        r = client.get(path)
        assert r.headers["x-content-type-options"] == "nosniff", path
        assert r.headers["referrer-policy"] == "no-referrer", path
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self';" in csp, path
    docs_csp = client.get("/docs").headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline'" in docs_csp and "frame-ancestors 'none'" in docs_csp


def test_a_refused_method_lists_every_method_of_the_path(client) -> None:
    r = client.put("/v1/patients/P-1", json={})
    assert r.status_code == 405 and r.headers["allow"] == "DELETE, GET, PATCH"
    assert r.json() == {"detail": "Method Not Allowed"}


def test_temporary_uploads_of_dead_requests_are_removed_at_start(tmp_path: Path) -> None:
    upload_dir = tmp_path / "data" / "uploads"
    upload_dir.mkdir(parents=True)
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    host = process_scope()
    dead = upload_dir / f"upload-{ended.stdout.strip()}@{host}-abc123.part"
    live = upload_dir / f"upload-{os.getpid()}@{host}-def456.part"
    other_host = upload_dir / "upload-1@elsewhere-ghi789.part"
    abandoned = upload_dir / "upload-2@elsewhere-jkl012.part"
    for path in (dead, live, other_host, abandoned):
        path.write_bytes(b"\0" * 1000)
    old = time.time() - uploads.STALE_UPLOAD_S - 60
    os.utime(abandoned, (old, old))
    create_app(Settings(data_dir=tmp_path / "data", local_workers=0, _env_file=None))
    assert sorted(p.name for p in upload_dir.iterdir()) == sorted([live.name, other_host.name])


def test_an_upload_cut_off_mid_stream_leaves_no_file(tmp_path: Path) -> None:
    import socket
    from urllib.parse import urlsplit

    from service_support import serve, wait_for

    settings = Settings(data_dir=tmp_path / "data", local_workers=0, _env_file=None)
    uploads_dir = tmp_path / "data" / "uploads"
    with serve(create_app(settings)) as url:
        address = urlsplit(url)
        head = b'--b\r\nContent-Disposition: form-data; name="video"; filename="walk.mp4"\r\n\r\n'
        with socket.create_connection((address.hostname, address.port)) as conn:
            conn.sendall(
                b"POST /v1/analyses HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: multipart/form-data; boundary=b\r\n"
                b"Content-Length: 50000000\r\n\r\n" + head + b"\0" * 200_000
            )
            wait_for(lambda: any(uploads_dir.glob("*.part")), 30, "the upload to start")
        # The client is gone: the request ends and its temporary file with it.
        wait_for(lambda: not any(uploads_dir.glob("*.part")), 30, "the temporary file to go")


def test_a_misspelt_option_is_named_not_ignored(client, tmp_path: Path) -> None:
    clip = write_test_video(tmp_path / "clip.mp4", seconds=1.0)
    r = _post(client, clip, heigth_cm="170")
    assert r.status_code == 422
    assert r.json()["detail"].startswith("unknown form field 'heigth_cm'; the fields are height_cm")
    for name in ("calibration", "height_cm", "patient_id", "population"):  # empty is not absent
        r = _post(client, clip, **{name: ""})
        assert r.status_code == 422 and r.json()["detail"].startswith(name), (name, r.text)
