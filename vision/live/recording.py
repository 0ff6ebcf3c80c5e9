"""What a live session saw, kept for the full analysis at the end.

Live frames arrive at an uneven rate (the server drops stale frames to keep latency low), while
the offline analysis expects a uniformly sampled :class:`~vision.sequence.PoseSequence`. So the
raw (unfiltered) landmarks are recorded with their stream times and resampled onto a uniform
grid at the end: linear interpolation between neighbouring frames that are close enough in time,
NaN (no pose) elsewhere.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from vision.landmarks import NUM_LANDMARKS
from vision.pose import PersonPose
from vision.sequence import PoseSequence


class RecordingTooShortError(ValueError):
    """The live session recorded too little to analyse."""


class LiveRecording:
    """Raw landmarks of the subject per processed frame (None where nobody was seen)."""

    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self.t_s: list[float] = []
        self.xy: list[np.ndarray] = []  # (33, 2) px
        self.z: list[np.ndarray] = []  # (33,) relative depth, scaled like x
        self.world: list[np.ndarray] = []  # (33, 3) metres
        self.visibility: list[np.ndarray] = []  # (33,)

    def __len__(self) -> int:
        return len(self.t_s)

    def add(self, t_s: float, pose: PersonPose | None) -> None:
        self.t_s.append(float(t_s))
        if pose is None:
            self.xy.append(np.full((NUM_LANDMARKS, 2), np.nan, np.float32))
            self.z.append(np.full(NUM_LANDMARKS, np.nan, np.float32))
            self.world.append(np.full((NUM_LANDMARKS, 3), np.nan, np.float32))
            self.visibility.append(np.zeros(NUM_LANDMARKS, np.float32))
        else:
            self.xy.append(pose.xy.astype(np.float32))
            self.z.append(pose.z.astype(np.float32))
            self.world.append(pose.world.astype(np.float32))
            self.visibility.append(pose.visibility.astype(np.float32))

    @property
    def frames_with_pose(self) -> int:
        return sum(1 for v in self.visibility if v.any())

    def rate_fps(self) -> float:
        """Median processed frame rate, frames per second (NaN with fewer than 2 frames)."""
        if len(self.t_s) < 2:
            return math.nan
        return float(1.0 / np.median(np.diff(self.t_s)))

    def to_sequence(self, min_frames: int = 10, **meta: Any) -> PoseSequence:
        """The recording as a uniformly sampled sequence, ``t_s`` from 0 at the first frame.

        The grid's rate is the median processed rate rounded to a whole number of frames per
        second; a grid time is interpolated only between recorded frames at most 2.5 grid
        periods apart (a longer hole was a dropped stretch or a gap in the pose: it stays NaN).

        Raises:
            RecordingTooShortError: fewer than ``min_frames`` frames with a pose were recorded.
        """
        if self.frames_with_pose < min_frames:
            raise RecordingTooShortError(
                f"the live session recorded {self.frames_with_pose} frames with a person "
                f"(at least {min_frames} are needed for an analysis)"
            )
        t = np.asarray(self.t_s) - self.t_s[0]
        fps = float(max(1.0, round(self.rate_fps())))
        grid = np.arange(0.0, t[-1] + 0.5 / fps, 1.0 / fps)
        xy, z = np.stack(self.xy), np.stack(self.z)
        world = np.stack(self.world)
        vis = np.stack(self.visibility)
        has = np.isfinite(xy[:, :, 0]).any(axis=1)
        out = PoseSequence.empty(len(grid), fps, self.width, self.height)
        hi = np.clip(np.searchsorted(t, grid, side="left"), 0, len(t) - 1)
        lo = np.clip(hi - 1, 0, len(t) - 1)
        max_gap_s = 2.5 / fps
        for g, (a, b) in enumerate(zip(lo, hi, strict=True)):
            if t[b] <= grid[g] + 1e-9:  # an exact hit, or past the last frame
                a = b
            if not (has[a] and has[b]) or t[b] - t[a] > max_gap_s:
                continue
            w = 0.0 if a == b else (grid[g] - t[a]) / (t[b] - t[a])
            out.xy[g] = (1 - w) * xy[a] + w * xy[b]
            out.z[g] = (1 - w) * z[a] + w * z[b]
            out.world[g] = (1 - w) * world[a] + w * world[b]
            out.visibility[g] = np.minimum(vis[a], vis[b])
        out.meta.update(
            source="live",
            live_frames=len(self.t_s),
            live_rate_fps=round(self.rate_fps(), 2),
            resampled_fps=fps,
            **meta,
        )
        return out
