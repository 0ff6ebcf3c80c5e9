"""Footprints: foot contacts and lifts that do not trust the pose model's left/right labels.

In every frame the pose model reports two feet (heel and toe each). It often swaps which is left
and which is right (side views), but whichever label it gives, a planted foot is a heel and a toe
that stay put on the floor. So:

1. A foot reading is *flat-still* when its heel and toe both have a same-kind point (of either
   label) close by in the neighbouring frames.
2. Flat-still readings that follow each other in time at one place are a **footprint**, with the
   heel and toe resting positions (medians).
3. A reading *touches* a footprint while its heel or its toe is within a small distance of the
   footprint's resting heel or toe. The number of readings touching a footprint per frame (0, 1
   or 2: two feet side by side) rises at each contact and falls at each lift. Contact is thus the
   first point to arrive (the toe when walking backward, the heel forward), lift the last to
   leave (the heel backward, the toe forward), whatever the walking direction.
4. Stances that overlap in time belong to different feet; along such chains the feet alternate,
   and the left/right naming of each chain is the one most of its readings' labels agree with.

Distances are fractions of the subject's apparent body height; times seconds. Needs a static
camera (a planted foot must be still in the image).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from vision.gait.events.footprint_stances import (
    Stance,
    clean_levels,
    close_runs,
    flat_still,
    link_footprints,
    name_feet,
    occupancy,
    split_side_by_side,
    stances_from_levels,
)
from vision.gait.foot_tracks import FootTracks
from vision.landmarks import HEEL, TOE
from vision.result import Event, EventType

if TYPE_CHECKING:  # the options import this detector's own settings
    from vision.gait.events.options import EventOptions


@dataclass(frozen=True)
class FootprintOptions:
    """Attributes:
    still_radius_bh: a point is still when a same-kind point lies this close (body heights) in
        each of the ``still_frames`` frames before and after it.
    still_frames: see ``still_radius_bh``.
    link_radius_bh: flat-still readings this close (heel to heel) in frames at most
        ``link_gap_s`` apart belong to one footprint.
    link_gap_s: see ``link_radius_bh``.
    touch_radius_bh: a heel or toe this close to a footprint's resting heel or toe touches it;
        None: 0.6 of the still radius. Sets the timing: a smaller radius times contacts later.
    min_stance_s: footprints (and rises of their occupancy) shorter than this are not stances.
    min_swing_s: dips of a footprint's occupancy shorter than this are noise.
    refine: time each contact by fitting the foot's approach to its resting place (see
        :func:`arrival_row`) instead of the first frame within the touch radius.
    """

    still_radius_bh: float = 0.03
    still_frames: int = 2
    link_radius_bh: float = 0.02
    link_gap_s: float = 0.1
    touch_radius_bh: float | None = 0.018
    min_stance_s: float = 0.25
    min_swing_s: float = 0.1
    refine: bool = True


@dataclass
class FootprintAnalysis:
    stances: list[Stance] = field(default_factory=list)
    places_heel_px: list[np.ndarray] = field(default_factory=list)


@dataclass(frozen=True)
class _Scales:
    """The options in the clip's units: rows and pixels."""

    link_gap: int
    min_stance: int
    min_swing: int
    touch_px: float
    link_px: float


def _scales(options: FootprintOptions, dt: float, bh: float) -> _Scales:
    touch_bh = (
        options.touch_radius_bh
        if options.touch_radius_bh is not None
        else 0.6 * options.still_radius_bh
    )
    return _Scales(
        link_gap=max(int(round(options.link_gap_s / dt)), 1),
        min_stance=max(int(round(options.min_stance_s / dt)), 2),
        min_swing=max(int(round(options.min_swing_s / dt)), 1),
        touch_px=touch_bh * bh,
        link_px=options.link_radius_bh * bh,
    )


def _seen_around(feet: np.ndarray, min_swing: int) -> tuple[np.ndarray, np.ndarray]:
    """(T,) bool each: both feet were seen for a swing's time before the row (rows i - min_swing
    - 1 .. i - 1), and from the row on (rows i .. i + min_swing - 1).

    A change counts only where both feet were seen for a swing's time before it (contact) or
    after it (lift): a foot entering or leaving the picture, or the pose model's unsteady first
    frame, is no event.
    """
    n = len(feet)
    valid = np.isfinite(feet[:, :, :2]).all(axis=(2, 3)).all(axis=1)
    w = min_swing + 1
    full = np.convolve(valid.astype(int), np.ones(w, int), "valid") == w  # window starting at k
    seen_before = np.zeros(n, bool)
    seen_before[w:] = full[: n - w]
    w2 = min_swing
    full2 = np.convolve(valid.astype(int), np.ones(w2, int), "valid") == w2
    seen_after = np.zeros(n, bool)
    seen_after[: len(full2)] = full2
    return seen_before, seen_after


def _footprint_levels(
    feet: np.ndarray, rows: np.ndarray, heel_rest: np.ndarray, toe_rest: np.ndarray, sc: _Scales
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """How many feet rest in a footprint per frame (0, 1 or 2, cleaned of feet passing by and
    of noise), which readings touch it, and the rows [a, b) of touching frames around its
    flat-still core ``rows``."""
    n = len(feet)
    occ, touch = occupancy(feet, heel_rest, toe_rest, sc.touch_px)
    # Occupancy only counts in the run of touching frames around the flat-still core.
    present = close_runs(occ > 0, False, sc.min_swing)
    a, b = int(rows.min()), int(rows.max()) + 1
    while a > 0 and present[a - 1]:
        a -= 1
    while b < n and present[b]:
        b += 1
    level = np.zeros(n, dtype=np.int8)
    level[a:b] = np.maximum(occ[a:b], 1)
    return clean_levels(level, a, b, sc.min_stance, sc.min_swing), touch, a, b


def find_stances(
    feet: np.ndarray,
    labels_left: np.ndarray,
    t_s: np.ndarray,
    body_height_px: float,
    options: FootprintOptions = FootprintOptions(),
) -> FootprintAnalysis:
    """Stances of both feet, label-free, from (T, 2, >=2, 2) foot readings in pixels.

    Args:
        feet: readings [heel, toe, ...] x (x, y) per frame; the two readings' order carries no
            meaning here except through ``labels_left``.
        labels_left: (T, 2) bool, the pose model's (or a repair's) claim that reading f is the
            left foot; used only to name the feet at the end.
        t_s: (T,) seconds.
        body_height_px: apparent standing height, the unit of the radii.
    """
    out = FootprintAnalysis()
    if len(t_s) < 3 or not np.isfinite(body_height_px) or body_height_px <= 0:
        return out
    bh = body_height_px
    sc = _scales(options, float(np.median(np.diff(t_s))), bh)
    still = flat_still(feet, options.still_radius_bh * bh, options.still_frames)
    seen = _seen_around(feet, sc.min_swing)
    accepted: list[tuple[np.ndarray, int, int]] = []  # (heel rest, first row, stop row)
    # Largest groups first: a footprint split in two by noise is then found once.
    groups = [
        part
        for g in link_footprints(feet, still, sc.link_px, sc.link_gap)
        for part in split_side_by_side(feet, g, sc.touch_px)
    ]
    for group in sorted(groups, key=len, reverse=True):
        rows = np.array([t for t, _ in group])
        if rows.max() - rows.min() + 1 < sc.min_stance:
            continue
        heel_rest = np.median(np.stack([feet[t, f, HEEL] for t, f in group]), axis=0)
        toe_rest = np.median(np.stack([feet[t, f, TOE] for t, f in group]), axis=0)
        if any(
            np.linalg.norm(heel_rest - h) <= sc.touch_px and rows.min() < b0 and rows.max() >= a0
            for h, a0, b0 in accepted
        ):
            continue  # the same footprint found twice
        level, touch, a, b = _footprint_levels(feet, rows, heel_rest, toe_rest, sc)
        place = len(out.places_heel_px)
        out.places_heel_px.append(heel_rest)
        accepted.append((heel_rest, a, b))
        found = stances_from_levels(
            level, a, b, place, heel_rest, toe_rest, touch, labels_left, *seen
        )
        if options.refine:
            _refine_contacts(found, feet, bh)
        out.stances.extend(s for s in found if s.stop - s.start >= sc.min_stance)
    name_feet(out.stances)
    out.stances.sort(key=lambda s: (s.start, s.stop))
    return out


def _refine_contacts(stances: list[Stance], feet: np.ndarray, bh: float) -> None:
    """Time each stance's contact by its foot's approach to its resting place (in place).

    Lifts keep the touch-radius timing: on real feet the toe pivots while the heel rises, which
    the approach model does not describe (it timed hand-labelled lifts early).
    """
    for st in stances:
        if st.contact_i is not None:
            st.contact_f = arrival_row(feet, st.heel_px, st.toe_px, st.contact_i, bh, leaving=False)


APPROACH_POWER = 1.5
FIT_REACH_BH = 0.08


def arrival_row(
    feet: np.ndarray,
    heel_rest: np.ndarray,
    toe_rest: np.ndarray,
    i: int,
    body_height_px: float,
    leaving: bool = False,
    before: int = 8,
    after: int = 6,
) -> float:
    """Fractional frame row at which a foot arrives at (``leaving``: departs from) its resting
    place, near the first touching row ``i``.

    The distance of the nearest heel or toe reading to the resting heel or toe is fitted with
    ``sqrt((a * max(tc - row, 0) ** 1.5) ** 2 + s ** 2)``: a foot decelerating onto the floor,
    seen through landmark noise of size ``s`` (measured on the rows after arrival). The power 1.5
    matches a swing that slows smoothly to rest (design choice). A per-frame threshold on noisy
    landmarks fires ahead of the arrival; the fit uses the whole approach and does not.
    """
    n = len(feet)
    sign = -1 if leaving else 1
    lo, hi = (i - before, i + after) if not leaving else (i - after, i + before)
    rows = np.arange(max(lo, 0), min(hi, n))
    if rows.size < 5:
        return float(i)
    dh = np.linalg.norm(feet[rows][:, :, HEEL] - heel_rest, axis=-1)
    dt = np.linalg.norm(feet[rows][:, :, TOE] - toe_rest, axis=-1)
    # fmin.reduce is nanmin that leaves all-NaN rows NaN without a warning.
    d = np.fmin.reduce(np.fmin(dh, dt), axis=1) / body_height_px
    ok = np.isfinite(d) & (d <= FIT_REACH_BH)
    settled = ok & ((rows >= i + 1) if not leaving else (rows <= i - 2))
    if settled.sum() < 2 or ok.sum() < 5:
        return float(i)
    s2 = float(np.median(d[settled]) ** 2)
    r, y = rows[ok].astype(float), d[ok]
    best = (np.inf, float(i))
    for tc in np.arange(i - 3.0, i + 2.01, 0.1):
        lag = np.maximum(sign * (tc - r), 0.0) ** APPROACH_POWER
        if not lag.any():
            continue
        # a for this tc: 1-D least squares on a grid (the model is not linear in a).
        for a in np.geomspace(0.002, 0.05, 24):
            err = float(np.sum((np.sqrt((a * lag) ** 2 + s2) - y) ** 2))
            if err < best[0]:
                best = (err, float(tc))
    return best[1]


def footprint_events(
    stances: list[Stance],
    t_s: np.ndarray,
    frame_index: np.ndarray,
    walking: np.ndarray | None = None,
) -> list[Event]:
    """Contact and lift events of ``stances``, timed half-way between the last frame before the
    change and the first after it, numbered with the first frame of the new state.

    With ``walking`` (T,) bool, events are kept only near walking frames (within a frame).
    """
    events: list[Event] = []
    n = len(t_s)
    rows = np.arange(n, dtype=float)
    for s in stances:
        ends: tuple[tuple[int | None, float | None, EventType], ...] = (
            (s.contact_i, s.contact_f, "contact"),
            (s.lift_i, s.lift_f, "lift"),
        )
        for i, fi, kind in ends:
            if i is None or i <= 0 or i >= n:
                continue
            if walking is not None and not walking[max(i - 1, 0) : i + 1].any():
                continue
            if fi is not None:
                # numbered with the first row of the new state, timed at the fitted instant
                i = int(np.clip(np.ceil(fi), 1, n - 1))
                t = float(np.interp(fi, rows, t_s))
            else:
                t = 0.5 * (t_s[i - 1] + t_s[i])
            events.append(
                Event(frame=int(frame_index[i]), t_s=float(t), foot=s.foot or "left", type=kind)
            )
    return sorted(events, key=lambda e: (e.t_s, e.foot, e.type))


def detect_footprints(tracks: FootTracks, options: EventOptions) -> list[Event]:
    """The ``footprints`` detector: contacts and lifts from footprints, blind to the pose
    model's left/right labels (see the module docstring); feet named afterwards by alternation
    and majority label."""
    feet = tracks.readings if tracks.readings is not None else tracks.feet
    labels_left = np.zeros((len(feet), 2), dtype=bool)
    labels_left[:, 0] = True
    fp = find_stances(feet, labels_left, tracks.t_s, tracks.body_height_px, options.footprints)
    return footprint_events(fp.stances, tracks.t_s, tracks.frame_index)
