"""How much the picture changes around each foot from one frame to the next.

Measured while the video is decoded, for every person found, from the pose model's own foot and
knee points of that frame, labelled as the model gave them. The repair of
:func:`vision.gait.body.leg_swaps` is made for side views, where the feet cross in the
picture; from the front or back it named the moving foot worse than the model's own labels, so
there :func:`by_picture_side` undoes the model's brief swaps afterwards instead. Used by
:mod:`vision.gait.events.foot_motion` to time steps seen from the front or back, where the pose
model's depth of the feet is too late and noisy.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from vision import landmarks as lm

# [left, right] x [heel, toe, ankle]; the knee sets the box's size.
_FEET = (
    (lm.IDX["left_heel"], lm.IDX["left_foot_index"], lm.L_ANKLE),
    (lm.IDX["right_heel"], lm.IDX["right_foot_index"], lm.R_ANKLE),
)
_KNEES = (lm.L_KNEE, lm.R_KNEE)


@dataclass(frozen=True)
class FootMotionOptions:
    """Attributes:
    half_width_shank, half_height_shank: the box around a foot (centred on the mean of its
        heel, toe and ankle) reaches this many shank lengths (knee to ankle, in the picture)
        either side and up and down: large enough for a shoe seen from any side, small enough
        to keep the other foot out of it for most of a step seen from the front or back.
    threshold: a pixel changed where its grey level (0-255, after a 3x3 blur that takes out
        compression noise) differs by more than this from the previous frame.
    """

    half_width_shank: float = 0.25
    half_height_shank: float = 0.3
    threshold: int = 12


def grey(rgb: np.ndarray, box: tuple[int, int, int, int] | None = None) -> np.ndarray:
    """(H, W) int16 blurred grey levels of an (H, W, 3) uint8 RGB frame, or of its ``box``
    (x0, y0, x1, y1 px, end exclusive) alone: the same values as the whole frame's there, at
    the cost of the box (the blur reads one pixel around it)."""
    if box is None:
        g = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        return cv2.GaussianBlur(g, (3, 3), 0).astype(np.int16)
    h, w = rgb.shape[:2]
    x0, y0, x1, y1 = box
    # One pixel more on each side where the frame has it: inside the frame the 3x3 blur then
    # sees what it sees in the whole frame; at the frame's edge it mirrors the same pixels.
    px0, py0, px1, py1 = max(x0 - 1, 0), max(y0 - 1, 0), min(x1 + 1, w), min(y1 + 1, h)
    padded = grey(np.ascontiguousarray(rgb[py0:py1, px0:px1]))
    return padded[y0 - py0 : y0 - py0 + (y1 - y0), x0 - px0 : x0 - px0 + (x1 - x0)]


def foot_box(
    xy: np.ndarray, foot: int, width: int, height: int, options: FootMotionOptions
) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) px, end exclusive, of the box around foot ``foot`` (0 left, 1 right) of
    landmarks ``xy`` (33, 2) px in a ``width`` x ``height`` picture; None where the foot's
    points are missing or the box lies outside the picture."""
    points, knee = _FEET[foot], _KNEES[foot]
    feet = xy[list(points)]
    if not (np.isfinite(feet).all() and np.isfinite(xy[knee]).all()):
        return None
    shank = float(np.linalg.norm(xy[knee] - xy[points[2]]))
    cx, cy = feet.mean(axis=0)
    x0 = max(int(cx - options.half_width_shank * shank), 0)
    x1 = min(int(cx + options.half_width_shank * shank) + 1, width)
    y0 = max(int(cy - options.half_height_shank * shank), 0)
    y1 = min(int(cy + options.half_height_shank * shank) + 1, height)
    if x1 <= x0 or y1 <= y0:
        return None
    return x0, y0, x1, y1


def foot_motion(
    previous: np.ndarray,
    current: np.ndarray,
    xy: np.ndarray,
    options: FootMotionOptions | None = None,
) -> np.ndarray:
    """(2,) fraction (0-1) of the pixels around the [left, right] foot that changed.

    Args:
        previous, current: (H, W, 3) uint8 RGB frames, same size; only the boxes around the
            feet are turned grey (:func:`grey`), not the whole frames.
        xy: (33, 2) one person's landmarks in ``current``'s pixels.

    NaN for a foot whose points are missing or whose box lies outside the picture.
    """
    opts = options or FootMotionOptions()
    h, w = current.shape[:2]
    out = np.full(2, np.nan)
    for f in range(len(_FEET)):
        box = foot_box(xy, f, w, h, opts)
        if box is None:
            continue
        changed = np.abs(grey(current, box) - grey(previous, box)) > opts.threshold
        out[f] = float(changed.mean())
    return out


def by_picture_side(
    motion: np.ndarray,
    xy: NDArray[np.floating],
    fps: float,
    window_s: float = 1.0,
    margin_shank: float = 0.1,
) -> np.ndarray:
    """(T, 2) copy of ``motion`` whose [left, right] columns follow each foot's side of the
    picture rather than the pose model's labels of each frame: for a walk seen from the front or
    back, where the feet keep their sides (a step's width apart) while the model swaps their
    labels for a few frames at a time, mostly as a foot passes close to the other. The boxes were
    placed by those labels, so in a swapped frame each measured the other foot: the columns are
    swapped back.

    A frame is swapped where its feet's order across the picture (the mean x of each foot's
    heel, toe and ankle, landmarks ``xy`` (T, 33, 2) pixels as the boxes were placed) is clear, more
    than ``margin_shank`` shank lengths apart, and opposite to the clear frames' majority within
    ``window_s`` seconds around it; so a turn, after which the feet change sides for good, is
    kept. Left in, such a swap hides a step or times it late.
    """
    out = np.array(motion, dtype=np.float64)
    xy = np.asarray(xy, dtype=np.float64)
    with np.errstate(all="ignore"):
        x = np.stack([np.nanmean(xy[:, list(points), 0], axis=1) for points in _FEET], axis=1)
        shank = np.nanmedian(
            np.linalg.norm(xy[:, list(_KNEES)] - xy[:, [lm.L_ANKLE, lm.R_ANKLE]], axis=-1)
        )
    if not np.isfinite(shank) or len(out) != len(x):
        return out
    apart = x[:, 0] - x[:, 1]
    order = np.where(np.abs(apart) > margin_shank * shank, np.sign(apart), 0.0)  # NaN: 0
    k = max(int(round(window_s * fps)) | 1, 3)
    majority = np.sign(np.convolve(order, np.ones(k), mode="same"))
    swapped = (order != 0) & (majority != 0) & (order != majority)
    out[swapped] = out[swapped][:, ::-1]
    return out


def where_camera_still(
    motion: np.ndarray,
    camera: np.ndarray | None,
    max_shift_px: float = 2.0,
    max_zoom: float = 0.002,
) -> np.ndarray:
    """(T, 2) copy of ``motion`` with NaN on frames where the camera itself moved since the
    previous frame (its background shifted more than ``max_shift_px`` or grew or shrank by more
    than ``max_zoom``): there the whole picture changes, not the feet. The limits sit above what
    the background's tracker reads for a camera on a stand from one frame to the next (its own
    noise, not the camera), so a still camera keeps its frames. ``camera`` (T, 3) is the
    background's cumulative motion (see :mod:`vision.camera_motion`); None: not measured, taken
    as still."""
    out = np.array(motion, dtype=np.float64)
    if camera is None or len(camera) < 2:
        return out
    step = np.diff(camera, axis=0)
    moved = (np.abs(step[:, 0]) > max_zoom) | (np.hypot(step[:, 1], step[:, 2]) > max_shift_px)
    out[1:][moved] = np.nan
    return out
