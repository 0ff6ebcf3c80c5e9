"""Live analyser cost per frame, without the pose model: how much of a webcam frame's budget the
gait and coaching logic takes, and what looking for form cues at most every
``LiveOptions.form_check_s`` saves against looking on every frame.

Feeds a synthetic 30-step backward side walk (landmark level, BlazePose-like noise, 30 frames/s)
to :class:`vision.live.analyzer.LiveAnalyzer` frame by frame, three times per setting, and prints
the fastest run's milliseconds per frame, the cues spoken, and the ratio of the two settings.

Usage: ``python bench/live_analyzer_cost.py``
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vision.live.analyzer import LiveAnalyzer, LiveOptions  # noqa: E402
from vision.pose import PersonPose  # noqa: E402
from vision.synthetic import WalkParams, simulate_walk  # noqa: E402
from vision.synthetic.camera import view_camera  # noqa: E402
from vision.synthetic.landmarks import LandmarkNoise, landmark_sequence  # noqa: E402


def frames() -> tuple[tuple[int, int], list[tuple[float, list[PersonPose]]]]:
    truth = simulate_walk(WalkParams(direction="backward", n_steps=30))
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), "side", width=640, height=360)
    seq = landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=1)
    out = []
    for i in range(len(seq)):
        people = []
        if seq.has_pose[i]:
            people = [
                PersonPose(
                    xy=seq.xy[i],
                    z=seq.z[i],
                    visibility=seq.visibility[i],
                    presence=np.ones(33, np.float32),
                    world=seq.world[i],
                )
            ]
        out.append((float(seq.t_s[i]), people))
    return (seq.width, seq.height), out


def cost_ms(size: tuple[int, int], feed: list, options: LiveOptions) -> tuple[float, int]:
    runs = []
    for _ in range(3):
        live = LiveAnalyzer(*size, options)
        t0 = time.perf_counter()
        for t, people in feed:
            live.update(t, people)
            live.start(t)
        runs.append((time.perf_counter() - t0) * 1000.0 / len(feed))
    return min(runs), len(live.cues_given)


def main() -> int:
    size, feed = frames()
    default = LiveOptions()
    every = replace(default, form_check_s=0.0)
    ms_default, cues_default = cost_ms(size, feed, default)
    ms_every, cues_every = cost_ms(size, feed, every)
    print(f"{len(feed)} frames at 30 fps (budget 33.3 ms per frame)")
    print(
        f"form check every {default.form_check_s} s: {ms_default:.2f} ms/frame, "
        f"{cues_default} cues spoken"
    )
    print(f"form check every frame:    {ms_every:.2f} ms/frame, {cues_every} cues spoken")
    print(
        f"ratio every-frame / default: {ms_every / ms_default:.2f}; "
        f"default share of the frame budget: {ms_default / 33.3:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
