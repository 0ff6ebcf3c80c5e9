"""Footprints and the stances in them, for the ``footprints`` detector (see
:mod:`vision.gait.events.footprints`): flat-still readings linked into footprints, how many
readings touch a footprint per frame, and the stances that occupancy opens and closes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vision.landmarks import HEEL, TOE
from vision.result import Foot


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


def link_footprints(
    feet: np.ndarray, still: np.ndarray, radius_px: float, gap: int
) -> list[list[tuple]]:
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


def split_side_by_side(
    feet: np.ndarray, group: list[tuple], min_apart_px: float
) -> list[list[tuple]]:
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


def close_runs(mask: np.ndarray, value: bool, max_len: int) -> np.ndarray:
    """Flip interior runs of ``value`` no longer than ``max_len`` samples."""
    out = mask.copy()
    m = np.concatenate([[not value], mask == value, [not value]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(m))
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        if a > 0 and b < len(mask) and b - a <= max_len:
            out[a:b] = not value
    return out


def occupancy(
    feet: np.ndarray, heel_rest: np.ndarray, toe_rest: np.ndarray, radius_px: float
) -> tuple[np.ndarray, np.ndarray]:
    """(T,) readings touching a footprint per frame and (T, 2) which readings do."""
    dh = np.linalg.norm(feet[:, :, HEEL] - heel_rest, axis=-1)
    dt = np.linalg.norm(feet[:, :, TOE] - toe_rest, axis=-1)
    with np.errstate(invalid="ignore"):
        touch = np.fmin(dh, dt) <= radius_px
    return touch.sum(axis=1), touch


def clean_levels(level: np.ndarray, a: int, b: int, min_stance: int, min_swing: int) -> np.ndarray:
    """Remove brief rises (a foot passing by) and brief dips (noise) of the occupancy."""
    out = level.copy()
    seg = out[a:b]
    for _ in range(2):
        high = seg >= 2
        high = close_runs(high, True, min_stance - 1)
        high = close_runs(high, False, min_swing)
        seg = np.where(high, 2, 1).astype(np.int8)
    out[a:b] = seg
    return out


def stances_from_levels(
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


def name_feet(stances: list[Stance]) -> None:
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
