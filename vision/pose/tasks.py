"""The MediaPipe Tasks pose backend: BlazePose GHUM full through ``PoseLandmarker``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vision.pose.base import PersonPose, PoseOptions
from vision.pose.models import ModelNotFoundError, default_model_path


class MediaPipePoseEstimator:
    """BlazePose GHUM full through MediaPipe Tasks ``PoseLandmarker`` in VIDEO mode.

    One instance per video or stream (it tracks between frames). Use as a context manager or call
    :meth:`close`.
    """

    backend = "mediapipe-tasks"

    def __init__(self, options: PoseOptions | None = None):
        from mediapipe.tasks.python.core.base_options import BaseOptions
        from mediapipe.tasks.python.vision import PoseLandmarker, PoseLandmarkerOptions, RunningMode

        self.options = options or PoseOptions()
        path = Path(self.options.model_path) if self.options.model_path else default_model_path()
        if not path.is_file():
            raise ModelNotFoundError(f"pose model not found: {path}")
        self.model = path.name
        self._landmarker = PoseLandmarker.create_from_options(
            PoseLandmarkerOptions(
                base_options=BaseOptions(model_asset_path=str(path)),
                running_mode=RunningMode.VIDEO,
                num_poses=self.options.num_poses,
                min_pose_detection_confidence=self.options.min_detection_confidence,
                min_pose_presence_confidence=self.options.min_presence_confidence,
                min_tracking_confidence=self.options.min_tracking_confidence,
            )
        )
        self._last_ms = -1
        import mediapipe as mp

        self._image, self._srgb = mp.Image, mp.ImageFormat.SRGB

    def estimate(self, rgb: NDArray[np.uint8], t_s: float) -> list[PersonPose]:
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise ValueError(f"expected (H, W, 3) uint8 RGB, got {rgb.shape} {rgb.dtype}")
        # The Tasks VIDEO mode needs strictly increasing integer milliseconds.
        ms = max(int(round(t_s * 1000.0)), self._last_ms + 1)
        self._last_ms = ms
        image = self._image(image_format=self._srgb, data=np.ascontiguousarray(rgb))
        result = self._landmarker.detect_for_video(image, ms)
        h, w = rgb.shape[:2]
        return [
            _person(lms, wlms, w, h)
            for lms, wlms in zip(result.pose_landmarks, result.pose_world_landmarks, strict=False)
        ]

    def close(self) -> None:
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None

    def __enter__(self) -> MediaPipePoseEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _person(
    landmarks: Sequence[Any], world_landmarks: Sequence[Any], width: int, height: int
) -> PersonPose:
    """A :class:`PersonPose` from one person's normalised and world landmarks in a Tasks result
    (mediapipe's ``NormalizedLandmark`` and ``Landmark``): x and z scale by the frame's width, y
    by its height."""
    xy = np.array([(p.x * width, p.y * height) for p in landmarks], dtype=np.float32)
    return PersonPose(
        xy=xy,
        z=np.array([p.z * width for p in landmarks], dtype=np.float32),
        visibility=np.array([p.visibility or 0.0 for p in landmarks], dtype=np.float32),
        presence=np.array([p.presence or 0.0 for p in landmarks], dtype=np.float32),
        world=np.array([(p.x, p.y, p.z) for p in world_landmarks], dtype=np.float32),
    )
