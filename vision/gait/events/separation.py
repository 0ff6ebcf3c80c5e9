"""Foot contacts and lifts in front and back views, from the separation of the feet in depth.

From the front or the back a step is a change of depth. The pose model's relative depth of the
feet is hip-centred, so the body's own travel is in every foot's depth; the DIFFERENCE between
the two feet along the travel direction,

    s(t) = along(left) - along(right)        (body heights; larger: left further along travel)

is free of it: while one foot swings the other rests on the floor, so ``s`` follows the swinging
foot's path over the floor, and while both rest (double support, standing) ``s`` is flat. Every
swing is therefore one monotonic move of ``s`` between two flat stretches: rising is the left
foot, falling the right, whichever way the person faces or travels (``along`` is re-signed to the
travel direction). A contact is where the move arrives at its new flat stretch, a lift where it
leaves the old one. The first step from standing and the closing step up beside the other foot are
moves like any other; extrema of the feet relative to the pelvis miss the closing step and come
early (the foot passes the pelvis's speed before it stops).

Why not image positions: from the front a foot's image height mixes its distance from the camera
with its height above the floor. A heel that descends while it moves away from the camera travels
almost along its line of sight and hardly moves in the picture before it lands.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from vision.gait.events.common import filled_travel
from vision.gait.events.swing_fit import event_at, fit_arrival, fit_departure, moving_mask
from vision.gait.foot_tracks import FootTracks
from vision.landmarks import HEEL, TOE
from vision.result import Event, Foot
from vision.timeseries import (
    fill_short_gaps,
    frame_rate,
    median_lowpass,
    segment_median,
    true_runs,
)

if TYPE_CHECKING:  # the options import this module's own settings
    from vision.gait.events.options import EventOptions


@dataclass(frozen=True)
class FrontalOptions:
    """Attributes:
    cutoff_hz: low-pass cut-off of the separation series.
    median_s: running-median window applied before the low-pass (removes the pose model's one-
        or two-frame depth jumps), seconds.
    max_gap_s: gaps in the depth up to this long are interpolated.
    moving_fraction: the separation moves where its speed exceeds this fraction of its typical
        peak speed (95th percentile) ...
    min_moving_bh_s: ... and never below this speed, body heights per second (noise floor).
    hold_fraction: a move's full extent runs on while its speed stays above this fraction of
        the typical peak speed; its size is measured over that extent, so a swing slowed by a
        gap bridged by interpolation (or a slow first step) is not too small to be a step.
    min_move_bh: a move of the separation shorter than this (body heights) is not a step.
    min_rest_s: a flat stretch shorter than this is not a rest of both feet.
    min_stance_s: a move of the same foot sooner than this after its landing is not a new swing:
        a foot that landed stands for longer than this before it swings again (stance is more
        than half of a gait cycle at any walking speed).
    settle_s: resting levels are read over this long after a move ends (before it starts).
    search_s: event times are searched this far around the speed-threshold estimate.
    """

    cutoff_hz: float = 8.0
    median_s: float = 0.1
    max_gap_s: float = 0.3
    moving_fraction: float = 0.25
    min_moving_bh_s: float = 0.1
    hold_fraction: float = 0.1
    min_move_bh: float = 0.05
    min_rest_s: float = 0.08
    min_stance_s: float = 0.25
    settle_s: float = 0.15
    search_s: float = 0.1


@dataclass(frozen=True)
class Move:
    """One move of the separation: rows ``[start, stop)`` above the moving speed, its sign (+1
    rising: the left foot swings; -1 falling: the right foot), and ``reach``, the rows
    ``[a, b)`` around it over which it stays above the hold speed (its full extent)."""

    start: int
    stop: int
    sign: int
    reach: tuple[int, int]


def separation(depth: np.ndarray) -> np.ndarray:
    """(T,) left minus right foot depth from ``depth`` (T, 2 feet, K points), each foot's mean
    over its points (NaN where a foot is missing)."""
    return depth[:, 0].mean(axis=-1) - depth[:, 1].mean(axis=-1)


def find_moves(s: np.ndarray, fps: float, opts: FrontalOptions) -> list[Move]:
    """Moves of the smoothed separation ``s`` (T,) by at least ``min_move_bh``, in time order.

    A move of the same sign less than ``min_stance_s`` after the previous one ended would be the
    same foot swinging again before it could have stood: it is the pose model's depth creeping on
    after the landing (or a swing hesitating in the air), so the landing stays where the first
    move arrived and the second is dropped.
    """
    v = np.gradient(s) * fps
    min_rest = max(int(round(opts.min_rest_s * fps)), 2)
    min_stance = int(round(opts.min_stance_s * fps))
    found: list[Move] = []
    for sign in (1, -1):
        core = moving_mask(v, fps, opts.moving_fraction, opts.min_moving_bh_s, sign)
        held = moving_mask(v, fps, opts.hold_fraction, opts.min_moving_bh_s, sign)
        holds = true_runs(held | core)
        for a, b in true_runs(core):
            ha, hb = next((h for h in holds if h[0] <= a and b <= h[1]), (a, b))
            found.append(Move(a, b, sign, (ha, hb)))
    found.sort(key=lambda m: m.start)
    merged: list[Move] = []
    for m in found:
        prev = merged[-1] if merged else None
        if prev is None:
            merged.append(m)
        elif prev.sign == m.sign and m.start - prev.stop < min_stance:
            continue  # see the docstring
        elif (
            prev.sign != m.sign
            and m.start - prev.stop <= min_rest
            and _amplitude(s, m) < 0.5 * _amplitude(s, prev)
        ):
            # A swing must start from a rest of both feet (double support); a smaller move
            # back straight after a landing is the pose model overshooting the new footprint and
            # settling: the landing ends where the settling does.
            merged[-1] = Move(prev.start, m.stop, prev.sign, (prev.reach[0], m.reach[1]))
        else:
            merged.append(m)
    return [m for m in merged if _amplitude(s, m) >= opts.min_move_bh]


def _amplitude(s: np.ndarray, m: Move) -> float:
    """Net change of ``s`` over the move's full extent, in the move's direction."""
    a, b = m.reach
    return float(m.sign * (s[min(b, len(s) - 1)] - s[a]))


def swing_times(
    s: np.ndarray,
    t: np.ndarray,
    moves: list[Move],
    fps: float,
    opts: FrontalOptions,
    bridged: np.ndarray,
) -> list[tuple[float, float]]:
    """(lift_s, contact_s) of each move; NaN where that end is not seen resting (the walker
    enters or leaves the view moving, or the next move follows without a rest).

    ``bridged`` (T,) marks samples interpolated across a gap: a move whose slow end runs into
    such samples is searched for its arrival (departure) over its whole extent, since the
    interpolation, not the foot, slowed it down."""
    min_rest = max(int(round(opts.min_rest_s * fps)), 2)
    settle = max(int(round(opts.settle_s * fps)), 2)
    near = int(round(0.15 * fps))
    out = []
    for k, m in enumerate(moves):
        prev_stop = moves[k - 1].stop if k > 0 else 0
        next_start = moves[k + 1].start if k + 1 < len(moves) else len(s)
        seg = slice(m.start, m.stop)
        peak = (
            m.start + int(np.argmax(m.sign * np.gradient(s[seg])))
            if m.stop - m.start > 1
            else m.start
        )
        contact = lift = float("nan")
        r_start, r_stop = m.reach
        if next_start - m.stop >= min_rest:
            stop = min(r_stop, next_start - min_rest) if bridged[m.stop : r_stop].any() else m.stop
            level = segment_median(s, stop, min(next_start, stop + settle))
            hi = min(stop + near, next_start)
            t_a, t_b = float(t[min(m.stop, len(t) - 1)]), float(t[min(stop, len(t) - 1)])
            contact, _ = fit_arrival(
                t[peak:hi],
                m.sign * s[peak:hi],
                m.sign * level,
                0.5 * (t_a + t_b),
                opts.search_s + 0.5 * (t_b - t_a),
            )
        if m.start - prev_stop >= min_rest:
            start = (
                max(r_start, prev_stop + min_rest) if bridged[r_start : m.start].any() else m.start
            )
            level = segment_median(s, max(prev_stop, start - settle), start)
            lo = max(start - near, prev_stop)
            t_a, t_b = float(t[start]), float(t[m.start])
            lift, _ = fit_departure(
                t[lo : peak + 1],
                m.sign * s[lo : peak + 1],
                m.sign * level,
                0.5 * (t_a + t_b),
                opts.search_s + 0.5 * (t_b - t_a),
            )
        out.append((lift, contact))
    return out


def name_feet(
    moves: list[Move],
    points: NDArray[np.floating],
    fps: float,
    opts: FrontalOptions,
    fallback: NDArray[np.floating],
) -> list[Foot]:
    """Which foot swings in each move.

    The swinging foot is the one whose resting place in the picture changes across the move: the
    other stays planted. ``points`` (T, 2 feet, K, 2) foot points in body heights. Each move votes
    for the sign that maps a rising depth difference to a foot (+1: rising is the left foot,
    i.e. the walker moves away from the camera); a move takes the vote of its neighbourhood
    (itself and two moves either side), since the mapping only changes when the walker turns
    round. ``fallback`` (len(moves),) +1/-1 is used where the votes tie.
    """
    rest = max(int(round(opts.settle_s * fps)), 2)
    votes = []
    for k, m in enumerate(moves):
        lo = moves[k - 1].stop if k > 0 else 0
        hi = moves[k + 1].start if k + 1 < len(moves) else len(points)
        before = _resting_place(points[max(lo, m.start - rest) : m.start])
        after = _resting_place(points[m.stop : max(min(hi, m.stop + rest), m.stop + 1)])
        shift = np.linalg.norm(after - before, axis=-1).mean(axis=-1)  # (2 feet,)
        # Left moved more: a rising move is the left foot's (mapping +1).
        vote = m.sign * (shift[0] - shift[1]) if np.isfinite(shift).all() else 0.0
        votes.append(float(vote))
    feet: list[Foot] = []
    for k, m in enumerate(moves):
        total = sum(votes[max(k - 2, 0) : k + 3])
        mapping = np.sign(total) if total != 0 else fallback[k]
        feet.append("left" if m.sign * mapping > 0 else "right")
    return feet


def _resting_place(points: np.ndarray) -> np.ndarray:
    """(2, K, 2) median of (N, 2, K, 2) points over the frames where each is seen; NaN where one
    is never seen."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a point never seen stays NaN
        return np.nanmedian(points, axis=0)


def frontal_events(
    depth: NDArray[np.floating],
    points: NDArray[np.floating],
    t_s: NDArray[np.float64],
    frame_index: np.ndarray,
    travel: np.ndarray,
    options: FrontalOptions | None = None,
) -> list[Event]:
    """Contacts and lifts of a walk seen from the front or back.

    Args:
        depth: (T, 2, K) the pose model's relative depth of [left, right] x K foot points, body
            heights (larger: further from the camera); NaN where missing.
        points: (T, 2, K, 2) the same points' image positions, body heights.
        t_s, frame_index: (T,) frame times (s) and video frame numbers.
        travel: (T,) +1/-1 travel sign along image y (+1: toward the camera), only to name the
            feet where their image positions cannot tell.
    """
    opts = options or FrontalOptions()
    fps = frame_rate(t_s)
    raw = separation(depth)
    d_all = fill_short_gaps(raw, opts.max_gap_s * fps)
    # A one- or two-frame gap hardly slows a move; a longer one can hide its end.
    bridged = np.zeros(len(raw), dtype=bool)
    for ga, gb in true_runs(~np.isfinite(raw)):
        if gb - ga >= opts.min_rest_s * fps:
            bridged[ga:gb] = True
    events: list[Event] = []
    for a, b in true_runs(np.isfinite(d_all)):
        if b - a < 8:
            continue
        d = median_lowpass(d_all[a:b], fps, opts.cutoff_hz, opts.median_s)
        moves = find_moves(d, fps, opts)
        if not moves:
            continue
        # Receding (travel -1) makes the swinging foot's depth grow: rising is the left foot.
        fallback = np.array([-travel[a + m.start] for m in moves], dtype=float)
        feet = name_feet(moves, points[a:b], fps, opts, fallback)
        times = swing_times(d, t_s[a:b], moves, fps, opts, bridged[a:b])
        for foot, (lift, contact) in zip(feet, times, strict=True):
            if np.isfinite(contact):
                events.append(event_at(contact, t_s, frame_index, foot, "contact"))
            if np.isfinite(lift):
                events.append(event_at(lift, t_s, frame_index, foot, "lift"))
    return sorted(events, key=lambda e: (e.t_s, e.type))


def detect_separation(tracks: FootTracks, options: EventOptions) -> list[Event]:
    """The ``separation`` detector: contacts and lifts from the moves of the feet's depth
    difference (see the module docstring). Needs the pose model's depth of the feet, which
    :mod:`vision.gait.events.policy` checks before it runs this detector.
    """
    if tracks.depth is None:
        raise ValueError("the separation detector needs the feet's depth")
    bh = tracks.body_height_px
    return frontal_events(
        tracks.depth / bh,
        tracks.feet[:, :, [HEEL, TOE]] / bh,
        tracks.t_s,
        tracks.frame_index,
        filled_travel(tracks.travel),
        options.frontal,
    )
