"""Pose estimation: the :class:`PoseEstimator` protocol and its MediaPipe Tasks backend.

Each detected person is a :class:`PersonPose` with the 33 BlazePose landmarks
(see :mod:`vision.landmarks`):

* ``image``: shape (33, 5), columns x_px, y_px, z, visibility, presence. x and y are pixels in the
  (upright) frame; z is BlazePose's relative depth scaled like x (pixels, hip-centred, smaller is
  nearer the camera); visibility and presence are probabilities 0-1.
* ``world``: shape (33, 3), metres, origin at the hip centre, from the model's prior (not measured).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np


@dataclass(frozen=True)
class PersonPose:
    image: np.ndarray  # (33, 5) float32: x_px, y_px, z, visibility, presence
    world: np.ndarray  # (33, 3) float32 metres

    @property
    def xy(self) -> np.ndarray:
        """(33, 2) pixel coordinates."""
        return self.image[:, :2]

    def bbox(self) -> tuple[float, float, float, float]:
        """(x_min, y_min, x_max, y_max) in pixels over all landmarks."""
        xy = self.xy
        return (float(xy[:, 0].min()), float(xy[:, 1].min()),
                float(xy[:, 0].max()), float(xy[:, 1].max()))  # fmt: skip


@dataclass(frozen=True)
class FramePoses:
    """Everyone detected in one frame."""

    index: int
    t_s: float
    people: tuple[PersonPose, ...]


@runtime_checkable
class PoseEstimator(Protocol):
    """Turns RGB frames of one video, in time order, into people's landmarks."""

    backend: str
    model: str

    def estimate(self, rgb: np.ndarray, t_s: float) -> list[PersonPose]:
        """Landmarks of everyone in ``rgb`` (H, W, 3) uint8 RGB taken at ``t_s`` seconds.

        Calls must come in increasing ``t_s`` (tracking between frames depends on it).
        """
        ...

    def close(self) -> None: ...
