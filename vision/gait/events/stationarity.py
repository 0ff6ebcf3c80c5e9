"""The ``stationarity`` detector: a foot is on the floor while its stillest point (heel or toe)
does not move in the image.

Contact is the moment the first point stops (toe in backward gait, heel in forward gait), lift
the moment the last one moves again. Needs a static camera; does not care which way the subject
walks.
"""

from __future__ import annotations

import numpy as np

from vision.gait.body import velocity
from vision.gait.events.common import by_time, event_at_row
from vision.gait.events.options import EventOptions
from vision.gait.foot_tracks import FootTracks
from vision.result import FEET, Event
from vision.timeseries import close_short_runs, frame_rate, true_runs


def foot_speed_bh_s(tracks: FootTracks) -> np.ndarray:
    """(T, 2) speed of each foot's stillest point (heel or toe), body heights per second."""
    v = velocity(tracks.feet[:, :, :2], tracks.t_s)  # heel and toe only
    speed = np.linalg.norm(v, axis=-1) / tracks.body_height_px
    return np.nanmin(np.where(np.isfinite(speed), speed, np.inf), axis=-1)


def stance_mask(tracks: FootTracks, options: EventOptions) -> np.ndarray:
    """(T, 2) bool: the foot is planted."""
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
            runs = [(a + r0, a + r1, True) for r0, r1 in true_runs(still[a:b, f])]
            runs += [(a + r0, a + r1, False) for r0, r1 in true_runs(~still[a:b, f])]
            runs.sort()
            for (s0, s1, st0), (t0, t1, _) in zip(runs, runs[1:], strict=False):
                # The change happens between frames t0 - 1 and t0: the event is timed half-way
                # and numbered with the first frame of the new state (the foot first still for
                # a contact, first moving for a lift), as hand labellers do.
                if st0:
                    if s1 - s0 >= min_stance and t1 - t0 >= min_swing:
                        events.append(event_at_row(tracks, t0, foot, "lift", between=True))
                elif s1 - s0 >= min_swing and t1 - t0 >= min_stance:
                    events.append(event_at_row(tracks, t0, foot, "contact", between=True))
    return by_time(events)
