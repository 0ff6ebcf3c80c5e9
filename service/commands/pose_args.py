"""The pose backend's options that ``analyze`` and ``pose`` share: ``--backend`` and
``--device``, and their check before any model loads."""

from __future__ import annotations

import argparse


def add_pose_options(parser: argparse.ArgumentParser) -> None:
    """``--backend tasks|onnx`` and ``--device auto|cpu|cuda`` on ``parser``."""
    from vision.pose import DEVICES, POSE_BACKENDS  # numpy only: no model, no slow import

    parser.add_argument(
        "--backend",
        choices=POSE_BACKENDS,
        default="tasks",
        help="pose backend: tasks (MediaPipe Tasks, default) or onnx (ONNX Runtime); "
        "the same networks",
    )
    parser.add_argument(
        "--device",
        choices=DEVICES,
        default="auto",
        help="where the pose networks run: auto (default: a CUDA GPU with --backend onnx and "
        "onnxruntime-gpu installed, else the CPU), cpu, or cuda (an error where unavailable)",
    )


def pose_problem(args: argparse.Namespace) -> str | None:
    """Why ``--backend``/``--device`` cannot run here, or None (no model is loaded)."""
    from vision.pose import check_device

    try:
        check_device(args.backend, args.device)
    except ValueError as exc:
        return str(exc)
    return None
