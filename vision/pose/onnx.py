"""The ONNX Runtime pose backend: the same BlazePose networks as the Tasks bundle, run by ONNX
Runtime with our own pre- and post-processing (:mod:`vision.pose.blazepose`).

Per frame, each person tracked from the previous frame gets one landmark-network run on the
region of interest their landmarks predicted. The person detector runs only on the first frame,
when a tracked person is lost (again on the same frame, so a walker who steps behind a tree is
looked for at once), every ``detect_interval_s`` while fewer than ``num_poses`` people are
tracked, to find newcomers (a bystander, a second walker), and, while nobody is tracked, every
``empty_interval_s`` where the picture changed since the detector last ran (a walker entering an
empty picture is found within that of coming into view: the first steps are the walk's start;
an empty picture that stays as it was costs nothing). The Tasks graph instead runs the
detector on every frame while fewer than ``num_poses`` people are tracked and then takes each
person's region from the detector; ``detect_interval_s=0`` does the same here.

No temporal smoothing is applied to the landmarks. The Tasks graph applies none either with
``num_poses`` of 2 or more (the analysis default); with ``num_poses=1`` in VIDEO mode it filters
them (a one-euro filter and a low-pass on visibility), which this backend does not reproduce:
:mod:`vision.sequence` smooths the subject's series afterwards in both cases.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from vision.pose import blazepose as bp
from vision.pose.base import PersonPose, PoseOptions, check_device
from vision.pose.models import onnx_model_paths

# The picture's change while nobody is tracked is read on a thumbnail this wide: averaging
# 20-30 pixels into one takes out the compression noise, and a person coming into view still
# covers tens of its pixels.
THUMB_WIDTH = 64
# A thumbnail pixel changed where its grey level (0-255) moved by more than this.
THUMB_GREY_LEVELS = 12
_LANDMARK_OUTPUTS = ["landmarks", "presence", "heatmap", "world_landmarks"]
_DETECTOR_OUTPUTS = ["boxes", "scores"]


@dataclass(frozen=True)
class OnnxOptions:
    """Options of the ONNX Runtime backend (thresholds and ``num_poses`` are in PoseOptions).

    Attributes:
        model_dir: folder holding the two ``.onnx`` files; None: ``models/`` of the project.
        threads: ONNX Runtime intra-op threads per network; None: the machine's cores.
        detect_interval_s: while fewer than ``num_poses`` people are tracked, the person
            detector runs again after this many seconds (video time) to find newcomers.
        min_change: while nobody is tracked, the detector also runs where at least this
            fraction of the picture changed since it last ran (in a grey thumbnail
            :data:`THUMB_WIDTH` pixels wide, by more than :data:`THUMB_GREY_LEVELS`): a person
            coming into view changes it, an empty picture left as it was does not ...
        empty_interval_s: ... at most this often (seconds, video time): within the tolerance
            the analysis times contacts to, and shorter than any stance, so a walker coming
            into view loses no step, while a walker not yet found in each frame they come
            into (part of them cut by the border) costs a detector run only every few frames.
            Both 0: on every frame while nobody is tracked.
        min_suppression: IoU above which two person detections are one person (0-1).
        device: ``cpu``, ``cuda`` (a ValueError where CUDA is unavailable, see
            :func:`vision.pose.check_device`) or ``auto``.
    """

    model_dir: str | None = None
    threads: int | None = None
    detect_interval_s: float = 0.5
    min_change: float = 0.002
    empty_interval_s: float = 0.1
    min_suppression: float = 0.5
    device: str = "cpu"

    def validate(self) -> None:
        """Raise ValueError naming the first option out of range."""
        check_device("onnx", self.device)
        if self.threads is not None and self.threads < 1:
            raise ValueError(f"threads must be at least 1, not {self.threads}")
        if self.detect_interval_s < 0:
            raise ValueError(f"detect_interval_s must be >= 0 s, not {self.detect_interval_s}")
        if self.empty_interval_s < 0:
            raise ValueError(f"empty_interval_s must be >= 0 s, not {self.empty_interval_s}")
        if not 0.0 <= self.min_change <= 1.0:
            raise ValueError(f"min_change must be within 0-1, not {self.min_change}")
        if not 0.0 <= self.min_suppression <= 1.0:
            raise ValueError(f"min_suppression must be within 0-1, not {self.min_suppression}")


def _providers(device: str) -> list[str]:
    """Execution providers for a device :func:`check_device` has accepted."""
    import onnxruntime as ort

    if device != "cpu" and "CUDAExecutionProvider" in ort.get_available_providers():
        return ["CUDAExecutionProvider", "CPUExecutionProvider"]
    return ["CPUExecutionProvider"]


def _session(path: Path, threads: int, providers: list[str]) -> Any:  # onnxruntime has no types
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Idle worker threads sleep instead of spinning: a spinning thread takes a core from the
    # decoding thread and from other processes (bench/pose_throughput.py shows the cost).
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), so, providers=providers)


class OnnxPoseEstimator:
    """BlazePose GHUM full run by ONNX Runtime, tracking people between frames.

    One instance per video or stream. Use as a context manager or call :meth:`close`.
    """

    backend = "onnx-runtime"

    def __init__(self, options: PoseOptions | None = None, onnx: OnnxOptions | None = None):
        self.options = options or PoseOptions()
        self.onnx = onnx or OnnxOptions()
        self.onnx.validate()
        detector, landmarks = onnx_model_paths(self.onnx.model_dir)
        self.model = landmarks.name
        threads = self.onnx.threads or os.cpu_count() or 1
        providers = _providers(self.onnx.device)
        self._detector = _session(detector, threads, providers)
        self._landmarker = _session(landmarks, threads, providers)
        self._anchors = bp.ssd_anchors()
        self._rois: list[bp.Rect] = []
        self._last_detection_s = -np.inf
        self._last_detection_thumb: NDArray[np.int16] | None = None
        self.detector_runs = 0  # how often the person detector ran (for benches and tests)

    def estimate(self, rgb: NDArray[np.uint8], t_s: float) -> list[PersonPose]:
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise ValueError(f"expected (H, W, 3) uint8 RGB, got {rgb.shape} {rgb.dtype}")
        rois = self._rois
        # The picture's thumbnail, made at most once a frame: whether a detection is due and
        # the detection itself may both need it.
        picture = functools.cache(functools.partial(thumbnail, rgb))
        detected = self._detection_due(len(rois), t_s, picture)
        if detected:
            rois = self._with_detections(rgb, rois, t_s, picture)
        people, next_rois = self._track(rgb, rois, [])
        if len(people) < len(rois) and not detected:
            # Someone tracked was lost (walked behind something, out of the frame): look for
            # them again in this very frame rather than up to detect_interval_s later.
            threshold = self.options.min_tracking_confidence
            found = [
                roi
                for roi in self._with_detections(rgb, [], t_s, picture)
                if all(bp.rect_iou(roi, r) <= threshold for r in next_rois)
            ]
            more, more_rois = self._track(
                rgb, found[: self.options.num_poses - len(people)], next_rois
            )
            people, next_rois = people + more, next_rois + more_rois
        self._rois = next_rois
        return people

    def _detection_due(
        self, tracked: int, t_s: float, picture: Callable[[], NDArray[np.int16]]
    ) -> bool:
        if tracked >= self.options.num_poses:
            return False
        elapsed = t_s - self._last_detection_s
        if elapsed >= self.onnx.detect_interval_s:
            return True
        if tracked > 0 or elapsed < self.onnx.empty_interval_s:
            return False
        last = self._last_detection_thumb
        return last is None or changed_fraction(last, picture()) >= self.onnx.min_change

    def _with_detections(
        self,
        rgb: NDArray[np.uint8],
        rois: list[bp.Rect],
        t_s: float,
        picture: Callable[[], NDArray[np.int16]],
    ) -> list[bp.Rect]:
        """``rois`` associated with the people detected in ``rgb``, at most ``num_poses``.

        As MediaPipe's association: a detection replaces every tracked region it overlaps by
        more than ``min_tracking_confidence`` (IoU); the regions still tracked come first.
        ``picture`` gives ``rgb``'s :func:`thumbnail`, kept to tell later whether it changed.
        """
        self._last_detection_s = t_s
        self._last_detection_thumb = picture()
        out = list(rois)
        threshold = self.options.min_tracking_confidence
        for roi in self.detect(rgb):
            out = [r for r in out if bp.rect_iou(roi, r) <= threshold]
            out.append(roi)
        return out[: self.options.num_poses]

    def detect(self, rgb: NDArray[np.uint8]) -> list[bp.Rect]:
        """Regions of interest of the people the detector finds in ``rgb``, best first."""
        self.detector_runs += 1
        h, w = rgb.shape[:2]
        square, padding = bp.square_crop_rect(w, h)
        tensor = bp.crop(rgb, square, bp.DETECTOR_SIZE, cv2.BORDER_CONSTANT, (-1.0, 1.0))
        boxes, scores = self._detector.run(_DETECTOR_OUTPUTS, {"image": tensor})
        found = bp.decode_detections(
            boxes, scores, self._anchors, self.options.min_detection_confidence
        )
        found = bp.remove_letterbox(bp.weighted_nms(found, self.onnx.min_suppression), padding)
        return [bp.roi_from_points(kp[0], kp[1], w, h) for kp in found.keypoints]

    def _track(
        self, rgb: NDArray[np.uint8], rois: list[bp.Rect], tracked: list[bp.Rect]
    ) -> tuple[list[PersonPose], list[bp.Rect]]:
        """The people in ``rois`` who are not already ``tracked``, and their next regions."""
        people: list[PersonPose] = []
        next_rois: list[bp.Rect] = []
        threshold = self.options.min_tracking_confidence
        for roi in rois:
            found = self.landmarks(rgb, roi)
            if found is None:
                continue
            person, next_roi = found
            # Two regions on one person (they drifted together, or a detection found someone
            # already tracked): keep the first.
            if any(bp.rect_iou(next_roi, r) > threshold for r in tracked + next_rois):
                continue
            people.append(person)
            next_rois.append(next_roi)
        return people, next_rois

    def landmarks(self, rgb: NDArray[np.uint8], roi: bp.Rect) -> tuple[PersonPose, bp.Rect] | None:
        """The person in ``roi`` and the region to look at next frame; None if nobody is there."""
        h, w = rgb.shape[:2]
        tensor = bp.crop(rgb, roi, bp.LANDMARK_SIZE, cv2.BORDER_REPLICATE, (0.0, 1.0))
        raw, presence, heatmap, world = self._landmarker.run(_LANDMARK_OUTPUTS, {"image": tensor})
        if float(presence.reshape(-1)[0]) < self.options.min_presence_confidence:
            return None
        projected = bp.project_landmarks(bp.decode_landmarks(raw, heatmap), roi)
        person = bp.person_in_frame(projected, world, roi, w, h)
        centre, scale_point = (projected[i, :2] for i in bp.ALIGNMENT_LANDMARKS)
        return person, bp.roi_from_points(centre, scale_point, w, h)

    def close(self) -> None:
        self._detector = None
        self._landmarker = None

    def __enter__(self) -> OnnxPoseEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def thumbnail(rgb: NDArray[np.uint8]) -> NDArray[np.int16]:
    """(h, THUMB_WIDTH) grey levels 0-255 of ``rgb`` (H, W, 3), area-averaged."""
    h, w = rgb.shape[:2]
    size = (THUMB_WIDTH, max(1, round(h * THUMB_WIDTH / w)))
    small = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(small, cv2.COLOR_RGB2GRAY).astype(np.int16)


def changed_fraction(a: NDArray[np.int16], b: NDArray[np.int16]) -> float:
    """Fraction of the pixels of two thumbnails whose grey levels differ by more than
    :data:`THUMB_GREY_LEVELS`; 1 where their sizes differ."""
    if a.shape != b.shape:
        return 1.0
    return float(np.mean(np.abs(a - b) > THUMB_GREY_LEVELS))
