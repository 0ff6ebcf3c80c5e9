"""Peak memory and speed of whole ``retrogait analyze`` runs against the recording's length.

A physiotherapist's recordings run for minutes, so memory must stay flat with length and the
analysis must keep ahead of real time. This bench makes 1080p30 recordings of each length in
``--minutes`` from a short real 1080p clip, played forward then reversed in turn (a walk to one
side, then the same walk backward, over and over), and analyses each in its own process. It
prints, per length: wall seconds, times real time, peak RSS, and the peak RSS as a ratio of the
shortest recording's (flat with length is a ratio near 1).

    python bench/memory_by_length.py [--minutes 1 5 10] [--backend tasks|onnx] [--workers N]
                                     [--source CLIP] [--keep DIR]

The recordings are written to a temporary folder (or ``--keep DIR``, reused when already there).
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from pathlib import Path

import av
import numpy as np
from pose_throughput import run_process

from vision.video import probe

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "videos" / "john_side_labeled.mp4"
FPS = 30


def source_frames(clip: Path) -> list[np.ndarray]:
    """Every frame of ``clip`` as (H, W, 3) uint8 RGB."""
    with av.open(str(clip)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def encode_cycle(frames: list[np.ndarray], path: Path) -> None:
    """Write ``frames`` forward then backward (ends not repeated) as H.264 at 30 fps."""
    height, width = frames[0].shape[:2]
    with av.open(str(path), "w") as container:
        options = {"preset": "veryfast", "crf": "23"}
        stream = container.add_stream("libx264", rate=FPS, options=options)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for rgb in frames + frames[-2:0:-1]:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        container.mux(stream.encode(None))


def make_recording(cycle: Path, minutes: float, path: Path) -> None:
    """Write at least ``minutes`` of the encoded ``cycle`` repeated, copying its packets (no
    re-encoding: a 10-minute 1080p recording is written in seconds)."""
    with av.open(str(cycle)) as source:
        template = source.streams.video[0]
        packets = [(bytes(p), p.pts, p.dts, p.is_keyframe) for p in source.demux(template)]
        packets = [p for p in packets if p[0]]
        time_base = template.time_base
        ticks = round(1 / (FPS * time_base))  # one frame's duration
        step = len(packets) * ticks  # the cycle's
        # Whole cycles only: cutting one short in decoding order would drop frames that others
        # refer to.
        total = math.ceil(minutes * 60 * FPS / len(packets)) * len(packets)
        with av.open(str(path), "w") as out:
            stream = out.add_stream_from_template(template)
            for i in range(total):
                k, j = divmod(i, len(packets))
                data, pts, dts, keyframe = packets[j]
                packet = av.Packet(data)  # a fresh packet: muxing takes the data it is given
                packet.pts, packet.dts = pts + k * step, dts + k * step
                packet.duration, packet.is_keyframe = ticks, keyframe
                packet.time_base, packet.stream = time_base, stream
                out.mux(packet)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, nargs="+", default=[1.0, 5.0, 10.0])
    parser.add_argument("--backend", choices=["tasks", "onnx"], default="tasks")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--keep", type=Path, help="folder for the recordings (reused)")
    args = parser.parse_args()
    if not args.source.is_file():
        raise SystemExit(f"source clip not found: {args.source}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        cycle = folder / f"{args.source.stem}_cycle.mp4"
        if not cycle.is_file():
            encode_cycle(source_frames(args.source), cycle)
        first_rss = None
        print(f"source: {args.source.name}; backend {args.backend}, {args.workers} worker(s)")
        for minutes in sorted(args.minutes):
            path = folder / f"{args.source.stem}_{minutes:g}min.mp4"
            if not path.is_file():
                make_recording(cycle, minutes, path)
            command = [sys.executable, "-m", "service.cli", "analyze", str(path), "-q"]
            command += ["--backend", args.backend, "--workers", str(args.workers)]
            wall, rss = run_process(command)
            first_rss = first_rss or rss
            duration = probe(path).duration_s
            print(
                f"  {duration / 60:5.2f} min: {wall:7.1f} s  {duration / wall:5.2f}x real time  "
                f"peak RSS {rss:5.0f} MB  ({rss / first_rss:4.2f}x the shortest's)"
            )


if __name__ == "__main__":
    main()
