"""What a person looks like, to tell whether a walker who comes back is the same one.

The colours of the clothes on the trunk (the quadrilateral of shoulders and hips) change little
between passes of one walk, while people differ in them. A hue-saturation histogram ignores how
bright the light is where the person stands (value is left out), and the trunk is the largest
part of the body that stays in view from every side.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vision.landmarks import L_HIP, L_SHOULDER, R_HIP, R_SHOULDER


@dataclass(frozen=True)
class AppearanceOptions:
    """Attributes:
    hue_bins: histogram bins over hue (OpenCV's 0-180).
    saturation_bins: bins over saturation (0-256).
    min_pixels: a trunk drawn over fewer pixels (far away, or edge-on) gives no histogram.
    """

    hue_bins: int = 12
    saturation_bins: int = 4
    min_pixels: int = 200


def trunk_colours(
    rgb: np.ndarray, xy: np.ndarray, options: AppearanceOptions | None = None
) -> np.ndarray | None:
    """Hue-saturation histogram (hue_bins * saturation_bins,), summing to 1, of the pixels of
    ``rgb`` (H, W, 3) uint8 inside the trunk of the person whose landmarks are ``xy`` (33, 2)
    pixels of that image; None where the trunk is not seen over enough pixels."""
    opts = options or AppearanceOptions()
    corners = xy[[L_SHOULDER, R_SHOULDER, R_HIP, L_HIP]]
    if not np.isfinite(corners).all():
        return None
    h, w = rgb.shape[:2]
    x0, y0 = np.clip(np.floor(corners.min(axis=0)).astype(int), 0, [w, h])
    x1, y1 = np.clip(np.ceil(corners.max(axis=0)).astype(int) + 1, 0, [w, h])
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.fillConvexPoly(mask, np.round(corners - [x0, y0]).astype(np.int32), 1)
    if int(mask.sum()) < opts.min_pixels:
        return None
    hsv = cv2.cvtColor(np.ascontiguousarray(rgb[y0:y1, x0:x1]), cv2.COLOR_RGB2HSV)
    hist = cv2.calcHist(
        [hsv], [0, 1], mask, [opts.hue_bins, opts.saturation_bins], [0, 180, 0, 256]
    ).ravel()
    return (hist / hist.sum()).astype(np.float32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Bhattacharyya coefficient of two histograms that each sum to 1: 1 for the same colours,
    0 for none in common."""
    return float(np.sum(np.sqrt(np.clip(a, 0, None) * np.clip(b, 0, None))))


def typical(histograms: list[np.ndarray]) -> np.ndarray | None:
    """The median histogram of a track's frames (renormalised), None when there are none: a
    frame where an arm or another person crosses the trunk does not move it."""
    if not histograms:
        return None
    med = np.median(np.stack(histograms), axis=0)
    total = float(med.sum())
    return med / total if total > 0 else None
