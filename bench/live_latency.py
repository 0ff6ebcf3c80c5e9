"""Live coaching latency: server time per frame and processed frames per second, 1 and 2 streams.

Starts a real uvicorn server on 127.0.0.1 (the /v1/live router, real pose model) in a child
process, then streams 640x480 JPEG frames of the real backward-walk clip over WebSockets the way
the /live page does (camera at 30 frames/s, one frame in flight), for a bounded time per
scenario, and prints:

* server latency per frame, receive to reply (p50, p95, ms), as the server reports it;
* processed frames per second per stream, and frames the server dropped as stale;
* ratios against the targets (p95 <= 35 ms; >= 20 processed frames/s per stream with 2 streams).

The load average is printed with each scenario: the figures mean little on a busy machine.

Usage: ``python bench/live_latency.py [--seconds 15] [--clip PATH] [--size 640x480]
[--workers N]`` (``--workers``: the server's frame pool size, ``RETROGAIT_LIVE_WORKERS``; default
the server's own choice). Stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CLIP = REPO.parent / "shared" / "videos" / "backward_walk_side_demo4.mp4"
TARGET_P95_MS = 35.0
TARGET_FPS = 20.0
CAMERA_FPS = 30.0
MAX_IN_FLIGHT = 1  # as service/web/static/live.js

SERVER = """
import uvicorn
from fastapi import FastAPI
from service.api.live import router
app = FastAPI()
app.include_router(router)
uvicorn.run(app, host="127.0.0.1", port={port}, log_level="warning")
"""


def jpeg_frames(clip: Path, size: tuple[int, int] = (640, 480)) -> list[bytes]:
    """The clip's frames letterboxed to ``size`` as JPEG (quality 75, like the page)."""
    import cv2

    w, h = size
    cap = cv2.VideoCapture(str(clip))
    out = []
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        scale = min(w / bgr.shape[1], h / bgr.shape[0])
        small = cv2.resize(bgr, (round(bgr.shape[1] * scale), round(bgr.shape[0] * scale)))
        canvas = np.zeros((h, w, 3), np.uint8)
        y0, x0 = (h - small.shape[0]) // 2, (w - small.shape[1]) // 2
        canvas[y0 : y0 + small.shape[0], x0 : x0 + small.shape[1]] = small
        out.append(cv2.imencode(".jpg", canvas, [cv2.IMWRITE_JPEG_QUALITY, 75])[1].tobytes())
    if not out:
        raise SystemExit(f"no frames decoded from {clip}")
    return out


async def stream(url: str, frames: list[bytes], seconds: float) -> dict:
    """One client: sends at the camera rate while fewer than MAX_IN_FLIGHT frames are pending."""
    import websockets

    latencies: list[float] = []
    sent = answered = dropped = 0
    async with websockets.connect(url, max_size=2**24) as ws:
        assert json.loads(await ws.recv())["type"] == "ready"
        t0 = time.perf_counter()

        async def receive() -> None:
            nonlocal answered, dropped
            async for raw in ws:
                msg = json.loads(raw)
                if msg["type"] == "frame":
                    answered += 1
                    dropped = msg["dropped_frames"]
                    latencies.append(msg["latency_ms"])
                elif msg["type"] == "summary":
                    return

        receiver = asyncio.create_task(receive())
        k = 0
        while (now := time.perf_counter() - t0) < seconds:
            if sent - answered - dropped < MAX_IN_FLIGHT:
                header = struct.pack("<dI", now * 1000.0, k)
                await ws.send(header + frames[k % len(frames)])
                sent += 1
            k += 1
            await asyncio.sleep(max(0.0, k / CAMERA_FPS - (time.perf_counter() - t0)))
        elapsed = time.perf_counter() - t0
        await ws.send(json.dumps({"type": "stop"}))
        await asyncio.wait_for(receiver, timeout=60)
    return {
        "latencies_ms": latencies,
        "sent": sent,
        "answered": answered,
        "dropped": dropped,
        "elapsed_s": elapsed,
    }


async def scenario(url: str, frames: list[bytes], streams: int, seconds: float) -> list[dict]:
    return await asyncio.gather(*(stream(url, frames, seconds) for _ in range(streams)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit("the server did not start")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=15.0, help="streaming time per scenario")
    ap.add_argument("--clip", type=Path, default=DEFAULT_CLIP)
    ap.add_argument("--size", default="640x480", help="frame size sent, WIDTHxHEIGHT pixels")
    ap.add_argument("--workers", type=int, default=None, help="server frame pool size")
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.lower().split("x"))
    env = dict(os.environ)
    if args.workers is not None:
        env["RETROGAIT_LIVE_WORKERS"] = str(args.workers)
    if not args.clip.exists():
        print(f"clip not found: {args.clip}", file=sys.stderr)
        return 2
    frames = jpeg_frames(args.clip, size)  # type: ignore[arg-type]
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER.format(port=port)], cwd=REPO, env=env)
    try:
        wait_for_port(port)
        url = f"ws://127.0.0.1:{port}/v1/live"
        print(
            f"live latency: {size[0]}x{size[1]} JPEG, camera {CAMERA_FPS:.0f} fps, "
            f"{args.seconds:.0f} s per scenario, server frame pool "
            f"{args.workers or 'default'} on {os.cpu_count()} cores"
        )
        for n in (1, 2):
            load = os.getloadavg()[0]
            results = asyncio.run(scenario(url, frames, n, args.seconds))
            lat = np.concatenate([r["latencies_ms"] for r in results])
            fps = [r["answered"] / r["elapsed_s"] for r in results]
            p50, p95 = np.percentile(lat, [50, 95])
            print(
                f"{n} stream(s): latency p50 {p50:.1f} ms, p95 {p95:.1f} ms "
                f"(target <= {TARGET_P95_MS:.0f}: ratio {p95 / TARGET_P95_MS:.2f}); "
                f"processed {min(fps):.1f} frames/s per stream (slowest; target >= "
                f"{TARGET_FPS:.0f}: ratio {min(fps) / TARGET_FPS:.2f}); "
                f"dropped {sum(r['dropped'] for r in results)} of "
                f"{sum(r['sent'] for r in results)} sent; load average {load:.2f} before, "
                f"{os.getloadavg()[0]:.2f} after"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
