"""Where a walk ends, once its steps are known.

The direction labels come from how fast the pelvis travels, measured over a window (see
:mod:`vision.gait.direction`), so a walk's ends are blurred by half that window: seen from the
front or back, where travel is read from the change of apparent size over twice as long, the
last step was followed by 0.2-0.3 s of "walking" on synthetic walks. The feet say where a walk
ends exactly: when the last foot lands. So each forward/backward walk followed by standing ends
at its own last contact, moved by no more than the travel window.

Its start stays the pelvis's: a walk starts with the body moving (weight shift, the first foot
rolling onto its toe or heel) a few tenths of a second before the first foot leaves the floor.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from vision.gait.direction import DirectionAnalysis
from vision.result import Event

WALKS = ("forward", "backward")


def _frame_of(t_s: np.ndarray, time_s: float) -> int:
    return int(np.clip(np.searchsorted(t_s, time_s - 1e-9), 0, len(t_s) - 1))


def settle_walk_ends(direction: DirectionAnalysis, events: list[Event], t_s: np.ndarray,
                     max_shift_s: float) -> DirectionAnalysis:
    """``direction`` with each forward/backward segment followed by a standing one ending at its
    last contact (the frame at or after it), the frames given up or taken over relabelled. A
    walk's events are those nearer it than any other walk; an end whose last event is a lift (the
    landing not seen) or further than ``max_shift_s`` seconds away stays where it was.

    Args:
        direction: labels (T,) and segments from :func:`~vision.gait.direction.analyze_direction`.
        events: contacts and lifts of both feet.
        t_s: (T,) frame times, seconds.
    """
    segs = [replace(g) for g in direction.segments]
    if not events or not any(g.direction in WALKS for g in segs):
        return direction
    label = direction.label.copy()
    walks = [g for g in segs if g.direction in (*WALKS, "turning")]
    last: dict[int, Event] = {}
    for e in sorted(events, key=lambda e: e.t_s):
        g = min(walks, key=lambda g: max(g.start_s - e.t_s, e.t_s - g.end_s, 0.0))
        last[id(g)] = e
    for g, after in zip(segs, segs[1:], strict=False):
        e = last.get(id(g))
        b = _frame_of(t_s, g.end_s)
        if (g.direction not in WALKS or after.direction != "standing" or e is None
                or e.type != "contact" or abs(e.t_s - g.end_s) > max_shift_s
                or _frame_of(t_s, after.start_s) != b + 1):
            continue
        j = _frame_of(t_s, e.t_s)
        if _frame_of(t_s, g.start_s) < j < _frame_of(t_s, after.end_s):
            label[min(b, j) + 1:max(b, j) + 1] = "standing" if j < b else g.direction
            g.end_s, after.start_s = float(t_s[j]), float(t_s[j + 1])
    return replace(direction, label=label, segments=segs)
