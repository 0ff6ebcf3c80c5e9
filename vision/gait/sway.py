"""Mediolateral sway per stride and trunk angular sway.

Mediolateral (ML) excursion needs a front or back view, where ML is image x. It is measured per
stride (contact to the next contact of the same foot) after removing the stride's straight-line
drift, in body heights (the apparent height of that frame, so walking toward the camera does not
inflate it), and in metres when the subject's height in metres is known. Single-camera sway is
an indicator, not a validated measure (Mehdizadeh et al., JNER 2021).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from vision import landmarks as lm
from vision.findings import Finding, finding, messages
from vision.gait.body import height_series_px, mid_hip, mid_shoulder, nanmedian_filter
from vision.gait.stumbles import StumbleOptions, detect_stumbles
from vision.result import Event, View

# Stumble detection lives in vision.gait.stumbles; re-exported for existing importers.
__all__ = ["StumbleOptions", "SwaySummary", "analyze_sway", "detect_stumbles", "strides"]


@dataclass
class SwaySummary:
    """Attributes:
    ml_body_heights: mean per-stride ML excursion of the mid-hip (body heights).
    ml_m: the same in metres (None without the subject's height).
    ml_parts_body_heights: mean per-stride excursion of mid-hip, mid-shoulder and head.
    trunk_sway_deg: mean per-stride range of trunk flexion (side views).
    """

    ml_body_heights: float | None = None
    ml_m: float | None = None
    ml_parts_body_heights: dict[str, float] = field(default_factory=dict)
    trunk_sway_deg: float | None = None
    n_strides: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """The findings' messages."""
        return messages(self.findings)


def strides(events: list[Event], max_stride_s: float = 3.0) -> list[tuple[float, float]]:
    """(start_s, end_s) of each stride: contact to the next contact of the same foot."""
    out = []
    for foot in ("left", "right"):
        c = [e.t_s for e in events if e.type == "contact" and e.foot == foot]
        out += [(a, b) for a, b in zip(c, c[1:], strict=False) if b - a <= max_stride_s]
    return sorted(out)


def _excursion(t: np.ndarray, x: np.ndarray) -> float | None:
    ok = np.isfinite(x)
    if ok.sum() < 5:
        return None
    coef = np.polyfit(t[ok], x[ok], 1)
    return float(np.ptp(x[ok] - np.polyval(coef, t[ok])))


def analyze_sway(
    xy: NDArray[np.floating],
    t_s: NDArray[np.float64],
    events: list[Event],
    view: View,
    trunk_flexion_deg: np.ndarray,
    height_m: float | None = None,
) -> SwaySummary:
    """Sway per stride.

    Args:
        xy: (T, 33, 2) landmark pixels.
        t_s: (T,) seconds.
        events: contact/lift events.
        view: camera view; ML sway only in front/back views.
        trunk_flexion_deg: (T,) per-frame trunk flexion, for angular sway in side views.
        height_m: subject height (entered or calibrated) for metres.
    """
    out = SwaySummary()
    spans = strides(events)
    out.n_strides = len(spans)
    if not spans:
        out.findings.append(finding("sway.no_stride"))
        return out
    fps = (len(t_s) - 1) / (t_s[-1] - t_s[0]) if len(t_s) > 1 else 30.0
    img = xy.astype(np.float64)
    if view in ("front", "back"):
        h = nanmedian_filter(height_series_px(xy), max(int(fps) | 1, 3))
        parts = {
            "mid_hip": mid_hip(img)[:, 0] / h,
            "mid_shoulder": mid_shoulder(img)[:, 0] / h,
            "head": img[:, lm.NOSE, 0] / h,
        }
        for name, x in parts.items():
            vals = [
                _excursion(t_s[m], x[m]) for a, b in spans if (m := (t_s >= a) & (t_s <= b)).any()
            ]
            seen = [v for v in vals if v is not None]
            if seen:
                out.ml_parts_body_heights[name] = float(np.mean(seen))
        out.ml_body_heights = out.ml_parts_body_heights.get("mid_hip")
        if out.ml_body_heights is not None and height_m:
            out.ml_m = out.ml_body_heights * height_m
        elif out.ml_body_heights is not None:
            out.findings.append(finding("sway.no_height"))
    else:
        out.findings.append(finding(f"view.{view}.no_sway_ml", view=view))
    ranges = [
        float(np.ptp(v[np.isfinite(v)]))
        for a, b in spans
        if np.isfinite(v := trunk_flexion_deg[(t_s >= a) & (t_s <= b)]).sum() > 3
    ]
    if ranges and view in ("side", "oblique"):
        out.trunk_sway_deg = float(np.mean(ranges))
    return out
