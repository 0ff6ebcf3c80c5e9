"""Stumble and fall watch for live coaching: a sudden drop of the hips, or the person lost.

The domain rule: when live coaching sees a stumble or a fall it stops giving form cues and says
so. :class:`SafetyMonitor` watches, frame by frame,

* the hips dropping fast (``stumble``: ``drop_bh`` of body height within ``drop_window_s``),
* the hips ending low over the feet (``fall``: hip height above the feet under ``fall_ratio`` of
  the person's usual standing hip height), and
* the person vanishing while walking: ``lost`` in the middle of the picture (alert: they may have
  gone down behind something), ``left_view`` at its edge (warning: they walked out).

All thresholds are design choices (no published live-video fall detector for backward walking).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Literal

import numpy as np

from vision.assess.cues import cue
from vision.result import Feedback

AlertKind = Literal["stumble", "fall", "lost", "left_view"]


@dataclass(frozen=True)
class SafetyOptions:
    """Thresholds of :class:`SafetyMonitor` (design choices).

    Attributes:
        drop_bh: hip drop, in body heights, that counts as a stumble (walking bobs ~0.02).
        drop_window_s: ... when it happens within this many seconds.
        fall_ratio: hip height over the feet, as a fraction of standing hip height, below which
            the person is down.
        lost_after_s: the person unseen this long while (recently) walking is an alert.
        walking_memory_s: "recently walking" means moving within this many seconds.
        edge_frac: a person last seen within this fraction of the frame width from the left or
            right edge walked out of view rather than vanished.
        baseline_s: standing hip height is the 90th percentile over this many seconds.
        settle_s: drops are not judged until the person has been in view this long (the first
            detections after someone appears can be far off).
    """

    drop_bh: float = 0.05
    drop_window_s: float = 0.4
    fall_ratio: float = 0.55
    lost_after_s: float = 0.7
    walking_memory_s: float = 2.0
    edge_frac: float = 0.06
    baseline_s: float = 5.0
    settle_s: float = 0.5


# The cue (vision.assess.cues.CUES) that tells the person about each kind of alert.
ALERT_CUES: dict[str, str] = {
    "stumble": "stumble_stop",
    "fall": "fall_stop",
    "lost": "person_lost",
    "left_view": "left_view",
}


@dataclass(frozen=True)
class SafetyAlert:
    """A safety event: what, when, and the measurement that raised it."""

    kind: AlertKind
    t_s: float
    evidence: dict[str, float]

    @property
    def code(self) -> str:
        """Code of the cue spoken for this alert."""
        return ALERT_CUES[self.kind]

    @property
    def feedback(self) -> Feedback:
        """The alert as the shared cue table words it (see :func:`vision.assess.cues.cue`)."""
        return cue(self.code, self.evidence)

    @property
    def severity(self) -> str:
        return self.feedback.severity

    @property
    def message(self) -> str:
        return self.feedback.message


class SafetyMonitor:
    """Watches hip height and presence, frame by frame; see the module docstring."""

    def __init__(self, options: SafetyOptions | None = None):
        self.options = options or SafetyOptions()
        self._hips: deque[tuple[float, float]] = deque()  # (t_s, hip y px)
        self._heights: deque[tuple[float, float]] = deque()  # (t_s, hip height over feet, bh)
        self._last_seen_t_s: float | None = None
        self._seen_since_t_s: float | None = None
        self._last_seen_x_frac = 0.5
        self._last_moving_t_s = -math.inf

    def update(
        self,
        t_s: float,
        *,
        hip_y_px: float | None,
        feet_y_px: float | None,
        hip_x_frac: float | None,
        body_height_px: float | None,
        walking: bool,
    ) -> SafetyAlert | None:
        """Feed one frame; returns an alert when one starts at this frame.

        Args:
            t_s: frame time, seconds.
            hip_y_px: mid-hip y (pixels, down), None when the person is not seen.
            feet_y_px: lowest foot point y (pixels, the floor under the person), None if unseen.
            hip_x_frac: mid-hip x as a fraction 0-1 of the frame width.
            body_height_px: the person's usual apparent height, pixels.
            walking: the person is moving (travel speed above the standing threshold).
        """
        o = self.options
        if walking:
            self._last_moving_t_s = t_s
        if hip_y_px is None or body_height_px is None or body_height_px <= 0:
            self._seen_since_t_s = None
            if self._last_seen_t_s is None or t_s - self._last_seen_t_s < o.lost_after_s:
                return None
            was_walking = self._last_seen_t_s - self._last_moving_t_s <= o.walking_memory_s
            last_x = self._last_seen_x_frac
            self._last_seen_t_s = None  # one alert per disappearance
            self._hips.clear()
            if not was_walking:
                return None
            at_edge = last_x < o.edge_frac or last_x > 1 - o.edge_frac
            kind: AlertKind = "left_view" if at_edge else "lost"
            return SafetyAlert(kind, t_s, {"last_seen_x_frac": last_x})
        self._last_seen_t_s = t_s
        if self._seen_since_t_s is None:
            self._seen_since_t_s = t_s
        if hip_x_frac is not None:
            self._last_seen_x_frac = hip_x_frac
        self._hips.append((t_s, hip_y_px))
        while self._hips and t_s - self._hips[0][0] > o.drop_window_s:
            self._hips.popleft()
        ratio = math.nan
        if feet_y_px is not None and np.isfinite(feet_y_px):
            height_bh = (feet_y_px - hip_y_px) / body_height_px
            baseline = self._baseline(t_s)
            if np.isfinite(baseline) and baseline > 0:
                ratio = height_bh / baseline
            self._heights.append((t_s, height_bh))
            while self._heights and t_s - self._heights[0][0] > o.baseline_s:
                self._heights.popleft()
        if t_s - self._seen_since_t_s < o.settle_s:
            self._hips.clear()
            return None
        # Pixels first, then one division: body height jitters from frame to frame.
        drop_bh = (hip_y_px - min(y for _, y in self._hips)) / body_height_px
        if np.isfinite(ratio) and ratio < o.fall_ratio and drop_bh > 0.5 * o.drop_bh:
            self._hips.clear()
            return SafetyAlert("fall", t_s, {"hip_height_ratio": ratio, "hip_drop_bh": drop_bh})
        if drop_bh >= o.drop_bh:
            self._hips.clear()  # one alert per drop
            evidence = {"hip_drop_bh": drop_bh, "window_s": o.drop_window_s}
            if np.isfinite(ratio):
                evidence["hip_height_ratio"] = ratio
            return SafetyAlert("stumble", t_s, evidence)
        return None

    def _baseline(self, t_s: float) -> float:
        """Usual standing hip height over the feet, body heights (NaN until 1 s is seen)."""
        if not self._heights or t_s - self._heights[0][0] < 1.0:
            return math.nan
        return float(np.percentile([h for _, h in self._heights], 90))
