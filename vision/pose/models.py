"""Where the pose model files are: the Tasks bundle and the two ONNX networks.

No download at run time: the files ship in the project's ``models/`` folder (or the installed
package's data folder), or ``$RETROGAIT_POSE_MODEL`` names the Tasks bundle.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DEFAULT_MODEL_NAME = "pose_landmarker_full.task"
MODEL_ENV_VAR = "RETROGAIT_POSE_MODEL"
DETECTOR_MODEL_NAME = "pose_detector.onnx"
LANDMARKS_MODEL_NAME = "pose_landmarks_full.onnx"


class ModelNotFoundError(FileNotFoundError):
    """The pose model file is missing."""


def _model_dirs() -> list[Path]:
    """The project's ``models/`` folder, then the installed package's."""
    project = Path(__file__).resolve().parents[2]
    return [project / "models", Path(sys.prefix) / "share" / "retrogait" / "models"]


def default_model_path() -> Path:
    """The bundled pose model: ``$RETROGAIT_POSE_MODEL`` if set, else ``models/`` of the project.

    Raises:
        ModelNotFoundError: no model file at either place.
    """
    env = os.environ.get(MODEL_ENV_VAR)
    candidates = [Path(env)] if env else []
    candidates += [folder / DEFAULT_MODEL_NAME for folder in _model_dirs()]
    for path in candidates:
        if path.is_file():
            return path
    raise ModelNotFoundError(
        f"pose model {DEFAULT_MODEL_NAME} not found (looked in: "
        + ", ".join(str(p) for p in candidates)
        + f"); set {MODEL_ENV_VAR} or rebuild it with models/build_pose_model.py"
    )


def onnx_model_paths(model_dir: str | None = None) -> tuple[Path, Path]:
    """(detector, landmark network) ``.onnx`` paths.

    Raises:
        ModelNotFoundError: a file is missing from every place looked at.
    """
    dirs = [Path(model_dir)] if model_dir else []
    dirs += _model_dirs()
    for folder in dirs:
        detector, landmarks = folder / DETECTOR_MODEL_NAME, folder / LANDMARKS_MODEL_NAME
        if detector.is_file() and landmarks.is_file():
            return detector, landmarks
    raise ModelNotFoundError(
        f"ONNX pose models {DETECTOR_MODEL_NAME} and {LANDMARKS_MODEL_NAME} not found (looked "
        "in: " + ", ".join(str(d) for d in dirs) + "); rebuild them with models/build_pose_model.py"
    )
