"""Foot contact and lift events, for backward (toe-first) and forward (heel-first) gait.

Detectors are plain functions ``detector(tracks, options) -> list[Event]`` kept in
:data:`REGISTRY` under a name:

* ``"stationarity"``: a foot is on the floor while its stillest point (heel or toe) does not
  move in the image. Contact is the moment the first point stops (toe in backward gait, heel in
  forward gait), lift the moment the last one moves again. Needs a static camera; does not care
  which way the subject walks.
* ``"foot_motion"``: front and back views: each foot's swing is a run of the picture changing
  around it (measured from the video's pixels while it is decoded); a contact is where the run
  ends less the time the foot takes to roll flat (see :mod:`vision.gait.motion_events`). Falls
  back to ``separation`` where that change was not measured.
* ``"separation"``: front and back views: the left-minus-right difference of the feet's depth
  (from the pose model) moves once per swing and is flat while both feet rest; contacts are where
  a move arrives, lifts where it leaves (see :mod:`vision.gait.frontal`). Falls back to
  ``pelvis_relative`` where the pose model gave no depth.
* ``"pelvis_relative"``: Zeni-style extrema of the foot position relative to the pelvis, re-signed
  to the TRAVEL direction (not the facing direction): contact where the leading foot point is
  furthest along the travel direction, lift where the trailing point is furthest behind. Works
  with a moving camera; its timing depends on gait shape.

The default is chosen by ``bench/accuracy.py`` (see :data:`DEFAULT_DETECTOR`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from vision.gait.body import velocity
from vision.gait.foot_tracks import FootTracks
from vision.gait.footprints import FootprintOptions, find_stances, footprint_events
from vision.gait.frontal import FrontalOptions, frontal_events
from vision.gait.leapfrog import LeapfrogOptions, leapfrog_events
from vision.gait.motion_events import MotionOptions, motion_events
from vision.gait.plausible import PlausibilityOptions
from vision.result import FEET, Event, Foot, other_foot
from vision.timeseries import close_short_runs, frame_rate, true_runs


@dataclass(frozen=True)
class EventOptions:
    """Event detector settings.

    Attributes:
        detector: name in :data:`REGISTRY`.
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


def foot_speed_bh_s(tracks: FootTracks) -> np.ndarray:
    """(T, 2) speed of each foot's stillest point (heel or toe), body heights per second."""
    v = velocity(tracks.feet[:, :, :2], tracks.t_s)  # heel and toe only
    speed = np.linalg.norm(v, axis=-1) / tracks.body_height_px
    return np.nanmin(np.where(np.isfinite(speed), speed, np.inf), axis=-1)


def stance_mask(tracks: FootTracks, options: EventOptions) -> np.ndarray:
    """(T, 2) bool: the foot is planted (see the ``stationarity`` detector)."""
    speed = foot_speed_bh_s(tracks)
    moving = speed[tracks.walking]
    moving = moving[np.isfinite(moving)]
    typical = float(np.percentile(moving, 95)) if moving.size else 1.0
    thr = max(options.still_fraction * typical, options.min_still_bh_s)
    still = speed < thr
    dt = 1.0 / frame_rate(tracks.t_s)
    for f in range(2):
        still[:, f] = close_short_runs(still[:, f], value=False, max_len=options.min_swing_s / dt)
        still[:, f] = close_short_runs(still[:, f], value=True, max_len=options.min_stance_s / dt)
        if options.footprint_radius_bh is not None:
            still[:, f] = _grow_to_footprint(
                tracks.feet[:, f, :2],
                still[:, f],
                options.footprint_radius_bh * tracks.body_height_px,
            )
    return still


def _grow_to_footprint(points: np.ndarray, still: np.ndarray, radius_px: float) -> np.ndarray:
    """Extend each stance run over the neighbouring frames where a foot point (heel or toe) is
    already (or still) within ``radius_px`` of where that point rests during the run.

    The speed threshold finds stances robustly but cuts them short when the foot glides in or
    out slowly; the footprint tells when the foot actually arrives and leaves.
    """
    out = still.copy()
    n = len(still)
    for a, b in true_runs(still):
        rest = np.nanmedian(points[a:b], axis=0)  # (2 points, xy)

        def near(i: int, rest: np.ndarray = rest) -> bool:
            d = np.linalg.norm(points[i] - rest, axis=-1)
            return bool(np.nanmin(d) <= radius_px) if np.isfinite(d).any() else False

        i = a - 1
        while i >= 0 and not out[i] and near(i):
            out[i] = True
            i -= 1
        i = b
        while i < n and not out[i] and near(i):
            out[i] = True
            i += 1
    return out


def detect_stationarity(tracks: FootTracks, options: EventOptions) -> list[Event]:
    """Contacts where a foot comes to rest, lifts where it leaves; see the module docstring.

    Only transitions seen whole count: a contact needs a swing of at least ``min_swing_s``
    before it and a stance of at least ``min_stance_s`` after it, both without missing frames
    (a foot entering the picture or leaving it gives no event).
    """
    still = stance_mask(tracks, options)
    valid = np.isfinite(tracks.feet[:, :, :2]).all(axis=(2, 3))
    dt = 1.0 / frame_rate(tracks.t_s)
    min_swing = max(int(round(options.min_swing_s / dt)), 1)
    min_stance = max(int(round(options.min_stance_s / dt)), 1)
    events: list[Event] = []
    for f, foot in enumerate(FEET):
        for a, b in true_runs(valid[:, f]):
            runs = true_runs(still[a:b, f]) + true_runs(~still[a:b, f])
            runs = sorted((a + r0, a + r1, bool(still[a + r0, f])) for r0, r1 in runs)
            for (s0, s1, st0), (t0, t1, _) in zip(runs, runs[1:], strict=False):
                # The change happens between frames t0 - 1 and t0: the event is timed half-way
                # and numbered with the first frame of the new state (the foot first still for
                # a contact, first moving for a lift), as hand labellers do.
                if st0:
                    if s1 - s0 >= min_stance and t1 - t0 >= min_swing:
                        events.append(_event(tracks, t0, foot, "lift", between=True))
                elif s1 - s0 >= min_swing and t1 - t0 >= min_stance:
                    events.append(_event(tracks, t0, foot, "contact", between=True))
    return _sorted(events)


def along_travel(tracks: FootTracks) -> np.ndarray:
    """(T, 2, 2) heel and toe position along the travel direction relative to the body, in body
    heights: [foot] x [heel, toe]. Side views: image x minus pelvis x. Front/back views: the
    pose model's relative depth (nearer is further along when walking toward the camera), which
    a lifted foot does not disturb; failing that, image y minus the feet's mean y. Multiplied by
    the travel sign, so larger always means further along the way the subject is going."""
    sign = _fill_travel(tracks.travel).astype(np.float64)
    if tracks.frontal and tracks.depth is not None and np.isfinite(tracks.depth).any():
        # Travel sign +1 is down the image, i.e. toward the camera: smaller depth.
        return -tracks.depth * sign[:, None, None] / tracks.body_height_px
    if tracks.frontal:
        ref = np.nanmean(tracks.feet[:, :, :2, 1], axis=(1, 2))
        rel = tracks.feet[:, :, :2, 1] - ref[:, None, None]
    else:
        rel = tracks.feet[:, :, :2, 0] - tracks.pelvis[:, None, None, 0]
    return rel * sign[:, None, None] / tracks.body_height_px


def detect_pelvis_relative(tracks: FootTracks, options: EventOptions) -> list[Event]:
    """Contacts at maxima of the leading foot point along travel, lifts at minima of the trailing
    point; only while walking. See the module docstring."""
    # Imported here: scipy.signal takes most of a second to load, and the command line checks
    # its options (which this module defines) before any analysis runs.
    from scipy import signal

    rel = along_travel(tracks)
    dt = 1.0 / frame_rate(tracks.t_s)
    distance = max(int(options.min_step_s / dt), 1)
    found: list[tuple[Event, float]] = []
    n = len(tracks.t_s)
    for f, foot in enumerate(FEET):
        ok = np.isfinite(rel[:, f]).all(axis=-1)
        if ok.sum() < 3:
            continue
        lead = np.where(ok, rel[:, f].max(axis=-1), np.nan)
        trail = np.where(ok, rel[:, f].min(axis=-1), np.nan)
        for series, kind in ((lead, "contact"), (-trail, "lift")):
            # Missing frames get the series' minimum so they can never hold a peak.
            x = np.where(ok, series, np.nanmin(series))
            peaks, props = signal.find_peaks(x, distance=distance, prominence=options.prominence_bh)
            for i, prom in zip(peaks, props["prominences"], strict=True):
                # An extremum next to missing frames may be the foot leaving the picture.
                if tracks.walking[i] and ok[max(i - 2, 0) : min(i + 3, n)].all():
                    found.append((_event(tracks, int(i), foot, kind), float(prom)))
    return _sorted(_one_per_step(found))


def _one_per_step(found: list[tuple[Event, float]]) -> list[Event]:
    """Where both feet peak at nearly the same moment (the pose model moving both feet's depth
    together), only one of them took a step: keep the more prominent peak. "Nearly" is under
    half the typical interval between events of that kind (and under 0.25 s)."""
    out: list[Event] = []
    for kind in ("contact", "lift"):
        items = sorted((x for x in found if x[0].type == kind), key=lambda x: x[0].t_s)
        if len(items) > 2:
            gap = min(0.5 * float(np.median(np.diff([e.t_s for e, _ in items]))), 0.25)
        else:
            gap = 0.0
        kept: list[tuple[Event, float]] = []
        for item in items:
            if kept and item[0].t_s - kept[-1][0].t_s < gap and item[0].foot != kept[-1][0].foot:
                if item[1] > kept[-1][1]:
                    kept[-1] = item
                continue
            kept.append(item)
        out += [e for e, _ in kept]
    return out


def detect_footprints(tracks: FootTracks, options: EventOptions) -> list[Event]:
    """Contacts and lifts from footprints, blind to the pose model's left/right labels (see
    :mod:`vision.gait.footprints`); feet named afterwards by alternation and majority label."""
    feet = tracks.readings if tracks.readings is not None else tracks.feet
    labels_left = np.zeros((len(feet), 2), dtype=bool)
    labels_left[:, 0] = True
    fp = find_stances(feet, labels_left, tracks.t_s, tracks.body_height_px, options.footprints)
    return footprint_events(fp.stances, tracks.t_s, tracks.frame_index)


def detect_leapfrog(tracks: FootTracks, options: EventOptions) -> list[Event]:
    """Contacts and lifts from the foremost and hindmost foot along travel, blind to the pose
    model's left/right labels (see :mod:`vision.gait.leapfrog`)."""
    points = tracks.readings if tracks.readings is not None else tracks.feet
    return leapfrog_events(
        points,
        tracks.feet,
        tracks.t_s,
        tracks.frame_index,
        _fill_travel(tracks.travel),
        tracks.body_height_px,
        tracks.frontal,
        options.leapfrog,
    )


def detect_separation(tracks: FootTracks, options: EventOptions) -> list[Event]:
    """Contacts and lifts from the moves of the feet's depth difference (see
    :mod:`vision.gait.frontal`); ``pelvis_relative`` where the pose model gave no depth."""
    if tracks.depth is None or not np.isfinite(tracks.depth).any():
        return detect_pelvis_relative(tracks, options)
    bh = tracks.body_height_px
    return frontal_events(
        tracks.depth / bh,
        tracks.feet[:, :, :2] / bh,
        tracks.t_s,
        tracks.frame_index,
        _fill_travel(tracks.travel),
        options.frontal,
    )


def motion_measured(tracks: FootTracks) -> bool:
    """Whether the picture's change around the feet was measured on most frames (not for
    landmarks without their video, nor where the camera moved on most frames)."""
    return tracks.motion is not None and np.isfinite(tracks.motion).all(axis=1).mean() >= 0.5


def detect_foot_motion(tracks: FootTracks, options: EventOptions) -> list[Event]:
    """Contacts and lifts from the picture's change around each foot (see
    :mod:`vision.gait.motion_events`); ``separation`` where it was not measured (see
    :func:`motion_measured`)."""
    if not motion_measured(tracks):
        return detect_separation(tracks, options)
    return motion_events(tracks.motion, tracks.t_s, tracks.frame_index, options.motion)


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
# change around each foot tells which foot swings and when it comes to rest. bench/accuracy.py,
# rendered front and back walks through the pose model: contact F1 0.67-1.00 and the step count
# exact on 9 of 10 clips, against 0.11-0.88 and 3 of 10 from the depth's separation.
DEFAULT_FRONTAL_DETECTOR = "foot_motion"


def default_detector(frontal: bool) -> str:
    """The detector chosen by ``bench/accuracy.py`` for the camera view."""
    return DEFAULT_FRONTAL_DETECTOR if frontal else DEFAULT_DETECTOR


def detect_events(tracks: FootTracks, options: EventOptions = EventOptions()) -> list[Event]:
    """Run the detector named in ``options`` and return events sorted by time.

    Raises:
        ValueError: unknown detector name.
    """
    try:
        detector = REGISTRY[options.detector]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise ValueError(f"unknown event detector {options.detector!r}; known: {known}") from None
    return detector(tracks, options)


def alternation_breaks(events: list[Event]) -> int:
    """Number of consecutive contact pairs made by the same foot (0 in regular walking)."""
    feet = [e.foot for e in events if e.type == "contact"]
    return sum(1 for a, b in zip(feet, feet[1:], strict=False) if a == b)


def airborne_lifts(events: list[Event]) -> int:
    """Number of lifts made while the other foot is in the air too (its last event a lift).

    Walking always has a foot on the floor, so such a lift is timed early (or the other foot's
    landing late): the double support around it reads short.
    """
    last: dict[str, str] = {}
    n = 0
    for e in sorted(events, key=lambda e: (e.t_s, e.type)):
        if e.type == "lift" and last.get(other_foot(e.foot)) == "lift":
            n += 1
        last[e.foot] = e.type
    return n


def _event(tracks: FootTracks, i: int, foot: Foot, kind: str, between: bool = False) -> Event:
    """Event at row ``i``; with ``between``, timed half-way between rows ``i - 1`` and ``i``."""
    t = 0.5 * (tracks.t_s[i - 1] + tracks.t_s[i]) if between and i > 0 else tracks.t_s[i]
    return Event(frame=int(tracks.frame_index[i]), t_s=float(t), foot=foot, type=kind)  # type: ignore[arg-type]


def _sorted(events: list[Event]) -> list[Event]:
    return sorted(events, key=lambda e: (e.t_s, e.foot, e.type))


def _fill_travel(travel: np.ndarray) -> np.ndarray:
    """Travel sign with standing frames given the nearest moving frame's sign."""
    out = travel.astype(np.int8).copy()
    idx = np.flatnonzero(out != 0)
    if idx.size == 0:
        return np.ones_like(out)
    nearest = idx[np.clip(np.searchsorted(idx, np.arange(len(out))), 0, idx.size - 1)]
    prev = idx[np.clip(np.searchsorted(idx, np.arange(len(out))) - 1, 0, idx.size - 1)]
    pick = np.where(
        np.abs(prev - np.arange(len(out))) < np.abs(nearest - np.arange(len(out))), prev, nearest
    )
    return out[pick]
