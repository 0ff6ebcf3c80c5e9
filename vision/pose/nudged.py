"""A pose backend shown a picture nudged sideways: how much an answer hangs on a pixel.

A camera moved by a pixel films the same walk. Landmarks, steps and scores that change with such
a nudge are not measurements of the walker; ``tests/test_pose_same_answers.py`` and
``bench/accuracy.py --nudge-px`` use this to tell the pose model's own sensitivity from a
backend's error. Not for analysing recordings.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from vision.pose.base import PersonPose, PoseEstimator


class NudgedEstimator:
    """``inner`` shown each frame moved ``px`` pixels to the right (the left column repeated to
    fill), its landmarks moved back by as much. Closes ``inner`` when closed."""

    def __init__(self, inner: PoseEstimator, px: int = 1):
        if px < 1:
            raise ValueError(f"px must be at least 1, not {px}")
        self._inner = inner
        self.px = px
        self.backend = inner.backend
        self.model = inner.model

    def estimate(self, rgb: NDArray[np.uint8], t_s: float) -> list[PersonPose]:
        edge = np.repeat(rgb[:, :1], self.px, axis=1)
        moved = np.ascontiguousarray(np.concatenate([edge, rgb[:, : -self.px]], axis=1))
        back = np.array([self.px, 0.0], np.float32)
        return [replace(p, xy=p.xy - back) for p in self._inner.estimate(moved, t_s)]

    def close(self) -> None:
        self._inner.close()

    def __enter__(self) -> NudgedEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
