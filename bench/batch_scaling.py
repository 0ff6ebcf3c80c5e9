"""Batch scaling: 20 recordings on 2 worker processes versus 1. Prints the time ratio
(target <= 0.60).

    python bench/batch_scaling.py [CLIP] [--recordings 20] [--max-frames 60]

CLIP defaults to the first sample clip found; each recording is a copy with its own name, so
nothing is skipped as already analysed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from service.batch.inputs import folder_items
from service.batch.scoring import BatchOptions, run_batch

ROOT = Path(__file__).resolve().parents[1]
CANDIDATES = [
    *sorted((ROOT / "sample_videos").glob("*.mp4")),
    ROOT.parent / "shared" / "videos" / "forward_walk_side_60fps.mp4",
]


def timed_batch(src: Path, out: Path, workers: int, max_frames: int, pin: bool) -> float:
    start = time.perf_counter()
    options = BatchOptions(workers=workers, max_frames=max_frames, pin_cores=pin)
    outcomes = run_batch(folder_items(src), out, options)
    wall_s = time.perf_counter() - start
    failed = [o for o in outcomes if o.status != "analysed"]
    if failed:
        raise SystemExit(f"{len(failed)} recordings not analysed: {failed[0].reason}")
    return wall_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("clip", nargs="?", type=Path)
    parser.add_argument("--recordings", type=int, default=20)
    parser.add_argument("--max-frames", type=int, default=60)
    parser.add_argument("--pin-cores", action="store_true", help="one core per worker")
    parser.add_argument("--repeat", type=int, default=1, help="measure this many times")
    args = parser.parse_args()
    clip = args.clip or next((c for c in CANDIDATES if c.is_file()), None)
    if clip is None:
        raise SystemExit("no clip given and no sample clip found")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in"
        src.mkdir()
        for i in range(args.recordings):
            shutil.copyfile(clip, src / f"rec{i:02d}{clip.suffix}")
        print(
            f"{args.recordings} recordings of {clip.name}, first {args.max_frames} frames "
            f"each, cores pinned: {args.pin_cores}, load average {os.getloadavg()[0]:.2f}"
        )
        for n in range(args.repeat):
            one = timed_batch(src, Path(tmp) / f"out1-{n}", 1, args.max_frames, args.pin_cores)
            two = timed_batch(src, Path(tmp) / f"out2-{n}", 2, args.max_frames, args.pin_cores)
            print(
                f"1 worker: {one:.1f} s   2 workers: {two:.1f} s   "
                f"ratio 2 workers / 1 worker: {two / one:.2f} (target <= 0.60)   "
                f"load average {os.getloadavg()[0]:.2f}"
            )


if __name__ == "__main__":
    main()
