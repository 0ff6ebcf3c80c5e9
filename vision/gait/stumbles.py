"""Stumbles and falls: a sudden drop of the hips toward the floor (DOMAIN.md, safety).

The hips are measured as their height above the floor under the person (the lowest foot point),
in units of the person's apparent body height in that frame. Both choices remove what fooled a
plain "hip y in the image" detector:

* perspective: walking toward or away from the camera moves the hips down or up the image and
  changes the apparent size; the hip-over-feet distance over the apparent height does not change;
* camera height and tilt: the floor line in the image moves with the person, the gap does not.

A drop counts against the person's own level: the median hip height of the preceding
``baseline_s`` (walking or standing), so the normal vertical bounce of gait (about 2-3 % of body
height, peak to peak) stays well under ``drop_body_heights``. It must also be sudden (reached
within ``window_s`` from a level near that baseline) and last ``min_duration_s``. Frames where the
person is partly out of the picture (entering, leaving, feet cut off) or barely seen are not
judged, and neither are the first ``settle_s`` of each stretch in view.

All thresholds are design choices: no published video stumble detector exists for backward
walking.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from vision import landmarks as lm
from vision.camera_motion import inside_frame
from vision.gait.body import height_series_px, mid_hip, mid_shoulder, nanmedian_filter
from vision.timeseries import true_runs

StumbleKind = Literal["stumble", "fall"]

# Points that must be inside the picture for the hip-over-floor height to mean anything.
_JUDGED_POINTS = lm.WHOLE_BODY
_FOOT_POINTS = (lm.L_ANKLE, lm.R_ANKLE, lm.L_HEEL, lm.R_HEEL, lm.L_TOE, lm.R_TOE)


@dataclass(frozen=True)
class StumbleOptions:
    """Thresholds of :func:`detect_stumbles` (design choices).

    Attributes:
        drop_body_heights: least drop of the hip-over-floor height, in body heights, both below
            the lowest point of the person's usual bounce (10th percentile over ``baseline_s``)
            and below its highest point within ``window_s`` (sudden, not a slow crouch). Gait
            bounces ~0.015-0.03 peak to peak; a 12 cm stumble of a 1.70 m person is 0.07 below
            the mean level, ~0.06 below the usual low.
        window_s: how quickly the drop must happen.
        min_duration_s: ... and last at least this long (a one-frame landmark glitch is not one).
        baseline_s: the person's own level (the median) and usual low are taken over this many
            seconds before the frame.
        fall_fraction: hips staying below this fraction of that level are a fall, not a stumble.
        fall_hold_s: ... for at least this long.
        edge_margin_frac: points closer than this fraction of the frame size to its border count
            as cut off (the person is entering or leaving the picture).
        min_visibility: judged points below this visibility count as not seen.
        settle_s: frames this close after the person comes (back) into view are not judged.
        height_window_s: running-median window of the trunk-and-head yardstick.
        max_leg_mismatch: frames whose ankle-to-nose chain differs from the yardstick by more
            than this fraction are not judged (landmarks astray; a fall shortens it less).
    """

    drop_body_heights: float = 0.045
    window_s: float = 0.4
    min_duration_s: float = 0.1
    baseline_s: float = 2.0
    fall_fraction: float = 0.6
    fall_hold_s: float = 0.7
    edge_margin_frac: float = 0.02
    min_visibility: float = 0.3
    settle_s: float = 0.5
    height_window_s: float = 0.3
    max_leg_mismatch: float = 0.35


def hip_height_body_heights(
    xy: NDArray[np.floating],
    fps: float,
    height_window_s: float = 0.3,
    max_leg_mismatch: float = 0.35,
) -> np.ndarray:
    """(T,) height of the mid-hip above the floor under the person, in apparent body heights.

    ``xy`` is (T, 33, 2) landmark pixels (y down); NaN where a point is missing. The yardstick is
    the trunk and head (mid-hip -> mid-shoulder -> nose), scaled to the whole apparent height by
    their median ratio over the sequence and smoothed over ``height_window_s``: it follows a
    person approaching or leaving the camera without lag, and unlike the legs it does not
    foreshorten when the person sits or folds up on the floor. Frames whose whole-body chain
    differs from that yardstick by more than ``max_leg_mismatch`` (a fraction) are NaN.
    """
    xy = xy.astype(np.float64)
    hip, shoulder = mid_hip(xy), mid_shoulder(xy)
    upper = np.linalg.norm(shoulder - hip, axis=-1) + np.linalg.norm(
        xy[:, lm.NOSE] - shoulder, axis=-1
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = height_series_px(xy) / upper
    ratio = ratio[np.isfinite(ratio)]
    if ratio.size == 0:
        return np.full(len(xy), np.nan)
    win = max(int(round(height_window_s * fps)) | 1, 3)
    h = nanmedian_filter(upper, win) * float(np.median(ratio))
    with np.errstate(invalid="ignore", divide="ignore"):
        # Legs far longer or shorter than the trunk says are landmarks gone astray (a body cut
        # by the frame border or hidden behind something), not a posture: not judged.
        legs_ok = np.abs(height_series_px(xy) / h - 1.0) <= max_leg_mismatch
        # Each foot's lowest point, then their mean: in front and back views the nearer foot
        # sits lower in the picture, so the lowest of all points would follow the stepping.
        floor_y = 0.5 * (
            np.max(xy[:, list(_FOOT_POINTS[0::2]), 1], axis=1)
            + np.max(xy[:, list(_FOOT_POINTS[1::2]), 1], axis=1)
        )
        out = (floor_y - hip[:, 1]) / np.where(h > 0, h, np.nan)
    return np.where(legs_ok, out, np.nan)


def judged_frames(
    xy: NDArray[np.floating],
    visibility: NDArray[np.floating] | None,
    frame_size: tuple[int, int] | np.ndarray | None,
    t_s: np.ndarray,
    options: StumbleOptions = StumbleOptions(),
) -> np.ndarray:
    """(T,) bool: frames where the whole body is seen well enough to judge a drop.

    ``xy`` (T, 33, 2) landmark pixels; ``visibility`` (T, 33) 0-1 or None; ``frame_size`` (width,
    height) pixels or None (then only missing points count as out of view).
    """
    pts = xy[:, list(_JUDGED_POINTS)]
    ok = np.isfinite(pts).all(axis=(1, 2))
    if frame_size is not None:
        ok &= inside_frame(pts, frame_size, options.edge_margin_frac).all(axis=1)
    if visibility is not None:
        ok &= (visibility[:, list(_JUDGED_POINTS)] >= options.min_visibility).all(axis=1)
    # The first frames after (re)appearing are often far off: wait until the person settles.
    out = ok.copy()
    start = None
    for i in range(len(ok)):
        if not ok[i]:
            start = None
            continue
        if start is None:
            start = i
        if t_s[i] - t_s[start] < options.settle_s:
            out[i] = False
    return out


def detect_stumbles(
    xy: NDArray[np.floating],
    t_s: NDArray[np.float64],
    frame_index: np.ndarray,
    options: StumbleOptions = StumbleOptions(),
    *,
    visibility: np.ndarray | None = None,
    frame_size: tuple[int, int] | np.ndarray | None = None,
) -> list[dict]:
    """Sudden drops of the hips: one dict per episode, oldest first.

    Args:
        xy: (T, 33, 2) landmark pixels (y down), smoothed; NaN where no pose.
        t_s: (T,) frame times, seconds.
        frame_index: (T,) video frame numbers.
        visibility: (T, 33) landmark visibility 0-1; low-visibility frames are not judged.
        frame_size: (width, height) of the video in pixels; frames with the body at the border
            (entering or leaving the picture) are not judged.

    Returns:
        ``[{t_s, frame, drop_body_heights, kind}]``: ``t_s``/``frame`` where the drop crossed
        the threshold, the largest drop of the episode in body heights, and ``kind`` "stumble"
        or "fall" (hips stayed down).
    """
    n = len(t_s)
    if n < 3 or t_s[-1] <= t_s[0]:
        return []
    fps = (n - 1) / (t_s[-1] - t_s[0])
    hh = hip_height_body_heights(xy, fps, options.height_window_s, options.max_leg_mismatch)
    judged = judged_frames(xy, visibility, frame_size, t_s, options) & np.isfinite(hh)
    hh = np.where(judged, hh, np.nan)

    # A short running median: one- or two-frame landmark jumps are not drops.
    hh = nanmedian_filter(hh, 3)
    n_base = max(int(round(options.baseline_s * fps)), 2)
    n_win = max(int(round(options.window_s * fps)), 1)
    score = np.full(n, np.nan)
    level = np.full(n, np.nan)
    for i in range(n):
        if not np.isfinite(hh[i]):
            continue
        before = hh[max(0, i - n_base) : i]
        before = before[np.isfinite(before)]
        recent = hh[max(0, i - n_win) : i]
        recent = recent[np.isfinite(recent)]
        if before.size < n_base // 3 or recent.size == 0:
            continue  # not enough of the person's own level seen yet
        level[i] = float(np.median(before))
        # Below the lowest point of the person's usual bounce, and reached quickly: both.
        usual_low = float(np.percentile(before, 10))
        score[i] = min(usual_low - hh[i], float(np.max(recent)) - hh[i])
    drop = level - hh
    hit = np.nan_to_num(score) >= options.drop_body_heights
    min_len = max(int(round(options.min_duration_s * fps)), 1)
    out = []
    for a, b in true_runs(hit):
        if b - a < min_len:
            continue
        k = a + int(np.nanargmax(drop[a:b]))
        out.append(
            {
                "t_s": round(float(t_s[a]), 3),
                "frame": int(frame_index[a]),
                "drop_body_heights": round(float(drop[k]), 3),
                "kind": _kind(hh, level[a], a, t_s, options),
            }
        )
    return out


def _kind(
    hh: np.ndarray, level: float, start: int, t_s: np.ndarray, options: StumbleOptions
) -> StumbleKind:
    """A fall when, within ``window_s + fall_hold_s`` of the drop, the hips go under
    ``fall_fraction`` of the person's level and stay there for ``fall_hold_s``, or until the
    person is no longer judged (one cannot see them get up)."""
    end = int(np.searchsorted(t_s, t_s[start] + options.window_s + options.fall_hold_s))
    low = np.flatnonzero(hh[start:end] < options.fall_fraction * level)
    if low.size == 0:
        return "stumble"
    first = start + int(low[0])
    for j in range(first, len(hh)):
        if np.isfinite(hh[j]) and hh[j] >= options.fall_fraction * level:
            return "stumble"  # back up before the hold time
        if t_s[j] - t_s[first] >= options.fall_hold_s:
            return "fall"
    return "fall"
