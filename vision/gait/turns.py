"""Turns: what lies between two walks that face opposite ways.

A person who walks across, turns round and walks back faces the other way after the turn. The
facing's reversal alone marks the turn only where the pelvis keeps moving; a turn on the spot
reads as standing, a few steps on the spot or the stepping back of a turn near a wall as short
walks. Between two walks facing opposite ways, all of that is one turning segment.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from vision.gait.direction import DirectionAnalysis, DirectionOptions
from vision.gait.direction_labels import WALKS
from vision.result import Segment


def turns_between_walks(
    direction: DirectionAnalysis, t_s: np.ndarray, options: DirectionOptions | None = None
) -> DirectionAnalysis:
    """``direction`` with what lies between two walks facing opposite ways made one turning
    segment (the standing, steps on the spot and short walks of a turn, which the facing's
    reversal alone marks only where the pelvis moves): each walk at least
    ``options.min_turn_walk_s`` long, at most ``options.max_turn_s`` apart. Meant for walks
    whose ends the steps have settled (:func:`~vision.gait.walk_bounds.settle_walk_ends`), so
    that a walk's closing step stays in it."""
    options = options or DirectionOptions()
    segs, label = list(direction.segments), direction.label.copy()
    walks = [
        i
        for i, g in enumerate(segs)
        if g.direction in WALKS and g.end_s - g.start_s >= options.min_turn_walk_s
    ]
    for i, j in reversed(list(zip(walks, walks[1:], strict=False))):
        before, after = segs[i], segs[j]
        if j == i + 1 or after.start_s - before.end_s > options.max_turn_s:
            continue
        if (
            segment_facing(direction.facing, t_s, before)
            * segment_facing(direction.facing, t_s, after)
            < 0
        ):
            between = segs[i + 1 : j]
            rows = (t_s >= between[0].start_s - 1e-9) & (t_s <= between[-1].end_s + 1e-9)
            label[rows & (label != "")] = "turning"
            longest = max(between, key=lambda g: g.end_s - g.start_s)
            turn = replace(between[0], end_s=between[-1].end_s, direction="turning")
            segs[i + 1 : j] = [replace(turn, view=longest.view)]
    return replace(direction, label=label, segments=segs)


def segment_facing(facing: np.ndarray, t_s: np.ndarray, segment: Segment) -> int:
    """The sign most frames of ``segment`` face, from ``facing`` (T,) at times ``t_s`` (T,) s;
    0 when none is told."""
    rows = (t_s >= segment.start_s - 1e-9) & (t_s <= segment.end_s + 1e-9)
    return int(np.sign(np.sum(np.sign(facing[rows]))))
