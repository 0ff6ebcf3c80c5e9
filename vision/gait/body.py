"""Body points and sizes from a :class:`~vision.sequence.PoseSequence`'s landmark pixels (xy).

Shared by the gait modules: mid-points, the subject's apparent height in pixels, the foot points
of each leg, and a leg-label repair for BlazePose's left/right swaps in side views. All arrays are
in image pixels (x right, y down) unless the name says otherwise.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from vision import landmarks as lm
from vision.filters import running_median

# Fraction of standing height spanned by the chain ankle -> knee -> hip -> mid-shoulder -> nose,
# from Winter's segment proportions (Biomechanics and Motor Control of Human Movement, 4th ed.,
# fig. 4.1: ankle 0.039 H, hip joint ~0.50 H, shoulder 0.818 H, nose ~0.91 H). Design assumption.
CHAIN_FRACTION_OF_HEIGHT = 0.88

FOOT_POINTS = ("heel", "toe", "ankle")
SWAP_MARGIN = 0.5
_LEG_POINTS = {
    "left": (lm.L_HEEL, lm.L_TOE, lm.L_ANKLE),
    "right": (lm.R_HEEL, lm.R_TOE, lm.R_ANKLE),
}


def midpoint(points: np.ndarray, a: int, b: int) -> np.ndarray:
    """Mid-point of landmarks ``a`` and ``b``; ``points`` is (T, 33, D), returns (T, D)."""
    return 0.5 * (points[:, a] + points[:, b])


def mid_hip(points: np.ndarray) -> np.ndarray:
    """(T, D) pelvis centre."""
    return midpoint(points, lm.L_HIP, lm.R_HIP)


def mid_shoulder(points: np.ndarray) -> np.ndarray:
    """(T, D) shoulder centre."""
    return midpoint(points, lm.L_SHOULDER, lm.R_SHOULDER)


def chain_length(points: np.ndarray) -> np.ndarray:
    """(T,) length of ankle -> knee -> hip -> mid-shoulder -> nose, legs averaged (units of
    ``points``; NaN where a landmark is missing)."""

    def seg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.linalg.norm(a - b, axis=-1)

    p = points
    shank = 0.5 * (seg(p[:, lm.L_ANKLE], p[:, lm.L_KNEE]) + seg(p[:, lm.R_ANKLE], p[:, lm.R_KNEE]))
    thigh = 0.5 * (seg(p[:, lm.L_KNEE], p[:, lm.L_HIP]) + seg(p[:, lm.R_KNEE], p[:, lm.R_HIP]))
    trunk = seg(mid_hip(p), mid_shoulder(p))
    neck_head = seg(mid_shoulder(p), p[:, lm.NOSE])
    return shank + thigh + trunk + neck_head


def height_series_px(xy: NDArray[np.floating]) -> np.ndarray:
    """(T,) apparent standing height in pixels per frame (NaN without pose), from ``xy``
    (T, 33, 2) landmark pixels.

    Segment lengths are foreshortened in 2-D, so a single frame underestimates; callers take a
    high percentile or smooth over time.
    """
    return chain_length(xy) / CHAIN_FRACTION_OF_HEIGHT


def body_height_px(xy: NDArray[np.floating]) -> float:
    """Robust apparent standing height in pixels over the whole sequence of ``xy`` (T, 33, 2)
    landmark pixels (NaN if no pose).

    The 80th percentile: foreshortening only shortens segments, landmark noise lengthens them.
    """
    h = height_series_px(xy)
    h = h[np.isfinite(h)]
    return float(np.percentile(h, 80)) if h.size else float("nan")


def foot_points(xy: NDArray[np.floating]) -> NDArray[np.float64]:
    """(T, 2, 3, 2) foot points: [left, right] x [heel, toe, ankle] x (x, y) pixels, from ``xy``
    (T, 33, 2) landmark pixels."""
    out = np.empty((xy.shape[0], 2, 3, 2), dtype=np.float64)
    for f, side in enumerate(("left", "right")):
        for k, idx in enumerate(_LEG_POINTS[side]):
            out[:, f, k] = xy[:, idx]
    return out


def repair_leg_swaps(feet: np.ndarray, t_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Relabel the two feet so each track follows one physical foot.

    BlazePose often swaps left and right legs for a few frames in side views. Each frame's pair of
    feet is assigned to the two tracks that a constant-velocity prediction from the previous two
    frames explains best (keep or swap), so the planted foot and the swinging foot cannot trade
    places even where they pass each other. The final left/right naming is the one that agrees
    with BlazePose's own labels on most frames.

    Args:
        feet: (T, 2, P, 2) foot points per frame (NaN where missing), as from :func:`foot_points`.
        t_s: (T,) frame times in seconds.

    Returns:
        (repaired copy of ``feet``, (T,) bool mask of frames whose labels were swapped).
    """
    out = feet.copy()
    n = len(out)
    swapped = np.zeros(n, dtype=bool)
    valid = np.isfinite(out).all(axis=(1, 2, 3))
    prev: list[int] = []  # indices of the last valid frames already assigned
    for i in range(n):
        if not valid[i]:
            continue
        if prev:
            j = prev[-1]
            if len(prev) >= 2 and t_s[i] - t_s[prev[-2]] < 0.2:
                k = prev[-2]
                rate = (t_s[i] - t_s[j]) / max(t_s[j] - t_s[k], 1e-9)
                pred = out[j] + (out[j] - out[k]) * min(rate, 3.0)
            else:
                pred = out[j]
            keep = _pair_cost(out[i], pred, swap=False)
            swap = _pair_cost(out[i], pred, swap=True)
            # A real label swap moves every point by a whole leg's separation, so the swapped
            # reading is far better; a single glitching point must not flip the legs.
            if swap < SWAP_MARGIN * keep:
                out[i] = out[i, ::-1].copy()
                swapped[i] = True
        prev.append(i)
    # Name the tracks by majority: if most frames were swapped, the raw labels were mostly right
    # in the other orientation.
    if swapped[valid].mean() > 0.5 if valid.any() else False:
        out = out[:, ::-1].copy()
        swapped = ~swapped & valid
    return out, swapped


def _pair_cost(cur: np.ndarray, pred: np.ndarray, *, swap: bool) -> float:
    other = cur[::-1] if swap else cur
    return float(np.linalg.norm(other - pred, axis=-1).sum())


def nanmedian_filter(x: np.ndarray, width: int) -> np.ndarray:
    """Running median of a 1-D series over ``width`` samples, ignoring NaN (edges shrink)."""
    n = len(x)
    half = max(width // 2, 0)
    out = np.full(n, np.nan)
    for i in range(n):
        w = x[max(0, i - half) : i + half + 1]
        w = w[np.isfinite(w)]
        if w.size:
            out[i] = np.median(w)
    return out


def velocity(x: np.ndarray, t_s: np.ndarray) -> np.ndarray:
    """Central-difference time derivative along axis 0 (units of ``x`` per second)."""
    if len(x) < 2:
        return np.zeros_like(x, dtype=np.float64)
    return np.gradient(np.asarray(x, dtype=np.float64), t_s, axis=0)


def despiked(points: np.ndarray, fps: float, window_s: float = 0.13) -> np.ndarray:
    """Running median over time of (T, ...) ``points`` (NaN ignored), removing the one- and
    two-frame landmark jumps BlazePose makes when the feet pass each other, which a low-pass
    filter would only smear into false motion. The window is ``window_s`` rounded to an odd
    number of frames (5 at 30 fps)."""
    w = max(int(round(window_s * fps)) | 1, 3)
    if len(points) < w:
        return points.copy()
    med = running_median(points, w)
    return np.where(np.isfinite(points), med, np.nan).astype(points.dtype)


def leg_swaps(xy: NDArray[np.floating], t_s: NDArray[np.float64]) -> NDArray[np.bool_]:
    """(T,) bool: frames of ``xy`` (T, 33, 2) landmark pixels at ``t_s`` (T,) seconds where
    :func:`repair_leg_swaps` finds that BlazePose swapped the whole legs' labels (hip, knee,
    ankle, heel, toe); :func:`with_legs_exchanged` undoes them.

    Must run on raw landmarks: smoothing across a swap would blend the two legs.
    """
    legs = np.concatenate([foot_points(xy), _knees(xy)], axis=2)
    _, swapped = repair_leg_swaps(legs, t_s)
    return swapped


def with_legs_exchanged(arr: NDArray[Any], swapped: NDArray[np.bool_]) -> NDArray[Any]:
    """A copy of ``arr`` (T, 33, ...) per-landmark values (pixels, metres, visibility) with the
    left and right legs' landmarks exchanged in the ``swapped`` (T,) frames (see
    :func:`leg_swaps`)."""
    left, right = np.asarray(lm.LEFT_LEG), np.asarray(lm.RIGHT_LEG)
    out = arr.copy()
    out[np.ix_(swapped, left)], out[np.ix_(swapped, right)] = (
        arr[np.ix_(swapped, right)],
        arr[np.ix_(swapped, left)],
    )
    return out


def _knees(xy: NDArray[np.floating]) -> NDArray[np.floating]:
    """(T, 2, 1, 2) knee pixels [left, right] from ``xy`` (T, 33, 2) landmark pixels."""
    return np.stack([xy[:, lm.L_KNEE], xy[:, lm.R_KNEE]], axis=1)[:, :, None]
