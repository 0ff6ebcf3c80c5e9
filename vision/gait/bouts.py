"""Bouts of walking: the passes of one recording, each measured on its own.

A physiotherapist's recording often holds several trials: the person walks across, turns or
leaves the picture, and comes back. Each pass in one direction is a bout. Walking segments of
the same direction and facing join into one bout across frames where the pose was lost (a
bystander or a piece of furniture in front), as long as no more than a pause of steps lies
between them; standing, a turn or a change of facing ends a bout. Every bout's steps are
measured with :func:`~vision.gait.steps.analyze_steps`, the same as the whole walk's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from vision.gait.direction_labels import WALKS
from vision.gait.scale import ScaleModel
from vision.gait.steps import StepOptions, StepSummary, analyze_steps
from vision.gait.turns import segment_facing
from vision.gait.walk_bounds import nearest_walks
from vision.result import Bout, Direction, Event, Segment


@dataclass(frozen=True)
class BoutSpan:
    """Where a bout lies: its time span (s), direction and the segments it joins; ``rest_s``
    (start, end) s, the span and the standing just before and after it, where its feet rest
    on their footprints (a turn or an exit moves them)."""

    start_s: float
    end_s: float
    direction: Direction
    segments: tuple[int, ...]
    rest_s: tuple[float, float] = (0.0, 0.0)


def walking_bouts(
    segments: list[Segment],
    facing: np.ndarray,
    t_s: np.ndarray,
    max_gap_s: float = StepOptions.max_step_s,
) -> list[BoutSpan]:
    """The bouts of ``segments`` in time order.

    Args:
        segments: the walk's segments in time order.
        facing: (T,) +1/-1 facing sign per frame, 0 unknown.
        t_s: (T,) frame times, seconds.
        max_gap_s: forward or backward segments facing the same way join when no more than this
            (s) lies between them and nothing but frames without pose: the pause that
            :class:`~vision.gait.steps.StepOptions` takes to end a bout.
    """
    out: list[BoutSpan] = []
    prev: int | None = None
    for i, g in enumerate(segments):
        if g.direction not in WALKS:
            prev = None
            continue
        last = out[-1] if out and prev is not None else None
        if (
            last is not None
            and prev is not None
            and last.direction == g.direction
            and g.start_s - last.end_s <= max_gap_s
            and segment_facing(facing, t_s, segments[prev]) == segment_facing(facing, t_s, g)
        ):
            out[-1] = BoutSpan(last.start_s, g.end_s, g.direction, (*last.segments, i))
        else:
            out.append(BoutSpan(g.start_s, g.end_s, g.direction, (i,)))
        prev = i
    return [_with_rest(b, segments, max_gap_s) for b in out]


def _with_rest(bout: BoutSpan, segments: list[Segment], max_gap_s: float) -> BoutSpan:
    """``bout`` with its ``rest_s``: reaching over a standing segment just before and after."""
    first, last = bout.segments[0], bout.segments[-1]
    start, end = bout.start_s, bout.end_s
    if first > 0 and _standing_within(segments[first - 1], start, max_gap_s):
        start = segments[first - 1].start_s
    if last + 1 < len(segments) and _standing_within(segments[last + 1], end, max_gap_s):
        end = segments[last + 1].end_s
    return replace(bout, rest_s=(start, end))


def _standing_within(segment: Segment, t_s: float, max_gap_s: float) -> bool:
    gap = max(segment.start_s - t_s, t_s - segment.end_s, 0.0)
    return segment.direction == "standing" and gap <= max_gap_s


def bout_events(
    events: list[Event], segments: list[Segment], bouts: list[BoutSpan]
) -> list[list[Event]]:
    """Each bout's events: those whose nearest walking segment is one of the bout's (see
    :func:`~vision.gait.walk_bounds.nearest_walks`), in time order."""
    owner = {i: k for k, b in enumerate(bouts) for i in b.segments}
    index = {id(g): i for i, g in enumerate(segments)}
    out: list[list[Event]] = [[] for _ in bouts]
    for e, g in zip(events, nearest_walks(events, segments), strict=True):
        k = owner.get(index[id(g)]) if g is not None else None
        if k is not None:
            out[k].append(e)
    return out


def summarise_bouts(
    bouts: list[BoutSpan],
    events: list[list[Event]],
    feet: np.ndarray,
    t_s: np.ndarray,
    scale: ScaleModel,
    walk_axis_px: np.ndarray,
    options: StepOptions | None = None,
    limit: Callable[[StepSummary], StepSummary] | None = None,
) -> list[Bout]:
    """One :class:`~vision.result.Bout` per bout from its own ``events`` (see
    :func:`bout_events`); ``feet``, ``t_s``, ``scale``, ``walk_axis_px`` and ``options`` as for
    :func:`~vision.gait.steps.analyze_steps`. ``limit`` withholds what the view
    cannot measure (a new summary), as for the whole walk."""
    out = []
    for span, own in zip(bouts, events, strict=True):
        steps = analyze_steps(
            own,
            feet,
            t_s,
            scale,
            walk_axis_px,
            options or StepOptions(),
            bouts_s=(span.rest_s,),
        )
        if limit is not None:
            steps = limit(steps)
        metric = steps.metric
        out.append(
            Bout(
                start_s=round(span.start_s, 4),
                end_s=round(span.end_s, 4),
                direction=span.direction,
                step_count=len(steps.steps),
                cadence_spm=_r(steps.cadence_spm),
                speed_mps=_r(steps.speed) if metric else None,
                step_length_m=_r(steps.step_length_mean) if metric else None,
            )
        )
    return out


def _r(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), 4)
