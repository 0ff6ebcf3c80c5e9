"""Sliding is not stepping: feet that move along the floor without leaving it.

In a step, forward or backward, the foot leaves the floor: it rolls off one end (the heel rises
walking forward, the toe walking backward), clears the floor through the swing and lands. A foot
slid along the floor (a moonwalk, skating, a foot dragged) moves as far but never rises. Seen from
the side or at an angle, a foot on the floor stays on the image of the floor: the straight line
between where its point rests before the move and after it (a straight path on a flat floor is a
straight line in the picture). How far the foot's points rise above that line, over the move and
the rests around it, tells a step from a slide; the rise is measured in body heights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vision.result import Event


@dataclass(frozen=True)
class SlidingOptions:
    """Attributes:
    min_rise_bh: a foot that steps raises a point (heel or toe) at least this high above the
        floor's line, body heights: the heel rises some 0.1 m before a forward toe-off and the
        foot clears the floor by 1-2 cm at the lowest of its swing (Winter, Biomechanics and
        Motor Control of Human Movement, 2009), so even a shuffling step rises a few
        centimetres; 0.015 body heights is about 2.5 cm.
    rest_s: where a stance around a swing is not bounded by events, its resting place is read
        over this long before the lift (after the contact).
    around_s: the rise is looked for from this long before the lift to this long after the
        contact (the heel rises before a forward toe-off, the toe stays up after a heel strike).
    min_sliding_fraction: the walk slides when more than this fraction of its measured moves
        never rise.
    """

    min_rise_bh: float = 0.015
    rest_s: float = 0.1
    around_s: float = 0.2
    min_sliding_fraction: float = 0.5


def swing_rises(
    events: list[Event],
    feet: np.ndarray,
    t_s: np.ndarray,
    body_height_px: float,
    options: SlidingOptions,
) -> list[float]:
    """How far (body heights) each swing (a foot's lift to its next contact) raised the foot's
    higher-rising point, heel or toe, above the floor's line; swings whose rests are not seen
    are left out.

    Args:
        events: contacts and lifts sorted by time (feet named ``left``/``right``).
        feet: (T, 2, >=2, 2) foot points px, [left, right] x [heel, toe, ...] x (x, y).
        t_s: (T,) frame times, seconds.
    """
    out = []
    for f, foot in enumerate(("left", "right")):
        own = [e for e in events if e.foot == foot]
        for k, (lift, land) in enumerate(zip(own, own[1:], strict=False)):
            if lift.type != "lift" or land.type != "contact":
                continue
            # The rests are the stances around the swing: from the foot's contact before it
            # (the foot lies flat for most of a stance) and until its next lift.
            rest0 = (own[k - 1].t_s if k > 0 else lift.t_s - options.rest_s, lift.t_s)
            later = own[k + 2].t_s if k + 2 < len(own) else land.t_s + options.rest_s
            rests = (rest0, (land.t_s, later))
            rises = [_rise(feet[:, f, j], t_s, rests, options) for j in range(2)]
            rises = [r for r in rises if np.isfinite(r)]
            if rises:
                out.append(max(rises) / body_height_px)
    return out


def _rise(
    point: np.ndarray,
    t_s: np.ndarray,
    rests: tuple[tuple[float, float], tuple[float, float]],
    options: SlidingOptions,
) -> float:
    """Pixels ``point`` (T, 2) rose above the line between its median places over the two
    ``rests`` ((start, end) seconds: before the lift, after the contact), the 90th percentile
    over the swing and ``around_s`` either side (a robust highest point). NaN where a rest is
    not seen."""
    (a0, lift_s), (contact_s, b1) = rests
    p0, p1 = _place(point, t_s, a0, lift_s), _place(point, t_s, contact_s, b1)
    around = (t_s >= lift_s - options.around_s) & (t_s <= contact_s + options.around_s)
    span = p1 - p0
    length2 = float(span @ span)
    seen = point[around]
    seen = seen[np.isfinite(seen).all(axis=1)]
    if not np.isfinite(length2) or length2 < 1.0 or len(seen) < 3:
        return float("nan")
    u = np.clip((seen - p0) @ span / length2, 0.0, 1.0)
    floor_y = p0[1] + u * span[1]
    return float(np.percentile(floor_y - seen[:, 1], 90))  # image y grows downward


def _place(point: np.ndarray, t_s: np.ndarray, start_s: float, end_s: float) -> np.ndarray:
    """(2,) median of the seen positions of ``point`` (T, 2) in [start_s, end_s]; NaN if none."""
    rows = point[(t_s >= start_s) & (t_s <= end_s)]
    rows = rows[np.isfinite(rows).all(axis=1)]
    return np.median(rows, axis=0) if len(rows) else np.full(2, np.nan)


def is_sliding(rises: list[float], options: SlidingOptions) -> bool:
    """Whether most moves never left the floor (see :class:`SlidingOptions`)."""
    if not rises:
        return False
    flat = sum(r < options.min_rise_bh for r in rises)
    return flat > options.min_sliding_fraction * len(rises)
