"""How the camera moved: the background's zoom and shift from frame to frame.

A phone filming a walk is often held by someone who follows the walker. The landmarks then move
with the camera as well as with the body: a camera closing in on a subject who walks away makes
them grow, which reads as walking toward it, and a pan makes planted feet slide. Measured
against the background instead, the subject is where they would be had the camera stood still
(exactly for a pan or zoom; for a camera that travels, the background lies further away than the
subject and moves less, so part of the camera's own travel remains).

The background is followed with corner features (Shi-Tomasi) tracked by pyramidal Lucas-Kanade
optical flow outside every person's box, and fitted with a similarity transform (zoom, roll,
shift) whose outliers (other people walking by) RANSAC leaves out. Only zoom and shift are kept:
a hand-held camera rolls by a degree or two, which turns no walk round.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

# Columns of a camera track (T, 3): the background's cumulative log zoom and shift (x, y px).
LOG_ZOOM, SHIFT_X, SHIFT_Y = 0, 1, 2


@dataclass(frozen=True)
class CameraMotionOptions:
    """Attributes:
    work_width_px: frames are shrunk to this width before tracking (the background's motion is
        the same at any size and this keeps it to a few milliseconds a frame).
    max_corners: most background features tracked from each frame.
    min_inliers: fewer features agreeing on one motion than this leave the frame's motion
        unknown (taken as still).
    person_margin: each person's box is widened by this fraction of its height before it is
        left out of the background.
    ransac_px: a feature further than this (work pixels) from the fitted motion is an outlier.
    """

    work_width_px: int = 320
    max_corners: int = 200
    min_inliers: int = 12
    person_margin: float = 0.15
    ransac_px: float = 1.0


def background_features(
    gray: np.ndarray,
    boxes: list[tuple[float, ...]],
    options: CameraMotionOptions = CameraMotionOptions(),
) -> np.ndarray:
    """(N, 1, 2) float32 corner features of ``gray`` (H, W) uint8 outside every person's box
    (x0, y0, x1, y1 px, widened by ``person_margin`` of its height); N may be 0."""
    mask = np.full(gray.shape, 255, np.uint8)
    h_img, w_img = gray.shape
    for x0, y0, x1, y1 in boxes:
        pad = options.person_margin * (y1 - y0)
        mask[
            int(max(y0 - pad, 0)) : int(min(y1 + pad, h_img)),
            int(max(x0 - pad, 0)) : int(min(x1 + pad, w_img)),
        ] = 0
    pts = cv2.goodFeaturesToTrack(gray, options.max_corners, 0.01, 6, mask=mask)
    return np.zeros((0, 1, 2), np.float32) if pts is None else pts


def frame_motion(
    ref_gray: np.ndarray,
    ref_pts: np.ndarray,
    gray: np.ndarray,
    options: CameraMotionOptions = CameraMotionOptions(),
) -> tuple[np.ndarray, int]:
    """The background's motion from ``ref_gray`` to ``gray`` (H, W) uint8, followed from the
    features ``ref_pts`` (N, 1, 2) of the first: (3,) log zoom and shift (x, y) in their pixels,
    mapping a background point ``p`` to ``zoom * p + shift`` (NaN when fewer than
    ``min_inliers`` features agree), and how many agree."""
    unknown = np.full(3, np.nan)
    if len(ref_pts) < options.min_inliers:
        return unknown, 0
    nxt, status, _ = cv2.calcOpticalFlowPyrLK(ref_gray, gray, ref_pts, None)
    good = status.ravel() == 1
    if good.sum() < options.min_inliers:
        return unknown, 0
    fit, inliers = cv2.estimateAffinePartial2D(
        ref_pts[good], nxt[good], method=cv2.RANSAC, ransacReprojThreshold=options.ransac_px
    )
    agree = 0 if fit is None else int(inliers.sum())
    if agree < options.min_inliers:
        return unknown, agree
    zoom = float(np.hypot(fit[0, 0], fit[1, 0]))
    return np.array([np.log(zoom), fit[0, 2], fit[1, 2]]), agree


def compose(first: np.ndarray, then: np.ndarray) -> np.ndarray:
    """(3,) the motion ``first`` followed by ``then`` (each log zoom, shift x, shift y):
    p -> z2 (z1 p + s1) + s2."""
    z2 = np.exp(then[LOG_ZOOM])
    return np.array(
        [
            first[LOG_ZOOM] + then[LOG_ZOOM],
            z2 * first[SHIFT_X] + then[SHIFT_X],
            z2 * first[SHIFT_Y] + then[SHIFT_Y],
        ]
    )


def inverse(motion: np.ndarray) -> np.ndarray:
    """(3,) the motion that undoes ``motion`` (log zoom, shift x, shift y): p -> (p - s) / z."""
    z = np.exp(motion[LOG_ZOOM])
    return np.array([-motion[LOG_ZOOM], -motion[SHIFT_X] / z, -motion[SHIFT_Y] / z])


class CameraMotionTracker:
    """The background's cumulative motion since the first frame, fed one frame at a time.

    Each frame is measured against a reference frame, not against the frame before: a still
    camera then keeps its first frame as the reference and small errors cannot add up over a
    clip. The reference moves on to the frame before when fewer than half of its features still
    agree (the camera has moved on, or people cover the background).

    State: the reference frame (shrunk, grey), its features and motion, and the frame before.
    """

    def __init__(self, options: CameraMotionOptions = CameraMotionOptions()):
        self.options = options
        # (grey frame, its features, its motion) and (grey frame, its boxes, its motion); both
        # set from the first frame with someone in it on.
        self._ref: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._prev: tuple[np.ndarray, list, np.ndarray] | None = None

    def update(self, rgb: np.ndarray, boxes: list[tuple[float, ...]]) -> np.ndarray:
        """(3,) cumulative [log zoom, shift x, shift y] of the background from the first frame
        to ``rgb`` (H, W, 3), shifts in ``rgb``'s pixels; ``boxes`` of the people in ``rgb``
        (x0, y0, x1, y1 px). A frame whose motion is unknown keeps the motion before it, and
        so does a frame with nobody in it: a walker coming into the picture before the pose
        model finds them would be followed as background, their motion taken for the camera's.
        """
        f = min(self.options.work_width_px / rgb.shape[1], 1.0)
        if not boxes:
            total = self._prev[2] if self._prev is not None else np.zeros(3)
            return np.array([total[LOG_ZOOM], total[SHIFT_X] / f, total[SHIFT_Y] / f])
        small = cv2.resize(rgb, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else rgb
        gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
        small_boxes = [tuple(v * f for v in b) for b in boxes]
        if self._prev is None or self._ref is None or self._prev[0].shape != gray.shape:
            total = np.zeros(3)
            self._ref = (gray, background_features(gray, small_boxes, self.options), total)
        else:
            ref_gray, ref_pts, ref_total = self._ref
            step, agree = frame_motion(ref_gray, ref_pts, gray, self.options)
            if agree < 0.5 * len(ref_pts):
                prev_gray, prev_boxes, prev_total = self._prev
                self._ref = (
                    prev_gray,
                    background_features(prev_gray, prev_boxes, self.options),
                    prev_total,
                )
                ref_gray, ref_pts, ref_total = self._ref
                step, agree = frame_motion(ref_gray, ref_pts, gray, self.options)
            total = compose(ref_total, step) if np.isfinite(step).all() else self._prev[2]
        self._prev = (gray, small_boxes, total)
        return np.array([total[LOG_ZOOM], total[SHIFT_X] / f, total[SHIFT_Y] / f])


@dataclass(frozen=True)
class CameraMove:
    """How far the camera moved over a clip: ``zoom`` the background's largest size change from
    the first frame as a fraction (0.2: 20% larger, or smaller by 1 - 1/1.2), ``shift`` its
    largest shift from the first frame as a fraction of the frame's width; ``moved`` when either
    passes its threshold."""

    zoom: float
    shift: float
    moved: bool


def camera_move(
    camera: np.ndarray, width_px: int, moved_zoom: float = 0.05, moved_shift: float = 0.1
) -> CameraMove:
    """Summary of a camera track ``camera`` (T, 3) of a video ``width_px`` wide: it moved if the
    background's size changed by more than ``moved_zoom`` or it shifted by more than
    ``moved_shift`` of the frame's width. The limits sit far above what the background's
    tracker reads for a camera on a stand (its own noise) and far below a phone following a
    walker down an aisle."""
    if len(camera) == 0:
        return CameraMove(0.0, 0.0, False)
    from_first = camera - camera[0]
    zoom = float(np.expm1(np.max(np.abs(from_first[:, LOG_ZOOM]))))
    shift = float(np.max(np.linalg.norm(from_first[:, [SHIFT_X, SHIFT_Y]], axis=1)) / width_px)
    return CameraMove(zoom, shift, zoom > moved_zoom or shift > moved_shift)


def stabilised(
    xy: NDArray[np.floating], z: NDArray[np.floating], camera: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Landmarks ``xy`` (T, 33, 2) px and their depth ``z`` (T, 33, scaled like x) moved into the
    first frame's background: each frame's background motion ``camera`` (T, 3) undone."""
    zoom = np.exp(camera[:, LOG_ZOOM])[:, None]
    shift = camera[:, None, [SHIFT_X, SHIFT_Y]]
    return (xy - shift) / zoom[..., None], z / zoom


def frame_boxes(camera: np.ndarray, width: int, height: int) -> np.ndarray:
    """(T, 4) each frame's picture [x0, y0, x1, y1] in the first frame's background (the
    coordinates of :func:`stabilised` landmarks), for a camera track ``camera`` (T, 3) of a
    ``width`` x ``height`` px video."""
    zoom = np.exp(camera[:, LOG_ZOOM])
    x0, y0 = -camera[:, SHIFT_X] / zoom, -camera[:, SHIFT_Y] / zoom
    return np.column_stack([x0, y0, x0 + width / zoom, y0 + height / zoom])


def inside_frame(
    points: np.ndarray, frame: tuple[int, int] | np.ndarray, margin: float = 0.0
) -> np.ndarray:
    """(T, ...) bool: which of ``points`` (T, ..., 2) px lie inside the picture, further than
    ``margin`` of its width (height) from its left and right (top and bottom) edges. ``frame``:
    the video's (width, height), or each frame's box (T, 4) (see :func:`frame_boxes`) when the
    points are stabilised."""
    box = (
        np.array([0.0, 0.0, frame[0], frame[1]])[None]
        if isinstance(frame, tuple)
        else np.asarray(frame, float)
    )
    box = box.reshape((len(box),) + (1,) * (points.ndim - 2) + (4,))
    mx, my = margin * (box[..., 2] - box[..., 0]), margin * (box[..., 3] - box[..., 1])
    x, y = points[..., 0], points[..., 1]
    with np.errstate(invalid="ignore"):
        return (
            (x >= box[..., 0] + mx)
            & (x < box[..., 2] - mx)
            & (y >= box[..., 1] + my)
            & (y < box[..., 3] - my)
        )
