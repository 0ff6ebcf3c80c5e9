"""Standing still, and the first movement after it, from noisy landmark tracks.

A timed test starts at the first movement after the person stood still. Both are read as places
kept and left, not as speeds between frames: a speed between frames grows with the frame rate
and with the pose model's jitter (at BlazePose's jitter a standing pelvis reads 0.05-0.3 body
heights per second at 30 fps), while a place is the same at any frame rate. Points are given as
(T, P, 2) arrays in body heights: the pelvis first, then the left foot's points, then the right
foot's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vision.gait.body import despiked
from vision.landmarks import HEEL, TOE
from vision.timeseries import fill_short_gaps

# Single-frame glitches are removed with a running median this long, seconds.
GLITCH_S = 0.1
# Gaps in the pose up to this long (s) are bridged.
MAX_GAP_S = 0.25


@dataclass(frozen=True)
class MovementOptions:
    """Standing still, and the first movement after it.

    Attributes:
        still_s: standing still lasts at least this long (seconds).
        radius_bh: standing still, the pelvis and every foot point stay within this distance
            (body heights) of where they stand: quiet standing sways by a centimetre or two and
            the pose model's jitter adds about as much, while walking carries the pelvis a tenth
            of a body height in 0.5 s. A distance over a window, not a speed between frames, so
            it does not depend on the frame rate.
        least_bh: the least displacement (body heights) of the pelvis or a foot point from where
            it stood that counts as the first movement ...
        noise_factor: ... and never less than this many times that point's median distance
            from its place while standing (its noise), so jitter does not count; the movement
            is then traced back to where the displacement last was within the noise.
        hold_s: ... and it stays that far for at least this long (a glitch comes back; a foot
            that stepped lands elsewhere).
    """

    still_s: float = 0.5
    radius_bh: float = 0.025
    least_bh: float = 0.01
    noise_factor: float = 3.5
    hold_s: float = 0.15


def body_points(
    feet: np.ndarray, pelvis: np.ndarray, body_height_px: float
) -> tuple[np.ndarray, np.ndarray]:
    """The points whose places say whether a person stands still: (T, 5, 2) body heights, the
    pelvis then the left foot's heel and toe then the right's, from ``feet`` (T, 2, >=2, 2) px
    [left, right] x [heel, toe, ...] and ``pelvis`` (T, 2) px; and (T,) rows where all are
    seen."""
    n = len(pelvis)
    pts = feet[:, :, [HEEL, TOE]].reshape(n, 4, 2)
    ok = np.isfinite(pts).all(axis=(1, 2)) & np.isfinite(pelvis).all(axis=1)
    return np.concatenate([pelvis[:, None], pts], axis=1) / body_height_px, ok


def movement_after_standing(
    points: np.ndarray,
    ok: np.ndarray,
    fps: float,
    options: MovementOptions = MovementOptions(),
) -> tuple[tuple[int, int] | None, int | None]:
    """The first stretch of standing still in ``points`` (rows ``[a, b)``, see
    :func:`standing_still`) and the first movement after it (a row, see
    :func:`first_movement`); None for what is not found."""
    still = standing_still(points, ok, fps, options.still_s, options.radius_bh)
    if still is None:
        return None, None
    return still, first_movement(
        points,
        ok,
        still,
        fps,
        least_bh=options.least_bh,
        noise_factor=options.noise_factor,
        hold_s=options.hold_s,
    )


def label_blind_distance(points: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """(T, P) distance of ``points`` (T, P, 2) from ``ref`` (P, 2), each foot point from the
    nearer of the two feet's places: the pose model swaps its leg labels at times (most of all
    from the side), which moves no foot."""
    n_foot = (points.shape[1] - 1) // 2
    swapped = ref.copy()
    swapped[1 : 1 + n_foot], swapped[1 + n_foot :] = ref[1 + n_foot :], ref[1 : 1 + n_foot]
    with np.errstate(invalid="ignore"):
        return np.minimum(
            np.linalg.norm(points - ref, axis=2), np.linalg.norm(points - swapped, axis=2)
        )


def standing_still(
    points: np.ndarray, ok: np.ndarray, fps: float, still_s: float, radius_bh: float
) -> tuple[int, int] | None:
    """Rows ``[a, b)`` of the first stretch of at least ``still_s`` seconds in which every
    point of ``points`` stays within ``radius_bh`` body heights of its median place there
    (after removing single-frame glitches), grown for as long as they stay there; None if there
    is none. Rows without pose (``ok`` (T,) False) neither break nor count toward a stretch, up
    to a fifth of its first ``still_s``."""
    need = max(int(round(still_s * fps)), 2)
    n = len(points)

    def still(a: int, b: int) -> bool:
        seen = ok[a:b]
        if seen.sum() < max(0.8 * (b - a), 2):
            return False
        p = points[a:b][seen]
        far = despiked(label_blind_distance(p, np.median(p, axis=0)), fps, GLITCH_S)
        return bool(np.nanmax(far) <= radius_bh)

    a = next((a for a in range(n - need + 1) if still(a, a + need)), None)
    if a is None:
        return None
    # Grown against the place found over the first stretch, each row read once: a long wait
    # before the walk must not cost the square of its length.
    ref = np.median(points[a : a + need][ok[a : a + need]], axis=0)
    dist = label_blind_distance(points[a:], ref)
    dist[~ok[a:]] = np.nan
    with np.errstate(invalid="ignore"):
        far = np.nanmax(despiked(dist, fps, GLITCH_S), axis=1, initial=0.0) > radius_bh
    left = np.flatnonzero(far[need:])
    return a, a + need + (int(left[0]) if left.size else n - a - need)


def first_movement(
    points: np.ndarray,
    ok: np.ndarray,
    still: tuple[int, int],
    fps: float,
    *,
    least_bh: float,
    noise_factor: float,
    hold_s: float,
) -> int | None:
    """First row at which any point of ``points`` has left where it stood over the rows
    ``still`` (see :func:`standing_still`), or None.

    A point has left when its distance from its standing place (median over ``still``), after
    removing single-frame glitches, exceeds ``least_bh`` body heights and ``noise_factor``
    times its median distance there (its noise), and stays beyond for ``hold_s`` seconds (a
    glitch comes back; a foot that stepped lands elsewhere). The movement began at the last row
    before that where the distance of one of the points that left was within the noise.
    """
    a, b = still
    seen = ok[a:b]
    ref = np.median(points[a:b][seen], axis=0)  # (P, 2)
    dist = label_blind_distance(points, ref)
    dist[~ok] = np.nan
    # A frame or two without pose says nothing either way: bridged, it neither ends a move
    # nor stops tracing one back.
    dist = despiked(fill_short_gaps(dist, MAX_GAP_S * fps), fps, GLITCH_S)
    level = np.nanmedian(dist[a:b], axis=0)
    # A still point's distance from its median place is Rayleigh-distributed (round noise in
    # two axes): its 99.9th percentile is 3.2 times its median, its 95th 2.1 times. Exact
    # landmarks have no noise: there a quarter of the least movement is still.
    trigger = np.maximum(least_bh, noise_factor * level)
    quiet = np.maximum(0.25 * least_bh, 2.1 * level)
    with np.errstate(invalid="ignore"):
        over = dist[a:] > trigger
    # Leaving is a departure from the standing place: rows before a point was first seen there
    # are the pose model settling (its first detections can be far off), not a movement.
    over &= np.cumsum(~over & np.isfinite(dist[a:]), axis=0) > 0
    hold = max(int(round(hold_s * fps)), 1)
    stays = np.array([over[i : i + hold].all(axis=0) for i in range(len(over) - hold + 1)])
    rows = np.flatnonzero(stays.any(axis=1)) if stays.size else np.array([], int)
    if not rows.size:
        return None
    i = a + int(rows[0])
    first = stays[rows[0]]  # the point(s) that moved first
    # Traced back until one of them is within its noise: a point drifting slowly within the
    # noise (the pelvis, over a bridged gap) would otherwise carry the start back with it.
    with np.errstate(invalid="ignore"):
        while i > a and (dist[i - 1, first] > quiet[first]).all():
            i -= 1
    return i
