"""BlazePose pre- and post-processing as pure functions over arrays (no runtime, no state).

The person detector and the landmark network are the BlazePose GHUM 3D *full* networks; what
surrounds them here follows MediaPipe's pose graphs (detector anchors and box decoding, weighted
non-maximum suppression, the region of interest from two alignment points, landmark decoding,
refinement from the heatmap and projection back to the image), so that the ONNX backend gives the
Tasks backend's landmarks.

Conventions: a :class:`Rect` is normalised to the image (x by its width, y by its height) with a
rotation in radians, as MediaPipe's ``NormalizedRect``. Landmarks are normalised the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from vision.pose.base import PersonPose

DETECTOR_SIZE = 224  # px, square input of the person detector
LANDMARK_SIZE = 256  # px, square input of the landmark network
HEATMAP_SIZE = 64  # px, side of the landmark network's heatmap
RAW_LANDMARKS = 39  # 33 body landmarks, then 2 alignment points and 4 more the graphs drop
BODY_LANDMARKS = 33
ALIGNMENT_LANDMARKS = (33, 34)  # hip centre, then a point giving body scale and rotation
ROI_SCALE = 1.25  # the margin the networks were trained with around the alignment box
_ANCHOR_STRIDES = (8, 16, 32, 32, 32)
_ANCHORS_PER_LAYER = 2  # aspect ratio 1.0 plus the interpolated scale, both of size 1
_SCORE_CLIP = 100.0
_HEATMAP_KERNEL = 7
_HEATMAP_MIN_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Rect:
    """A rotated rectangle normalised to the image: centre, size (0-1) and rotation (radians)."""

    x_center: float
    y_center: float
    width: float
    height: float
    rotation: float = 0.0


@dataclass(frozen=True)
class Detections:
    """Person detections in normalised image coordinates.

    Attributes:
        boxes: (N, 4) xmin, ymin, width, height.
        keypoints: (N, 4, 2) x, y: hip centre, body scale point, then two more.
        scores: (N,) probability that the box holds a person.
    """

    boxes: np.ndarray
    keypoints: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.scores)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function, without overflow for large logits."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def normalize_radians(angle: float) -> float:
    """``angle`` wrapped to [-pi, pi)."""
    return angle - 2.0 * math.pi * math.floor((angle + math.pi) / (2.0 * math.pi))


def ssd_anchors() -> np.ndarray:
    """(2254, 2) anchor centres (x, y), normalised, in the detector's output order.

    Layers sharing a stride share one feature map; each of its cells holds two anchors per
    layer. Anchor sizes are fixed at 1, so only centres matter.
    """
    centres = []
    layer = 0
    while layer < len(_ANCHOR_STRIDES):
        stride = _ANCHOR_STRIDES[layer]
        same = 0
        while layer < len(_ANCHOR_STRIDES) and _ANCHOR_STRIDES[layer] == stride:
            same += 1
            layer += 1
        side = math.ceil(DETECTOR_SIZE / stride)
        ys, xs = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
        cells = np.stack([(xs.ravel() + 0.5) / side, (ys.ravel() + 0.5) / side], axis=1)
        centres.append(np.repeat(cells, same * _ANCHORS_PER_LAYER, axis=0))
    return np.concatenate(centres).astype(np.float32)


def square_crop_rect(width: int, height: int) -> tuple[Rect, tuple[float, float]]:
    """The whole frame padded to a square (letterbox) and the padding (x, y) on each side.

    Padding is a fraction of the square's side, on the left and right (x) or top and bottom (y).
    """
    side = max(width, height)
    rect = Rect(0.5, 0.5, side / width, side / height)
    return rect, ((1.0 - width / side) / 2.0, (1.0 - height / side) / 2.0)


def crop(
    rgb: np.ndarray, rect: Rect, size: int, border: int, value_range: tuple[float, float]
) -> np.ndarray:
    """The rotated ``rect`` of ``rgb`` (H, W, 3) uint8 resampled to (1, size, size, 3) float32.

    The rectangle's corners map onto the output's corners with bilinear sampling, and values
    scale linearly from 0-255 to ``value_range``: what MediaPipe's image-to-tensor step does on
    the CPU, so the networks see the same pixels. ``border`` is an OpenCV border mode.
    """
    h, w = rgb.shape[:2]
    box = (
        (rect.x_center * w, rect.y_center * h),
        (rect.width * w, rect.height * h),
        math.degrees(rect.rotation),
    )
    src = np.asarray(cv2.boxPoints(box), np.float32)
    dst = np.array([[0, size], [0, 0], [size, 0], [size, size]], np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    out = cv2.warpPerspective(rgb, matrix, (size, size), flags=cv2.INTER_LINEAR, borderMode=border)
    lo, hi = value_range
    tensor = out.astype(np.float32) * np.float32((hi - lo) / 255.0) + np.float32(lo)
    return tensor[None]


def decode_detections(
    raw_boxes: np.ndarray, raw_scores: np.ndarray, anchors: np.ndarray, min_score: float
) -> Detections:
    """Boxes and keypoints from the detector's raw outputs (1, 2254, 12) and (1, 2254, 1).

    Coordinates are normalised to the detector's (letterboxed) input square.
    """
    raw = raw_boxes.reshape(-1, 12)
    scores = sigmoid(np.clip(raw_scores.reshape(-1), -_SCORE_CLIP, _SCORE_CLIP))
    keep = scores >= min_score
    raw, anchors, scores = raw[keep] / DETECTOR_SIZE, anchors[keep], scores[keep]
    centre = raw[:, 0:2] + anchors
    size = raw[:, 2:4]
    boxes = np.concatenate([centre - size / 2.0, size], axis=1)
    keypoints = raw[:, 4:12].reshape(-1, 4, 2) + anchors[:, None, :]
    return Detections(boxes, keypoints, scores)


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Intersection over union of box ``a`` (4,) with boxes ``b`` (N, 4), as xmin, ymin, w, h."""
    x1 = np.maximum(a[0], b[:, 0])
    y1 = np.maximum(a[1], b[:, 1])
    x2 = np.minimum(a[0] + a[2], b[:, 0] + b[:, 2])
    y2 = np.minimum(a[1] + a[3], b[:, 1] + b[:, 3])
    inter = np.clip(x2 - x1, 0.0, None) * np.clip(y2 - y1, 0.0, None)
    union = a[2] * a[3] + b[:, 2] * b[:, 3] - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)


def weighted_nms(detections: Detections, min_suppression: float) -> Detections:
    """Weighted non-maximum suppression: each kept detection averages its overlapping ones.

    Highest score first; every remaining detection whose IoU with it exceeds ``min_suppression``
    is merged into it (boxes and keypoints averaged, weighted by score) and removed.
    """
    order = np.argsort(-detections.scores, kind="stable")
    boxes, kps, scores = [], [], []
    while order.size:
        best = order[0]
        iou = box_iou(detections.boxes[best], detections.boxes[order])
        group = order[iou > min_suppression]
        order = order[iou <= min_suppression]
        if group.size == 0:  # a degenerate box overlaps nothing, itself included
            group, order = np.array([best]), order[order != best]
        # Scores are at least the detector's threshold; the floor keeps a zero-threshold call sane.
        weights = np.maximum(detections.scores[group], 1e-12)
        corners = np.concatenate(
            [
                detections.boxes[group, :2],
                detections.boxes[group, :2] + detections.boxes[group, 2:],
            ],
            axis=1,
        )
        merged = weights @ corners / weights.sum()
        boxes.append(np.concatenate([merged[:2], merged[2:] - merged[:2]]))
        kps.append(np.tensordot(weights, detections.keypoints[group], axes=1) / weights.sum())
        scores.append(detections.scores[best])
    if not scores:
        return Detections(np.zeros((0, 4)), np.zeros((0, 4, 2)), np.zeros(0))
    return Detections(np.array(boxes), np.array(kps), np.array(scores))


def remove_letterbox(detections: Detections, padding: tuple[float, float]) -> Detections:
    """Detections from the letterboxed square back to the frame's normalised coordinates."""
    px, py = padding
    scale = np.array([1.0 - 2 * px, 1.0 - 2 * py])
    offset = np.array([px, py])
    boxes = detections.boxes.copy()
    boxes[:, :2] = (boxes[:, :2] - offset) / scale
    boxes[:, 2:] = boxes[:, 2:] / scale
    keypoints = (detections.keypoints - offset) / scale
    return Detections(boxes, keypoints, detections.scores)


def alignment_rect(centre: np.ndarray, scale_point: np.ndarray, width: int, height: int) -> Rect:
    """The region of interest from two alignment points (normalised x, y), before its margin.

    A square centred on the first point with a side twice the distance between them, turned so
    that the line between them points up.
    """
    x0, y0 = float(centre[0]) * width, float(centre[1]) * height
    x1, y1 = float(scale_point[0]) * width, float(scale_point[1]) * height
    side = 2.0 * math.hypot(x1 - x0, y1 - y0)
    rotation = normalize_radians(math.pi / 2.0 - math.atan2(-(y1 - y0), x1 - x0))
    return Rect(x0 / width, y0 / height, side / width, side / height, rotation)


def expand_rect(rect: Rect, width: int, height: int) -> Rect:
    """``rect`` made square on its long side (in pixels) and enlarged by the training margin."""
    long_side = max(rect.width * width, rect.height * height)
    return Rect(
        rect.x_center,
        rect.y_center,
        long_side / width * ROI_SCALE,
        long_side / height * ROI_SCALE,
        normalize_radians(rect.rotation),
    )


def roi_from_points(centre: np.ndarray, scale_point: np.ndarray, width: int, height: int) -> Rect:
    """The landmark network's region of interest from the two alignment points."""
    return expand_rect(alignment_rect(centre, scale_point, width, height), width, height)


def rect_iou(a: Rect, b: Rect) -> float:
    """IoU of two rects' axis-aligned boxes (rotation ignored, as MediaPipe's association)."""
    box_a = np.array([a.x_center - a.width / 2, a.y_center - a.height / 2, a.width, a.height])
    box_b = np.array([[b.x_center - b.width / 2, b.y_center - b.height / 2, b.width, b.height]])
    return float(box_iou(box_a, box_b)[0])


def decode_landmarks(raw: np.ndarray, heatmap: np.ndarray) -> np.ndarray:
    """(39, 5) landmarks normalised to the crop: x, y, z, visibility, presence.

    ``raw`` is the network's (1, 195) output in crop pixels; ``heatmap`` its (1, 64, 64, 39)
    logits. x and y are refined from the heatmap where it is confident; z is scaled like x.
    """
    lm = raw.reshape(RAW_LANDMARKS, 5).astype(np.float32)
    out = np.empty_like(lm)
    out[:, :3] = lm[:, :3] / LANDMARK_SIZE
    out[:, 3:] = sigmoid(lm[:, 3:])
    out[:, :2] = refine_from_heatmap(out[:, :2], heatmap.reshape(HEATMAP_SIZE, HEATMAP_SIZE, -1))
    return out


def refine_from_heatmap(xy: np.ndarray, heatmap: np.ndarray) -> np.ndarray:
    """Landmarks (N, 2) moved to the confidence-weighted mean of a 7x7 heatmap window.

    A landmark moves only where the window's highest confidence reaches 0.5. The window is
    clipped at the heatmap's edges; a landmark whose cell lies outside is left alone. All N
    windows are gathered at once (cells beyond the edge weigh nothing), which keeps this cheap
    next to the network itself: it runs on every frame.
    """
    side, n = heatmap.shape[0], len(xy)
    half = (_HEATMAP_KERNEL - 1) // 2
    out = xy.copy()
    cells = np.trunc(xy * side).astype(int)  # truncation toward zero, as the C++ cast
    offsets = np.arange(-half, half + 1)
    cols = cells[:, :1] + offsets  # (N, K)
    rows = cells[:, 1:] + offsets  # (N, K)
    inside = ((rows >= 0) & (rows < side))[:, :, None] & ((cols >= 0) & (cols < side))[:, None, :]
    logits = heatmap[
        np.clip(rows, 0, side - 1)[:, :, None],
        np.clip(cols, 0, side - 1)[:, None, :],
        np.arange(n)[:, None, None],
    ]  # (N, K, K)
    window = (sigmoid(logits.astype(np.float64)) * inside).reshape(n, -1)
    total = window.sum(axis=1)
    # MediaPipe compares the column (not the row) with the height; the map is square.
    usable = (cells[:, 0] >= 0) & (cells[:, 0] < side) & (cells[:, 1] >= 0) & inside.any((1, 2))
    usable &= (total > 0) & (window.max(axis=1) >= _HEATMAP_MIN_CONFIDENCE)
    grid_cols = np.broadcast_to(cols[:, None, :], inside.shape).reshape(n, -1)
    grid_rows = np.broadcast_to(rows[:, :, None], inside.shape).reshape(n, -1)
    safe = np.where(usable, total, 1.0)
    out[usable, 0] = ((grid_cols * window).sum(axis=1) / side / safe)[usable]
    out[usable, 1] = ((grid_rows * window).sum(axis=1) / side / safe)[usable]
    return out


def project_landmarks(landmarks: np.ndarray, rect: Rect) -> np.ndarray:
    """Crop-normalised landmarks (N, 3+) to the frame's normalised coordinates.

    Rotation is applied in normalised units, as MediaPipe does; z scales with the rect's width.
    """
    out = landmarks.copy()
    x = landmarks[:, 0] - 0.5
    y = landmarks[:, 1] - 0.5
    c, s = math.cos(rect.rotation), math.sin(rect.rotation)
    out[:, 0] = (c * x - s * y) * rect.width + rect.x_center
    out[:, 1] = (s * x + c * y) * rect.height + rect.y_center
    out[:, 2] = landmarks[:, 2] * rect.width
    return out


def project_world(raw_world: np.ndarray, rect: Rect) -> np.ndarray:
    """(33, 3) world landmarks in metres, turned by the crop's rotation (z unchanged)."""
    world = raw_world.reshape(RAW_LANDMARKS, 3)[:BODY_LANDMARKS].astype(np.float32)
    out = world.copy()
    c, s = math.cos(rect.rotation), math.sin(rect.rotation)
    out[:, 0] = c * world[:, 0] - s * world[:, 1]
    out[:, 1] = s * world[:, 0] + c * world[:, 1]
    return out


def person_in_frame(
    projected: NDArray[np.float32],
    raw_world: NDArray[np.float32],
    rect: Rect,
    width: int,
    height: int,
) -> PersonPose:
    """The person's 33 body landmarks in the frame's pixels.

    ``projected`` are the decoded landmarks (39, 5) of :func:`decode_landmarks` in the frame's
    normalised coordinates (:func:`project_landmarks`); x and z scale by the frame's ``width``
    and y by its ``height``, as the Tasks backend reports them. ``raw_world`` is the network's
    world output for ``rect`` (see :func:`project_world`).
    """
    body = projected[:BODY_LANDMARKS]
    x, y, z, visibility, presence = (body[:, k] for k in range(5))
    return PersonPose(
        xy=np.stack([x * np.float32(width), y * np.float32(height)], axis=1).astype(np.float32),
        z=(z * np.float32(width)).astype(np.float32),
        visibility=visibility.astype(np.float32),
        presence=presence.astype(np.float32),
        world=project_world(raw_world, rect),
    )
