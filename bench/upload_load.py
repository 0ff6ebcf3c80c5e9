"""Twenty uploads at once against a real ``retrogait serve`` process: every upload answered,
the server's memory bounded. Prints the statuses, upload latencies, and the server's peak
resident memory against what it held before, with the ratio of that growth to the bytes
uploaded (uploads stream to disk, so it stays well under 1).

    python bench/upload_load.py [CLIP] [--uploads 20] [--seconds 10]

CLIP defaults to a clip of moving noise (``--seconds`` long, 640x360, 30 frames/s: it
compresses badly, so each upload is megabytes). No job runs (no local workers), so the figure
is the upload path's alone; one upload before the measurement warms the server up (its video
decoder loaded), so the growth is what concurrency costs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def peak_rss_kib(pid: int) -> tuple[int, int]:
    """(current, peak) resident memory of ``pid`` in KiB, from /proc (Linux)."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def noise_clip(dst: Path, seconds: float) -> Path:
    """A video of random pixels, ``seconds`` long."""
    import numpy as np

    from vision.video_writer import open_writer

    rng = np.random.default_rng(0)
    fps, w, h = 30.0, 640, 360
    with open_writer(dst, fps, w, h) as writer:
        for i in range(round(seconds * fps)):
            writer.write(rng.integers(0, 255, (h, w, 3), dtype=np.uint8), i / fps)
    return dst


def start_server(data_dir: Path, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "RETROGAIT_DATA_DIR": str(data_dir),
        "RETROGAIT_BROKER_URL": "",
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--workers", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def upload(url: str, clip: Path, results: list[tuple[int, float]]) -> None:
    start = time.perf_counter()
    with clip.open("rb") as fh:
        r = httpx.post(url, files={"video": (clip.name, fh, "video/mp4")}, timeout=600)
    results.append((r.status_code, time.perf_counter() - start))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("clip", nargs="?", type=Path)
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        big = args.clip or noise_clip(Path(tmp) / "noise.mp4", args.seconds)
        big_mib = big.stat().st_size / 1048576
        port = 18000 + os.getpid() % 1000
        server = start_server(Path(tmp) / "data", port)
        try:
            warm_up: list[tuple[int, float]] = []
            upload(f"http://127.0.0.1:{port}/v1/analyses", big, warm_up)
            base_kib, _ = peak_rss_kib(server.pid)
            results: list[tuple[int, float]] = []
            threads = [
                threading.Thread(
                    target=upload, args=(f"http://127.0.0.1:{port}/v1/analyses", big, results)
                )
                for _ in range(args.uploads)
            ]
            start = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall_s = time.perf_counter() - start
            _, peak_kib = peak_rss_kib(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
    statuses = sorted({code for code, _ in results})
    latencies = sorted(s for _, s in results)
    sent_mib = args.uploads * big_mib
    growth_mib = (peak_kib - base_kib) / 1024
    print(
        f"{args.uploads} uploads at once of {big.name} ({big_mib:.1f} MiB "
        f"each, {sent_mib:.0f} MiB in all), load average {os.getloadavg()[0]:.2f}"
    )
    print(f"statuses: {statuses}; all answered in {wall_s:.1f} s")
    print(
        f"latency: median {statistics.median(latencies):.2f} s, "
        f"p95 {latencies[int(0.95 * (len(latencies) - 1))]:.2f} s"
    )
    print(
        f"server resident memory: {base_kib / 1024:.0f} MiB after one upload, "
        f"peak {peak_kib / 1024:.0f} MiB (+{growth_mib:.0f} MiB); "
        f"growth / bytes uploaded = {growth_mib / sent_mib:.3f}"
    )


if __name__ == "__main__":
    main()
