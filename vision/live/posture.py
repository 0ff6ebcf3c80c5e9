"""Posture over the last seconds of a live session: the trunk flexion shown every frame, and the
offline posture summaries the form cues are judged on.

The angles are those of the offline analysis (:func:`vision.gait.posture.posture_series`), one
frame at a time, so live and recorded coaching measure posture alike.
"""

from __future__ import annotations

from collections import deque

import numpy as np
from numpy.typing import NDArray

from vision.gait.posture import PostureSeries, PostureSummary, posture_series, summarise_posture


class PostureWindow:
    """Per-frame posture angles (one-row :class:`PostureSeries` each) of the last ``window_s``
    seconds."""

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self._rows: deque[tuple[float, PostureSeries]] = deque()

    @property
    def oldest_t_s(self) -> float | None:
        """Time of the oldest frame held (None before any posture was measured)."""
        return self._rows[0][0] if self._rows else None

    def add(
        self, t_s: float, xy: NDArray[np.floating], world: NDArray[np.floating], facing: int
    ) -> None:
        """Measure one frame's posture from its filtered pixels ``xy`` and world landmarks."""
        # The coach needs a side view (set-up check), so the offline side-view angles apply,
        # read as exactly side on: one frame cannot tell how far off the side the camera is.
        angles = posture_series(xy[None], world[None], np.array([facing]), "side", image_share=1.0)
        self._rows.append((t_s, angles))
        while self._rows and t_s - self._rows[0][0] > self.window_s:
            self._rows.popleft()

    def trunk_flexion_mean_deg(self, t_s: float, window_s: float) -> float | None:
        """Mean trunk flexion of the frames within ``window_s`` of ``t_s`` (None if unmeasured)."""
        # Shown every frame: a plain mean (as summarise_posture's), without its percentiles.
        trunk = np.concatenate(
            [row.trunk_flexion_deg for t, row in self._rows if t_s - t <= window_s] or [np.empty(0)]
        )
        trunk = trunk[np.isfinite(trunk)]
        return float(trunk.mean()) if trunk.size else None

    def summaries(self, t_s: float, *windows_s: float) -> list[PostureSummary | None]:
        """The offline posture summary (means, 98th-percentile peaks, arm swing, looking back)
        of the frames within each of ``windows_s`` of ``t_s`` (None before any posture was
        measured); the frames are gathered once, each window is a mask over them."""
        rows = [(t, row) for t, row in self._rows if t_s - t <= max(windows_s)]
        if not rows:
            return [None] * len(windows_s)
        times = np.array([t for t, _ in rows])
        series = PostureSeries(
            *(
                np.concatenate(cols)
                for cols in zip(
                    *(
                        (
                            r.trunk_flexion_deg,
                            r.trunk_lateral_lean_deg,
                            r.head_pitch_deg,
                            r.head_yaw_deg,
                            r.knee_flexion_deg,
                            r.arm_angle_deg,
                        )
                        for _, r in rows
                    ),
                    strict=True,
                )
            )
        )
        return [summarise_posture(series, t_s - times <= w, times) for w in windows_s]
