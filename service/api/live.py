"""``/v1/live``: live coaching over a WebSocket, and the ``/live`` page that uses it.

Protocol (version 1; docs/live-protocol.md has the full text and examples)
--------------------------------------------------------------------------
Connect to ``ws(s)://HOST/v1/live``, with the API key as the ``api_key`` query parameter (browsers
cannot set headers on a WebSocket) or as an ``X-API-Key`` / ``Authorization: Bearer`` header.
With no key configured on the server (single-user mode) no key is needed. A refused key closes
the socket with code 1008 and the reason as text.

Server -> client, JSON text messages:

* ``{"type": "ready", "protocol": 1, "backend", "model", "max_frame_bytes", "skeleton"}`` once
  connected (``skeleton``: the landmark index pairs to draw).
* ``{"type": "frame", "frame_id", "capture_ms", "latency_ms", "dropped_frames", "t_s", "state",
  "landmarks", "setup", "metrics", "events", "cue", "alert"}`` for every processed frame.
  ``landmarks`` are 33 ``[x, y, visibility]`` with x, y as fractions of the frame (null when
  nobody is seen); ``latency_ms`` is the server's time from receiving the frame to this reply.
* ``{"type": "summary", "live", "result", "analysis_id", "error"}`` after ``stop``: ``result`` is
  the full analysis document (the same contract as uploads) or null with ``error`` saying why.
* ``{"type": "error", "code", "message"}``: a frame or message was refused; the session goes on.

Client -> server:

* binary frame: 8 bytes little-endian float64 capture time in milliseconds (any monotonic
  clock, e.g. ``performance.now()``), 4 bytes little-endian uint32 frame id, then one JPEG image.
* ``{"type": "start"}``: the person passed the set-up check; steps, cues and recording begin.
* ``{"type": "resume"}``: after a safety alert the person confirms they are fine.
* ``{"type": "stop", "save": false, "patient_id": null, "height_cm": null,
  "population": null}``: end; the server answers with the summary, saving the result as an
  analysis (of that patient, if given) when ``save`` is true.

Latency stays bounded: a receive task keeps only the newest frame and a processing loop always
takes the latest one, so when the server falls behind it drops stale frames (counted in
``dropped_frames``) instead of queueing them. Frames are processed on one thread pool shared by
all sessions of the app (:func:`frame_pool`), sized to the cores so that two sessions'
inferences do not fight over them; large JPEGs are decoded at reduced size.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import struct
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from fastapi import APIRouter, HTTPException, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse

from service.api.live_results import analyse_recording, authorise, live_summary, save_result
from service.web import STATIC_DIR
from vision.assess.live_coach import session_start_cue
from vision.landmarks import SKELETON_EDGES
from vision.live.analyzer import LiveAnalyzer, LiveUpdate
from vision.live.cues import LiveCue
from vision.pose import MediaPipePoseEstimator, PoseEstimator, PoseOptions

router = APIRouter(tags=["live"])

PROTOCOL_VERSION = 1
HEADER = struct.Struct("<dI")  # capture time ms (float64), frame id (uint32)
MAX_FRAME_BYTES = 2 * 1024 * 1024
PAGE_ASSETS = {"live.js": "text/javascript", "live.css": "text/css"}
# JPEGs are decoded at 1/2, 1/4 or 1/8 size while the result keeps at least this many pixels on
# its longer side: the pose network sees 256x256 crops, and decoding fewer pixels is faster.
DECODE_MIN_SIDE_PX = 640
_REDUCED_RGB = {  # libjpeg scales while decoding (DCT scaling): no full-size image is made
    2: (cv2.IMREAD_REDUCED_COLOR_2 & ~cv2.IMREAD_COLOR) | cv2.IMREAD_COLOR_RGB,
    4: (cv2.IMREAD_REDUCED_COLOR_4 & ~cv2.IMREAD_COLOR) | cv2.IMREAD_COLOR_RGB,
    8: (cv2.IMREAD_REDUCED_COLOR_8 & ~cv2.IMREAD_COLOR) | cv2.IMREAD_COLOR_RGB,
}
WORKERS_ENV = "RETROGAIT_LIVE_WORKERS"


class ProtocolError(ValueError):
    """A message the protocol does not allow; ``code`` names it for the client."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass
class Frame:
    """One received frame waiting to be processed."""

    frame_id: int
    capture_ms: float
    jpeg: np.ndarray  # (N,) uint8 view of the message's JPEG bytes (not copied)
    received_s: float  # time.perf_counter() at receipt


def parse_frame(data: bytes, received_s: float) -> Frame:
    """Split a binary message into header and JPEG; raises :class:`ProtocolError`."""
    if len(data) <= HEADER.size:
        raise ProtocolError("bad_frame", f"frame message too short ({len(data)} bytes)")
    if len(data) > MAX_FRAME_BYTES:
        raise ProtocolError(
            "frame_too_large",
            f"frame of {len(data)} bytes exceeds {MAX_FRAME_BYTES} bytes; send a smaller JPEG",
        )
    capture_ms, frame_id = HEADER.unpack_from(data)
    if not math.isfinite(capture_ms):
        raise ProtocolError("bad_frame", "capture time is not a finite number")
    return Frame(
        frame_id, capture_ms, np.frombuffer(data, np.uint8, offset=HEADER.size), received_s
    )


def jpeg_size(jpeg: np.ndarray | bytes) -> tuple[int, int] | None:
    """(width, height) in pixels from a JPEG's frame header, without decoding; None if there
    is none (not a JPEG, or truncated)."""
    data = memoryview(jpeg) if isinstance(jpeg, bytes) else jpeg.data.cast("B")
    if len(data) < 4 or data[0] != 0xFF or data[1] != 0xD8:
        return None
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        length = (data[i + 2] << 8) | data[i + 3]
        # Start-of-frame markers C0-CF, except DHT (C4), JPG (C8) and DAC (CC), hold the size.
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height = (data[i + 5] << 8) | data[i + 6]
            width = (data[i + 7] << 8) | data[i + 8]
            return (width, height) if width and height else None
        i += 2 + length
    return None


def reduction_for(size: tuple[int, int] | None, min_side_px: int = DECODE_MIN_SIDE_PX) -> int:
    """The largest decode scale-down (1, 2, 4 or 8) that leaves ``min_side_px`` on the longer
    side of an image of ``size`` (width, height) pixels; 1 when the size is unknown."""
    if size is None:
        return 1
    longer = max(size)
    return next((f for f in (8, 4, 2) if longer // f >= min_side_px), 1)


def decode_jpeg(jpeg: np.ndarray | bytes) -> np.ndarray:
    """(H, W, 3) uint8 RGB from JPEG bytes, at reduced size when the image is large (see
    :func:`reduction_for`); raises :class:`ProtocolError` if not an image."""
    buf = np.frombuffer(jpeg, np.uint8) if isinstance(jpeg, bytes) else jpeg
    factor = reduction_for(jpeg_size(buf))
    rgb = cv2.imdecode(buf, _REDUCED_RGB[factor] if factor > 1 else cv2.IMREAD_COLOR_RGB)
    if rgb is None:
        raise ProtocolError("bad_frame", "frame is not a decodable JPEG image")
    return rgb


def default_workers() -> int:
    """Frames processed at once by the app: ``RETROGAIT_LIVE_WORKERS``, else one per core.

    One inference keeps about one core busy (measured: its graph's two threads take turns, CPU
    time per frame close to its wall time); more frames in flight than cores only makes every
    session wait longer for its own, and the event loop's share (receive, JSON, send) is under
    a millisecond per frame.
    """
    env = os.environ.get(WORKERS_ENV)
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            raise ValueError(f"{WORKERS_ENV} must be a whole number, got {env!r}") from None
    return max(1, os.cpu_count() or 1)


def frame_pool(app: Any) -> ThreadPoolExecutor:
    """The app's thread pool for live frames (decode, pose, analysis), made on first use."""
    pool = getattr(app.state, "live_frame_pool", None)
    if pool is None:
        pool = ThreadPoolExecutor(default_workers(), thread_name_prefix="live-frame")
        app.state.live_frame_pool = pool
    return pool


@dataclass
class LiveConnection:
    """State of one WebSocket session: the newest unprocessed frame, control messages in order,
    the pose estimator and the analyzer (created at the first frame, which fixes the size)."""

    estimator: PoseEstimator
    latest: Frame | None = None
    controls: list[dict[str, Any]] = field(default_factory=list)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    closed: bool = False
    analyzer: LiveAnalyzer | None = None
    first_capture_ms: float | None = None
    last_t_s: float = -math.inf
    received: int = 0
    dropped: int = 0
    latencies_ms: list[float] = field(default_factory=list)

    def offer(self, frame: Frame) -> None:
        if self.latest is not None:
            self.dropped += 1  # the server fell behind: the older frame is stale
        self.latest = frame
        self.received += 1
        self.wake.set()

    def process(self, frame: Frame) -> LiveUpdate:
        """Decode, estimate pose and analyse one frame (blocking; run in a worker thread)."""
        rgb = decode_jpeg(frame.jpeg)
        h, w = rgb.shape[:2]
        if self.analyzer is None:
            self.analyzer = LiveAnalyzer(w, h)
            self.first_capture_ms = frame.capture_ms
        elif (w, h) != (self.analyzer.width, self.analyzer.height):
            raise ProtocolError(
                "frame_size_changed",
                f"frame size changed from {self.analyzer.width}x{self.analyzer.height} to "
                f"{w}x{h}; start a new session",
            )
        assert self.first_capture_ms is not None
        t_s = (frame.capture_ms - self.first_capture_ms) / 1000.0
        if t_s <= self.last_t_s:
            raise ProtocolError("stale_frame", "capture times must increase")
        self.last_t_s = t_s
        people = self.estimator.estimate(rgb, t_s)
        return self.analyzer.update(t_s, people)


def default_estimator() -> PoseEstimator:
    """One MediaPipe PoseLandmarker per connection, in VIDEO mode (it tracks between frames).

    One pose: looking for a second person runs the person detector on every frame (a large
    share of each frame's time; bench/live_latency.py prints the time per frame), and once
    locked on, the landmarker follows the tracked person rather than a bystander."""
    return MediaPipePoseEstimator(PoseOptions(num_poses=1))


@router.websocket("/v1/live")
async def live_socket(websocket: WebSocket) -> None:
    """Live coaching session; see the module docstring for the protocol."""
    await websocket.accept()
    try:
        org = await asyncio.to_thread(authorise, websocket)
    except HTTPException as exc:
        await websocket.close(code=1008, reason=str(exc.detail))
        return
    estimator = await asyncio.to_thread(default_estimator)
    conn = LiveConnection(estimator)
    await websocket.send_json(
        {
            "type": "ready",
            "protocol": PROTOCOL_VERSION,
            "backend": estimator.backend,
            "model": estimator.model,
            "max_frame_bytes": MAX_FRAME_BYTES,
            "skeleton": [list(e) for e in SKELETON_EDGES],
            "cue": LiveCue.from_feedback(session_start_cue(), 0.0).to_dict(),
        }
    )
    receiver = asyncio.create_task(_receive(websocket, conn))
    try:
        await _process_loop(websocket, conn, org)
    except (WebSocketDisconnect, RuntimeError):
        pass  # the client went away mid-reply
    finally:
        conn.closed = True
        receiver.cancel()
        await asyncio.to_thread(estimator.close)


async def _receive(websocket: WebSocket, conn: LiveConnection) -> None:
    """Read messages as fast as they come: frames replace the pending one, controls queue."""
    try:
        while True:
            msg = await websocket.receive()
            if msg["type"] == "websocket.disconnect":
                break
            now = time.perf_counter()
            try:
                if msg.get("bytes") is not None:
                    conn.offer(parse_frame(msg["bytes"], now))
                elif msg.get("text") is not None:
                    conn.controls.append(parse_control(msg["text"]))
                    conn.wake.set()
            except ProtocolError as exc:
                await websocket.send_json({"type": "error", "code": exc.code, "message": str(exc)})
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        conn.closed = True
        conn.wake.set()


def parse_control(text: str) -> dict[str, Any]:
    """A JSON control message; raises :class:`ProtocolError` if malformed or unknown."""
    try:
        msg = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProtocolError("bad_message", f"not JSON: {exc.msg}") from None
    if not isinstance(msg, dict) or msg.get("type") not in ("start", "resume", "stop"):
        raise ProtocolError("bad_message", "expected a JSON object with type start, resume or stop")
    return msg


async def _process_loop(websocket: WebSocket, conn: LiveConnection, org: Any) -> None:
    while True:
        await conn.wake.wait()
        conn.wake.clear()
        frame, conn.latest = conn.latest, None
        if frame is not None:
            await _reply_to_frame(websocket, conn, frame)
        while conn.controls:
            msg = conn.controls.pop(0)
            if msg["type"] == "stop":
                pending, conn.latest = conn.latest, None
                if pending is not None:  # the newest frame sent before stop still counts
                    await _reply_to_frame(websocket, conn, pending)
                await _finish(websocket, conn, msg, org)
                return
            if conn.analyzer is not None:
                t_s = conn.last_t_s if math.isfinite(conn.last_t_s) else 0.0
                (conn.analyzer.start if msg["type"] == "start" else conn.analyzer.resume)(t_s)
        if conn.closed and conn.latest is None and not conn.controls:
            return
        if conn.latest is not None:
            conn.wake.set()


async def _reply_to_frame(websocket: WebSocket, conn: LiveConnection, frame: Frame) -> None:
    try:
        loop = asyncio.get_running_loop()
        update = await loop.run_in_executor(frame_pool(websocket.app), conn.process, frame)
    except ProtocolError as exc:
        await websocket.send_json({"type": "error", "code": exc.code, "message": str(exc)})
        return
    assert conn.analyzer is not None
    body = update.to_dict(conn.analyzer.width, conn.analyzer.height)
    latency_ms = (time.perf_counter() - frame.received_s) * 1000.0
    conn.latencies_ms.append(latency_ms)
    await websocket.send_json(
        {
            "type": "frame",
            "frame_id": frame.frame_id,
            "capture_ms": frame.capture_ms,
            "latency_ms": round(latency_ms, 2),
            "dropped_frames": conn.dropped,
            **body,
        }
    )


async def _finish(websocket: WebSocket, conn: LiveConnection, msg: dict[str, Any], org: Any):
    """Answer ``stop``: live totals, the full analysis, and the saved analysis id if asked."""
    out: dict[str, Any] = {"type": "summary", "result": None, "analysis_id": None, "error": None}
    if conn.analyzer is None:
        out["live"] = None
        out["error"] = "no frame was received"
    else:
        out["live"] = live_summary(conn.analyzer, conn.received, conn.dropped, conn.latencies_ms)
        doc, error = await asyncio.to_thread(analyse_recording, conn.analyzer, conn.estimator, msg)
        out["result"], out["error"] = doc, error
        if doc is not None and msg.get("save"):
            try:
                out["analysis_id"] = await asyncio.to_thread(save_result, websocket, org, doc, msg)
            except HTTPException as exc:
                out["error"] = str(exc.detail)
    await websocket.send_json(out)
    await websocket.close()


@router.get("/live", include_in_schema=False)
def live_page() -> FileResponse:
    """The live coaching page (camera, skeleton overlay, metrics, spoken cues)."""
    return FileResponse(STATIC_DIR / "live.html", media_type="text/html")


@router.get("/live/assets/{name}", include_in_schema=False)
def live_asset(name: str) -> FileResponse:
    if name not in PAGE_ASSETS:
        raise HTTPException(404, f"no asset {name}")
    return FileResponse(STATIC_DIR / name, media_type=PAGE_ASSETS[name])
