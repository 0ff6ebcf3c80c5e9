"""Pose estimation: the :class:`PoseEstimator` protocol and its MediaPipe Tasks backend.

Each detected person is a :class:`PersonPose` with the 33 BlazePose landmarks
(see :mod:`vision.landmarks`):

* ``image``: shape (33, 5), columns x_px, y_px, z, visibility, presence. x and y are pixels in the
  (upright) frame; z is BlazePose's relative depth scaled like x (pixels, hip-centred, smaller is
  nearer the camera); visibility and presence are probabilities 0-1.
* ``world``: shape (33, 3), metres, origin at the hip centre, from the model's prior (not measured).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np


@dataclass(frozen=True)
class PersonPose:
    image: np.ndarray  # (33, 5) float32: x_px, y_px, z, visibility, presence
    world: np.ndarray  # (33, 3) float32 metres
    # (2,) fraction of pixels changed around [left, right] foot since the previous frame (see
    # vision.foot_motion); None where not measured.
    foot_motion: np.ndarray | None = None
    # Hue-saturation histogram of the trunk's colours (see vision.appearance); None where not
    # measured.
    appearance: np.ndarray | None = None

    @property
    def xy(self) -> np.ndarray:
        """(33, 2) pixel coordinates."""
        return self.image[:, :2]

    def bbox(self) -> tuple[float, float, float, float]:
        """(x_min, y_min, x_max, y_max) in pixels over all landmarks."""
        xy = self.xy
        return (
            float(xy[:, 0].min()),
            float(xy[:, 1].min()),
            float(xy[:, 0].max()),
            float(xy[:, 1].max()),
        )


@dataclass(frozen=True)
class FramePoses:
    """Everyone detected in one frame."""

    index: int
    t_s: float
    people: tuple[PersonPose, ...]
    # The background's cumulative motion to this frame (log zoom, shift x px, shift y px; see
    # vision.camera_motion), None when not measured.
    camera: tuple[float, float, float] | None = None


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


DEFAULT_MODEL_NAME = "pose_landmarker_full.task"
MODEL_ENV_VAR = "RETROGAIT_POSE_MODEL"


def default_model_path() -> Path:
    """The bundled pose model: ``$RETROGAIT_POSE_MODEL`` if set, else ``models/`` of the project.

    Raises:
        ModelNotFoundError: no model file at either place.
    """
    env = os.environ.get(MODEL_ENV_VAR)
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parent.parent / "models" / DEFAULT_MODEL_NAME)
    candidates.append(Path(sys.prefix) / "share" / "retrogait" / "models" / DEFAULT_MODEL_NAME)
    for path in candidates:
        if path.is_file():
            return path
    raise ModelNotFoundError(
        f"pose model {DEFAULT_MODEL_NAME} not found (looked in: "
        + ", ".join(str(p) for p in candidates)
        + f"); set {MODEL_ENV_VAR} or rebuild it with models/build_pose_model.py"
    )


class ModelNotFoundError(FileNotFoundError):
    """The pose model file is missing."""


@dataclass(frozen=True)
class PoseOptions:
    """Options of the MediaPipe Tasks pose backend.

    Attributes:
        model_path: the ``.task`` bundle; None means :func:`default_model_path`.
        num_poses: most people detected per frame (the subject and bystanders).
        min_detection_confidence: person detector threshold, 0-1.
        min_presence_confidence: landmark presence threshold, 0-1.
        min_tracking_confidence: below this the detector runs again instead of tracking, 0-1.
        backend: ``tasks`` (MediaPipe Tasks) or ``onnx`` (ONNX Runtime, see vision.pose_onnx):
            the same networks, see :func:`create_estimator`.
    """

    model_path: str | None = None
    num_poses: int = 2
    min_detection_confidence: float = 0.5
    min_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    backend: str = "tasks"


POSE_BACKENDS = ("tasks", "onnx")


def create_estimator(options: PoseOptions | None = None) -> PoseEstimator:
    """A new pose estimator of the backend ``options.backend`` names (loads its model).

    Raises:
        ValueError: an unknown backend (checked before any model loads).
        ModelNotFoundError: the backend's model files are missing.
    """
    opts = options or PoseOptions()
    if opts.backend not in POSE_BACKENDS:
        raise ValueError(
            f"pose backend must be one of {', '.join(POSE_BACKENDS)}, not {opts.backend!r}"
        )
    if opts.backend == "onnx":
        from vision.pose_onnx import OnnxPoseEstimator

        return OnnxPoseEstimator(opts)
    return MediaPipePoseEstimator(opts)


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

    def estimate(self, rgb: np.ndarray, t_s: float) -> list[PersonPose]:
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise ValueError(f"expected (H, W, 3) uint8 RGB, got {rgb.shape} {rgb.dtype}")
        # The Tasks VIDEO mode needs strictly increasing integer milliseconds.
        ms = max(int(round(t_s * 1000.0)), self._last_ms + 1)
        self._last_ms = ms
        image = self._image(image_format=self._srgb, data=np.ascontiguousarray(rgb))
        result = self._landmarker.detect_for_video(image, ms)
        h, w = rgb.shape[:2]
        people = []
        for lms, wlms in zip(result.pose_landmarks, result.pose_world_landmarks, strict=False):
            img = np.array(
                [(p.x * w, p.y * h, p.z * w, p.visibility or 0.0, p.presence or 0.0) for p in lms],
                dtype=np.float32,
            )
            world = np.array([(p.x, p.y, p.z) for p in wlms], dtype=np.float32)
            people.append(PersonPose(image=img, world=world))
        return people

    def close(self) -> None:
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None

    def __enter__(self) -> MediaPipePoseEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
