"""The detectors by name, the default for each camera view, and running the one named.

The defaults are the detectors ``bench/accuracy.py`` measures best for the view; it prints the
comparison of every registered detector.
"""

from __future__ import annotations

from vision.gait.events.foot_motion import detect_foot_motion
from vision.gait.events.footprints import detect_footprints
from vision.gait.events.leapfrog import detect_leapfrog
from vision.gait.events.options import Detector, EventOptions
from vision.gait.events.pelvis_relative import detect_pelvis_relative
from vision.gait.events.policy import detector_that_runs
from vision.gait.events.separation import detect_separation
from vision.gait.events.stationarity import detect_stationarity
from vision.gait.foot_tracks import FootTracks
from vision.result import Event

REGISTRY: dict[str, Detector] = {
    "leapfrog": detect_leapfrog,
    "foot_motion": detect_foot_motion,
    "separation": detect_separation,
    "footprints": detect_footprints,
    "stationarity": detect_stationarity,
    "pelvis_relative": detect_pelvis_relative,
}
DEFAULT_DETECTOR = "leapfrog"
# From the front or back the pose model's depth of the feet is late and noisy; the picture's own
# change around each foot tells which foot swings and when it comes to rest.
DEFAULT_FRONTAL_DETECTOR = "foot_motion"


def default_detector(frontal: bool) -> str:
    """The detector chosen by ``bench/accuracy.py`` for the camera view."""
    return DEFAULT_FRONTAL_DETECTOR if frontal else DEFAULT_DETECTOR


def detector_names() -> list[str]:
    """The registered detectors, sorted by name."""
    return sorted(REGISTRY)


def check_detector(name: str) -> None:
    """Raises:
    ValueError: ``name`` is not a registered detector (the message lists the known ones).
    """
    if name not in REGISTRY:
        known = ", ".join(detector_names())
        raise ValueError(f"unknown event detector {name!r}; known: {known}")


def detect_events(tracks: FootTracks, options: EventOptions | None = None) -> list[Event]:
    """Run the detector named in ``options`` (or its fallback, see
    :mod:`vision.gait.events.policy`) and return events sorted by time.

    Raises:
        ValueError: unknown detector name.
    """
    if options is None:
        options = EventOptions()
    check_detector(options.detector)
    return REGISTRY[detector_that_runs(options.detector, tracks)](tracks, options)
