"""Incremental analysis of a live stream of frames, for live coaching.

:class:`LiveAnalyzer` takes each frame's detected people (from one
:class:`~vision.pose.PoseEstimator` per stream, in VIDEO mode) as it arrives and returns a
:class:`LiveUpdate`: the subject's landmarks (One Euro filtered, causal), the set-up check, live
metrics (step count, cadence, trunk flexion, walking direction), foot events, and at most one cue.

* Steps come from :class:`~vision.live.gait.OnlineContactDetector` (foot stationarity), reported
  a few frames after the contact, never more than one step late.
* Posture angles are the offline ones (:func:`vision.gait.posture.posture_series`, side view) and
  are summarised the same way (:func:`~vision.gait.posture.summarise_posture`) over a short
  window; cue texts, codes and form limits are those of :mod:`vision.assess.cues`.
* Cues are rate-limited and ranked by :class:`~vision.live.cues.CueScheduler`; praise comes when
  form is good.
* Safety first: :class:`~vision.live.safety.SafetyMonitor` raises an alert on a sudden drop of
  the hips or the person lost mid-walk; form cues then stop until :meth:`LiveAnalyzer.resume`
  (or, when the person only walked out of view, until they are back and set up again).

Everything a session records can be turned into a :class:`~vision.sequence.PoseSequence`
(:meth:`LiveAnalyzer.to_sequence`) for the full analysis at the end, the same as for uploads.

Units: pixels in the frame sent, seconds of stream time, body heights (``bh``) for sizes and
speeds that must not depend on the distance to the camera.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vision import landmarks as lm
from vision.gait.body import height_series_px
from vision.live.cues import CueOptions, CueScheduler, FormWindow, LiveCue, form_cues
from vision.live.gait import (
    ContactOptions,
    FootEvent,
    OnlineContactDetector,
    SetupCheck,
    TravelEstimator,
    current_run,
    facing_sign,
    foot_points,
    run_cadence_spm,
    setup_check,
)
from vision.live.posture import PostureWindow
from vision.live.recording import LiveRecording
from vision.live.safety import SafetyAlert, SafetyMonitor, SafetyOptions
from vision.live.update import LiveMetrics, LiveUpdate, State
from vision.pose import PersonPose
from vision.sequence import OneEuroFilter, PoseSequence
from vision.tracking import body_height_px as person_height_px
from vision.tracking import hip_centre

# While paused, only a more serious alert is raised again (a stumble that becomes a fall).
_ALERT_RANK = {"left_view": 0, "stumble": 1, "lost": 2, "fall": 3}


@dataclass(frozen=True)
class LiveOptions:
    """Options of :class:`LiveAnalyzer`.

    Attributes:
        min_cutoff_hz, beta_bh: One Euro filter of the landmarks: cut-off at rest (Hz) and its
            rise with speed (per body height per second). Lower cut-off: steadier, more lag.
        body_height_window_s: the body height is the 80th percentile over this window, seconds.
        trunk_window_s: trunk flexion and head pitch are averaged over this window, seconds.
        form_window_s: steps, arm swing and looking back for form cues are taken over this
            window, seconds.
        cadence_window_s: cadence counts contacts over this window, seconds.
        form_check_s: form cues are looked for at most this often, seconds: the windows they
            summarise (seconds long) hardly change from one frame to the next, and summarising
            the posture is the costliest part of a frame.
        pause_gap_s: no contact for this long means the walk paused, seconds.
        resume_after_s: after walking out of view, coaching resumes once the set-up check has
            passed this long, seconds.
        subject_gate_bh: a detection this far (body heights) from the subject's last hip centre
            is someone else.
    """

    min_cutoff_hz: float = 1.5
    beta_bh: float = 5.0
    body_height_window_s: float = 3.0
    trunk_window_s: float = 2.0
    form_window_s: float = 6.0
    cadence_window_s: float = 8.0
    form_check_s: float = 0.5
    pause_gap_s: float = 1.2
    resume_after_s: float = 1.5
    subject_gate_bh: float = 0.5
    contacts: ContactOptions = field(default_factory=ContactOptions)
    cues: CueOptions = field(default_factory=CueOptions)
    safety: SafetyOptions = field(default_factory=SafetyOptions)


class LiveAnalyzer:
    """Frame-by-frame analysis of one person walking in front of a live camera.

    Call :meth:`update` for every processed frame (in increasing ``t_s``), :meth:`start` when the
    person is set up and begins, :meth:`resume` after they confirm they are fine following an
    alert, and :meth:`to_sequence` at the end for the full analysis.
    """

    def __init__(self, width: int, height: int, options: LiveOptions | None = None):
        if width <= 0 or height <= 0:
            raise ValueError(f"frame size must be positive, got {width}x{height}")
        self.width, self.height = width, height
        self.options = options or LiveOptions()
        o = self.options
        self._filter = OneEuroFilter(min_cutoff_hz=o.min_cutoff_hz, beta=0.0)
        self._contacts = OnlineContactDetector(o.contacts)
        self._travel = TravelEstimator()
        self._safety = SafetyMonitor(o.safety)
        self._scheduler = CueScheduler(o.cues)
        self.recording = LiveRecording(width, height)
        self.state: State = "setup"
        self.start_t_s: float | None = None
        self.alerts: list[SafetyAlert] = []
        self.cues_given: list[LiveCue] = []
        self.contacts: list[FootEvent] = []
        self._heights: deque[tuple[float, float]] = deque()
        self._posture = PostureWindow(o.form_window_s)
        self._last_hip: np.ndarray | None = None
        self._walking_since_t_s: float | None = None
        self._setup_ok_since_t_s: float | None = None
        self._last_t_s = -math.inf
        self._form_checked_t_s = -math.inf

    # -- control -------------------------------------------------------------------------------
    def start(self, t_s: float) -> None:
        """Begin coaching and recording at ``t_s`` (after the set-up check)."""
        if self.state == "setup":
            self.state, self.start_t_s = "coaching", t_s

    def resume(self, t_s: float) -> None:
        """The person confirmed they are fine: form cues may start again."""
        if self.state == "paused":
            self.state = "coaching"
            self._scheduler.choose(t_s, [])  # keep the rate limit's clock

    # -- per frame -----------------------------------------------------------------------------
    def update(self, t_s: float, people: list[PersonPose]) -> LiveUpdate:
        """Analyse one frame taken at ``t_s`` seconds in which ``people`` were detected."""
        if t_s <= self._last_t_s:
            raise ValueError(f"frame times must increase: {t_s} after {self._last_t_s}")
        self._last_t_s = t_s
        o = self.options
        pose = self._choose_subject(people)
        coaching = self.state != "setup"
        if coaching:
            self.recording.add(t_s, pose)
        events: list[FootEvent] = []
        direction, speed = None, None
        xy = None
        check = setup_check(pose, self.width, self.height)
        if pose is None:
            self._filter = OneEuroFilter(min_cutoff_hz=o.min_cutoff_hz, beta=0.0)
            self._travel.reset()  # the step detector bridges short dropouts by itself
            bh = self._body_height(t_s, None)
        else:
            bh = self._body_height(t_s, pose)
            self._filter.beta = o.beta_bh / bh
            xy = self._filter(pose.xy, t_s)
            events = self._contacts.update(t_s, foot_points(xy), bh)
            facing = facing_sign(xy, bh)
            hip = 0.5 * (xy[lm.L_HIP] + xy[lm.R_HIP])
            direction, speed = self._travel.update(t_s, float(hip[0]), facing, bh)
            self._posture.add(t_s, xy, pose.world, facing)
        walking = direction in ("backward", "forward", "turning")
        self._track_walking(t_s, walking)
        alert = None
        if coaching:
            alert = self._watch_safety(t_s, xy, bh, walking)
            events = [e for e in events if self.start_t_s is not None and e.t_s >= self.start_t_s]
            for e in events:
                if e.type == "contact":
                    self.contacts.append(e)
        else:
            events = []  # steps count from the start
        self._maybe_auto_resume(t_s, check)
        metrics = self._metrics(t_s, direction, speed)
        cue = self._choose_cue(t_s, metrics, alert)
        landmarks = None
        if pose is not None and xy is not None:
            landmarks = np.column_stack([xy, pose.visibility])
        return LiveUpdate(t_s, self.state, landmarks, check, metrics, events, cue, alert)

    def summary(self) -> dict[str, Any]:
        """Session totals as the person saw them: steps, duration, cadence, cues and alerts."""
        end = self.recording.t_s[-1] if len(self.recording) else self._last_t_s
        elapsed = 0.0 if self.start_t_s is None else max(0.0, end - self.start_t_s)
        times = np.array([e.t_s for e in self.contacts])
        # Cadence while walking: only intervals within a run of steps, not across pauses.
        gaps = np.diff(times)
        gaps = gaps[gaps <= self.options.pause_gap_s]
        return {
            "step_count": len(self.contacts),
            "duration_s": round(elapsed, 2),
            "cadence_spm": round(60.0 / float(gaps.mean()), 1) if gaps.size >= 2 else None,
            "cues": [c.to_dict() for c in self.cues_given],
            "alerts": [
                {
                    "kind": a.kind,
                    "code": a.code,
                    "severity": a.severity,
                    "message": a.message,
                    "t_s": round(a.t_s, 3),
                }
                for a in self.alerts
            ],
        }

    def to_sequence(self, **meta: Any) -> PoseSequence:
        """Everything recorded since :meth:`start` as a uniformly timed :class:`PoseSequence`."""
        return self.recording.to_sequence(**meta)

    # -- helpers -------------------------------------------------------------------------------
    def _choose_subject(self, people: list[PersonPose]) -> PersonPose | None:
        """The person nearest the subject's last position, else the largest in view."""
        if not people:
            return None
        if self._last_hip is not None and self._heights:
            bh = self._heights[-1][1]
            dist = [float(np.linalg.norm(hip_centre(p) - self._last_hip)) for p in people]
            best = int(np.argmin(dist))
            if dist[best] <= self.options.subject_gate_bh * bh:
                self._last_hip = hip_centre(people[best])
                return people[best]
        chosen = max(people, key=person_height_px)
        self._last_hip = hip_centre(chosen)
        return chosen

    def _body_height(self, t_s: float, pose: PersonPose | None) -> float:
        """Apparent standing height, px: 80th percentile over the recent window (foreshortening
        only shortens segments)."""
        if pose is not None:
            h = float(height_series_px(pose.xy[None])[0])
            if np.isfinite(h) and h > 0:
                self._push(self._heights, t_s, h, self.options.body_height_window_s)
        if not self._heights:
            return float(self.height)  # nobody seen yet: the frame height is an upper bound
        return float(np.percentile([v for _, v in self._heights], 80))

    def _track_walking(self, t_s: float, walking: bool) -> None:
        if walking and self._walking_since_t_s is None:
            self._walking_since_t_s = t_s
        elif not walking:
            last = self.contacts[-1].t_s if self.contacts else -math.inf
            if t_s - last > self.options.pause_gap_s:
                self._walking_since_t_s = None

    def _watch_safety(
        self, t_s: float, xy: np.ndarray | None, bh: float, walking: bool
    ) -> SafetyAlert | None:
        if xy is None:
            alert = self._safety.update(
                t_s,
                hip_y_px=None,
                feet_y_px=None,
                hip_x_frac=None,
                body_height_px=bh,
                walking=walking,
            )
        else:
            hip = 0.5 * (xy[lm.L_HIP] + xy[lm.R_HIP])
            feet_y = float(np.max(xy[[lm.L_HEEL, lm.R_HEEL, lm.L_TOE, lm.R_TOE], 1]))
            alert = self._safety.update(
                t_s,
                hip_y_px=float(hip[1]),
                feet_y_px=feet_y,
                hip_x_frac=float(hip[0]) / self.width,
                body_height_px=bh,
                walking=walking,
            )
        if alert is not None and self.state == "paused" and self.alerts:
            if _ALERT_RANK[alert.kind] <= _ALERT_RANK[self.alerts[-1].kind]:
                return None  # already paused for this or something worse: say it once
        if alert is not None:
            self.alerts.append(alert)
            self.state = "paused"
            self._setup_ok_since_t_s = None
        return alert

    def _maybe_auto_resume(self, t_s: float, check: SetupCheck) -> None:
        """After walking out of view only (not a stumble, fall or loss), resume once the person
        is back in view and set up again."""
        if self.state != "paused" or not self.alerts or self.alerts[-1].kind != "left_view":
            return
        if not check.ok:
            self._setup_ok_since_t_s = None
            return
        if self._setup_ok_since_t_s is None:
            self._setup_ok_since_t_s = t_s
        if t_s - self._setup_ok_since_t_s >= self.options.resume_after_s:
            self.state = "coaching"

    def _metrics(self, t_s: float, direction: str | None, speed: float | None) -> LiveMetrics:
        o = self.options
        elapsed = 0.0 if self.start_t_s is None else t_s - self.start_t_s
        return LiveMetrics(
            step_count=len(self.contacts),
            cadence_spm=run_cadence_spm(self._current_run(t_s, o.cadence_window_s)),
            walk_direction=direction,
            speed_bh_s=speed,
            trunk_flexion_deg=self._posture.trunk_flexion_mean_deg(t_s, o.trunk_window_s),
            walking_s=0.0 if self._walking_since_t_s is None else t_s - self._walking_since_t_s,
            elapsed_s=elapsed,
        )

    def _current_run(self, t_s: float, window_s: float) -> list[FootEvent]:
        return current_run(self.contacts, t_s, window_s, self.options.pause_gap_s)

    def _choose_cue(self, t_s: float, m: LiveMetrics, alert: SafetyAlert | None) -> LiveCue | None:
        if alert is not None:
            cue = LiveCue.from_feedback(alert.feedback, t_s)
            chosen = self._scheduler.choose(t_s, [cue])
        elif self.state != "coaching":
            return None  # setting up, or paused after an alert: no form cues
        elif not self._scheduler.may_speak(t_s):
            return None  # too soon after the last cue: spare the work of finding one
        elif (
            m.walk_direction not in ("backward", "forward")
            or t_s - self._form_checked_t_s < self.options.form_check_s
        ):
            return None  # form cues are for walking, and the windows change slowly
        else:
            o = self.options
            self._form_checked_t_s = t_s
            run = self._current_run(t_s, o.form_window_s)
            contact_t = [e.t_s for e in run]
            oldest_t_s = self._posture.oldest_t_s
            # Posture is judged on backward walking only (see form_cues).
            recent, longer = (
                self._posture.summaries(t_s, o.trunk_window_s, o.form_window_s)
                if m.walk_direction == "backward"
                else (None, None)
            )
            window = FormWindow(
                t_s=t_s,
                direction=m.walk_direction,
                trunk_flexion_deg=_or_nan(recent.trunk_flexion_mean_deg if recent else None),
                trunk_flexion_max_deg=_or_nan(recent.trunk_flexion_max_deg if recent else None),
                head_pitch_deg=_or_nan(recent.head_pitch_mean_deg if recent else None),
                step_times_s=tuple(np.diff(contact_t)) if len(contact_t) > 1 else (),
                step_lengths_bh=tuple(e.separation_bh for e in run),
                arm_swing_deg=_or_nan(longer.arm_swing_deg if longer else None),
                looking_back_fraction=_or_nan(longer.looking_back_fraction if longer else None),
                window_s=0 if oldest_t_s is None else min(o.form_window_s, t_s - oldest_t_s),
                walking_s=m.walking_s,
            )
            chosen = self._scheduler.choose(t_s, form_cues(window, self.options.cues))
        if chosen is not None:
            self.cues_given.append(chosen)
        return chosen

    @staticmethod
    def _push(buf: deque[tuple[float, Any]], t_s: float, value: Any, window_s: float) -> None:
        buf.append((t_s, value))
        while buf and t_s - buf[0][0] > window_s:
            buf.popleft()


def _or_nan(x: float | None) -> float:
    return math.nan if x is None else float(x)
