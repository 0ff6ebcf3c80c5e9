"""Coaching cues for live sessions: which cue applies now, and when one may be spoken.

The cue texts, codes and form limits are those of :mod:`vision.assess.cues` (the report and the
live coach say the same thing); :func:`vision.assess.live_coach.live_form_cues` decides which form
limits a live window crosses. This module adds what only live coaching needs: :func:`form_cues`
turns a few seconds of live measurements (:class:`FormWindow`) into candidate cues (including
"you are walking forwards", "take smaller steps" and praise), and :class:`CueScheduler` speaks at
most one every ``min_interval_s``, the most important first, never repeats a cue within
``repeat_interval_s``, and lets safety alerts through at once. The thresholds are design choices
(no published norms exist for backward-walking form; see the domain notes) and every cue carries
the measurement behind it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vision.assess.cues import cue
from vision.assess.live_coach import FormMetrics, live_form_cues
from vision.result import Feedback

# Lower is more important. Safety alerts and warnings outrank everything and skip the rate limit.
PRIORITY: dict[str, int] = {"alert": 0, "warning": 1, "advice": 2, "info": 3}
# Praise comes last, after any information, and on its own, slower clock.
PRAISE_CODES = frozenset({"good_form"})
PRAISE_PRIORITY = 4


@dataclass(frozen=True)
class CueOptions:
    """Rate limits and the live-only form thresholds (design choices); the other form limits
    are :data:`vision.assess.cues.FORM_LIMITS`.

    Attributes:
        min_interval_s: least time between two spoken cues, seconds.
        repeat_interval_s: least time before the same cue is given again, seconds.
        praise_interval_s: least time between two praises, seconds.
        step_length_max_bh: steps longer than this (body heights) get "take smaller steps" (a
            beginner's backward step is about a third of body height or less).
        min_steps_for_form: step cues wait until this many steps are in the window.
        arm_swing_after_s: arm swing is judged after this long walking, seconds.
    """

    min_interval_s: float = 4.0
    repeat_interval_s: float = 15.0
    praise_interval_s: float = 20.0
    step_length_max_bh: float = 0.45
    min_steps_for_form: int = 3
    arm_swing_after_s: float = 3.0


@dataclass(frozen=True)
class LiveCue:
    """A cue for the person: ``message`` is meant to be shown and spoken."""

    code: str
    severity: str  # alert | warning | advice | info
    message: str
    t_s: float
    evidence: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_feedback(cls, feedback: Feedback, t_s: float) -> LiveCue:
        return cls(feedback.code, feedback.severity, feedback.message, t_s, dict(feedback.evidence))

    @property
    def praise(self) -> bool:
        return self.code in PRAISE_CODES

    @property
    def priority(self) -> int:
        return PRAISE_PRIORITY if self.praise else PRIORITY.get(self.severity, 9)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "t_s": round(self.t_s, 3),
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class FormWindow:
    """The last few seconds of a live session, as :func:`form_cues` needs them.

    Attributes:
        t_s: now, seconds.
        direction: current walking direction (backward | forward | standing | turning | None).
        trunk_flexion_deg: mean forward trunk lean over the window, degrees (NaN: unknown).
        trunk_flexion_max_deg: largest lean (98th percentile of its size), degrees (NaN: unknown).
        head_pitch_deg: mean head pitch, degrees, positive looking down (NaN: unknown).
        step_times_s: durations between consecutive contacts in the window, seconds.
        step_lengths_bh: distance between the feet at each contact in the window, body heights.
        arm_swing_deg: arm swing (5th to 95th percentile of the shoulder -> wrist angle, mean of
            both arms), degrees (NaN: unknown).
        looking_back_fraction: fraction 0-1 of the window spent looking back over the shoulder
            (NaN: unknown).
        window_s: length of the window the posture measures cover, seconds.
        walking_s: how long the person has been walking without a pause, seconds.
    """

    t_s: float
    direction: str | None
    trunk_flexion_deg: float = math.nan
    trunk_flexion_max_deg: float = math.nan
    head_pitch_deg: float = math.nan
    step_times_s: tuple[float, ...] = ()
    step_lengths_bh: tuple[float, ...] = ()
    arm_swing_deg: float = math.nan
    looking_back_fraction: float = math.nan
    window_s: float = 0.0
    walking_s: float = 0.0


def stride_times_s(step_times_s: tuple[float, ...] | np.ndarray) -> np.ndarray:
    """Stride times (contact to the same foot's next contact), seconds, from consecutive step
    times: feet alternate, so a stride is two steps. Needs no left/right labels."""
    steps = np.asarray(step_times_s, dtype=np.float64)
    return steps[:-1] + steps[1:] if steps.size >= 2 else np.empty(0)


def form_cues(w: FormWindow, options: CueOptions | None = None) -> list[LiveCue]:
    """Candidate cues for this moment, most important first (may be empty)."""
    o = options or CueOptions()
    cues: list[LiveCue] = []
    if w.direction == "forward" and w.walking_s >= 2.0:
        cues.append(LiveCue.from_feedback(cue("walking_forward", {"direction": "forward"}), w.t_s))
    if w.direction != "backward":
        return cues
    n_steps = len(w.step_lengths_bh)
    strides = stride_times_s(w.step_times_s)
    swing_ok = w.walking_s >= o.arm_swing_after_s
    metrics = FormMetrics(
        trunk_flexion_deg=_known(w.trunk_flexion_deg),
        trunk_flexion_max_deg=_known(w.trunk_flexion_max_deg),
        head_pitch_deg=_known(w.head_pitch_deg),
        stride_time_sd_ms=1000.0 * float(strides.std(ddof=1)) if strides.size >= 2 else None,
        strides=int(strides.size),
        arm_swing_deg=_known(w.arm_swing_deg) if swing_ok else None,
        looking_back_fraction=_known(w.looking_back_fraction),
        window_s=w.window_s,
    )
    cues += [LiveCue.from_feedback(f, w.t_s) for f in live_form_cues(metrics)]
    if n_steps >= o.min_steps_for_form:
        mean_len = float(np.mean(w.step_lengths_bh))
        if mean_len > o.step_length_max_bh:
            evidence = {
                "step_length_bh": round(mean_len, 3),
                "limit": o.step_length_max_bh,
                "unit": "body heights",
                "design_choice": True,
                "steps": n_steps,
            }
            cues.append(
                LiveCue.from_feedback(
                    cue("long_steps", evidence, step_length_bh=mean_len, where=" just now"),
                    w.t_s,
                )
            )
    if not cues and n_steps >= o.min_steps_for_form and w.walking_s >= 2.0:
        praise = cue(
            "good_form", {"steps_in_window": n_steps}, summary="Good form, tall and steady"
        )
        cues.append(LiveCue.from_feedback(praise, w.t_s))
    return sorted(cues, key=lambda c: c.priority)


def _known(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


class CueScheduler:
    """Chooses which candidate cue, if any, to speak now (rate-limited, most important first)."""

    def __init__(self, options: CueOptions | None = None):
        self.options = options or CueOptions()
        self._last_spoken_t_s = -math.inf
        self._last_by_code: dict[str, float] = {}

    def may_speak(self, t_s: float) -> bool:
        """Whether a cue other than a safety alert or warning could be spoken at ``t_s``."""
        return t_s - self._last_spoken_t_s >= self.options.min_interval_s

    def choose(self, t_s: float, candidates: list[LiveCue]) -> LiveCue | None:
        """The cue to speak at ``t_s`` among ``candidates``, or None (and remember it)."""
        o = self.options
        for c in sorted(candidates, key=lambda c: c.priority):
            urgent = c.priority <= PRIORITY["warning"]  # safety first: never held back
            if not urgent and not self.may_speak(t_s):
                return None  # nothing else may interrupt; lower priorities wait too
            repeat_s = o.praise_interval_s if c.praise else o.repeat_interval_s
            if t_s - self._last_by_code.get(c.code, -math.inf) < repeat_s:
                continue
            self._last_spoken_t_s = t_s
            self._last_by_code[c.code] = t_s
            return c
        return None
