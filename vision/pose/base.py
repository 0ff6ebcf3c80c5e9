"""What every pose backend returns and takes: people per frame, the protocol and its options."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from vision.landmarks import Landmarks


@dataclass(frozen=True)
class PersonPose(Landmarks):
    """One person detected in one frame: their landmarks (33, ...) and what was measured around
    them.

    Attributes:
        foot_motion: (2,) fraction of pixels changed around [left, right] foot since the previous
            frame (see vision.foot_motion); None where not measured.
        appearance: hue-saturation histogram of the trunk's colours (see vision.appearance);
            None where not measured.
    """

    foot_motion: NDArray[np.float64] | None = None
    appearance: NDArray[np.float32] | None = None

    def bbox(self) -> tuple[float, float, float, float]:
        """(x_min, y_min, x_max, y_max) in pixels over all landmarks."""
        x, y = self.xy[:, 0], self.xy[:, 1]
        return (float(x.min()), float(y.min()), float(x.max()), float(y.max()))


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

    def estimate(self, rgb: NDArray[np.uint8], t_s: float) -> list[PersonPose]:
        """Landmarks of everyone in ``rgb`` (H, W, 3) uint8 RGB taken at ``t_s`` seconds.

        Calls must come in increasing ``t_s`` (tracking between frames depends on it).
        """
        ...

    def close(self) -> None: ...


POSE_BACKENDS = ("tasks", "onnx")
DEVICES = ("auto", "cpu", "cuda")


@dataclass(frozen=True)
class PoseOptions:
    """Options every pose backend takes.

    Attributes:
        model_path: the Tasks ``.task`` bundle; None means
            :func:`vision.pose.models.default_model_path`.
        num_poses: most people detected per frame (the subject and bystanders).
        min_detection_confidence: person detector threshold, 0-1.
        min_presence_confidence: landmark presence threshold, 0-1.
        min_tracking_confidence: below this the detector runs again instead of tracking, 0-1.
        backend: ``tasks`` (MediaPipe Tasks, see vision.pose.tasks) or ``onnx`` (ONNX Runtime,
            see vision.pose.onnx): the same networks, see :func:`vision.pose.create_estimator`.
        device: where the networks run: ``cpu``, ``cuda`` (the ``onnx`` backend with
            onnxruntime-gpu installed) or ``auto`` (CUDA where the ``onnx`` backend finds it,
            else the CPU); see :func:`check_device`.
    """

    model_path: str | None = None
    num_poses: int = 2
    min_detection_confidence: float = 0.5
    min_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    backend: str = "tasks"
    device: str = "cpu"


def check_device(backend: str, device: str) -> None:
    """Raise ValueError when ``backend`` cannot run on ``device`` here (before a model loads).

    The ``tasks`` backend runs on the CPU only; ``cuda`` with the ``onnx`` backend needs ONNX
    Runtime's CUDA execution provider (the onnxruntime-gpu package).
    """
    if device not in DEVICES:
        raise ValueError(f"device must be one of {', '.join(DEVICES)}, not {device!r}")
    if device != "cuda":
        return
    if backend != "onnx":
        raise ValueError("the tasks backend runs on the CPU only; for cuda use --backend onnx")
    import onnxruntime as ort

    available = ort.get_available_providers()
    if "CUDAExecutionProvider" not in available:
        raise ValueError(
            "device cuda asked for, but this ONNX Runtime has no CUDA execution provider "
            f"(available: {', '.join(available)}); install onnxruntime-gpu or use --device cpu"
        )
