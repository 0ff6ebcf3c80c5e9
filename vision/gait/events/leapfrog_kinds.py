"""Heel and toe as one rigid foot, for the ``leapfrog`` detector: which swings found in one
point kind's tracks are steps, and one lift and contact per step from the two kinds'
(see :mod:`vision.gait.events.leapfrog`)."""

from __future__ import annotations

import numpy as np

from vision.gait.events.swing_fit import SwingFit, difference_noise, leading_kind, merge_kinds
from vision.timeseries import segment_median

# A swing as the heel's and the toe's tracks saw it (None: that kind did not see it).
KindPair = tuple[SwingFit | None, SwingFit | None]
# One point kind's (foremost, hindmost) tracks along travel.
Tracks = tuple[np.ndarray, np.ndarray]


def foot_shift(
    lead: np.ndarray, trail: np.ndarray, t: np.ndarray, lift_s: float, contact_s: float, window: int
) -> float:
    """How far the swinging foot moved along travel from its lift to its contact, body heights,
    from one point kind's foremost and hindmost tracks (T,): while one foot rests, lead + trail
    is the swinging foot plus a constant, whichever foot is in front. Levels are medians over
    ``window`` rows before the lift and after the contact (both feet rest then). NaN if an end is
    not seen."""
    if not np.isfinite([lift_s, contact_s]).all():
        return float("nan")
    both = lead + trail
    i, j = np.searchsorted(t, [lift_s, contact_s])
    return segment_median(both, j, j + window) - segment_median(both, i - window, i)


def rigid(pair: KindPair, tracks: tuple[Tracks, Tracks], t: np.ndarray, window: int) -> bool:
    """Whether a swing is a move of a whole foot. Heel and toe are one rigid foot: a swing seen
    in one kind's tracks only must show in the other kind's as a shift of at least half its
    length (the rest is the foot's roll and the noise), else it is the pose model's foot point
    creeping (the toe slides along the sole while the foot rolls flat or stands). A fitted lift
    after the contact is no swing either."""
    h, f = pair
    g = h or f
    if g is None or (np.isfinite([g.lift_s, g.contact_s]).all() and g.lift_s >= g.contact_s):
        return False
    if h is not None and f is not None:
        return True
    own, other = (tracks[0], tracks[1]) if h is not None else (tracks[1], tracks[0])
    shift = foot_shift(*own, t, g.lift_s, g.contact_s, window)
    seen = foot_shift(*other, t, g.lift_s, g.contact_s, window)
    return not np.isfinite([shift, seen]).all() or seen >= 0.5 * shift


def _lone(pair: KindPair) -> SwingFit | None:
    """The swing of a pair seen in one kind only; None where both kinds saw it."""
    h, f = pair
    return None if h is not None and f is not None else (h or f)


def room_for_lone_swings(pairs: list[KindPair]) -> list[KindPair]:
    """Drop swings seen in one point kind only that do not fit between the swings seen in both
    around them: one foot is in the air at a time, so a lone swing needs the time from the
    previous paired swing's contact to the next one's lift. Shorter, it is the pose model's
    foot point moving during double support (the toe point sliding as the foot rolls onto it
    before it leaves), not a step."""
    paired = [(h, f) for h, f in pairs if h is not None and f is not None]
    # fmin/fmax ignore an end one kind did not see (NaN stays NaN only when both missed it).
    ends = [(np.fmin(h.lift_s, f.lift_s), np.fmax(h.contact_s, f.contact_s)) for h, f in paired]

    def fits(g: SwingFit) -> bool:
        if not np.isfinite([g.lift_s, g.contact_s]).all():
            return True  # an end not seen: nothing to measure the room against
        mid = 0.5 * (g.lift_s + g.contact_s)
        free_from = max((c for _, c in ends if c <= mid), default=-np.inf)
        free_until = min((a for a, _ in ends if a >= mid), default=np.inf)
        return free_until - free_from >= g.contact_s - g.lift_s

    return [p for p in pairs if (lone := _lone(p)) is None or fits(lone)]


def combine_kinds(pairs: list[KindPair]) -> list[tuple[float, float]]:
    """One (lift, contact) per swing from the heel's and the toe's: the foot lands with the
    first of its points to land and leaves with the last to leave. Where one kind is first
    throughout the walk (toe walking backward, heel forward) its estimate times every swing
    unless the other's is earlier beyond the noise; where neither is, estimates that agree
    within the noise measure one moment and are averaged (the earlier of two noisy estimates
    would time every contact early). See :func:`~vision.gait.events.swing_fit.merge_kinds`. An
    end not seen is NaN.

    A closing step's contact is the mean of the two kinds': the feet end side by side, where the
    pose model draws the two feet's points together, and one kind of the closing foot snaps onto
    the resting foot before it arrives: on the rendered side walks of bench/accuracy.py the
    earliest kind times most closing contacts early and the other kind late, while the true foot
    points put both close to the contact."""
    both = [(h, f) for h, f in pairs if h is not None and f is not None]
    dc = np.array([f.contact_s - h.contact_s for h, f in both])
    dl = np.array([h.lift_s - f.lift_s for h, f in both])  # last to leave = first backwards
    first, last = leading_kind(dc), leading_kind(dl)
    noise_c, noise_l = difference_noise(dc), difference_noise(dl)
    out = []
    for h, f in pairs:
        if h is None or f is None:
            g = h or f
            if g is not None:
                out.append((g.lift_s, g.contact_s))
            continue
        lift = merge_kinds((h.lift_s, f.lift_s), last, noise_l, earliest=False)
        if (h.closing or f.closing) and np.isfinite([h.contact_s, f.contact_s]).all():
            out.append((lift, 0.5 * (h.contact_s + f.contact_s)))
            continue
        out.append((lift, merge_kinds((h.contact_s, f.contact_s), first, noise_c, earliest=True)))
    return out
