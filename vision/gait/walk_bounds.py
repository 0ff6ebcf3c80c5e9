"""Where a walk starts and ends, once its steps are known.

The direction labels come from how fast the pelvis travels, measured over a window (see
:mod:`vision.gait.direction`), so a walk's ends are blurred by half that window: seen from the
front or back, where travel is read from the change of apparent size over twice as long, the
last step was followed by 0.2-0.3 s of "walking" on synthetic walks; and a slow walk of short
steps can travel too slowly at its ends to count, so whole steps there read as standing. The
feet say where a walk ends: when the last foot lands. So a walk followed by standing ends at its
last contact, found by following its steps on into the standing while each comes soon after the
one before.

A walk's start is less sharp: the body moves (weight shift, the first foot rolling onto its toe
or heel) a few tenths of a second before the first foot leaves the floor. So the pelvis's start
stands unless steps come before it, and then the first lift of those steps is the start.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from vision.gait.direction import DirectionAnalysis
from vision.result import Event, Segment

WALKS = ("forward", "backward")
MOVING = (*WALKS, "turning")


def nearest_walks(events: list[Event], segments: list[Segment]) -> list[Segment | None]:
    """The walking segment (forward, backward or turning) nearest in time to each event, so
    that the first lift before the body starts to travel and the closing contact after it stops
    go with their walk; None for every event when there is no walking segment."""
    walks = [g for g in segments if g.direction in MOVING]
    if not walks:
        return [None] * len(events)

    def gap(e: Event, g: Segment) -> float:
        return max(g.start_s - e.t_s, e.t_s - g.end_s, 0.0)

    return [min(walks, key=lambda g: gap(e, g)) for e in events]


def _frame_of(t_s: np.ndarray, time_s: float) -> int:
    return int(np.clip(np.searchsorted(t_s, time_s - 1e-9), 0, len(t_s) - 1))


def _chained(events: list[Event], t0: float, max_gap_s: float, forward: bool) -> list[Event]:
    """The events of ``events`` (time order) that follow on from time ``t0`` (after it when
    ``forward``, else before it, nearest first) with no gap longer than ``max_gap_s``."""
    out: list[Event] = []
    t = t0
    for e in events if forward else events[::-1]:
        if (e.t_s <= t0) if forward else (e.t_s >= t0):
            continue
        if abs(e.t_s - t) > max_gap_s:
            break
        out.append(e)
        t = e.t_s
    return out


def settle_walk_ends(direction: DirectionAnalysis, events: list[Event], t_s: np.ndarray,
                     max_trim_s: float = 0.4, max_gap_s: float = 0.8) -> DirectionAnalysis:
    """``direction`` with each forward/backward walk next to standing bounded by its steps (the
    frame at or after each event; the frames given up or taken over relabelled):

    * after standing, a walk starts at the first lift of the events before its start that
      follow each other with gaps of at most ``max_gap_s`` seconds (a swing or a double support
      is shorter), if there is one;
    * before standing, a walk ends at the last contact of the events after its end chained the
      same way, or, with none, at its last event if that is a contact no more than
      ``max_trim_s`` seconds before its end (the pelvis's overrun; an earlier one is a step the
      feet were lost in, not the end). An end whose last event is a lift (the landing not seen)
      stays.

    A walk's events are those nearer it than any other walk (:func:`nearest_walks`).

    Args:
        direction: labels (T,) and segments from :func:`~vision.gait.direction.analyze_direction`.
        events: contacts and lifts of both feet.
        t_s: (T,) frame times, seconds.
    """
    segs = [replace(g) for g in direction.segments]
    if not events or not any(g.direction in WALKS for g in segs):
        return direction
    label = direction.label.copy()
    own: dict[int, list[Event]] = {}
    in_time = sorted(events, key=lambda e: e.t_s)
    for e, g in zip(in_time, nearest_walks(in_time, segs), strict=True):
        own.setdefault(id(g), []).append(e)
    for before, g in zip(segs, segs[1:], strict=False):
        a = _frame_of(t_s, g.start_s)
        if (g.direction not in WALKS or before.direction != "standing"
                or _frame_of(t_s, before.end_s) != a - 1):
            continue
        lifts = [e for e in _chained(own.get(id(g), []), g.start_s, max_gap_s, forward=False)
                 if e.type == "lift"]  # fmt: skip
        i = _frame_of(t_s, lifts[-1].t_s) if lifts else a
        if _frame_of(t_s, before.start_s) < i < a:
            label[i:a] = g.direction
            g.start_s, before.end_s = float(t_s[i]), float(t_s[i - 1])
    for g, after in zip(segs, segs[1:], strict=False):
        b = _frame_of(t_s, g.end_s)
        mine = own.get(id(g), [])
        if (g.direction not in WALKS or after.direction != "standing" or not mine
                or _frame_of(t_s, after.start_s) != b + 1):
            continue
        on = _chained(mine, g.end_s, max_gap_s, forward=True)
        inside = [e for e in mine if e.t_s <= g.end_s]
        if on:
            last = on[-1]
        elif inside and g.end_s - inside[-1].t_s <= max_trim_s:
            last = inside[-1]
        else:
            continue
        if last.type != "contact":
            continue
        j = _frame_of(t_s, last.t_s)
        if _frame_of(t_s, g.start_s) < j < _frame_of(t_s, after.end_s):
            label[min(b, j) + 1:max(b, j) + 1] = "standing" if j < b else g.direction
            g.end_s, after.start_s = float(t_s[j]), float(t_s[j + 1])
    return replace(direction, label=label, segments=segs)
