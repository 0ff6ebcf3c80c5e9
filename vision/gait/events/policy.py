"""Which detector gives way to which, and when: the one place the fallbacks are decided.

Some detectors read something a clip may lack: ``foot_motion`` the picture's change around the
feet (measured only while a video is decoded, and lost where the camera moves), ``separation``
the pose model's depth of the feet. Where that was not measured the detector cannot time a
step, and the next one in its chain runs instead:

    foot_motion -> separation -> pelvis_relative

Detectors themselves never call each other; :func:`detector_that_runs` follows the chain and the
result names the detector that ran.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from vision.gait.foot_tracks import FootTracks


def motion_measured(tracks: FootTracks) -> bool:
    """Whether the picture's change around the feet was measured on most frames (not for
    landmarks without their video, nor where the camera moved on most frames)."""
    return tracks.motion is not None and np.isfinite(tracks.motion).all(axis=1).mean() >= 0.5


def depth_measured(tracks: FootTracks) -> bool:
    """Whether the pose model gave the feet's depth on any frame."""
    return tracks.depth is not None and bool(np.isfinite(tracks.depth).any())


@dataclass(frozen=True)
class Fallback:
    """Attributes:
    to: the detector that runs instead.
    measured: whether the tracks hold what the detector reads; where not, ``to`` runs.
    """

    to: str
    measured: Callable[[FootTracks], bool]


FALLBACKS: dict[str, Fallback] = {
    "foot_motion": Fallback(to="separation", measured=motion_measured),
    "separation": Fallback(to="pelvis_relative", measured=depth_measured),
}


def detector_that_runs(name: str, tracks: FootTracks) -> str:
    """The detector that runs for the one named: ``name`` itself, or where the tracks lack what
    it reads, the first in its fallback chain that has what it needs."""
    while (fallback := FALLBACKS.get(name)) is not None and not fallback.measured(tracks):
        name = fallback.to
    return name
