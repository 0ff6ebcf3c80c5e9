"""Pose estimation: the :class:`PoseEstimator` protocol and its backends.

Each detected person is a :class:`PersonPose`: the 33 BlazePose landmarks as named arrays (see
:class:`vision.landmarks.Landmarks`). Two backends run the same BlazePose networks: MediaPipe
Tasks (:mod:`vision.pose.tasks`) and ONNX Runtime with our own pre- and post-processing
(:mod:`vision.pose.onnx`, :mod:`vision.pose.blazepose`). Importing this package loads neither
runtime: a backend loads when it is created.
"""

from __future__ import annotations

from vision.pose.base import (
    DEVICES,
    POSE_BACKENDS,
    FramePoses,
    PersonPose,
    PoseEstimator,
    PoseOptions,
    check_device,
)
from vision.pose.models import (
    DEFAULT_MODEL_NAME,
    MODEL_ENV_VAR,
    ModelNotFoundError,
    default_model_path,
)
from vision.pose.tasks import MediaPipePoseEstimator

__all__ = [
    "DEFAULT_MODEL_NAME",
    "DEVICES",
    "MODEL_ENV_VAR",
    "POSE_BACKENDS",
    "FramePoses",
    "MediaPipePoseEstimator",
    "ModelNotFoundError",
    "PersonPose",
    "PoseEstimator",
    "PoseOptions",
    "check_device",
    "create_estimator",
    "default_model_path",
]


def create_estimator(options: PoseOptions | None = None) -> PoseEstimator:
    """A new pose estimator of the backend ``options.backend`` names (loads its model).

    Raises:
        ValueError: an unknown backend, or a device it cannot use here (checked before any
            model loads).
        ModelNotFoundError: the backend's model files are missing.
    """
    opts = options or PoseOptions()
    if opts.backend not in POSE_BACKENDS:
        raise ValueError(
            f"pose backend must be one of {', '.join(POSE_BACKENDS)}, not {opts.backend!r}"
        )
    check_device(opts.backend, opts.device)
    if opts.backend == "onnx":
        from vision.pose.onnx import OnnxOptions, OnnxPoseEstimator

        return OnnxPoseEstimator(opts, OnnxOptions(device=opts.device))
    return MediaPipePoseEstimator(opts)
