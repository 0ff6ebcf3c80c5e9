"""How far and which way the subject travels, from landmark pixels alone: the pelvis's net
displacement over a window, the apparent size of a subject seen from the front or back (distance
along the line of sight), the feet's image speed, and the angle of the path walked against the
image plane. Units are in each function's name or docstring; body heights (BH) need no
calibration."""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import NDArray

from vision import landmarks as lm
from vision.gait.body import (
    foot_points,
    height_series_px,
    mid_hip,
    mid_shoulder,
    nanmedian_filter,
    velocity,
)


def path_angle_deg(
    xy: NDArray[np.floating], image_size: tuple[int, int] | None = None, min_path_bh: float = 0.6
) -> float:
    """Angle in degrees between the path the pelvis walks and the image plane: 0 across the
    image, 90 straight toward or away from the camera; NaN when the subject travels less than
    ``min_path_bh`` body heights. ``xy``: (T, 33, 2) landmark pixels.

    A pinhole camera sees an upright subject of height H at distance D as ``h = f H / D``
    pixels tall, so D / H = f / h and the lateral offset X / H = (x - cx) / h: the path in body
    heights needs no calibration, only the focal length, guessed by :func:`focal_guess_px`
    (a wrong guess only stretches the depth axis; the angle's thresholds leave room).
    """
    hs = nanmedian_filter(height_series_px(xy), 9)
    x = mid_hip(xy)[:, 0]
    ok = np.isfinite(hs) & np.isfinite(x) & (hs > 0)
    if ok.sum() < 5:
        return float("nan")
    f = focal_guess_px(hs, image_size)
    cx = 0.5 * image_size[0] if image_size is not None else float(np.median(x[ok]))
    path = np.column_stack([(x[ok] - cx) / hs[ok], f / hs[ok]])
    centred = path - np.median(path, axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    along = centred @ vt[0]
    if np.percentile(along, 95) - np.percentile(along, 5) < min_path_bh:
        return float("nan")
    return float(np.degrees(np.arctan2(abs(vt[0][1]), abs(vt[0][0]))))


def feet_speed_bh_s(
    xy: NDArray[np.floating], t_s: NDArray[np.float64], h_px: float, fps: float
) -> np.ndarray:
    """(T,) image speed of the faster foot (median of heel, toe and ankle), body heights per
    second, with a short running median (NaN-free frames only), from ``xy`` (T, 33, 2) landmark
    pixels at ``t_s`` (T,) seconds of a subject ``h_px`` pixels tall."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames without pose stay NaN
        feet = np.nanmedian(foot_points(xy), axis=2)  # (T, 2, 2)
    v = np.linalg.norm(velocity(feet, t_s), axis=-1) / h_px
    fastest = np.where(np.isfinite(v).all(axis=1), np.max(v, axis=1), np.nan)
    return np.nan_to_num(nanmedian_filter(fastest, max(int(round(0.17 * fps)) | 1, 3)), nan=np.inf)


def window_speed(x: np.ndarray, t_s: np.ndarray, window_s: float) -> np.ndarray:
    """(T,) net displacement of ``x`` over a centred window of ``window_s`` seconds, per second
    (units of ``x``/s; the window shrinks at the ends and gaps). The net displacement, unlike a
    derivative, ignores the to-and-fro of the pelvis within a step."""
    n = len(x)
    out = np.full(n, np.nan)
    ok = np.flatnonzero(np.isfinite(x))
    if ok.size < 2:
        return out
    lo = np.searchsorted(t_s[ok], t_s - 0.5 * window_s, side="left")
    hi = np.searchsorted(t_s[ok], t_s + 0.5 * window_s, side="right") - 1
    for i in range(n):
        a, b = ok[min(lo[i], ok.size - 1)], ok[max(hi[i], 0)]
        if b > a and np.isfinite(x[i]):
            out[i] = (x[b] - x[a]) / (t_s[b] - t_s[a])
    return out


def focal_guess_px(size_px: np.ndarray, image_size: tuple[int, int] | None) -> float:
    """A focal length for distances in body heights (D / H = f / h): 0.9 times the larger image
    side (phone and webcam lenses span 55-70 degrees), or without the image size one that puts
    the subject 3 body heights away at its median apparent size (design assumptions; only the
    sign and rough size of distances along the line of sight are used)."""
    if image_size is not None:
        return 0.9 * max(image_size)
    ok = np.isfinite(size_px) & (size_px > 0)
    return 3.0 * float(np.median(size_px[ok])) if ok.any() else float("nan")


def frontal_sizes_px(xy: NDArray[np.floating]) -> list[np.ndarray]:
    """Three (T,) apparent standing heights in px of a subject seen from the front or back in
    ``xy`` (T, 33, 2) landmark pixels: from the whole landmark chain, from the upper body alone
    (hips to shoulders to nose) and from the shoulders' and hips' widths, each scaled to the
    chain's median.

    Each changes with distance, and each also changes with something else: the legs look
    shorter spread in depth during double support than together (closing the feet at the end
    of a walk reads as a step toward the camera), the trunk looks shorter leaning toward or
    away from the camera (standing up straight at the end reads the same), and the widths
    narrow as the pelvis and shoulders turn (before the first step). The three rarely err at
    once, so travel takes their median."""
    whole = height_series_px(xy)
    upper = np.linalg.norm(mid_hip(xy) - mid_shoulder(xy), axis=-1) + np.linalg.norm(
        mid_shoulder(xy) - xy[:, lm.NOSE], axis=-1
    )
    width = np.abs(xy[:, lm.L_SHOULDER, 0] - xy[:, lm.R_SHOULDER, 0]) + np.abs(
        xy[:, lm.L_HIP, 0] - xy[:, lm.R_HIP, 0]
    )
    out = [whole]
    for part in (upper, width):
        ok = np.isfinite(part) & np.isfinite(whole) & (part > 0)
        out.append(part * (np.median(whole[ok] / part[ok]) if ok.any() else np.nan))
    return out
