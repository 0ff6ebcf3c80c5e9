"""What :class:`~vision.live.analyzer.LiveAnalyzer` returns per frame: live metrics and the
update, with their JSON form for the live protocol (x, y as fractions of the frame; units in the
names)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from vision.live.cues import LiveCue
from vision.live.gait import FootEvent, SetupCheck
from vision.live.safety import SafetyAlert

State = Literal["setup", "coaching", "paused"]


@dataclass
class LiveMetrics:
    """Live measures since :meth:`LiveAnalyzer.start` (None where not measurable yet)."""

    step_count: int = 0
    cadence_spm: float | None = None
    walk_direction: str | None = None
    speed_bh_s: float | None = None
    trunk_flexion_deg: float | None = None
    walking_s: float = 0.0
    elapsed_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        def r(v: float | None, nd: int = 1) -> float | None:
            return None if v is None or not math.isfinite(v) else round(v, nd)

        return {
            "step_count": self.step_count,
            "cadence_spm": r(self.cadence_spm),
            "walk_direction": self.walk_direction,
            "speed_bh_s": r(self.speed_bh_s, 3),
            "trunk_flexion_deg": r(self.trunk_flexion_deg),
            "walking_s": r(self.walking_s),
            "elapsed_s": r(self.elapsed_s, 2),
        }


@dataclass
class LiveUpdate:
    """What one processed frame gives back.

    Attributes:
        t_s: the frame's stream time, seconds.
        state: setup (before start), coaching, or paused (after a safety alert).
        landmarks: (33, 3) filtered x_px, y_px, visibility of the subject, None if not seen.
        setup: the set-up check of this frame.
        metrics: live metrics.
        events: foot events confirmed at this frame (while coaching).
        cue: the cue to show and speak now, if any.
        alert: a safety alert raised at this frame, if any.
    """

    t_s: float
    state: State
    landmarks: np.ndarray | None
    setup: SetupCheck
    metrics: LiveMetrics
    events: list[FootEvent] = field(default_factory=list)
    cue: LiveCue | None = None
    alert: SafetyAlert | None = None

    def to_dict(self, width: int, height: int) -> dict[str, Any]:
        """JSON-ready; landmarks as [x, y, visibility] with x, y as fractions of the frame."""
        pts = None
        if self.landmarks is not None:
            norm = self.landmarks / np.array([width, height, 1.0])
            pts = np.round(norm, 4).tolist()
        s = self.setup
        return {
            "t_s": round(self.t_s, 3),
            "state": self.state,
            "landmarks": pts,
            "setup": {
                "ok": s.ok,
                "person": s.person,
                "whole_body": s.whole_body,
                "side_on": s.side_on,
                "messages": s.messages,
            },
            "metrics": self.metrics.to_dict(),
            "events": [
                {
                    "foot": e.foot,
                    "type": e.type,
                    "t_s": round(e.t_s, 3),
                    "delay_s": round(e.reported_t_s - e.t_s, 3),
                }
                for e in self.events
            ],
            "cue": self.cue.to_dict() if self.cue else None,
            "alert": None
            if self.alert is None
            else {
                "kind": self.alert.kind,
                "code": self.alert.code,
                "severity": self.alert.severity,
                "message": self.alert.message,
                "t_s": round(self.alert.t_s, 3),
                "evidence": {k: round(float(v), 3) for k, v in self.alert.evidence.items()},
            },
        }
