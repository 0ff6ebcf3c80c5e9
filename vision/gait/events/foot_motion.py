"""Foot contacts and lifts from the picture's own motion around each foot (front and back views).

A foot on the floor does not move in the picture; a swinging foot does, whatever the view. The
pose model's feet from the front or back are late and noisy in depth, but its image points are
good enough to place a box on each foot, and the fraction of pixels that change inside that box
from one frame to the next (:mod:`vision.foot_motion`, measured while the video is decoded) says
which foot moves and when. Each swing is one run of motion of one foot.

The run does not end at the contact but when the foot lies flat: after the first touch (the toe
in backward gait, the heel in forward gait) the foot rolls down onto its sole, and the picture
keeps changing while it does. That delay was measured, not assumed: on the hand-labelled real
forward walk each foot's motion falls through its threshold a few frames after each labelled heel
strike, and the synthetic walker rolls the foot down over a similar share of its stride (a
little longer walking backward than forward). So the contact is the end of the run less
``loading_fraction`` of the walker's own stride time, read from the runs themselves.

A lift is where a foot's run starts. From behind, the first part of a foot to rise is hidden by
the heel and leg in backward gait (the toe) and seen in forward gait (the heel), so lifts read late
walking backward and early walking forward: ``bench/accuracy.py`` prints how far.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from vision.gait.events.swing_fit import event_at
from vision.gait.foot_tracks import FootTracks
from vision.result import FEET, Event, Foot
from vision.timeseries import frame_rate, true_runs

if TYPE_CHECKING:  # the options import this module's own settings
    from vision.gait.events.options import EventOptions


@dataclass(frozen=True)
class MotionOptions:
    """Attributes:
    moving_fraction: a foot moves where its motion (fraction of changed pixels in its box) is
        above this fraction of its typical swing motion (95th percentile over the clip) ...
    min_motion: ... and never below this fraction of changed pixels (the still picture's noise).
    hold_fraction: where the feet stay apart in the picture (see :func:`find_swings`), once
        above that level a foot keeps moving until its motion falls below this fraction of
        it (hysteresis): the level is itself a measurement, and moving the picture by a pixel
        moves it by a tenth or more (the feet's boxes follow the pose model's points), so a
        weak swing (the first from standing) hovering near it would otherwise split into runs
        too short to be swings. Its times are still where the motion passes the level.
    min_blip_s: runs of motion shorter than this are dropped before anything else: a one-frame
        blip is the other foot passing through the box, or the pose model's labels swapping.
    min_still_s: a pause shorter than this inside a foot's motion is part of the same swing (a
        foot that landed stands for longer; the swing slows to a near stop just before the
        landing from the front).
    min_swing_s: a run of motion shorter than this is not a swing.
    loading_fraction: the contact comes this fraction of the stride time before the foot's
        motion ends (see the module docstring).
    default_stride_s: the stride time used when a clip has too few swings to read its own.
    """

    moving_fraction: float = 0.25
    min_motion: float = 0.01
    hold_fraction: float = 0.7
    min_blip_s: float = 0.05
    min_still_s: float = 0.17
    min_swing_s: float = 0.15
    loading_fraction: float = 0.09
    default_stride_s: float = 1.1


@dataclass(frozen=True)
class Swing:
    """One foot's run of motion: frames ``[start, stop)`` and the times (s) the motion rises
    through (``rise_s``) and falls through (``fall_s``) its threshold; NaN where the run touches
    the clip's ends or a frame without a measurement (that end is not seen)."""

    foot: Foot
    start: int
    stop: int
    rise_s: float
    fall_s: float


def find_swings(
    motion: np.ndarray,
    t_s: np.ndarray,
    options: MotionOptions | None = None,
    feet_apart: bool = False,
) -> list[Swing]:
    """Swings of both feet in time order.

    Args:
        motion: (T, 2) fraction of changed pixels around [left, right] foot, 0..1; NaN where not
            measured (no pose, first frame, a moving camera).
        t_s: (T,) frame times, seconds.
        feet_apart: the feet stay a step width apart in the picture (front and back views), so
            one foot's box sees the other foot only when it comes right beside it: a foot's run
            is held through a dip (``hold_fraction``), and a run within the other foot's run
            is that foot passing by (:func:`_without_echoes`). From the side the swinging
            foot crosses the standing foot's box at every step, and neither applies.
    """
    opts = options or MotionOptions()
    fps = frame_rate(t_s)
    swings: list[Swing] = []
    for f, foot in enumerate(FEET):
        m = _median3(motion[:, f])
        seen = np.isfinite(m)
        if seen.sum() < 3:
            continue
        level = max(opts.moving_fraction * float(np.percentile(m[seen], 95)), opts.min_motion)
        above = seen & (np.nan_to_num(m) > level)
        hold = opts.hold_fraction if feet_apart else 1.0
        moving = _held(above, seen & (np.nan_to_num(m) > hold * level))
        runs = [r for r in true_runs(moving) if r[1] - r[0] >= opts.min_blip_s * fps]
        merged: list[tuple[int, int]] = []
        for a, b in runs:
            if merged and a - merged[-1][1] < opts.min_still_s * fps:
                merged[-1] = (merged[-1][0], b)
            else:
                merged.append((a, b))
        for a, b in merged:
            if b - a < opts.min_swing_s * fps:
                continue
            first, last = np.flatnonzero(above[a:b])[[0, -1]] + a
            rise = _crossing(m, t_s, first - 1, first, level) if a > 0 and seen[a - 1] else np.nan
            fall = _crossing(m, t_s, last, last + 1, level) if b < len(m) and seen[b] else np.nan
            swings.append(Swing(foot, a, b, rise, fall))
    swings.sort(key=lambda s: s.start)
    return _without_echoes(swings) if feet_apart else swings


def _without_echoes(swings: list[Swing]) -> list[Swing]:
    """``swings`` less each run of one foot that lies within a run of the other foot: walking
    has one foot in the air at a time, so motion in a standing foot's box that starts after the
    other foot took off and ends no later than it lands is the swinging foot passing by (the
    closing step brings it right beside the standing foot)."""
    return [
        s
        for s in swings
        if not any(o.foot != s.foot and o.start < s.start and s.stop <= o.stop for o in swings)
    ]


def _held(above: np.ndarray, held: np.ndarray) -> np.ndarray:
    """(T,) bool: the runs of ``held`` that reach ``above`` somewhere (``above`` implies
    ``held``)."""
    out = np.zeros_like(above)
    for a, b in true_runs(held):
        out[a:b] = above[a:b].any()
    return out


def _median3(x: np.ndarray) -> np.ndarray:
    """Running median over 3 frames (ends and NaN neighbours kept as they are)."""
    out = x.copy()
    if len(x) >= 3:
        stacked = np.stack([x[:-2], x[1:-1], x[2:]])
        ok = np.isfinite(stacked).all(axis=0)
        out[1:-1][ok] = np.median(stacked[:, ok], axis=0)
    return out


def _crossing(m: np.ndarray, t_s: np.ndarray, i: int, j: int, level: float) -> float:
    """Time between frames ``i`` and ``j`` at which ``m`` passes ``level`` (linear)."""
    span = m[j] - m[i]
    u = 0.5 if span == 0 else float(np.clip((level - m[i]) / span, 0.0, 1.0))
    return float(t_s[i] + u * (t_s[j] - t_s[i]))


def stride_time_s(swings: list[Swing], default_s: float) -> float:
    """Median time between the ends of one foot's consecutive swings, seconds; twice the median
    time between consecutive ends of either foot where no foot has two; ``default_s`` where
    there are not even two."""
    by_foot = {
        foot: [s.fall_s for s in swings if s.foot == foot and np.isfinite(s.fall_s)]
        for foot in FEET
    }
    own = [d for ends in by_foot.values() for d in np.diff(ends)]
    if own:
        return float(np.median(own))
    ends = sorted(s.fall_s for s in swings if np.isfinite(s.fall_s))
    return float(2 * np.median(np.diff(ends))) if len(ends) > 1 else default_s


def motion_events(
    motion: np.ndarray,
    t_s: np.ndarray,
    frame_index: np.ndarray,
    options: MotionOptions | None = None,
    feet_apart: bool = False,
) -> list[Event]:
    """Contacts and lifts from the motion around each foot (see the module docstring).

    Args:
        motion: (T, 2) see :func:`find_swings`.
        t_s, frame_index: (T,) frame times (s) and video frame numbers.
        feet_apart: see :func:`find_swings`.
    """
    opts = options or MotionOptions()
    swings = find_swings(motion, t_s, opts, feet_apart)
    loading_s = opts.loading_fraction * stride_time_s(swings, opts.default_stride_s)
    events: list[Event] = []
    for s in swings:
        if np.isfinite(s.fall_s):
            # Never before the run's own start: a very short swing still lands after it lifts.
            contact = max(s.fall_s - loading_s, float(t_s[s.start]))
            events.append(event_at(contact, t_s, frame_index, s.foot, "contact"))
        if np.isfinite(s.rise_s):
            events.append(event_at(s.rise_s, t_s, frame_index, s.foot, "lift"))
    return sorted(events, key=lambda e: (e.t_s, e.type))


def detect_foot_motion(tracks: FootTracks, options: EventOptions) -> list[Event]:
    """The ``foot_motion`` detector: contacts and lifts from the picture's change around each
    foot (see the module docstring). Needs that change measured, which
    :mod:`vision.gait.events.policy` checks before it runs this detector.
    """
    if tracks.motion is None:
        raise ValueError("the foot_motion detector needs the picture's change around the feet")
    return motion_events(
        tracks.motion, tracks.t_s, tracks.frame_index, options.motion, feet_apart=tracks.frontal
    )
