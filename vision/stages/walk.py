"""Stages 2-4 and 6: the walk's direction and segments, the feet's events, the walk's ends
settled by them, and which events belong to the walk's main direction."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from vision.findings import Finding, finding
from vision.gait.body import foot_points, mid_hip
from vision.gait.direction import DirectionAnalysis, analyze_direction
from vision.gait.direction_labels import MOVING, WALKS
from vision.gait.events import (
    EventOptions,
    airborne_lifts,
    alternation_breaks,
    default_detector,
    detect_events,
    detector_that_runs,
)
from vision.gait.first_movement import body_points
from vision.gait.foot_tracks import FootTracks, foot_tracks
from vision.gait.plausible import EventChecks, plausible_events
from vision.gait.quality import check_findings
from vision.gait.turns import turns_between_walks
from vision.gait.walk_bounds import nearest_walks, settle_walk_ends
from vision.result import Event, Segment
from vision.stages.options import AnalysisOptions
from vision.stages.prepare import Prepared, still_foot_motion


@dataclass(frozen=True)
class FootEvents:
    """Stage 3, the feet's contacts and lifts.

    Attributes:
        tracks: the feet's points and where they rest.
        detector: the event detector that ran (after any fallback).
        events: contacts and lifts that passed the plausibility checks.
        checks: what those checks changed.
        body: the pelvis and foot points the walk's start and the 3 m test read
            (:func:`~vision.gait.first_movement.body_points`).
        depth_unreliable: seen from the front or back with the facing unsure, the feet's depth
            that times the steps is not theirs: no events are given.
        findings: the checks', then contacts that do not alternate and lifts in the air.
    """

    tracks: FootTracks
    detector: str
    events: list[Event]
    checks: EventChecks
    body: tuple[np.ndarray, np.ndarray]
    depth_unreliable: bool
    findings: tuple[Finding, ...]

    @property
    def by_motion(self) -> bool:
        """The events were timed from the picture's change around the feet."""
        return self.detector == "foot_motion"


@dataclass(frozen=True)
class MainWalk:
    """Stage 6, the walk the metrics describe: its main direction only (a clip that walks
    forward to the start and then backward would otherwise mix the two).

    Attributes:
        direction: the main walking direction (None or not a walk: everything belongs).
        events: the events in it.
        others: contacts outside it.
        rows: (T,) frames of it.
        walks: its segments (any walking or turning where there is no main direction).
        walk_axis: (2,) the picture's axis the walk runs along.
        findings: the steps left out.
    """

    direction: str | None
    events: list[Event]
    others: list[Event]
    rows: np.ndarray
    walks: list[Segment]
    walk_axis: np.ndarray
    findings: tuple[Finding, ...]


def frontal(direction: DirectionAnalysis) -> bool:
    """Seen from the front or back."""
    return direction.view in ("front", "back")


def find_direction(prep: Prepared, opts: AnalysisOptions) -> DirectionAnalysis:
    """Stage 2, the view, facing, travel and segments as the pelvis reads them."""
    seq = prep.seq
    return analyze_direction(
        prep.events_seq.image, prep.t_s, opts.direction, (seq.width, seq.height)
    )


def find_events(prep: Prepared, direction: DirectionAnalysis, opts: AnalysisOptions) -> FootEvents:
    """Stage 3 (see :class:`FootEvents`)."""
    image, base, t = prep.events_seq.image, prep.base, prep.t_s
    front = frontal(direction)
    tracks = foot_tracks(
        image,
        base.visibility,
        t,
        base.frame_index,
        prep.picture,
        direction.travel,
        np.isin(direction.label, MOVING),
        direction.body_height_px,
        frontal=front,
        raw_image=base.image,
        motion=still_foot_motion(prep, front),
    )
    detector = detector_that_runs(opts.event_detector or default_detector(front), tracks)
    ev_opts = replace(opts.events or EventOptions(), detector=detector)
    # From the front or back, steps are timed by the feet's depth from the pose model. When the
    # model reads the subject's front and back in turn (the facing unsure), that depth is not
    # the feet's, and the steps would be guesses: none are given.
    depth_unreliable = front and not direction.facing_sure
    events, checks = plausible_events(
        [] if depth_unreliable else detect_events(tracks, ev_opts),
        foot_points(base.xy),
        t,
        direction.travel,
        prep.picture,
        direction.body_height_px,
        front,
        ev_opts.plausibility,
    )
    found = check_findings(checks, ev_opts.plausibility)
    if breaks := alternation_breaks(events):
        found.append(finding("events.alternation_breaks", n=breaks))
    airborne = airborne_lifts(events)
    if airborne and not front:  # front/back: double support is withheld (vision.capabilities)
        found.append(finding("events.airborne_lifts", n=airborne))
    body = body_points(tracks.feet, mid_hip(prep.events_seq.xy), direction.body_height_px)
    return FootEvents(tracks, detector, events, checks, body, depth_unreliable, tuple(found))


def settle_walk(
    direction: DirectionAnalysis, feet: FootEvents, t_s: np.ndarray, opts: AnalysisOptions
) -> DirectionAnalysis:
    """Stage 4, the walks' ends settled by the events and the turns between walks found: a new
    analysis. The walk starts at the reading that starts the 3 m test's clock (one
    MovementOptions)."""
    settled = settle_walk_ends(
        direction,
        feet.events,
        t_s,
        max_trim_s=opts.direction.standing_window_s,
        min_standing_s=opts.direction.min_standing_s,
        body=feet.body,
        movement=opts.protocol_options.movement,
    )
    return turns_between_walks(settled, t_s, opts.direction)


def facing_findings(direction: DirectionAnalysis) -> tuple[Finding, ...]:
    """A facing the pose itself disagrees with, said."""
    if direction.facing_sure:
        return ()
    agreement = 100 * direction.facing_agreement
    return (finding("facing.unsure", view=direction.view, agreement_pct=agreement),)


def split_main_walk(events: list[Event], direction: DirectionAnalysis) -> MainWalk:
    """Stage 6 (see :class:`MainWalk`)."""
    main = direction.walk_direction
    in_main = _in_direction(events, direction.segments, main)
    pairs = list(zip(events, in_main, strict=True))
    others = [e for e, keep in pairs if not keep and e.type == "contact"]
    found = []
    if others and main in WALKS:
        other = "forward" if main == "backward" else "backward"
        found.append(finding("walk.other_direction_steps", main=main, other=other, n=len(others)))
    # The labels as settled by the steps (the foot tracks read the pelvis's own labels).
    rows = direction.label == main if main in WALKS else np.isin(direction.label, MOVING)
    walks = [g for g in direction.segments if main in WALKS and g.direction == main] or [
        g for g in direction.segments if g.direction in MOVING
    ]
    return MainWalk(
        direction=main,
        events=[e for e, keep in pairs if keep],
        others=others,
        rows=rows,
        walks=walks,
        walk_axis=np.array([0.0, 1.0]) if frontal(direction) else np.array([1.0, 0.0]),
        findings=tuple(found),
    )


def _in_direction(
    events: list[Event], segments: list[Segment], direction: str | None
) -> list[bool]:
    """Which events belong to walking in ``direction``: each goes with its nearest walking
    segment (:func:`~vision.gait.walk_bounds.nearest_walks`). Everything belongs when there is
    no segment of that direction."""
    if direction not in MOVING or not any(g.direction == direction for g in segments):
        return [True] * len(events)
    return [g is not None and g.direction == direction for g in nearest_walks(events, segments)]
