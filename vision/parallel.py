"""Offline pose extraction on every core: a video split into stretches analysed in parallel.

Each worker process takes one stretch of frames. It starts ``overlap_s`` earlier than its
stretch, so that the pose backend's tracking (and the foot and camera motion, which need the
previous frame) are warm when its stretch begins; those warm-up frames are dropped. The
stretches are then joined in order: the camera's cumulative motion, which each worker counts
from its own first frame, is composed at each seam with the previous stretch's (zoom and shift
compose; they do not add).
Identities are not stitched here: the subject is chosen and followed over the joined frames
(:func:`vision.pipeline.sequence_from_frames`), as for a video analysed in one piece.

Workers decode their video from the last keyframe before their warm-up where the file's
timestamps number its frames exactly, else from its start (:func:`vision.video.iter_frames`):
either way frame indices and timestamps are exactly those of a single pass.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from vision.camera_motion import compose, inverse
from vision.pipeline import ExtractOptions, Progress, detect_people
from vision.pose import FramePoses, PoseEstimator, create_estimator
from vision.video import probe

DEFAULT_OVERLAP_S = 1.0


@dataclass(frozen=True)
class Stretch:
    """Frames ``start`` to ``stop`` (exclusive) kept, analysed from ``warm`` (<= ``start``)."""

    warm: int
    start: int
    stop: int


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, where the system tells)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def plan_stretches(frame_count: int, fps: float, workers: int, overlap_s: float) -> list[Stretch]:
    """Split ``frame_count`` frames into at most ``workers`` equal stretches with warm-ups.

    A video shorter than two warm-ups per worker gets fewer stretches: a stretch shorter than
    its warm-up would spend most of its time warming up.
    """
    overlap = max(0, round(overlap_s * fps))
    count = max(1, min(workers, frame_count // max(1, 2 * overlap)))
    size = math.ceil(frame_count / count)
    return [
        Stretch(max(0, start - overlap), start, min(frame_count, start + size))
        for start in range(0, frame_count, size)
    ]


def _estimator(options: ExtractOptions, threads: int) -> PoseEstimator:
    if options.pose.backend == "onnx":
        from vision.pose.onnx import OnnxOptions, OnnxPoseEstimator

        return OnnxPoseEstimator(
            options.pose, OnnxOptions(threads=threads, device=options.pose.device)
        )
    return create_estimator(options.pose)


def _run_stretch(
    video_path: str, options: ExtractOptions, stretch: Stretch, threads: int
) -> tuple[list[FramePoses], str, str]:
    estimator = _estimator(options, threads)
    try:
        frames, *_ = detect_people(
            video_path, estimator, replace(options, max_frames=stretch.stop), None, stretch.warm
        )
    finally:
        estimator.close()
    return frames, estimator.backend, estimator.model


def join_stretches(parts: list[list[FramePoses]], stretches: list[Stretch]) -> list[FramePoses]:
    """The stretches' kept frames in order, the camera's motion continued across each seam."""
    joined: list[FramePoses] = []
    for frames, stretch in zip(parts, stretches, strict=True):
        kept = [f for f in frames if stretch.start <= f.index < stretch.stop]
        rebase = _camera_rebase(joined, frames, stretch.start)
        if rebase is not None:
            kept = [_camera_rebased(f, rebase) for f in kept]
        joined.extend(kept)
    return joined


def _camera_rebased(frame: FramePoses, rebase: np.ndarray) -> FramePoses:
    """``frame`` with its camera motion (from its worker's first frame) made the motion from
    the video's first frame: ``rebase`` first, then the frame's own."""
    if frame.camera is None:
        return frame
    motion = compose(rebase, np.asarray(frame.camera, dtype=float))
    return replace(frame, camera=(float(motion[0]), float(motion[1]), float(motion[2])))


def _camera_rebase(
    joined: list[FramePoses], frames: list[FramePoses], start: int
) -> np.ndarray | None:
    """The motion from the video's first frame to this stretch's first (warm-up) frame.

    The frame before the seam is in both: the video's motion to it (the last joined frame's),
    followed by the inverse of the stretch's own motion to it.
    """
    if not joined or joined[-1].camera is None:
        return None
    seam = next((f for f in frames if f.index == start - 1), None)
    if seam is None or seam.camera is None:
        return None
    return compose(np.asarray(joined[-1].camera, dtype=float), inverse(np.asarray(seam.camera)))


def detect_people_parallel(
    video_path: str | Path,
    options: ExtractOptions,
    progress: Progress | None = None,
    overlap_s: float = DEFAULT_OVERLAP_S,
) -> tuple[list[FramePoses], float, int, int, str, str]:
    """:func:`vision.pipeline.detect_people` over ``options.workers`` processes.

    Returns:
        (frames, fps, width, height, backend, model).
    """
    info = probe(video_path)
    count = min(info.frame_count or 0, options.max_frames or info.frame_count or 0)
    if count > 0:
        stretches = plan_stretches(count, info.fps, options.workers, overlap_s)
    else:  # no frame count to split by: one stretch, to the end
        stretches = [Stretch(0, 0, options.max_frames or 2**62)]
    threads = max(1, usable_cores() // len(stretches))
    # Fork: the workers start at once, without importing everything again; the parent holds no
    # model yet.
    context = multiprocessing.get_context("fork")
    parts: list[list[FramePoses]] = []
    # Each worker's OpenCV gets its share of the cores: its own thread pool would take every
    # core in each worker. Set here, for the workers to inherit: a worker that resized a pool
    # it inherited through fork would wait forever on the parent's threads.
    parent_threads = cv2.getNumThreads()
    cv2.setNumThreads(threads)
    try:
        with ProcessPoolExecutor(len(stretches), mp_context=context) as pool:
            futures = [
                pool.submit(_run_stretch, str(video_path), options, s, threads) for s in stretches
            ]
            for done, future in enumerate(futures, start=1):
                frames, backend, model = future.result()
                parts.append(frames)
                if progress is not None:
                    progress(done / len(futures))
    finally:
        cv2.setNumThreads(parent_threads)
    return join_stretches(parts, stretches), info.fps, info.width, info.height, backend, model
