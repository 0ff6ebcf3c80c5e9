"""Agreement of detected gait events with reference events (hand labels or synthetic truth).

Used by the accuracy benchmark and the tests. Events are matched one-to-one by time within a
tolerance, per event type, ignoring the foot label (BlazePose may mirror left and right in side
views); whether the feet agree, consistently mirrored or not, is reported separately.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np

from vision.result import FEET, Event, EventType, Foot


@dataclass
class EventAgreement:
    """Matching of detected to reference events of one type.

    Attributes:
        matched: reference/detected index pairs.
        errors_s: detected minus reference time of each match, seconds.
        n_detected, n_reference: counts compared.
        same_foot: fraction 0-1 of matches with the same foot label (1 or 0 both mean the feet
            are consistent, 0 being mirrored); None without matches.
    """

    matched: list[tuple[int, int]] = field(default_factory=list)
    errors_s: list[float] = field(default_factory=list)
    n_detected: int = 0
    n_reference: int = 0
    same_foot: float | None = None

    @property
    def precision(self) -> float:
        return len(self.matched) / self.n_detected if self.n_detected else float("nan")

    @property
    def recall(self) -> float:
        return len(self.matched) / self.n_reference if self.n_reference else float("nan")

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r > 0 else 0.0

    def median_abs_error_s(self) -> float:
        return float(np.median(np.abs(self.errors_s))) if self.errors_s else float("nan")

    def p95_abs_error_s(self) -> float:
        return float(np.percentile(np.abs(self.errors_s), 95)) if self.errors_s else float("nan")

    def feet_consistent(self) -> bool:
        """All matches agree on the feet, or all are mirrored."""
        return self.same_foot is None or self.same_foot in (0.0, 1.0)


def match_events(
    detected: Sequence[Event],
    reference: Sequence[Event],
    kind: str,
    tolerance_s: float = 0.1,
    window_s: tuple[float, float] | None = None,
    within_labels: bool = False,
) -> EventAgreement:
    """Match events of type ``kind`` one-to-one, closest pairs first, within ``tolerance_s``.

    Args:
        window_s: only events inside (start, end) seconds are compared; e.g. the span where the
            reference could see the feet.
        within_labels: also compare only between the first and last reference event of this
            kind (+- ``tolerance_s``): hand labels may stop short of a clip's ends (a foot half
            out of view is left unlabelled), and a detection there cannot be judged.
    """
    lo, hi = window_s if window_s is not None else (-np.inf, np.inf)
    if within_labels:
        times = [e.t_s for e in reference if e.type == kind]
        if times:
            lo, hi = max(lo, min(times) - tolerance_s), min(hi, max(times) + tolerance_s)

    def pick(events: Sequence[Event]) -> list[Event]:
        return [e for e in events if e.type == kind and lo <= e.t_s <= hi]

    det, ref = pick(detected), pick(reference)
    pairs = sorted(
        (abs(d.t_s - r.t_s), i, j)
        for i, r in enumerate(ref)
        for j, d in enumerate(det)
        if abs(d.t_s - r.t_s) <= tolerance_s
    )
    used_r: set[int] = set()
    used_d: set[int] = set()
    out = EventAgreement(n_detected=len(det), n_reference=len(ref))
    for _, i, j in pairs:
        if i in used_r or j in used_d:
            continue
        used_r.add(i)
        used_d.add(j)
        out.matched.append((i, j))
        out.errors_s.append(det[j].t_s - ref[i].t_s)
    if out.matched:
        out.same_foot = float(np.mean([ref[i].foot == det[j].foot for i, j in out.matched]))
    return out


def load_event_labels(path: str | Path, fps: float) -> list[Event]:
    """Hand labels from a CSV with columns ``frame, time_s, foot, event`` (event: contact|lift).

    A label names the first frame showing the new state (the foot down for a contact, up for a
    lift), so the event happened between that frame and the one before: its time is taken
    half a frame before the labelled frame, ``(frame - 0.5) / fps`` (the labels' own time column
    is the frame's time, rounded).
    """
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [
        Event(
            frame=int(r["frame"]),
            t_s=(int(r["frame"]) - 0.5) / fps,
            foot=_label(_FEET, r["foot"], path),
            type=_label(_EVENT_TYPES, r["event"], path),
        )
        for r in rows
    ]


_Label = TypeVar("_Label")
_FEET: dict[str, Foot] = {f: f for f in FEET}
_EVENT_TYPES: dict[str, EventType] = {"contact": "contact", "lift": "lift"}


def _label(known: dict[str, _Label], text: str, path: str | Path) -> _Label:
    """``text`` as one of the ``known`` labels.

    Raises:
        ValueError: a label the CSV format does not have.
    """
    try:
        return known[text.strip()]
    except KeyError:
        raise ValueError(f"{path}: unknown label {text.strip()!r}") from None


def reversed_events(events: Sequence[Event], last_frame: int, fps: float) -> list[Event]:
    """The events of a clip played backward: a contact at frame t becomes a lift at frame
    ``last_frame - t`` and a lift a contact; an event at time s becomes one at
    ``last_frame / fps - s`` (so a time between two frames stays between the same two)."""
    out = [
        Event(
            frame=last_frame - e.frame,
            t_s=last_frame / fps - e.t_s,
            foot=e.foot,
            type="lift" if e.type == "contact" else "contact",
        )
        for e in events
    ]
    return sorted(out, key=lambda e: e.t_s)
