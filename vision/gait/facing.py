"""Which way the subject faces, from single frames' landmarks and from the walk as a whole."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from vision import landmarks as lm
from vision.gait.body import nanmedian_filter
from vision.timeseries import true_runs


def lateral_facing(xy: NDArray[np.floating], height_px: float) -> np.ndarray:
    """(T,) facing evidence along image x (positive: faces right), in body heights, from ``xy``
    (T, 33, 2) landmark pixels of a subject ``height_px`` tall."""
    x = xy[..., 0]
    ears = 0.5 * (x[:, lm.L_EAR] + x[:, lm.R_EAR])
    nose = x[:, lm.NOSE] - ears
    feet = 0.5 * ((x[:, lm.L_TOE] - x[:, lm.L_HEEL]) + (x[:, lm.R_TOE] - x[:, lm.R_HEEL]))
    # The nose leads the ears by ~0.05 H and the toes lead the heels by ~0.15 H; tanh caps each
    # cue so one wild landmark cannot outvote the other.
    cue = np.tanh(nose / (0.03 * height_px)) + np.tanh(feet / (0.05 * height_px))
    return np.where(np.isfinite(cue), cue, np.nan)


def frontal_facing(xy: NDArray[np.floating]) -> np.ndarray:
    """(T,) facing evidence toward the camera (positive: faces the camera), from the left/right
    order of the shoulders and of the hips in ``xy`` (T, 33, 2) landmark pixels.

    The face's visibility is no evidence: BlazePose gives the nose a high visibility even when
    the person is seen from behind, so it cannot tell the front from the back.
    """
    x = xy[..., 0]
    lr = x[:, lm.L_SHOULDER] - x[:, lm.R_SHOULDER]
    lr_hip = x[:, lm.L_HIP] - x[:, lm.R_HIP]
    scale = np.abs(lr) + np.abs(lr_hip) + 1e-6
    return (lr + lr_hip) / scale


def facing_between_turns(
    cue: np.ndarray,
    width_ratio: np.ndarray,
    fps: float,
    side_on_ratio: float,
    smooth_s: float = 0.25,
) -> np.ndarray:
    """(T,) int8 facing sign (+1 toward the camera) of a walk seen from the front or back.

    Per frame, the pose model's left/right order flips at times, most of all seen from behind
    (a known BlazePose failure), which would read as the subject turning round on the spot. A
    subject cannot turn round without showing the camera a side: the trunk's width over its
    length (``width_ratio``, (T,)) drops below ``side_on_ratio`` on the way. So the facing is
    one sign, the median of ``cue`` (T,), between such side-on moments (``width_ratio`` after a
    running median of ``smooth_s``), and 0 while side-on between two opposite facings.
    """
    n = len(cue)
    ratio = nanmedian_filter(width_ratio, max(int(round(smooth_s * fps)) | 1, 3))
    side_on = np.isfinite(ratio) & (ratio < side_on_ratio)
    facing = np.zeros(n, dtype=np.int8)
    pieces = true_runs(~side_on)
    signs = []
    for a, b in pieces:
        c = cue[a:b][np.isfinite(cue[a:b])]
        signs.append(int(np.sign(np.median(c))) if c.size else 0)
        facing[a:b] = signs[-1]
    # A side-on moment between two pieces facing the same way was not a turn.
    for (_, b), (a, _), s0, s1 in zip(pieces, pieces[1:], signs, signs[1:], strict=False):
        if s0 == s1:
            facing[b:a] = s0
    return facing
