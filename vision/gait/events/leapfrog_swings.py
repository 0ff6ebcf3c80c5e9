"""Swings of one point kind (heels or toes) for the ``leapfrog`` detector, from the foremost and
hindmost tracks of that kind along travel (see :mod:`vision.gait.events.leapfrog`).

While one foot swings the other rests at a level P, and {foremost, hindmost} is {swinging,
resting} in every frame, so the swinging foot is ``lead + trail - P`` throughout, whichever foot
is in front: no need to find where the feet pass each other. A swing ends a move of the foremost
track (the foot passed the other one) or, closing the walk, a move of the hindmost track alone
(the foot came up beside the other one).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from vision.gait.events.swing_fit import (
    SwingFit,
    fit_arrival,
    fit_departure,
    fit_swing_ends,
    moving_mask,
)
from vision.timeseries import segment_median, true_runs

Moves = list[tuple[int, int]]


@dataclass(frozen=True)
class LeapfrogOptions:
    """Attributes:
    cutoff_hz: low-pass cut-off of the foremost/hindmost tracks.
    median_s: running-median window applied before the low-pass, seconds.
    powers: shapes tried for the end of an approach (see
        :func:`~vision.gait.events.swing_fit.fit_arrival`).
    max_gap_s: gaps in the foot tracks up to this long are interpolated.
    settle_s: resting levels are read over this long after a move ends (before it starts).
    search_s: event times are searched this far around the speed-threshold estimate.
    moving_fraction: a track moves when its speed exceeds this fraction of its typical peak
        speed (95th percentile while walking) ...
    min_moving_bh_s: ... and never below this speed, body heights per second (noise floor).
    hold_fraction: a closing step's move lasts while its speed stays above this fraction of
        its peak (see ``_closing_arrival``).
    min_move_bh: a move shorter than this distance (body heights) is not a step.
    min_move_frontal_bh: the same in front and back views, where a step is seen foreshortened
        (as a change of depth) and so covers fewer body heights in the picture.
    min_rest_s: a rest shorter than this is not a stance.
    pair_s: heel and toe events further apart than this are not the same foot's event, where a
        swing's other end is not seen (else swings pair by overlap in time).
    min_swing_s: a lift this close before a contact is not that landing foot's (no walking
        swing is this short), so it is named for the foot that lands after it.
    """

    cutoff_hz: float = 8.0
    moving_fraction: float = 0.25
    hold_fraction: float = 0.1
    min_moving_bh_s: float = 0.12
    min_move_bh: float = 0.05
    min_move_frontal_bh: float = 0.03
    min_rest_s: float = 0.08
    pair_s: float = 0.25
    powers: tuple[float, ...] = (1.0, 1.5, 2.0, 2.5, 3.0)
    median_s: float = 0.1
    max_gap_s: float = 0.2
    settle_s: float = 0.2
    search_s: float = 0.1
    # A walking swing lasts about 40% of a gait cycle (Perry and Burnfield, Gait Analysis,
    # 2010): over 0.3 s even at 140 steps/min.
    min_swing_s: float = 0.2


def find_moves(x: np.ndarray, fps: float, opts: LeapfrogOptions) -> Moves:
    """Row ranges (start, stop) where the track ``x`` (body heights, increasing along travel for
    the foremost track when it moves) moves forward by at least ``min_move_bh``."""
    moving = moving_mask(np.gradient(x) * fps, fps, opts.moving_fraction, opts.min_moving_bh_s)
    return [
        (a, b) for a, b in true_runs(moving) if x[min(b, len(x) - 1)] - x[a] >= opts.min_move_bh
    ]


@dataclass(frozen=True)
class _KindTracks:
    """One point kind's foremost and hindmost tracks, their moves, and the frame counts the
    swing search reads them with.

    Attributes:
        entered: the feet came into view at the tracks' first row (unseen before it).
        min_rest: a rest shorter than this many rows is not a stance.
        rest: rows of rest that show the feet were standing before a first step.
        near: rows around a move's ends searched for its lift and contact.
        pass_rows: the hindmost track stops moving where the swinging foot passes the resting
            one, which is where the foremost track starts moving; noise moves either end by up
            to this many rows.
        settle: rows over which a resting level is read, just after a move ends (just before it
            starts): the pose model's foot points creep while the foot rolls over, so a longer
            window drifts.
    """

    lead: np.ndarray
    trail: np.ndarray
    t: np.ndarray
    fps: float
    opts: LeapfrogOptions
    entered: bool
    lead_moves: Moves
    trail_moves: Moves
    min_rest: int
    rest: int
    near: int
    pass_rows: int
    settle: int


def _kind_tracks(
    lead: np.ndarray,
    trail: np.ndarray,
    t: np.ndarray,
    fps: float,
    opts: LeapfrogOptions,
    entered: bool,
) -> _KindTracks:
    return _KindTracks(
        lead=lead,
        trail=trail,
        t=t,
        fps=fps,
        opts=opts,
        entered=entered,
        lead_moves=find_moves(lead, fps, opts),
        trail_moves=find_moves(trail, fps, opts),
        min_rest=max(int(round(opts.min_rest_s * fps)), 2),
        rest=int(round(0.3 * fps)),
        near=int(round(0.15 * fps)),
        pass_rows=int(round(0.25 * fps)),
        settle=max(int(round(opts.settle_s * fps)), 2),
    )


@dataclass(frozen=True)
class _LiftStart:
    """Where a swing's lift is searched: around row ``at``, ``search_s`` either way, from the
    resting level ``level`` (None: read from the swinging foot itself before it moved)."""

    at: int
    level: float | None
    search_s: float


def find_swings(
    lead: np.ndarray,
    trail: np.ndarray,
    t: np.ndarray,
    fps: float,
    opts: LeapfrogOptions,
    entered: bool = False,
) -> list[SwingFit]:
    """Swings of one point kind (heels or toes) from its foremost and hindmost tracks, sorted
    by their first seen end. ``entered``: the feet came into view at the tracks' first row."""
    kind = _kind_tracks(lead, trail, t, fps, opts, entered)
    used_trail: set[int] = set()
    out: list[SwingFit] = []
    for k in range(len(kind.lead_moves)):
        out += _passing_swing(kind, k, used_trail)
    out += _closing_steps(kind, used_trail)
    return sorted(out, key=lambda f: np.nanmin([f.lift_s, f.contact_s]))


def _passing_swing(kind: _KindTracks, k: int, used_trail: set[int]) -> list[SwingFit]:
    """The swing that ends the foremost track's ``k``-th move (the foot passed the other one),
    with its lift where it is seen. Marks the hindmost move it pairs with in ``used_trail``."""
    al, bl = kind.lead_moves[k]
    rest_until = kind.lead_moves[k + 1][0] if k + 1 < len(kind.lead_moves) else len(kind.lead)
    landed = rest_until - bl >= kind.min_rest  # else still moving when the view ends
    m = _passing_trail_move(kind, al, used_trail)
    start: _LiftStart | None
    if m is not None:
        used_trail.add(m)
        start = _lift_after_rest(kind, m)
    elif kind.entered and k == 0 and al < kind.near:
        # The foot was already in front and moving when the view began (the walker came into
        # the picture mid-swing): its landing is seen whole, its lift is not.
        start = None
    else:
        start = _lift_from_standing(kind, k)
        if start is None or not landed:
            return []
    if start is None:
        return _landing(kind, al, bl, rest_until) if landed else []
    return _timed_swing(kind, k, start, rest_until, landed)


def _passing_trail_move(kind: _KindTracks, al: int, used_trail: set[int]) -> int | None:
    """The hindmost track's move that ends where the foremost one's starts at row ``al`` (the
    swinging foot passing the resting one), nearest first; None if there is none."""
    match = [
        m
        for m, (at, bt) in enumerate(kind.trail_moves)
        if at < al and abs(bt - al) <= kind.pass_rows and m not in used_trail
    ]
    if not match:
        return None
    return min(match, key=lambda m: abs(kind.trail_moves[m][1] - al))


def _lift_after_rest(kind: _KindTracks, m: int) -> _LiftStart | None:
    """The lift of the hindmost track's ``m``-th move, from its resting level before the move;
    None where no rest was seen before it (the walker came into view moving)."""
    at = kind.trail_moves[m][0]
    prev_end = kind.trail_moves[m - 1][1] if m > 0 else 0
    if at - prev_end < max(kind.min_rest, kind.near):
        return None
    level = segment_median(kind.trail, max(prev_end, at - kind.settle), at)
    return _LiftStart(at=at, level=level, search_s=kind.opts.search_s)


def _lift_from_standing(kind: _KindTracks, k: int) -> _LiftStart | None:
    """From feet side by side (gait initiation): the foremost track's ``k``-th move starts at
    the lift, after both feet were seen resting for a while (not a walker coming into view
    mid-stride); None where they were not."""
    al = kind.lead_moves[k][0]
    quiet_from = max(
        kind.lead_moves[k - 1][1] if k > 0 else 0,
        max((b for _, b in kind.trail_moves if b <= al), default=0),
    )
    if al - quiet_from < kind.rest:
        return None
    # The speed threshold finds a slow first push-off late: look further back.
    return _LiftStart(at=al, level=None, search_s=2.5 * kind.opts.search_s)


def _timed_swing(
    kind: _KindTracks, k: int, start: _LiftStart, rest_until: int, landed: bool
) -> list[SwingFit]:
    """Lift and contact of the swing over the foremost track's ``k``-th move, fitted on the
    swinging foot (``lead + trail`` less the resting foot's place); the lift alone where the
    landing is not seen."""
    lead, trail, t, opts = kind.lead, kind.trail, kind.t, kind.opts
    al, bl = kind.lead_moves[k]
    stance = segment_median(lead, al - kind.rest // 2, al)  # the foremost foot before this move
    lo = max(
        start.at - int(round(start.search_s * kind.fps)) - kind.near,
        kind.lead_moves[k - 1][1] if k > 0 else 0,
    )
    nxt_trail = [a for a, _ in kind.trail_moves if a > bl]
    hi = min(bl + kind.near, nxt_trail[0] if nxt_trail else len(lead), len(lead))
    swing = lead[lo:hi] + trail[lo:hi] - stance
    start_level = start.level if start.level is not None else segment_median(swing, 0, kind.settle)
    if not landed:  # a lift whose landing is not seen: time the lift alone
        if np.isfinite([start_level]).all() and bl - lo >= 4:
            lift, _ = fit_departure(
                t[lo:bl], swing[: bl - lo], start_level, float(t[start.at]), start.search_s
            )
            return [SwingFit(lift_s=lift, contact_s=float("nan"), rms=float("nan"))]
        return []
    end_level = segment_median(lead, bl, min(rest_until, bl + kind.settle))
    if not np.isfinite([start_level, end_level, stance]).all() or hi - lo < 6:
        return []
    fit = fit_swing_ends(
        t[lo:hi],
        swing,
        start_level,
        end_level,
        float(t[start.at]),
        float(t[min(bl, len(t) - 1)]),
        opts.search_s,
        powers=opts.powers,
        lift_search_s=start.search_s,
    )
    return [fit]


def _landing(kind: _KindTracks, al: int, bl: int, rest_until: int) -> list[SwingFit]:
    """The contact alone of the foremost track's move over rows [al, bl), resting until
    ``rest_until``: a swing whose lift was not seen."""
    lead, t = kind.lead, kind.t
    end_level = segment_median(lead, bl, min(rest_until, bl + kind.settle))
    hi = min(bl + kind.near, len(lead))
    if not np.isfinite(end_level) or hi - al < 4:
        return []
    c, _ = fit_arrival(
        t[al:hi], lead[al:hi], end_level, float(t[bl]), kind.opts.search_s, powers=kind.opts.powers
    )
    return [SwingFit(lift_s=float("nan"), contact_s=c, rms=float("nan"))]


def _closing_steps(kind: _KindTracks, used_trail: set[int]) -> list[SwingFit]:
    """Closing steps: the hindmost foot moves up beside the other and rests, and no foremost
    move follows it (it did not pass the other foot)."""
    out: list[SwingFit] = []
    for m, (_, bt) in enumerate(kind.trail_moves):
        if m in used_trail or any(abs(al - bt) <= kind.pass_rows for al, _ in kind.lead_moves):
            continue
        out += _closing_step(kind, m)
    return out


def _closing_step(kind: _KindTracks, m: int) -> list[SwingFit]:
    """The swing of the hindmost track's ``m``-th move, a closing step (see
    :func:`_closing_steps`), where it rests long enough before and after."""
    trail, t = kind.trail, kind.t
    at, bt = kind.trail_moves[m]
    rest_until = kind.trail_moves[m + 1][0] if m + 1 < len(kind.trail_moves) else len(trail)
    prev_end = kind.trail_moves[m - 1][1] if m > 0 else 0
    if rest_until - bt < kind.min_rest or at - prev_end < kind.min_rest:
        return []
    lo, hi = max(at - kind.near, prev_end), min(bt + kind.near, rest_until)
    start_level = segment_median(trail, max(prev_end, at - kind.settle), at)
    end_level = segment_median(trail, bt, min(rest_until, bt + kind.settle))
    if not np.isfinite([start_level, end_level]).all() or hi - lo < 6:
        return []
    fit = fit_swing_ends(
        t[lo:hi],
        trail[lo:hi],
        start_level,
        end_level,
        float(t[at]),
        float(t[min(bt, len(t) - 1)]),
        kind.opts.search_s,
        powers=kind.opts.powers,
    )
    closing = _closing_arrival(fit, kind, at, bt, rest_until)
    return [replace(closing, closing=True)]


def _closing_arrival(
    fit: SwingFit, kind: _KindTracks, at: int, bt: int, rest_until: int
) -> SwingFit:
    """A closing step's contact followed past where the hindmost track stops.

    The hindmost track follows the closing foot only until it draws level with the other one,
    and feet closed side by side are level only at the very end, within the landmark noise: the
    track can stop several frames before the foot does. ``lead + trail`` is both feet wherever
    each is, so minus the resting foot's place it is the closing foot itself: its move ends
    where its speed drops below ``hold_fraction`` of its peak, and the arrival is fitted there.
    The lift stays the hindmost track's, before the feet come level.
    """
    if bt - at < 2:
        return fit
    opts, fps, t = kind.opts, kind.fps, kind.t
    settle = max(int(round(opts.settle_s * fps)), 2)
    resting = segment_median(kind.lead, max(at - settle, 0), at)
    swing = kind.lead + kind.trail - resting
    v = np.gradient(swing) * fps
    peak = at + int(np.nanargmax(v[at:bt]))
    stop = bt
    while stop + 1 < rest_until and v[stop] > opts.hold_fraction * v[peak]:
        stop += 1
    min_rest = max(int(round(opts.min_rest_s * fps)), 2)
    if stop <= bt or rest_until - stop < min_rest:
        return fit
    end_level = segment_median(swing, stop, min(rest_until, stop + settle))
    hi = min(stop + int(round(0.15 * fps)), rest_until)
    if not np.isfinite(end_level) or hi - peak < 4:
        return fit
    contact, _ = fit_arrival(
        t[peak:hi], swing[peak:hi], end_level, float(t[stop]), opts.search_s, powers=opts.powers
    )
    return SwingFit(lift_s=fit.lift_s, contact_s=max(contact, fit.contact_s), rms=fit.rms)
