"""The settings of every event detector, and the shape of a detector function."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from vision.gait.events.foot_motion import MotionOptions
from vision.gait.events.footprints import FootprintOptions
from vision.gait.events.leapfrog_swings import LeapfrogOptions
from vision.gait.events.separation import FrontalOptions
from vision.gait.foot_tracks import FootTracks
from vision.gait.plausible import PlausibilityOptions
from vision.result import Event


@dataclass(frozen=True)
class EventOptions:
    """Event detector settings.

    Attributes:
        detector: name in :data:`~vision.gait.events.registry.REGISTRY`.
        still_fraction: a foot point is still below this fraction of the typical swing speed
            (95th percentile of foot speed while walking).
        min_still_bh_s: ... but never below this speed (body heights per second), the noise floor.
        min_stance_s: still runs shorter than this are not stances (a foot slowing mid-air).
        min_swing_s: moving runs shorter than this inside a stance are noise.
        min_step_s: pelvis_relative: extrema of one foot closer than this are one event.
        prominence_bh: pelvis_relative: least prominence of an extremum (body heights).
        footprint_radius_bh: stationarity: a stance is extended over frames where the heel or
            toe is within this distance (body heights) of its resting place; None: off.
        footprints: settings of the ``footprints`` detector.
        leapfrog: settings of the ``leapfrog`` detector.
        frontal: settings of the ``separation`` detector.
        motion: settings of the ``foot_motion`` detector.
        plausibility: what walking allows of any detector's events (see
            :mod:`vision.gait.plausible`).
    """

    detector: str = "leapfrog"
    still_fraction: float = 0.3
    min_still_bh_s: float = 0.05
    min_stance_s: float = 0.1
    min_swing_s: float = 0.12
    min_step_s: float = 0.35
    prominence_bh: float = 0.04
    footprint_radius_bh: float | None = 0.01
    footprints: FootprintOptions = field(default_factory=FootprintOptions)
    leapfrog: LeapfrogOptions = field(default_factory=LeapfrogOptions)
    frontal: FrontalOptions = field(default_factory=FrontalOptions)
    motion: MotionOptions = field(default_factory=MotionOptions)
    plausibility: PlausibilityOptions = field(default_factory=PlausibilityOptions)


Detector = Callable[[FootTracks, EventOptions], list[Event]]
