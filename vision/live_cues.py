"""Coaching cues for live sessions: which cue applies now, and when one may be spoken.

:func:`form_cues` turns a few seconds of live measurements (:class:`FormWindow`) into candidate
cues; :class:`CueScheduler` speaks at most one every ``min_interval_s``, the most important first,
never repeats a cue within ``repeat_interval_s``, and lets safety alerts through at once. The
thresholds are design choices (no published norms exist for backward-walking form; see the domain
notes) and every cue carries the measurement behind it.

Cue wording follows what trainers tell beginners: stand tall, small steps at first, keep a steady
rhythm, let the arms swing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Lower is more important. Safety alerts and warnings outrank everything and skip the rate limit.
PRIORITY: dict[str, int] = {"alert": 0, "warning": 1, "advice": 2, "info": 3, "praise": 4}


@dataclass(frozen=True)
class CueOptions:
    """Rate limits and form thresholds (design choices).

    Attributes:
        min_interval_s: least time between two spoken cues, seconds.
        repeat_interval_s: least time before the same cue is given again, seconds.
        praise_interval_s: least time between two praises, seconds.
        trunk_flexion_max_deg: forward trunk lean above this (mean over the window) gets
            "stand tall", degrees.
        step_length_max_bh: steps longer than this (body heights) get "small steps" (a beginner's
            backward step is about a third of body height or less).
        rhythm_cv_max_pct: step-time coefficient of variation above this gets "steady rhythm", %.
        arm_swing_min_bh: wrist travel relative to the shoulders below this (body heights) gets
            "let the arms swing".
        min_steps_for_form: form cues wait until this many steps are in the window.
    """

    min_interval_s: float = 4.0
    repeat_interval_s: float = 15.0
    praise_interval_s: float = 20.0
    trunk_flexion_max_deg: float = 20.0
    step_length_max_bh: float = 0.45
    rhythm_cv_max_pct: float = 25.0
    arm_swing_min_bh: float = 0.04
    min_steps_for_form: int = 3


@dataclass(frozen=True)
class LiveCue:
    """A cue for the person: ``message`` is meant to be shown and spoken."""

    code: str
    severity: str  # alert | warning | advice | info | praise
    message: str
    t_s: float
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def priority(self) -> int:
        return PRIORITY.get(self.severity, 9)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "message": self.message,
                "t_s": round(self.t_s, 3), "evidence": self.evidence}  # fmt: skip


@dataclass(frozen=True)
class FormWindow:
    """The last few seconds of a live session, as :func:`form_cues` needs them.

    Attributes:
        t_s: now, seconds.
        direction: current walking direction (backward | forward | standing | turning | None).
        trunk_flexion_deg: mean forward trunk lean over the window, degrees (NaN: unknown).
        step_times_s: durations between consecutive contacts in the window, seconds.
        step_lengths_bh: distance between the feet at each contact in the window, body heights.
        arm_swing_bh: range of wrist motion relative to the shoulders, body heights (NaN: unknown).
        walking_s: how long the person has been walking without a pause, seconds.
    """

    t_s: float
    direction: str | None
    trunk_flexion_deg: float = math.nan
    step_times_s: tuple[float, ...] = ()
    step_lengths_bh: tuple[float, ...] = ()
    arm_swing_bh: float = math.nan
    walking_s: float = 0.0


def form_cues(w: FormWindow, options: CueOptions | None = None) -> list[LiveCue]:
    """Candidate cues for this moment, most important first (may be empty)."""
    o = options or CueOptions()
    cues: list[LiveCue] = []
    if w.direction == "forward" and w.walking_s >= 2.0:
        cues.append(LiveCue(
            "walking_forward", "info",
            "You are walking forwards. For this exercise, walk backwards: face away from where "
            "you are going.", w.t_s, {"direction": "forward"},
        ))  # fmt: skip
    if w.direction != "backward":
        return cues
    n_steps = len(w.step_lengths_bh)
    if np.isfinite(w.trunk_flexion_deg) and w.trunk_flexion_deg > o.trunk_flexion_max_deg:
        cues.append(LiveCue(
            "trunk_flexion", "advice",
            f"Stand tall: lift your chest. You are leaning forward about "
            f"{w.trunk_flexion_deg:.0f} degrees.", w.t_s,
            {"trunk_flexion_deg": round(w.trunk_flexion_deg, 1),
             "threshold_deg": o.trunk_flexion_max_deg, "design_choice": True},
        ))  # fmt: skip
    if n_steps >= o.min_steps_for_form:
        mean_len = float(np.mean(w.step_lengths_bh))
        if mean_len > o.step_length_max_bh:
            cues.append(LiveCue(
                "step_length", "advice",
                "Take smaller steps: reach back with your toes, then roll onto the heel.", w.t_s,
                {"step_length_bh": round(mean_len, 3), "threshold_bh": o.step_length_max_bh,
                 "design_choice": True},
            ))  # fmt: skip
    if len(w.step_times_s) >= max(o.min_steps_for_form, 4):
        times = np.asarray(w.step_times_s)
        cv_pct = float(100 * times.std(ddof=1) / times.mean())
        if cv_pct > o.rhythm_cv_max_pct:
            cues.append(LiveCue(
                "step_rhythm", "advice", "Keep a steady rhythm: even, unhurried steps.", w.t_s,
                {"step_time_cv_pct": round(cv_pct, 1), "threshold_pct": o.rhythm_cv_max_pct,
                 "design_choice": True},
            ))  # fmt: skip
    if w.walking_s >= 3.0 and np.isfinite(w.arm_swing_bh) and w.arm_swing_bh < o.arm_swing_min_bh:
        cues.append(LiveCue(
            "arm_swing", "advice", "Let your arms swing naturally.", w.t_s,
            {"arm_swing_bh": round(w.arm_swing_bh, 3), "threshold_bh": o.arm_swing_min_bh,
             "design_choice": True},
        ))  # fmt: skip
    if not cues and n_steps >= o.min_steps_for_form and w.walking_s >= 2.0:
        cues.append(LiveCue(
            "good_form", "praise", "Good form: tall and steady. Keep going.", w.t_s,
            {"steps_in_window": n_steps},
        ))  # fmt: skip
    return sorted(cues, key=lambda c: c.priority)


class CueScheduler:
    """Chooses which candidate cue, if any, to speak now (rate-limited, most important first)."""

    def __init__(self, options: CueOptions | None = None):
        self.options = options or CueOptions()
        self._last_spoken_t_s = -math.inf
        self._last_by_code: dict[str, float] = {}

    def choose(self, t_s: float, candidates: list[LiveCue]) -> LiveCue | None:
        """The cue to speak at ``t_s`` among ``candidates``, or None (and remember it)."""
        o = self.options
        for cue in sorted(candidates, key=lambda c: c.priority):
            urgent = cue.priority <= PRIORITY["warning"]  # safety first: never held back
            if not urgent and t_s - self._last_spoken_t_s < o.min_interval_s:
                return None  # nothing else may interrupt; lower priorities wait too
            repeat_s = o.praise_interval_s if cue.severity == "praise" else o.repeat_interval_s
            if t_s - self._last_by_code.get(cue.code, -math.inf) < repeat_s:
                continue
            self._last_spoken_t_s = t_s
            self._last_by_code[cue.code] = t_s
            return cue
        return None
