"""The ``pelvis_relative`` detector: Zeni-style extrema of the foot position relative to the
pelvis, re-signed to the TRAVEL direction (not the facing direction).

Contact where the leading foot point is furthest along the travel direction, lift where the
trailing point is furthest behind. Works with a moving camera; its timing depends on gait shape.
"""

from __future__ import annotations

import numpy as np

from vision.gait.events.common import by_time, event_at_row, filled_travel
from vision.gait.events.options import EventOptions
from vision.gait.foot_tracks import FootTracks
from vision.result import FEET, Event, EventType
from vision.timeseries import frame_rate


def along_travel(tracks: FootTracks) -> np.ndarray:
    """(T, 2, 2) heel and toe position along the travel direction relative to the body, in body
    heights: [foot] x [heel, toe]. Side views: image x minus pelvis x. Front/back views: the
    pose model's relative depth (nearer is further along when walking toward the camera), which
    a lifted foot does not disturb; failing that, image y minus the feet's mean y. Multiplied by
    the travel sign, so larger always means further along the way the subject is going."""
    sign = filled_travel(tracks.travel).astype(np.float64)
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
    # its options (which this package defines) before any analysis runs.
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
        kinds: tuple[tuple[np.ndarray, EventType], ...] = ((lead, "contact"), (-trail, "lift"))
        for series, kind in kinds:
            # Missing frames get the series' minimum so they can never hold a peak.
            x = np.where(ok, series, np.nanmin(series))
            peaks, props = signal.find_peaks(x, distance=distance, prominence=options.prominence_bh)
            for i, prom in zip(peaks, props["prominences"], strict=True):
                # An extremum next to missing frames may be the foot leaving the picture.
                if tracks.walking[i] and ok[max(i - 2, 0) : min(i + 3, n)].all():
                    found.append((event_at_row(tracks, int(i), foot, kind), float(prom)))
    return by_time(_one_per_step(found))


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
