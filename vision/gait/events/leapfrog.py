"""The ``leapfrog`` event detector: contacts and lifts from the order of the feet along the
direction of travel, blind to the pose model's left/right labels.

In walking, forward or backward, the feet leapfrog: a contact is the moment the foot that has
just moved to the front (along the direction of TRAVEL, not of facing) comes to rest, and a lift
is the moment the foot at the back starts to move. So per frame only two numbers matter: the
position along the travel axis of the foremost foot point and of the hindmost one, of each kind
(heels, toes). Both are the same whichever foot BlazePose calls left, so its side-view leg swaps
cannot create or hide events.

* Contact: the foremost track of a point kind (heel or toe) ends a move and rests. Whichever of
  the two kinds rests first is the first part of the foot on the floor: the toe when walking
  backward, the heel when walking forward, found rather than assumed (over the whole walk, so
  that per-swing noise in which kind looks first does not bias the timing).
* Heel and toe are one rigid foot: their swings pair up by overlapping in time (one foot is in
  the air at a time), and a move seen in one kind only is a creeping foot point, not a step.
* Lift: the hindmost track starts a move; the later of the two kinds is the last part of the foot
  to leave (the heel walking backward, the toe walking forward).
* The moment of rest is where the foot's approach reaches its resting place (within the noise),
  and the moment of leaving where it departs from it, not where a speed threshold is crossed (a
  threshold fires while the foot is still gliding in).

Feet are named afterwards: contacts alternate, and the phase is the one most of the pose model's
labels agree with.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from vision.gait.events.common import filled_travel
from vision.gait.events.leapfrog_kinds import combine_kinds, rigid, room_for_lone_swings
from vision.gait.events.leapfrog_swings import LeapfrogOptions, find_swings
from vision.gait.events.swing_fit import event_at, pair_swings
from vision.gait.foot_tracks import FootTracks
from vision.landmarks import HEEL, TOE
from vision.result import Event, Foot, other_foot
from vision.timeseries import fill_short_gaps, frame_rate, median_lowpass, true_runs

if TYPE_CHECKING:  # the options import this detector's own settings
    from vision.gait.events.options import EventOptions


def detect_leapfrog(tracks: FootTracks, options: EventOptions) -> list[Event]:
    """The ``leapfrog`` detector: contacts and lifts from the foremost and hindmost foot along
    travel, blind to the pose model's left/right labels (see the module docstring)."""
    points = tracks.readings if tracks.readings is not None else tracks.feet
    return leapfrog_events(
        points,
        tracks.feet,
        tracks.t_s,
        tracks.frame_index,
        filled_travel(tracks.travel),
        tracks.body_height_px,
        tracks.frontal,
        options.leapfrog,
    )


def travel_axis(points: np.ndarray, frontal: bool) -> np.ndarray:
    """(2,) unit image direction of the walk: the main axis of the feet's positions, oriented
    like image x (side and oblique views) or image y (front and back views), the axes the travel
    sign refers to. ``points`` is (T, 2, K, 2) foot points in pixels."""
    pts = points.reshape(-1, 2)
    pts = pts[np.isfinite(pts).all(axis=1)]
    ref = np.array([0.0, 1.0]) if frontal else np.array([1.0, 0.0])
    if len(pts) < 10:
        return ref
    centred = pts - pts.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    axis = vt[0]
    if abs(axis @ ref) < 0.5:  # the feet barely travel: keep the view's axis
        return ref
    return axis if axis @ ref > 0 else -axis


def order_tracks(
    points: np.ndarray, axis: np.ndarray, sign: np.ndarray, body_height_px: float
) -> tuple[np.ndarray, np.ndarray]:
    """Foremost and hindmost positions along travel, (T, 2) each for [heel, toe], body heights.

    ``points`` (T, 2 feet, >=2 [heel, toe, ...], 2) pixels; ``sign`` (T,) +1/-1 travel sign
    along ``axis``. NaN where either foot's point is missing.
    """
    along = points[:, :, :2, :] @ axis  # (T, 2 feet, 2 kinds)
    along = along * sign[:, None, None] / body_height_px
    return along.max(axis=1), along.min(axis=1)


def leapfrog_events(
    points: np.ndarray,
    labelled: np.ndarray,
    t_s: np.ndarray,
    frame_index: np.ndarray,
    travel_sign: np.ndarray,
    body_height_px: float,
    frontal: bool,
    options: LeapfrogOptions | None = None,
) -> list[Event]:
    """Contacts and lifts of a walk.

    Args:
        points: (T, 2, >=2, 2) foot points in pixels, [foot] x [heel, toe, ...] x (x, y), in
            any left/right order (labels are not trusted).
        labelled: the same with the pose model's (repaired) left/right order, to name the feet.
        t_s, frame_index: (T,) frame times (s) and video frame numbers.
        travel_sign: (T,) +1/-1 direction of travel along the travel axis (0 is not allowed:
            fill standing frames with the nearest walking frame's sign).
        body_height_px: the subject's apparent height, pixels.
        frontal: front or back view (the travel axis is then image y).
    """
    opts = options or LeapfrogOptions()
    if frontal:
        opts = replace(opts, min_move_bh=opts.min_move_frontal_bh)
    fps = frame_rate(t_s)
    axis = travel_axis(points[:, :, :2], frontal)
    lead, trail = order_tracks(points, axis, travel_sign.astype(float), body_height_px)
    # A foot lost for a frame or two (a glitch, not an exit) must not cut the walk in pieces.
    lead = fill_short_gaps(lead, opts.max_gap_s * fps)
    trail = fill_short_gaps(trail, opts.max_gap_s * fps)
    contacts: list[tuple[float, int]] = []
    lifts: list[float] = []
    for a, b, entered in _one_way_runs(lead, trail, travel_sign):
        for lift_s, contact_s in _run_swings(lead[a:b], trail[a:b], t_s[a:b], entered, fps, opts):
            if np.isfinite(contact_s):
                contacts.append((contact_s, a + int(np.searchsorted(t_s[a:b], contact_s))))
            if np.isfinite(lift_s):
                lifts.append(lift_s)
    contacts.sort()
    lifts.sort()
    feet = _name_feet(contacts, labelled, axis, travel_sign)
    events = [
        event_at(te, t_s, frame_index, foot, "contact")
        for (te, _), foot in zip(contacts, feet, strict=True)
    ]
    lift_feet = name_lifts(lifts, [tc for tc, _ in contacts], feet, opts.min_swing_s)
    events += [
        event_at(te, t_s, frame_index, foot, "lift")
        for te, foot in zip(lifts, lift_feet, strict=True)
    ]
    return sorted(events, key=lambda e: (e.t_s, e.type))


def _one_way_runs(
    lead: np.ndarray, trail: np.ndarray, travel_sign: np.ndarray
) -> list[tuple[int, int, bool]]:
    """Row ranges (start, stop, entered) of one travel sign without missing feet, each analysed
    on its own: a turn or a change from forward to backward walking reverses what "foremost"
    means. ``entered``: the feet came into view at the range's first row. Ranges too short to
    hold a step are left out."""
    ok = np.isfinite(lead).all(axis=1) & np.isfinite(trail).all(axis=1)
    change = np.flatnonzero(np.diff(travel_sign) != 0) + 1
    out: list[tuple[int, int, bool]] = []
    for a0, b0 in true_runs(ok):
        bounds: list[int] = [a0, *(int(c) for c in change if a0 < c < b0), b0]
        for a, b in zip(bounds, bounds[1:], strict=False):
            if b - a >= 8:
                out.append((a, b, a == a0 and a0 > 0))
    return out


def _run_swings(
    lead: np.ndarray,
    trail: np.ndarray,
    t: np.ndarray,
    entered: bool,
    fps: float,
    opts: LeapfrogOptions,
) -> list[tuple[float, float]]:
    """(lift, contact) times (s) of the steps in one run of rows, from its foremost and hindmost
    (T, 2) [heel, toe] tracks: each kind's swings, paired into one foot's (NaN: an end not
    seen)."""
    settle = max(int(round(opts.settle_s * fps)), 1)
    smooth = [
        median_lowpass(track[:, k], fps, opts.cutoff_hz, opts.median_s)
        for track in (lead, trail)
        for k in (HEEL, TOE)
    ]
    heel = find_swings(smooth[0], smooth[2], t, fps, opts, entered)
    toe = find_swings(smooth[1], smooth[3], t, fps, opts, entered)
    pairs = pair_swings(heel, toe, opts.pair_s)
    tracks = ((smooth[0], smooth[2]), (smooth[1], smooth[3]))
    pairs = [p for p in pairs if rigid(p, tracks, t, settle)]
    return combine_kinds(room_for_lone_swings(pairs))


def name_lifts(
    lifts_s: list[float], contacts_s: list[float], contact_feet: list[Foot], min_swing_s: float
) -> list[Foot]:
    """The foot of each lift (times in seconds, ``contacts_s`` sorted with their feet).

    The foot that lifts is the one that lands next, at least ``min_swing_s`` later: a lift found
    too early, just before the other foot lands, belongs to the next swing (a swing that short
    is not walking). With no such landing, the lift is not the last foot to land's.
    """
    out: list[Foot] = []
    for te in lifts_s:
        k = int(np.searchsorted(contacts_s, te + min_swing_s, side="right"))
        if k < len(contacts_s):
            out.append(contact_feet[k])
        else:
            out.append(other_foot(contact_feet[-1]) if contact_feet else "left")
    return out


def _name_feet(
    contacts: list[tuple[float, int]],
    labelled: np.ndarray,
    axis: np.ndarray,
    travel_sign: np.ndarray,
) -> list[Foot]:
    """Alternate left/right along the contacts, in the phase most labels agree with: at each
    contact, the labelled foot whose toe is foremost over the next few frames votes."""
    votes = []
    for _, r in contacts:
        rows = slice(r, min(r + 6, len(labelled)))
        along = (labelled[rows, :, 1, :] @ axis) * travel_sign[rows, None]
        ahead = np.nanmean(along, axis=0) if np.isfinite(along).any() else np.full(2, np.nan)
        votes.append(0 if not np.isfinite(ahead).all() else (1 if ahead[1] > ahead[0] else -1))
    # +1 votes "right", -1 "left"; phase p: contact k is right when (k + p) is even.
    score = [sum(v * (1 if (k + p) % 2 == 0 else -1) for k, v in enumerate(votes)) for p in (0, 1)]
    p = int(np.argmax(score))
    return ["right" if (k + p) % 2 == 0 else "left" for k in range(len(contacts))]
