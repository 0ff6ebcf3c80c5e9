"""The /v1/live WebSocket: protocol, stale-frame dropping, errors, auth and saving, with the real
pose model on frames of the real backward-walk clip."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from service_support import shared_clip
from starlette.websockets import WebSocketDisconnect

from service.api import live as live_api
from vision.assess.cues import CUES

CLIP = "backward_walk_side_demo4.mp4"


def clip_jpegs(every: int = 2, size: tuple[int, int] = (640, 360)) -> list[tuple[float, bytes]]:
    """(capture ms, JPEG) of every ``every``-th frame of the real clip, downscaled."""
    clip = shared_clip(CLIP)
    import cv2

    out = []
    cap = cv2.VideoCapture(str(clip))
    i = 0
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        if i % every == 0:
            ok, jpg = cv2.imencode(".jpg", cv2.resize(bgr, size), [cv2.IMWRITE_JPEG_QUALITY, 80])
            out.append((1000.0 * i / 30.0, jpg.tobytes()))
        i += 1
    return out


def frame_message(capture_ms: float, frame_id: int, jpeg: bytes) -> bytes:
    return struct.pack("<dI", capture_ms, frame_id) + jpeg


@pytest.fixture(scope="module")
def bare_app() -> FastAPI:
    """The router on its own (no database: single-user, nothing to save to)."""
    app = FastAPI()
    app.include_router(live_api.router)
    return app


@pytest.fixture(scope="module")
def jpegs() -> list[tuple[float, bytes]]:
    return clip_jpegs()


@pytest.mark.slow
def test_session_over_the_real_clip(bare_app: FastAPI, jpegs: list[tuple[float, bytes]]) -> None:
    """Lock-step client (one frame, one reply): every frame is answered, steps are counted,
    the backward part reads backward, and stop yields the summary and the full analysis."""
    replies = []
    with TestClient(bare_app) as client, client.websocket_connect("/v1/live") as ws:
        ready = ws.receive_json()
        assert ready["type"] == "ready" and ready["protocol"] == 1
        assert ready["backend"] == "mediapipe-tasks" and len(ready["skeleton"]) > 10
        # Every session opens with the safety reminder from the shared cue table.
        assert ready["cue"]["code"] == "clear_space"
        assert ready["cue"]["message"] == CUES["clear_space"].template
        for k, (ms, jpg) in enumerate(jpegs):
            ws.send_bytes(frame_message(ms, k, jpg))
            reply = ws.receive_json()
            assert reply["type"] == "frame" and reply["frame_id"] == k
            replies.append(reply)
            if reply["setup"]["ok"] and reply["state"] == "setup":
                ws.send_json({"type": "start"})
        ws.send_json({"type": "stop"})
        summary = ws.receive_json()
    assert summary["type"] == "summary"
    seen = [r for r in replies if r["landmarks"] is not None]
    assert len(seen) > 100 and all(len(r["landmarks"]) == 33 for r in seen)
    xy = np.array([p[:2] for r in seen for p in r["landmarks"]])
    assert 0 <= np.median(xy[:, 0]) <= 1 and 0 <= np.median(xy[:, 1]) <= 1  # fractions
    directions = [r["metrics"]["walk_direction"] for r in replies]
    assert directions.count("backward") > 30 and directions.count("forward") > 15
    steps = replies[-1]["metrics"]["step_count"]
    assert 12 <= steps <= 20, steps  # ~7 forward + ~10 backward steps in the clip
    assert any(r["cue"] for r in replies)
    assert [r["alert"]["kind"] for r in replies if r["alert"]] == ["left_view"]
    live = summary["live"]
    assert live["step_count"] == steps and live["frames_dropped"] == 0
    assert live["frames_processed"] == len(jpegs) and live["latency_ms"]["p95"] > 0
    if summary["result"] is None:
        pytest.skip(f"full analysis not available here: {summary['error']}")
    result = summary["result"]
    assert result["schema_version"] == "1" and result["pose"]["frames_with_pose"] > 100
    assert result["metrics"]["walk_direction"] == "backward" and result["metrics"]["step_count"] > 0
    assert result["extras"]["live"]["source"] == "live"


def test_stale_frames_are_dropped_not_queued(bare_app: FastAPI, jpegs: list) -> None:
    """A burst of frames sent faster than the server can process: it answers only some, counts
    the rest as dropped, and the last frame sent is the last one answered."""
    burst = jpegs[60:100]
    with TestClient(bare_app) as client, client.websocket_connect("/v1/live") as ws:
        ws.receive_json()
        for k, (ms, jpg) in enumerate(burst):
            ws.send_bytes(frame_message(ms, k, jpg))
        ws.send_json({"type": "stop"})
        replies = []
        while True:
            msg = ws.receive_json()
            if msg["type"] == "summary":
                break
            replies.append(msg)
    ids = [r["frame_id"] for r in replies]
    assert ids == sorted(ids) and ids[-1] == len(burst) - 1
    assert len(replies) < len(burst)
    assert msg["live"]["frames_dropped"] == len(burst) - len(replies)
    assert msg["live"]["frames_received"] == len(burst)


def test_bad_messages_get_errors_and_the_session_goes_on(bare_app: FastAPI, jpegs: list) -> None:
    with TestClient(bare_app) as client, client.websocket_connect("/v1/live") as ws:
        ws.receive_json()
        ws.send_bytes(b"\x00\x01")
        assert ws.receive_json()["code"] == "bad_frame"
        ws.send_bytes(frame_message(0.0, 1, b"not a jpeg at all"))
        assert ws.receive_json()["code"] == "bad_frame"
        ws.send_bytes(frame_message(float("nan"), 2, jpegs[0][1]))
        assert ws.receive_json()["code"] == "bad_frame"
        ws.send_text("{nope")
        assert ws.receive_json()["code"] == "bad_message"
        ws.send_json({"type": "dance"})
        assert ws.receive_json()["code"] == "bad_message"
        ws.send_bytes(frame_message(100.0, 3, jpegs[0][1]))
        assert ws.receive_json()["frame_id"] == 3
        ws.send_bytes(frame_message(50.0, 4, jpegs[1][1]))  # older than the last frame
        assert ws.receive_json()["code"] == "stale_frame"
        import cv2

        small = cv2.imencode(".jpg", np.zeros((240, 320, 3), np.uint8))[1].tobytes()
        ws.send_bytes(frame_message(200.0, 5, small))
        assert ws.receive_json()["code"] == "frame_size_changed"
        ws.send_json({"type": "stop"})
        summary = ws.receive_json()
    assert summary["type"] == "summary" and summary["result"] is None
    assert "never started" in summary["error"]


def test_page_and_assets_are_served(bare_app: FastAPI) -> None:
    with TestClient(bare_app) as client:
        page = client.get("/live")
        assert page.status_code == 200 and "getUserMedia" not in page.text  # logic lives in JS
        assert 'id="overlay"' in page.text and "playsinline" in page.text
        js = client.get("/live/assets/live.js")
        assert js.status_code == 200 and "getUserMedia" in js.text and "speechSynthesis" in js.text
        assert client.get("/live/assets/live.css").status_code == 200
        assert client.get("/live/assets/secret.py").status_code == 404


def saved_session(client: TestClient, key: str, frames: list, patient_id: str) -> dict:
    """One session that starts at its first frame and stops asking to save for ``patient_id``;
    returns the summary."""
    with client.websocket_connect(f"/v1/live?api_key={key}") as ws:
        assert ws.receive_json()["type"] == "ready"
        for k, (ms, jpg) in enumerate(frames):
            ws.send_bytes(frame_message(ms, k, jpg))
            ws.receive_json()
            if k == 0:
                ws.send_json({"type": "start"})
        ws.send_json({"type": "stop", "save": True, "patient_id": patient_id})
        return ws.receive_json()


def test_api_key_rules_and_saving_to_a_patient(tmp_path: Path, jpegs: list) -> None:
    """With the real app: keys are enforced on the socket as on HTTP, and a finished session can
    be saved as an analysis of a patient."""
    from service.app import create_app
    from service.core.accounts import create_key
    from service.core.settings import Settings

    app = create_app(Settings(data_dir=tmp_path, local_workers=0))
    with TestClient(app) as client:
        state = app.state.retrogait
        with state.sessions() as session:
            key = create_key(session, "clinic").key
            session.commit()
        for url in ("/v1/live", "/v1/live?api_key=rg_wrong"):
            with pytest.raises(WebSocketDisconnect) as exc, client.websocket_connect(url) as ws:
                ws.receive_json()
            assert exc.value.code == 1008
        headers = {"Authorization": f"Bearer {key}"}
        created = client.post("/v1/patients", json={"id": "P-LIVE"}, headers=headers)
        assert created.status_code == 201
        summary = saved_session(client, key, jpegs[100:180], "P-NOBODY")
        if summary["result"] is None:
            pytest.skip(f"full analysis not available here: {summary['error']}")
        assert summary["analysis_id"] is None and "P-NOBODY" in summary["error"]
        summary = saved_session(client, key, jpegs[100:180], "P-LIVE")
        analysis_id = summary["analysis_id"]
        assert analysis_id, summary["error"]
        got = client.get(f"/v1/analyses/{analysis_id}", headers=headers)
        assert got.status_code == 200, got.text
        body = got.json()
        assert body["status"] == "done"
        patient = client.get("/v1/patients/P-LIVE", headers=headers).json()
        assert patient["analysis_count"] == 1


@pytest.mark.parametrize(
    ("size", "factor"), [((640, 480), 1), ((1280, 720), 2), ((1920, 1080), 2), ((3840, 2160), 4)]
)
def test_large_frames_are_decoded_at_reduced_size(size: tuple[int, int], factor: int) -> None:
    """The size comes from the JPEG header (baseline or progressive); the decoded image is the
    same picture, scaled down by ``factor`` while keeping >= 640 px on its longer side."""
    import cv2

    w, h = size
    yy, xx = np.mgrid[0:h, 0:w]
    bgr = np.dstack([xx * 255 // w, yy * 255 // h, np.full_like(xx, 90)]).astype(np.uint8)
    for params in ([], [cv2.IMWRITE_JPEG_PROGRESSIVE, 1]):
        jpg = cv2.imencode(".jpg", bgr, params)[1].tobytes()
        assert live_api.jpeg_size(jpg) == size
        frame = live_api.parse_frame(frame_message(1.0, 7, jpg), 0.0)
        rgb = live_api.decode_jpeg(frame.jpeg)
        assert rgb.shape == (h // factor, w // factor, 3)
        # RGB order, and the same picture: a gradient along x in red, along y in green.
        small = cv2.resize(bgr, (w // factor, h // factor), interpolation=cv2.INTER_AREA)
        assert np.abs(rgb.astype(int) - small[:, :, ::-1].astype(int)).mean() < 3
    assert live_api.jpeg_size(b"not a jpeg at all") is None
    with pytest.raises(live_api.ProtocolError, match="not a decodable JPEG"):
        live_api.decode_jpeg(b"\xff\xd8 truncated")
