"""Causal (one frame at a time) gait measures for live coaching.

Everything here sees only the past, so a webcam stream can be analysed as it arrives:

* :class:`OnlineContactDetector`: foot contacts from the distance between the feet, reported a
  few frames after they happen (well under one step late);
* :func:`facing_sign`, :func:`setup_check`: single-frame measures (trunk and other posture
  angles come from :func:`vision.gait.posture.posture_series`, as offline);
* :class:`TravelEstimator`: walking direction from the pelvis' recent displacement.
* :func:`current_run`, :func:`run_cadence_spm`: the latest run of steps and its cadence.

Coordinates are image pixels (x right, y down). Speeds are in body heights per second (``bh_s``)
so thresholds hold at any distance from the camera; a body height is the subject's apparent
standing height in pixels (:func:`vision.gait.body.height_series_px`).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from vision import landmarks as lm
from vision.gait.direction import DirectionOptions, width_ratio
from vision.landmarks import Landmarks
from vision.result import FEET, EventType, Foot

# Landmarks that must be in the frame for the set-up check: head, shoulders, hips and both feet.
WHOLE_BODY = lm.WHOLE_BODY


@dataclass(frozen=True)
class ContactOptions:
    """Thresholds of :class:`OnlineContactDetector` (design choices, tuned on side-view clips).

    Attributes:
        min_step_bh: least distance between the feet at a contact, body heights (a person
            standing with feet apart shows ~0.07).
        confirm_drop_bh: the feet must close again by this much after the widest point before
            the contact is reported, body heights (sets the reporting delay).
        rearm_fraction: the next step is looked for once the distance has fallen below this
            fraction of the last step's (the swinging foot passing the planted one).
        min_interval_s: contacts closer than this are one, seconds.
        foot_window_s: the foot that moved most over this window before the contact is the one
            that landed, seconds.
        max_gap_s: frames without the feet for longer than this end the stride being followed.
        median_s: the distance is median-filtered over this window, seconds.
    """

    min_step_bh: float = 0.10
    confirm_drop_bh: float = 0.04
    rearm_fraction: float = 0.6
    min_interval_s: float = 0.25
    foot_window_s: float = 0.4
    max_gap_s: float = 0.5
    median_s: float = 0.08


@dataclass(frozen=True)
class FootEvent:
    """A foot contact.

    ``t_s`` is when it happened (stream time), ``reported_t_s`` the time of the frame that
    confirmed it (the difference is the detector's delay). ``separation_bh`` is the distance
    between the feet along the walk then (the step length in body heights).
    """

    foot: Foot
    type: EventType
    t_s: float
    reported_t_s: float
    separation_bh: float


class OnlineContactDetector:
    """Foot contacts from a stream of foot positions in a side view (causal, direction-free).

    A step ends when the swinging foot lands: the feet are then furthest apart along the walk
    (double support), and they close again as the other foot swings through. So each local
    maximum of the distance between the feet (image x) is a contact, whichever way the person
    walks or faces. The distance does not depend on which foot BlazePose calls left, so its
    left/right swaps (frequent in side views where the feet cross) cannot create or hide steps;
    the foot is named by which one moved most just before. A contact is reported once the feet
    have closed by ``confirm_drop_bh``: typically 2-4 frames at 30 fps, well under one step late.
    """

    def __init__(self, options: ContactOptions | None = None):
        self.options = options or ContactOptions()
        self._seps: deque[tuple[float, float]] = deque()  # (t_s, separation in bh)
        self._peak_t_s = math.nan
        self._last_seen_t_s = -math.inf
        self._feet_x: deque[tuple[float, np.ndarray]] = deque()
        self._armed = True
        self._peak_bh = -math.inf
        self._last_contact_t_s = -math.inf

    def reset(self) -> None:
        """Forget the current stride (the person was lost from view)."""
        self._seps.clear()
        self._feet_x.clear()
        self._armed, self._peak_bh = True, -math.inf

    def update(self, t_s: float, feet_xy: np.ndarray, body_height_px: float) -> list[FootEvent]:
        """Feed one frame; returns the contact this frame confirmed, if any.

        Args:
            t_s: frame time, seconds (increasing).
            feet_xy: (2, 2, 2) pixels: [left, right] x [heel, toe] x (x, y), NaN where unseen.
            body_height_px: the subject's apparent height, pixels.
        """
        o = self.options
        x = feet_xy[:, :, 0].mean(axis=1)  # (2,) foot centre x per foot
        if not (np.isfinite(x).all() and body_height_px > 0):
            return []  # a short dropout keeps the stride; a long one ends it (below)
        if t_s - self._last_seen_t_s > o.max_gap_s:
            self.reset()
        self._last_seen_t_s = t_s
        self._feet_x.append((t_s, x))
        while t_s - self._feet_x[0][0] > o.foot_window_s + 0.5:
            self._feet_x.popleft()
        raw = abs(float(x[0] - x[1])) / body_height_px
        self._seps.append((t_s, raw))
        while t_s - self._seps[0][0] > o.median_s:
            self._seps.popleft()
        # A causal median over ~0.08 s (3 frames at 30 fps) removes one-frame glitches.
        sep = float(np.median([v for _, v in self._seps]))
        if not self._armed:
            # The trough (feet passing) may last one frame at low frame rates: no median here.
            if min(raw, sep) <= o.rearm_fraction * self._peak_bh:
                self._armed, self._peak_bh = True, sep
            return []
        if sep > self._peak_bh:
            self._peak_bh, self._peak_t_s = sep, t_s
            return []
        if self._peak_bh < o.min_step_bh or sep > self._peak_bh - o.confirm_drop_bh:
            return []
        self._armed = False
        # Both feet stay planted through double support, so the widest point can fall anywhere
        # on that plateau: up to about 0.15 s after the contact itself.
        t_contact = self._peak_t_s
        if t_contact - self._last_contact_t_s < o.min_interval_s:
            return []
        self._last_contact_t_s = t_contact
        foot = self._moving_foot(t_contact)
        return [FootEvent(foot, "contact", t_contact, t_s, self._peak_bh)]

    def _moving_foot(self, t_s: float) -> Foot:
        """The foot that travelled furthest along x over ``foot_window_s`` up to ``t_s``."""
        past = [x for t, x in self._feet_x if 0 <= t_s - t <= self.options.foot_window_s]
        travel = np.abs(past[-1] - past[0])
        return FEET[int(np.argmax(travel))]


def foot_points(xy: np.ndarray) -> np.ndarray:
    """(2, 2, 2) [left, right] x [heel, toe] x (x, y) from (33, 2) pixels."""
    return np.stack([xy[[lm.L_HEEL, lm.L_TOE]], xy[[lm.R_HEEL, lm.R_TOE]]]).astype(np.float64)


def facing_sign(xy: np.ndarray, body_height_px: float) -> int:
    """Which way the subject faces in a side view: +1 towards +x (right), -1 left, 0 unknown.

    The nose sits in front of the ears; when the head is unclear the toes point the way the body
    faces (heel -> toe). Offsets under 1 % of body height are too small to trust. The offline
    analysis weighs the same two cues over whole sequences (``vision.gait.direction``, not
    public there); this is its one-frame form.

    Args:
        xy: (33, 2) image pixels. body_height_px: apparent height, pixels.
    """
    min_px = 0.01 * body_height_px
    head = xy[lm.NOSE, 0] - 0.5 * (xy[lm.L_EAR, 0] + xy[lm.R_EAR, 0])
    if np.isfinite(head) and abs(head) >= min_px:
        return int(np.sign(head))
    feet = 0.5 * ((xy[lm.L_TOE, 0] - xy[lm.L_HEEL, 0]) + (xy[lm.R_TOE, 0] - xy[lm.R_HEEL, 0]))
    if np.isfinite(feet) and abs(feet) >= min_px:
        return int(np.sign(feet))
    return 0


@dataclass(frozen=True)
class SetupCheck:
    """Whether the camera set-up allows coaching (see the safety section of the domain notes).

    Attributes:
        whole_body: head, hips and both feet visible and inside the frame.
        side_on: the subject is side-on to the camera (shoulders and hips overlap in the image).
        side_on_ratio: shoulder and hip widths in the image over trunk length
            (:func:`vision.gait.direction.width_ratio`: about 0.1-0.3 side-on, 0.6-0.9 facing
            the camera).
        messages: what to fix, for the person, empty when ready.
    """

    person: bool
    whole_body: bool
    side_on: bool
    side_on_ratio: float | None
    messages: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.person and self.whole_body and self.side_on


def setup_check(
    pose: Landmarks | None,
    width: int,
    height: int,
    *,
    min_visibility: float = 0.5,
    margin_frac: float = 0.01,
    max_side_on_ratio: float = DirectionOptions().side_width_ratio,
) -> SetupCheck:
    """Check one frame's pose for the set-up the live coach needs.

    Args:
        pose: one frame's landmarks (33, ...), or None if nobody.
        width, height: frame size, pixels.
        min_visibility: a landmark counts as seen at this visibility (0-1).
        margin_frac: landmarks closer to the frame edge than this fraction are cut off.
        max_side_on_ratio: largest width ratio still called side-on (the offline view
            classifier's threshold).
    """
    if pose is None:
        return SetupCheck(False, False, False, None, ["Step into the camera's view."])
    xy, vis = pose.xy[list(WHOLE_BODY)], pose.visibility[list(WHOLE_BODY)]
    mx, my = margin_frac * width, margin_frac * height
    inside = (
        (xy[:, 0] >= mx) & (xy[:, 0] <= width - mx) & (xy[:, 1] >= my) & (xy[:, 1] <= height - my)
    )
    whole = bool(np.all(inside & (vis >= min_visibility)))
    r = float(width_ratio(pose.xy[None])[0])
    ratio = r if np.isfinite(r) else None
    side_on = ratio is not None and ratio <= max_side_on_ratio
    messages = []
    if not whole:
        feet_out = not np.all(inside[-6:] & (vis[-6:] >= min_visibility))
        messages.append(
            "Move back so your feet are in view."
            if feet_out
            else "Make sure your whole body, head to feet, is in view."
        )
    if not side_on:
        messages.append("Turn side-on to the camera, so it sees you walk across the picture.")
    return SetupCheck(True, whole, side_on, ratio, messages)


class TravelEstimator:
    """Walking direction from the pelvis' displacement over a short window (causal).

    ``update`` returns ``(direction, speed_bh_s)``: direction is ``backward`` when the pelvis
    travels opposite to where the subject faces, ``forward`` when the same way, ``standing`` when
    slower than ``min_speed_bh_s``, ``turning`` while the facing side has just changed, None when
    unknown. Speed is signed along +x, body heights per second.
    """

    def __init__(
        self,
        window_s: float = 0.6,
        min_speed_bh_s: float = DirectionOptions().standing_speed_bh_s,
        turn_hold_s: float = 1.0,
    ):
        self.window_s = window_s
        self.min_speed_bh_s = min_speed_bh_s
        self.turn_hold_s = turn_hold_s
        self._hips: deque[tuple[float, float]] = deque()
        self._facing = 0
        self._facing_changed_t_s = -math.inf

    def reset(self) -> None:
        self._hips.clear()

    def update(
        self, t_s: float, hip_x_px: float, facing: int, body_height_px: float
    ) -> tuple[str | None, float | None]:
        if facing != 0:
            if self._facing != 0 and facing != self._facing:
                self._facing_changed_t_s = t_s
            self._facing = facing
        if not (np.isfinite(hip_x_px) and body_height_px > 0):
            return None, None
        self._hips.append((t_s, hip_x_px))
        while len(self._hips) > 2 and t_s - self._hips[1][0] >= self.window_s:
            self._hips.popleft()
        t0, x0 = self._hips[0]
        if t_s - t0 < 0.5 * self.window_s:
            return None, None
        speed = (hip_x_px - x0) / (t_s - t0) / body_height_px
        if t_s - self._facing_changed_t_s < self.turn_hold_s:
            return "turning", speed
        if abs(speed) < self.min_speed_bh_s:
            return "standing", speed
        if self._facing == 0:
            return None, speed
        return ("forward" if np.sign(speed) == self._facing else "backward"), speed


def current_run(
    contacts: Sequence[FootEvent], t_s: float, window_s: float, pause_gap_s: float
) -> list[FootEvent]:
    """Contacts of the latest uninterrupted run of steps within ``window_s`` of ``t_s`` (a pause
    longer than ``pause_gap_s`` would dilute rates and rhythm); empty once the person has
    stopped."""
    # Newest first, stopping at the window or a pause: the work does not grow with the
    # session's length (this runs every frame).
    run: list[FootEvent] = []
    prev_t_s = t_s
    for e in reversed(contacts):
        if t_s - e.t_s > window_s or prev_t_s - e.t_s > pause_gap_s:
            break
        run.append(e)
        prev_t_s = e.t_s
    return run[::-1]


def run_cadence_spm(run: Sequence[FootEvent]) -> float | None:
    """Steps per minute over a run of steps (None below 3 contacts)."""
    if len(run) < 3:
        return None
    return 60.0 * (len(run) - 1) / (run[-1].t_s - run[0].t_s)
