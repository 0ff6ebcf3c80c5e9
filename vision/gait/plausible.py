"""Events that walking allows: what a detector found, checked against how people walk.

A detector reads contacts and lifts off noisy foot points; some of what it reads no walk can
do. Three checks, each counted so the metrics built on the events can say how sure they are:

* **Seen whole.** A landing at the picture's side edge is the foot leaving the picture, not
  resting: BlazePose keeps the points of a foot being cut by the border just inside it, where
  they stop as if the foot had landed. A contact counts only where the landing foot (the one
  furthest along the travel direction, in walking forward or backward) is seen, further than
  ``edge_margin_bh`` from the left and right edges, for the moment after it lands.
* **Step time.** No walker puts a foot down twice within ``min_step_s``: a contact that
  close after the previous one is the same landing read twice (or both feet read as one), and
  is merged into the first.
* **Stance and swing.** A foot that lands stays down at least ``min_stance_s``, and one that
  leaves stays up at least ``min_swing_s``: a shorter stance or swing is a foot point jittering
  around its resting place, and its two events are dropped.

* **Stepping.** Feet that move along the floor without leaving it (a moonwalk, skating) take
  no steps: where most moves never rise off the floor (see :mod:`vision.gait.sliding`), every
  event is dropped.

Consecutive contacts by the same foot (an alternation break) are counted, not changed: which
event is wrong cannot be told from the events alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from vision.gait.sliding import SlidingOptions, is_sliding, swing_rises
from vision.result import FEET, Event


@dataclass(frozen=True)
class PlausibilityOptions:
    """Attributes:
    min_step_s: least time between two contacts, seconds. Elite race walkers, the fastest
        walkers there are, step at about 3.3-3.6 steps per second (Hanley, Bissas and Drake,
        J Sports Sci 2011: 0.28-0.30 s a step); no walk steps faster than 0.25 s.
    min_stance_s: least time a foot stays down after landing, seconds: stance is about 60 % of
        a gait cycle in walking (Perry and Burnfield, Gait Analysis, 2010), over 0.3 s even at
        the race walkers' pace above; half of that allows for events read a few frames off.
    min_swing_s: least time a foot stays up, seconds: swing is about 40 % of a cycle, over
        0.2 s at that pace (same sources).
    min_step_travel_bh: a contact after too short a swing is kept (its lift alone dropped)
        where the foot landed at least this far (body heights) from its last resting place and
        stayed there: a real step whose lift was found late. Shuffling steps of 0.15 m are
        about 0.09 body heights; design choice.
    edge_margin_bh: a landing foot with a point this close (body heights) to the picture's
        left or right edge may be leaving it: the pose model holds the points of a foot cut by
        the border just inside it, a few pixels from the edge, rather than outside.
    edge_check_s: the landing foot is checked over this long after the contact, seconds.
    sliding: when moves of the feet are slides, not steps.
    """

    min_step_s: float = 0.25
    min_stance_s: float = 0.15
    min_swing_s: float = 0.2
    min_step_travel_bh: float = 0.05
    edge_margin_bh: float = 0.02
    edge_check_s: float = 0.1
    sliding: SlidingOptions = field(default_factory=SlidingOptions)


@dataclass(frozen=True)
class EventChecks:
    """What :func:`plausible_events` changed and saw.

    Attributes:
        at_edge: contacts dropped because the landing foot was at the picture's edge.
        merged: contacts merged into an earlier one (closer than the least step time).
        short_stance: contact-lift pairs dropped (a stance shorter than the least stance).
        short_swing: lift-contact pairs dropped (a swing shorter than the least swing).
        alternation_breaks: consecutive contacts by the same foot, left as they are.
        slid: contacts dropped because the feet slid along the floor instead of stepping.
    """

    at_edge: int = 0
    merged: int = 0
    short_stance: int = 0
    short_swing: int = 0
    alternation_breaks: int = 0
    slid: int = 0

    @property
    def removed(self) -> int:
        """Events dropped or merged for breaking what walking allows (not the edge's)."""
        return self.merged + 2 * (self.short_stance + self.short_swing)


def plausible_events(
    events: list[Event],
    feet: np.ndarray,
    t_s: np.ndarray,
    travel_sign: np.ndarray,
    picture: tuple[int, int] | np.ndarray,
    body_height_px: float,
    frontal: bool,
    options: PlausibilityOptions = PlausibilityOptions(),
) -> tuple[list[Event], EventChecks]:
    """The events that walking allows, and what was changed (see the module docstring).

    Args:
        events: contacts and lifts sorted by time.
        feet: (T, 2, >=2, 2) foot points in pixels ([foot] x [heel, toe, ...] x (x, y)) where
            the pose model placed them, in or out of the picture (NaN only without a pose).
        t_s: (T,) frame times, seconds.
        travel_sign: (T,) +1/-1 travel along image x (0 standing).
        picture: the video's (width, height), or each frame's box (T, 4) once the camera's
            motion is undone.
        body_height_px: the subject's apparent height, pixels.
        frontal: front or back view (walking along the line of sight: no side edges to leave by).
    """
    at_edge = merged = stance = swing = 0
    # From the front or back the walker leaves by no side edge, and steps are timed from the
    # picture's change around each foot or the feet's depth, whose lifts come several frames
    # off: the timing checks would drop real steps there. Only alternation is counted.
    if not frontal:
        kept = [
            e
            for e in events
            if e.type != "contact"
            or not _landing_at_edge(e, feet, t_s, travel_sign, picture, body_height_px, options)
        ]
        at_edge = len(events) - len(kept)
        events, merged = _merge_close_contacts(kept, options.min_step_s)
        events, stance = _drop_short(events, "contact", "lift", options.min_stance_s)
        stepped = _stepped(
            events, feet, t_s, body_height_px * options.min_step_travel_bh, options.min_stance_s
        )
        events, swing = _drop_short(events, "lift", "contact", options.min_swing_s, stepped)
    slid = 0
    if not frontal:  # from the front or back a foot's height in the picture is its depth
        rises = swing_rises(events, feet, t_s, body_height_px, options.sliding)
        if is_sliding(rises, options.sliding):
            slid = sum(e.type == "contact" for e in events)
            events = []
    feet_order = [e.foot for e in events if e.type == "contact"]
    breaks = sum(a == b for a, b in zip(feet_order, feet_order[1:], strict=False))
    return events, EventChecks(at_edge, merged, stance, swing, breaks, slid)


def _landing_at_edge(
    contact: Event,
    feet: np.ndarray,
    t_s: np.ndarray,
    travel_sign: np.ndarray,
    picture: tuple[int, int] | np.ndarray,
    body_height_px: float,
    options: PlausibilityOptions,
) -> bool:
    """Whether the foot furthest along travel is unseen or within the edge margin in any frame
    of the moment after ``contact``."""
    # A contact in the last frame still reads that frame.
    i = min(int(np.searchsorted(t_s, contact.t_s)), len(t_s) - 1)
    j = int(np.searchsorted(t_s, contact.t_s + options.edge_check_s, side="right"))
    rows = np.arange(i, max(min(j, len(t_s)), i + 1))
    margin = options.edge_margin_bh * body_height_px
    for r in rows:
        x = feet[r, :, :2, 0]  # (2 feet, heel/toe)
        if not np.isfinite(x).any(axis=1).all():
            return True  # a foot not placed at all: the walker is leaving the picture
        sign = travel_sign[r] if travel_sign[r] != 0 else 1
        lead = x[int(np.nanargmax(np.nanmax(x * sign, axis=1)))]
        left, right = (0.0, float(picture[0])) if isinstance(picture, tuple) else picture[r, [0, 2]]
        if np.nanmin(lead) < left + margin or np.nanmax(lead) > right - margin:
            return True
    return False


def _merge_close_contacts(events: list[Event], min_step_s: float) -> tuple[list[Event], int]:
    """Contacts closer than ``min_step_s`` to the previous kept contact are dropped: the first
    touch is the contact."""
    out: list[Event] = []
    last_contact: Event | None = None
    merged = 0
    for e in events:
        if e.type == "contact":
            if last_contact is not None and e.t_s - last_contact.t_s < min_step_s:
                merged += 1
                continue
            last_contact = e
        out.append(e)
    return out, merged


def _drop_short(
    events: list[Event],
    first: str,
    then: str,
    min_s: float,
    keep_then: Callable[[int], bool] = lambda _: False,
) -> tuple[list[Event], int]:
    """Drop both events of each pair where a foot's ``first`` event is followed by its own
    ``then`` event less than ``min_s`` later; only the ``first`` where ``keep_then`` holds for
    the ``then`` event's index. Returns the events kept and the number of pairs cut short."""
    drop: set[int] = set()
    pairs = 0
    for k, e in enumerate(events):
        if e.type != first or k in drop:
            continue
        nxt = next((m for m in range(k + 1, len(events)) if events[m].foot == e.foot), None)
        if nxt is not None and events[nxt].type == then and events[nxt].t_s - e.t_s < min_s:
            drop.update((k,) if keep_then(nxt) else (k, nxt))
            pairs += 1
    return [e for k, e in enumerate(events) if k not in drop], pairs


def _stepped(
    events: list[Event],
    feet: np.ndarray,
    t_s: np.ndarray,
    min_travel_px: float,
    stance_s: float,
) -> Callable[[int], bool]:
    """Whether the contact ``events[k]`` ends a real step: its foot landed at least
    ``min_travel_px`` from where it rested before (its previous contact, else its first seen
    place) and stays within that of where it landed for ``stance_s``. A foot jittering in place
    does not travel, and one still swinging does not stay; a step whose lift was found late
    (the first step from standing lifts slowly) does both, and keeps its contact."""

    def place(foot: str, t: float | None) -> np.ndarray:
        f = FEET.index(foot)
        pts = feet[:, f, :2, :]  # (T, 2 points, 2) heel and toe
        n = np.isfinite(pts).sum(axis=1)
        # nanmean without its warning on frames where neither point was seen: they stay NaN.
        mid = np.where(n > 0, np.nansum(pts, axis=1) / np.maximum(n, 1), np.nan)  # (T, 2)
        seen = np.flatnonzero(np.isfinite(mid).all(axis=1))
        if not len(seen):
            return np.full(2, np.nan)
        i = seen[0] if t is None else seen[np.argmin(np.abs(t_s[seen] - t))]
        return mid[i]

    def stepped(k: int) -> bool:
        e = events[k]
        before = [p for p in events[:k] if p.foot == e.foot and p.type == "contact"]
        start = place(e.foot, before[-1].t_s if before else None)
        landed, later = place(e.foot, e.t_s), place(e.foot, e.t_s + stance_s)
        travelled = np.linalg.norm(landed - start) >= min_travel_px
        return bool(travelled and np.linalg.norm(later - landed) < min_travel_px)

    return stepped
