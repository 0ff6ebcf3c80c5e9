"""Where a walk starts and ends, once its steps are known.

The direction labels come from how fast the pelvis travels, measured over a window (see
:mod:`vision.gait.direction`), so a walk's ends are blurred by half that window: seen from the
front or back, where travel is read from the change of apparent size over twice as long, the
last step is followed by a few tenths of a second of "walking"; and a slow walk of short
steps can travel too slowly at its ends to count, so whole steps there read as standing. The
feet say where a walk ends: when the last foot lands. So a walk followed by standing ends at its
last contact, found by following its steps on into the standing while each comes soon after the
one before.

A walk's start is less sharp: the body moves (weight shift, the first foot rolling onto its toe
or heel) a few tenths of a second before the first foot leaves the floor, and the pose model's
feet, side by side at the start, make the first lift the hardest to time (often late;
bench/accuracy.py prints the found start minus the true one). Where the person stood still
before it, the walk starts at the first movement after that stillness, the same reading that
starts the 3 m test's clock (:mod:`vision.gait.first_movement`); else at the first lift of steps
that come before the pelvis's start; else at the pelvis's start.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from vision.gait.direction import DirectionAnalysis
from vision.gait.direction_labels import MOVING, WALKS
from vision.gait.first_movement import MovementOptions, movement_after_standing, standing_still
from vision.gait.turns import segment_facing
from vision.result import Event, Segment
from vision.timeseries import frame_rate


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


def settle_walk_ends(
    direction: DirectionAnalysis,
    events: list[Event],
    t_s: np.ndarray,
    max_trim_s: float = 0.4,
    max_gap_s: float = 0.8,
    min_standing_s: float = 0.4,
    body: tuple[np.ndarray, np.ndarray] | None = None,
    movement: MovementOptions | None = None,
) -> DirectionAnalysis:
    """``direction`` with each forward/backward walk next to standing bounded by its steps (the
    frame at or after each event; the frames given up or taken over relabelled):

    * after standing, a walk starts at the first lift of the events before its start that
      follow each other with gaps of at most ``max_gap_s`` seconds (a swing or a double support
      is shorter), if there is one (else at its start); or, ``body`` given, at the first movement
      after the person stood still, if that comes before the walk's first lift and no more
      than ``max_gap_s`` before the start said so far;
    * before standing, a walk ends at the last contact of the events after its end chained the
      same way, or, with none, at its last event if that is a contact no more than
      ``max_trim_s`` seconds before its end (the pelvis's overrun; an earlier one is a step the
      feet were lost in, not the end). An end whose last event is a lift (the landing not seen)
      stays;
    * at the end of the recording, ``body`` given, a walk ends at its last contact when the
      person stands still from within ``max_trim_s`` after it to the end (see
      :func:`_standing_at_the_end`).

    A walk's events are those nearer it than any other walk (:func:`nearest_walks`). Standing
    then left shorter than ``min_standing_s`` between two walks the same way is walking (see
    :func:`_join_double_supports`).

    Args:
        direction: labels (T,) and segments from :func:`~vision.gait.direction.analyze_direction`.
        events: contacts and lifts of both feet.
        t_s: (T,) frame times, seconds.
        body: the points whose stillness says the person stood still, (T, P, 2) body heights,
            and (T,) rows where they are seen (see
            :func:`~vision.gait.first_movement.body_points`); None: the first movement is not
            read.
        movement: what standing still and the first movement are (None: the defaults).
    """
    segs = [replace(g) for g in direction.segments]
    if not events or not any(g.direction in WALKS for g in segs):
        return direction
    label = direction.label.copy()
    fps = frame_rate(t_s)
    movement = movement or MovementOptions()
    own = _events_by_walk(events, segs)
    _settle_starts(segs, own, label, t_s, direction.facing, max_gap_s, body, movement)
    _settle_ends(segs, own, label, t_s, direction.facing, max_gap_s, max_trim_s)
    if body is not None and segs and segs[-1].direction in WALKS:
        segs += _standing_at_the_end(
            segs[-1],
            own.get(id(segs[-1]), []),
            label,
            t_s,
            body,
            fps,
            movement,
            max_trim_s,
            min_standing_s,
        )
    segs = _join_double_supports(segs, label, t_s, min_standing_s, direction.facing)
    return replace(direction, label=label, segments=segs)


def _settle_starts(
    segs: list[Segment],
    own: dict[int, list[Event]],
    label: np.ndarray,
    t_s: np.ndarray,
    facing: np.ndarray,
    max_gap_s: float,
    body: tuple[np.ndarray, np.ndarray] | None,
    movement: MovementOptions,
) -> None:
    """Start each walk after standing at its first lift or first movement (see
    :func:`settle_walk_ends`; labels and segments in place)."""
    for before, g in zip(segs, segs[1:], strict=False):
        a = _frame_of(t_s, g.start_s)
        if (
            g.direction not in WALKS
            or before.direction != "standing"
            or _frame_of(t_s, before.end_s) != a - 1
        ):
            continue
        i = _first_lift_row(g, own.get(id(g), []), facing, t_s, max_gap_s)
        first_lift = next(
            (_frame_of(t_s, e.t_s) for e in own.get(id(g), []) if e.type == "lift"), None
        )
        if body is not None and first_lift is not None:
            i = _first_movement_row(before, g, i, first_lift, t_s, body, movement, max_gap_s)
        _move_start(before, g, i, label, t_s)


def _settle_ends(
    segs: list[Segment],
    own: dict[int, list[Event]],
    label: np.ndarray,
    t_s: np.ndarray,
    facing: np.ndarray,
    max_gap_s: float,
    max_trim_s: float,
) -> None:
    """End each walk before standing at its last contact (see :func:`settle_walk_ends`; labels
    and segments in place)."""
    for g, after in zip(segs, segs[1:], strict=False):
        mine = own.get(id(g), [])
        if (
            g.direction not in WALKS
            or after.direction != "standing"
            or not mine
            or _frame_of(t_s, after.start_s) != _frame_of(t_s, g.end_s) + 1
        ):
            continue
        last = _last_event(g, mine, facing, t_s, max_gap_s, max_trim_s)
        if last is not None and last.type == "contact":
            _move_end(g, after, _frame_of(t_s, last.t_s), label, t_s)


def _events_by_walk(events: list[Event], segs: list[Segment]) -> dict[int, list[Event]]:
    """Each segment's events (keyed by the segment's id), in time order: those nearer it than
    any other walk (:func:`nearest_walks`)."""
    own: dict[int, list[Event]] = {}
    in_time = sorted(events, key=lambda e: e.t_s)
    for e, g in zip(in_time, nearest_walks(in_time, segs), strict=True):
        own.setdefault(id(g), []).append(e)
    return own


def _first_lift_row(
    g: Segment, mine: list[Event], facing: np.ndarray, t_s: np.ndarray, max_gap_s: float
) -> int:
    """Row where the walk ``g`` starts by its steps: the first lift of its events chained
    before its start (since it last turned), else its start as said so far."""
    since = _turned_at(facing, t_s, g, forward=False)
    lifts = [
        e
        for e in _chained(mine, g.start_s, max_gap_s, forward=False)
        if e.type == "lift" and e.t_s > since
    ]
    return _frame_of(t_s, lifts[-1].t_s) if lifts else _frame_of(t_s, g.start_s)


def _first_movement_row(
    before: Segment,
    g: Segment,
    i: int,
    first_lift: int,
    t_s: np.ndarray,
    body: tuple[np.ndarray, np.ndarray],
    movement: MovementOptions,
    max_gap_s: float,
) -> int:
    """Row where the walk ``g`` starts by the body's first movement after standing still in
    ``before``, where that is read in time; else ``i``, the start by its steps."""
    fps = frame_rate(t_s)
    # Stillness is looked for this far before the start: an earlier stretch belongs to a wait.
    reach_s = max_gap_s + movement.still_s + movement.hold_s
    # Read no further than a movement before the first lift could need to be held.
    r0 = max(_frame_of(t_s, before.start_s), min(i, first_lift) - round(reach_s * fps))
    r1 = min(_frame_of(t_s, g.end_s), first_lift + round(movement.hold_s * fps)) + 2
    _, moved = movement_after_standing(body[0][r0:r1], body[1][r0:r1], fps, movement)
    if moved is None:
        return i
    moved += r0
    # The movement that starts a walk comes before its first lift and not long before its
    # start; one read after the first lift is a step seen small (walking toward or away from
    # the camera), one long before is a shuffle during the wait.
    if min(i, first_lift) - int(round(max_gap_s * fps)) <= moved <= first_lift:
        return moved
    return i


def _move_start(before: Segment, g: Segment, i: int, label: np.ndarray, t_s: np.ndarray) -> None:
    """Start the walk ``g`` at row ``i``, taking frames from the standing ``before`` it or giving
    them to it (labels and segments in place); left as it is where ``i`` falls outside both."""
    a = _frame_of(t_s, g.start_s)
    if _frame_of(t_s, before.start_s) < i < a:
        label[i:a] = g.direction
    elif a < i < _frame_of(t_s, g.end_s):  # the pelvis's window read the start early
        label[a:i] = "standing"
    else:
        return
    g.start_s, before.end_s = float(t_s[i]), float(t_s[i - 1])


def _last_event(
    g: Segment,
    mine: list[Event],
    facing: np.ndarray,
    t_s: np.ndarray,
    max_gap_s: float,
    max_trim_s: float,
) -> Event | None:
    """The event the walk ``g`` ends with: the last of its events chained after its end (until
    it turns), else its last event no more than ``max_trim_s`` before its end; None if
    neither."""
    until = _turned_at(facing, t_s, g, forward=True)
    on = [e for e in _chained(mine, g.end_s, max_gap_s, forward=True) if e.t_s < until]
    inside = [e for e in mine if e.t_s <= g.end_s]
    if on:
        return on[-1]
    if inside and g.end_s - inside[-1].t_s <= max_trim_s:
        return inside[-1]
    return None


def _move_end(g: Segment, after: Segment, j: int, label: np.ndarray, t_s: np.ndarray) -> None:
    """End the walk ``g`` at row ``j``, giving frames to the standing ``after`` it or taking them
    from it (labels and segments in place); left as it is where ``j`` falls outside both."""
    b = _frame_of(t_s, g.end_s)
    if _frame_of(t_s, g.start_s) < j < _frame_of(t_s, after.end_s):
        label[min(b, j) + 1 : max(b, j) + 1] = "standing" if j < b else g.direction
        g.end_s, after.start_s = float(t_s[j]), float(t_s[j + 1])


def _standing_at_the_end(
    walk: Segment,
    events: list[Event],
    label: np.ndarray,
    t_s: np.ndarray,
    body: tuple[np.ndarray, np.ndarray],
    fps: float,
    movement: MovementOptions,
    settle_s: float,
    min_standing_s: float,
) -> list[Segment]:
    """The standing that ends a recording whose last ``walk`` its travel read as running to the
    end (read over a window, travel lags the stop, most from the front or back, where that
    window is longer): when the person stands still from within ``settle_s`` after the walk's
    last event, a contact, to the end, for at least ``min_standing_s``, the walk ends at that
    contact (``walk`` and ``label`` changed in place) and the standing after it is returned;
    else nothing."""
    n = len(t_s)
    if not events or events[-1].type != "contact" or _frame_of(t_s, walk.end_s) < n - 1:
        return []
    j = _frame_of(t_s, events[-1].t_s)
    if not _frame_of(t_s, walk.start_s) < j < n - 1 or t_s[-1] - t_s[j] < min_standing_s:
        return []
    points, ok = body
    # Backward in time from the last frame, the stillness must start there and reach back to
    # within the settling after the contact.
    still = standing_still(
        points[j:][::-1], ok[j:][::-1], fps, movement.still_s, movement.radius_bh
    )
    if still is None or still[0] > 1 or (n - j - still[1]) > settle_s * fps:
        return []
    label[j + 1 :] = "standing"
    walk.end_s = float(t_s[j])
    return [
        Segment(
            start_s=float(t_s[j + 1]), end_s=float(t_s[-1]), direction="standing", view=walk.view
        )
    ]


def _turned_at(facing: np.ndarray, t_s: np.ndarray, walk: Segment, forward: bool) -> float:
    """When, after ``walk`` (before it, unless ``forward``), the person first faces the other
    way (s; +-inf when they never do): a walk's steps do not run on through a turn."""
    sign = segment_facing(facing, t_s, walk)
    rows = t_s > walk.end_s if forward else t_s < walk.start_s
    turned = np.flatnonzero(rows & (facing * sign < 0))
    if sign == 0 or turned.size == 0:
        return np.inf if forward else -np.inf
    return float(t_s[turned[0] if forward else turned[-1]])


def _join_double_supports(
    segs: list[Segment],
    label: np.ndarray,
    t_s: np.ndarray,
    min_standing_s: float,
    facing: np.ndarray | None = None,
) -> list[Segment]:
    """``segs`` with each standing shorter than ``min_standing_s`` between two walks the same
    way made part of one walk (``label`` relabelled in place): one walk's end at its last
    contact and the next one's start at its first lift leave its double support between them,
    which in a slow walk of short steps the pelvis alone read as standing. The joined walk has
    the view of its longer part."""
    out: list[Segment] = []
    i = 0
    while i < len(segs):
        g = segs[i]
        if (
            out
            and i + 1 < len(segs)
            and g.direction == "standing"
            and out[-1].direction in WALKS
            and segs[i + 1].direction == out[-1].direction
            and g.end_s - g.start_s < min_standing_s
            and (facing is None or _same_facing(facing, t_s, out[-1], segs[i + 1]))
        ):
            prev, nxt = out[-1], segs[i + 1]
            label[_frame_of(t_s, g.start_s) : _frame_of(t_s, g.end_s) + 1] = prev.direction
            longer = max(prev, nxt, key=lambda x: x.end_s - x.start_s)
            out[-1] = replace(prev, end_s=nxt.end_s, view=longer.view)
            i += 2
            continue
        out.append(g)
        i += 1
    return out


def _same_facing(facing: np.ndarray, t_s: np.ndarray, a: Segment, b: Segment) -> bool:
    """Whether walks ``a`` and ``b`` face the same way (a turn lies between two that do not)."""
    return segment_facing(facing, t_s, a) * segment_facing(facing, t_s, b) >= 0
