"""Foot contact and lift events, for backward (toe-first) and forward (heel-first) gait.

A detector is a plain function ``detector(tracks, options) -> list[Event]``, one module each,
registered under its name in :mod:`~vision.gait.events.registry`:

* ``leapfrog`` (:mod:`~vision.gait.events.leapfrog`): the foremost and hindmost foot along the
  travel direction, blind to the pose model's left/right labels. The default for side and
  oblique views.
* ``foot_motion`` (:mod:`~vision.gait.events.foot_motion`): each foot's swing is a run of the
  picture changing around it. The default for front and back views.
* ``separation`` (:mod:`~vision.gait.events.separation`): the moves of the left-minus-right
  difference of the feet's depth, front and back views.
* ``footprints`` (:mod:`~vision.gait.events.footprints`): where a heel and toe stay put on the
  floor, blind to the labels.
* ``stationarity`` (:mod:`~vision.gait.events.stationarity`): a foot rests while its stillest
  point does not move in the image.
* ``pelvis_relative`` (:mod:`~vision.gait.events.pelvis_relative`): extrema of the feet relative
  to the pelvis along the travel direction; works with a moving camera.

Every detector can be chosen by name (``retrogait analyze --detector``); the defaults are the
ones ``bench/accuracy.py`` measures best for each view, and it prints the comparison. Where a
clip lacks what a detector reads, :mod:`~vision.gait.events.policy` decides which runs instead.
"""

from vision.gait.events.checks import airborne_lifts, alternation_breaks
from vision.gait.events.options import Detector, EventOptions
from vision.gait.events.policy import detector_that_runs
from vision.gait.events.registry import (
    DEFAULT_DETECTOR,
    DEFAULT_FRONTAL_DETECTOR,
    REGISTRY,
    check_detector,
    default_detector,
    detect_events,
    detector_names,
)

__all__ = [
    "DEFAULT_DETECTOR",
    "DEFAULT_FRONTAL_DETECTOR",
    "REGISTRY",
    "Detector",
    "EventOptions",
    "airborne_lifts",
    "alternation_breaks",
    "check_detector",
    "default_detector",
    "detect_events",
    "detector_names",
    "detector_that_runs",
]
