"""Counts of what walking rules out, on any detector's events."""

from __future__ import annotations

from vision.result import Event, other_foot


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
