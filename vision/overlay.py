"""Annotated video: the subject's skeleton and optional per-frame labels drawn over the clip.

Left-side limbs are orange, right-side limbs blue, the midline white (the colours follow the body,
not the screen, so a mislabelled leg is easy to spot). Landmarks the model is unsure of are drawn
grey and thin rather than hidden, so gaps and guesses stay visible to the viewer.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from vision.landmarks import NAMES, NUM_LANDMARKS, SKELETON_EDGES
from vision.sequence import PoseSequence
from vision.video import iter_frames, probe
from vision.video_writer import open_writer

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class SkeletonStyle:
    """How the skeleton is drawn.

    Attributes:
        min_visibility: landmarks below this visibility (0-1) are drawn as uncertain.
        left_rgb, right_rgb, centre_rgb, uncertain_rgb: colours of the body's left and right
            side, of the midline (nose, ears, shoulder and hip bars), and of uncertain parts.
        thickness_px: line thickness; None scales it with the frame (about 1/240 of its height).
        radius_px: landmark dot radius; None scales it like the lines.
    """

    min_visibility: float = 0.5
    left_rgb: RGB = (255, 140, 0)
    right_rgb: RGB = (0, 160, 255)
    centre_rgb: RGB = (255, 255, 255)
    uncertain_rgb: RGB = (150, 150, 150)
    thickness_px: int | None = None
    radius_px: int | None = None


def _side(index: int) -> str:
    name = NAMES[index]
    return "left" if name.startswith("left") else "right" if name.startswith("right") else "centre"


def draw_skeleton(
    rgb: np.ndarray, xy: np.ndarray, visibility: np.ndarray, style: SkeletonStyle = SkeletonStyle()
) -> np.ndarray:
    """A copy of ``rgb`` (H, W, 3) uint8 with the skeleton drawn on it.

    ``xy`` is (33, 2) pixel coordinates in ``rgb`` (NaN where absent: not drawn); ``visibility``
    is (33,) 0-1.
    """
    if xy.shape != (NUM_LANDMARKS, 2) or visibility.shape != (NUM_LANDMARKS,):
        raise ValueError(
            f"xy must be ({NUM_LANDMARKS}, 2) and visibility ({NUM_LANDMARKS},), "
            f"got {xy.shape} and {visibility.shape}"
        )
    out = np.ascontiguousarray(rgb).copy()
    height = out.shape[0]
    thickness = style.thickness_px or max(2, round(height / 240))
    radius = style.radius_px or max(3, round(thickness * 1.5))
    present = np.isfinite(xy).all(axis=1)
    sure = present & (visibility >= style.min_visibility)
    colours = {"left": style.left_rgb, "right": style.right_rgb, "centre": style.centre_rgb}
    # Fixed-point coordinates (4 fractional bits) keep sub-pixel landmark positions.
    shift = 4
    points = np.zeros((NUM_LANDMARKS, 2), np.int64)
    points[present] = np.round(xy[present] * (1 << shift)).astype(np.int64)

    def pt(i: int) -> tuple[int, int]:
        return int(points[i, 0]), int(points[i, 1])

    # Uncertain parts first so confident ones are drawn over them.
    for confident in (False, True):
        for a, b in SKELETON_EDGES:
            if not (present[a] and present[b]) or (sure[a] and sure[b]) != confident:
                continue
            side_a, side_b = _side(a), _side(b)
            colour = colours[side_a if side_a == side_b else "centre"]
            cv2.line(
                out,
                pt(a),
                pt(b),
                colour if confident else style.uncertain_rgb,
                thickness if confident else max(1, thickness // 2),
                cv2.LINE_AA,
                shift,
            )
        for i in np.flatnonzero(present & (sure == confident)):
            colour = colours[_side(int(i))] if confident else style.uncertain_rgb
            cv2.circle(
                out,
                pt(int(i)),
                (radius if confident else max(1, radius // 2)) << shift,
                colour,
                -1,
                cv2.LINE_AA,
                shift,
            )
    return out


def draw_label(rgb: np.ndarray, text: str, *, corner_px: tuple[int, int] = (10, 10)) -> np.ndarray:
    """A copy of ``rgb`` with ``text`` (lines split on newline) in a dark box at ``corner_px``."""
    out = np.ascontiguousarray(rgb).copy()
    scale = max(0.5, out.shape[0] / 900)
    thickness = max(1, round(scale * 2))
    x, y = corner_px
    for line in text.splitlines() or [""]:
        (w, h), baseline = cv2.getTextSize(line, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
        pad = max(3, h // 3)
        cv2.rectangle(out, (x, y), (x + w + 2 * pad, y + h + baseline + 2 * pad), (0, 0, 0), -1)
        cv2.putText(
            out,
            line,
            (x + pad, y + pad + h),
            cv2.FONT_HERSHEY_SIMPLEX,
            scale,
            (255, 255, 255),
            thickness,
            cv2.LINE_AA,
        )
        y += h + baseline + 2 * pad
    return out


def render_overlay(
    video_path: str | Path,
    seq: PoseSequence,
    out_path: str | Path,
    labels: Mapping[int, str] | None = None,
    progress: Callable[[float], None] | None = None,
    *,
    style: SkeletonStyle = SkeletonStyle(),
    max_side: int | None = None,
) -> Path:
    """Write ``out_path``: ``video_path`` with ``seq``'s skeleton drawn on each matching frame.

    Frames are streamed; each is matched to ``seq`` by ``seq.frame_index`` (frames without a row,
    or without pose, are copied plain). ``labels`` maps video frame numbers to text shown in the
    top-left corner. Output keeps the source's timestamps; .mp4 gets H.264 (browser-playable),
    .webm VP9. ``max_side`` (pixels) shrinks the output. ``progress`` gets the fraction done, 0-1.

    Raises:
        vision.video.VideoError: the input cannot be read.
    """
    info = probe(video_path)
    rows = {int(f): r for r, f in enumerate(seq.frame_index)}
    labels = labels or {}
    # Landmarks are in the pixels of the frames pose ran on (seq.width x seq.height).
    src_w, src_h = (seq.width or info.width), (seq.height or info.height)
    total = max(info.frame_count, 1)
    frames = iter_frames(video_path, max_side=max_side)
    first = next(frames, None)
    if first is None:
        raise ValueError(f"{Path(video_path).name} yielded no frames to draw on")
    out_h, out_w = first.rgb.shape[:2]
    scale = np.array([out_w / src_w, out_h / src_h], np.float32)
    with open_writer(out_path, info.fps, out_w, out_h) as writer:
        for frame in itertools.chain([first], frames):
            rgb = frame.rgb
            row = rows.get(frame.index)
            if row is not None:
                rgb = draw_skeleton(rgb, seq.xy[row] * scale, seq.visibility[row], style)
            if frame.index in labels:
                rgb = draw_label(rgb, labels[frame.index])
            writer.write(rgb, t_s=frame.t_s)
            if progress is not None:
                progress(min((frame.index + 1) / total, 1.0))
    return Path(out_path)
