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

import numpy as np

from vision.landmarks import HEEL, TOE
from vision.result import Event, Foot


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
class Stance:
    """One foot resting in one footprint.

    ``contact_i``/``lift_i`` are the first and one-past-last frame rows touching; ``None`` when
    the stance was under way when the picture begins (or still is when it ends).
    """

    place: int
    start: int
    stop: int
    contact_i: int | None
    lift_i: int | None
    heel_px: np.ndarray
    toe_px: np.ndarray
    votes: float = 0.0  # > 0: the labels say left
    foot: Foot | None = None
    contact_f: float | None = None  # refined times in fractional frame rows
    lift_f: float | None = None


@dataclass
class FootprintAnalysis:
    stances: list[Stance] = field(default_factory=list)
    places_heel_px: list[np.ndarray] = field(default_factory=list)


def flat_still(feet: np.ndarray, radius_px: float, frames: int) -> np.ndarray:
    """(T, 2) bool: reading f at frame t has, in each of the ``frames`` frames before and after,
    a reading (either label) with heel and toe both within ``radius_px``.

    ``feet`` is (T, 2, >=2, 2) pixels [reading] x [heel, toe, ...] x (x, y), NaN where missing.
    """
    n = len(feet)
    ht = feet[:, :, :2]
    ok = np.isfinite(ht).all(axis=(2, 3))
    still = ok.copy()
    for k in range(1, frames + 1):
        for shift in (-k, k):
            near = np.zeros((n, 2), bool)
            lo, hi = max(0, -shift), min(n, n - shift)
            a = ht[lo:hi]  # (m, 2, 2, 2)
            b = ht[lo + shift : hi + shift]
            # distance of reading f to reading g of the shifted frame, worst of heel and toe
            d = np.linalg.norm(a[:, :, None] - b[:, None, :], axis=-1).max(axis=-1)  # (m, 2, 2)
            with np.errstate(invalid="ignore"):
                near[lo:hi] = (d <= radius_px).any(axis=-1)
            still &= near
    return still


def _link(feet: np.ndarray, still: np.ndarray, radius_px: float, gap: int) -> list[list[tuple]]:
    """Group flat-still readings (t, f) into footprints: heels within ``radius_px`` in frames at
    most ``gap`` apart (union-find)."""
    nodes = [(int(t), int(f)) for t, f in zip(*np.nonzero(still), strict=True)]
    parent = list(range(len(nodes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_t: dict[int, list[int]] = {}
    for i, (t, _) in enumerate(nodes):
        by_t.setdefault(t, []).append(i)
    for i, (t, f) in enumerate(nodes):
        for dt in range(1, gap + 1):
            for j in by_t.get(t + dt, []):
                tj, fj = nodes[j]
                if np.linalg.norm(feet[t, f, HEEL] - feet[tj, fj, HEEL]) <= radius_px:
                    parent[find(i)] = find(j)
    groups: dict[int, list[tuple]] = {}
    for i, node in enumerate(nodes):
        groups.setdefault(find(i), []).append(node)
    return sorted(groups.values(), key=lambda g: min(t for t, _ in g))


def _split(feet: np.ndarray, group: list[tuple], min_apart_px: float) -> list[list[tuple]]:
    """Two feet resting side by side a little apart can be linked into one group: where a group
    holds both readings of many frames, split it in two by position (2-means on the heels) if
    the halves lie more than ``min_apart_px`` apart."""
    frames: dict[int, list[int]] = {}
    for t, f in group:
        frames.setdefault(t, []).append(f)
    both = [t for t, fs in frames.items() if len(fs) == 2]
    if len(both) < 0.3 * len(frames) or len(both) < 3:
        return [group]
    pts = np.stack([feet[t, f, HEEL] for t, f in group])
    t0 = both[len(both) // 2]
    centres = np.stack([feet[t0, 0, HEEL], feet[t0, 1, HEEL]])
    for _ in range(10):
        near = np.linalg.norm(pts[:, None] - centres[None], axis=-1).argmin(axis=1)
        if near.min() == near.max():
            return [group]
        centres = np.stack([pts[near == k].mean(axis=0) for k in range(2)])
    if np.linalg.norm(centres[0] - centres[1]) <= min_apart_px:
        return [group]
    return [[g for g, k in zip(group, near, strict=True) if k == c] for c in range(2)]


def _close(mask: np.ndarray, value: bool, max_len: int) -> np.ndarray:
    """Flip interior runs of ``value`` no longer than ``max_len`` samples."""
    out = mask.copy()
    m = np.concatenate([[not value], mask == value, [not value]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(m))
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        if a > 0 and b < len(mask) and b - a <= max_len:
            out[a:b] = not value
    return out


def _occupancy(
    feet: np.ndarray, heel_rest: np.ndarray, toe_rest: np.ndarray, radius_px: float
) -> tuple[np.ndarray, np.ndarray]:
    """(T,) readings touching a footprint per frame and (T, 2) which readings do."""
    dh = np.linalg.norm(feet[:, :, HEEL] - heel_rest, axis=-1)
    dt = np.linalg.norm(feet[:, :, TOE] - toe_rest, axis=-1)
    with np.errstate(invalid="ignore"):
        touch = np.fmin(dh, dt) <= radius_px
    return touch.sum(axis=1), touch


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
    n = len(t_s)
    out = FootprintAnalysis()
    if n < 3 or not np.isfinite(body_height_px) or body_height_px <= 0:
        return out
    dt = float(np.median(np.diff(t_s)))
    bh = body_height_px
    still = flat_still(feet, options.still_radius_bh * bh, options.still_frames)
    gap = max(int(round(options.link_gap_s / dt)), 1)
    min_stance = max(int(round(options.min_stance_s / dt)), 2)
    min_swing = max(int(round(options.min_swing_s / dt)), 1)
    touch_r = (
        options.touch_radius_bh
        if options.touch_radius_bh is not None
        else 0.6 * options.still_radius_bh
    ) * bh
    valid = np.isfinite(feet[:, :, :2]).all(axis=(2, 3)).all(axis=1)
    # A change counts only when both feet were seen for a swing's time before it (contact) or
    # after it (lift): a foot entering or leaving the picture, or the pose model's unsteady
    # first frame, is no event.
    # seen_before[i]: rows i - min_swing - 1 .. i - 1 all valid; seen_after[i]: rows i ..
    # i + min_swing - 1 all valid.
    w = min_swing + 1
    full = np.convolve(valid.astype(int), np.ones(w, int), "valid") == w  # window starting at k
    seen_before = np.zeros(n, bool)
    seen_before[w:] = full[: n - w]
    w2 = min_swing
    full2 = np.convolve(valid.astype(int), np.ones(w2, int), "valid") == w2
    seen_after = np.zeros(n, bool)
    seen_after[: len(full2)] = full2

    link_r = options.link_radius_bh * bh
    accepted: list[tuple[np.ndarray, int, int]] = []  # (heel rest, first row, stop row)
    # Largest groups first: a footprint split in two by noise is then found once.
    groups = [part for g in _link(feet, still, link_r, gap) for part in _split(feet, g, touch_r)]
    for group in sorted(groups, key=len, reverse=True):
        ts = np.array([t for t, _ in group])
        if ts.max() - ts.min() + 1 < min_stance:
            continue
        heel_rest = np.median(np.stack([feet[t, f, HEEL] for t, f in group]), axis=0)
        toe_rest = np.median(np.stack([feet[t, f, TOE] for t, f in group]), axis=0)
        if any(
            np.linalg.norm(heel_rest - h) <= touch_r and ts.min() < b0 and ts.max() >= a0
            for h, a0, b0 in accepted
        ):
            continue  # the same footprint found twice
        occ, touch = _occupancy(feet, heel_rest, toe_rest, touch_r)
        # Occupancy only counts in the run of touching frames around the flat-still core.
        present = occ > 0
        present = _close(present, False, min_swing)
        a, b = int(ts.min()), int(ts.max()) + 1
        while a > 0 and present[a - 1]:
            a -= 1
        while b < n and present[b]:
            b += 1
        level = np.zeros(n, dtype=np.int8)
        level[a:b] = np.maximum(occ[a:b], 1)
        level = _clean_levels(level, a, b, min_stance, min_swing)
        place = len(out.places_heel_px)
        out.places_heel_px.append(heel_rest)
        accepted.append((heel_rest, a, b))
        found = _stances_from_levels(
            level, a, b, place, heel_rest, toe_rest, touch, labels_left, seen_before, seen_after
        )
        for st in found:
            if options.refine:  # contacts only, see below
                st.contact_f = (
                    None
                    if st.contact_i is None
                    else arrival_row(feet, heel_rest, toe_rest, st.contact_i, bh, leaving=False)
                )
                # Lifts keep the touch-radius timing: on real feet the toe pivots while the heel
                # rises, which the approach model does not describe (it timed hand-labelled
                # lifts 1.5 frames early).
        out.stances.extend(s for s in found if s.stop - s.start >= min_stance)
    _name_feet(out.stances)
    out.stances.sort(key=lambda s: (s.start, s.stop))
    return out


def _clean_levels(level: np.ndarray, a: int, b: int, min_stance: int, min_swing: int) -> np.ndarray:
    """Remove brief rises (a foot passing by) and brief dips (noise) of the occupancy."""
    out = level.copy()
    seg = out[a:b]
    for _ in range(2):
        high = seg >= 2
        high = _close(high, True, min_stance - 1)
        high = _close(high, False, min_swing)
        seg = np.where(high, 2, 1).astype(np.int8)
    out[a:b] = seg
    return out


def _stances_from_levels(
    level: np.ndarray,
    a: int,
    b: int,
    place: int,
    heel_rest: np.ndarray,
    toe_rest: np.ndarray,
    touch: np.ndarray,
    labels_left: np.ndarray,
    seen_before: np.ndarray,
    seen_after: np.ndarray,
) -> list[Stance]:
    """Open a stance at each rise of the occupancy, close the oldest at each fall (the foot that
    came first leaves first, as in walking)."""
    stances: list[Stance] = []
    open_: list[Stance] = []
    prev = 0
    for i in range(a, b + 1):
        cur = int(level[i]) if i < b else 0
        while cur > prev:
            contact = i if seen_before[i] else None
            s = Stance(place, i, b, contact, None, heel_rest, toe_rest)
            open_.append(s)
            stances.append(s)
            prev += 1
        while cur < prev:
            s = open_.pop(0)
            s.stop = i
            s.lift_i = i if i < len(seen_after) and seen_after[i] else None
            prev -= 1
    for s in stances:
        rows = slice(s.start, s.stop)
        single = level[rows] == 1
        lab = labels_left[rows][single]
        tch = touch[rows][single]
        # +1 for each touching reading labelled left, -1 labelled right.
        s.votes = float(np.sum(np.where(lab, 1.0, -1.0) * tch))
    return stances


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
    d = np.nanmin(np.fmin(dh, dt), axis=1) / body_height_px
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


def _name_feet(stances: list[Stance]) -> None:
    """Stances that overlap in time are different feet: 2-colour the overlap graph, each
    connected chain named the way its label votes say (in place)."""
    order = sorted(range(len(stances)), key=lambda i: stances[i].start)
    colour: dict[int, int] = {}
    comps: list[list[int]] = []
    for i in order:
        if i in colour:
            continue
        colour[i] = 0
        comp = [i]
        stack = [i]
        while stack:
            j = stack.pop()
            for k in order:
                if k == j or k in colour:
                    continue
                if stances[k].start < stances[j].stop and stances[j].start < stances[k].stop:
                    colour[k] = 1 - colour[j]
                    comp.append(k)
                    stack.append(k)
        comps.append(comp)
    for comp in comps:
        score = sum(stances[i].votes * (1 if colour[i] == 0 else -1) for i in comp)
        for i in comp:
            is_left = (colour[i] == 0) == (score >= 0)
            stances[i].foot = "left" if is_left else "right"


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
        for i, fi, kind in ((s.contact_i, s.contact_f, "contact"), (s.lift_i, s.lift_f, "lift")):
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
            )  # type: ignore[arg-type]
    return sorted(events, key=lambda e: (e.t_s, e.foot, e.type))
