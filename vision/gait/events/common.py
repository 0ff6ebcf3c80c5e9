"""What several detectors share: an event at a frame row, the events' order, and the travel
sign with standing frames filled in."""

from __future__ import annotations

import numpy as np

from vision.gait.foot_tracks import FootTracks
from vision.result import Event, EventType, Foot


def event_at_row(
    tracks: FootTracks, i: int, foot: Foot, kind: EventType, between: bool = False
) -> Event:
    """Event at row ``i``; with ``between``, timed half-way between rows ``i - 1`` and ``i``."""
    t = 0.5 * (tracks.t_s[i - 1] + tracks.t_s[i]) if between and i > 0 else tracks.t_s[i]
    return Event(frame=int(tracks.frame_index[i]), t_s=float(t), foot=foot, type=kind)


def by_time(events: list[Event]) -> list[Event]:
    """Events sorted by time, then foot and type (a stable order for equal times)."""
    return sorted(events, key=lambda e: (e.t_s, e.foot, e.type))


def filled_travel(travel: np.ndarray) -> np.ndarray:
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
