"""Rendered synthetic clips: a walk, a camera, a room, a video file and its truth JSON.

Example::

    from vision.synthetic import WalkParams
    from vision.synthetic.clips import ClipSpec, make_clip
    doc = make_clip(ClipSpec(WalkParams(distance_m=3.0), view="side", floor_lines=True),
                    "walk.mp4")    # also writes walk.truth.json

The truth JSON holds everything in :class:`vision.synthetic.truth.WalkTruth`, plus ``camera``,
``image_joints_px`` (T, 33, 2) the projected truth per frame, ``floor_calibration`` (image points
of the floor lines with their distance and a floor homography, in the first frame) and ``video``
(fps, size, frames); with a camera that pans to follow the walker (``ClipSpec.follow_s``),
``camera_pan_px`` (T,), where each frame's picture is cut from the wider one that ``camera``
describes (its left edge, px).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from vision.gait.scale import calibration_sidecar
from vision.synthetic.camera import Camera, floor_calibration, floor_homography, view_camera
from vision.synthetic.params import WalkParams
from vision.synthetic.render import OUTFITS, Appearance, draw_person
from vision.synthetic.room import FloorLine, RoomStyle, render_room, room_bounds
from vision.synthetic.truth import WalkTruth
from vision.synthetic.walker import simulate_walk


@dataclass(frozen=True)
class ClipSpec:
    """What to film: the walk, from where (``view`` or ``azimuth_deg``, see
    :func:`vision.synthetic.camera.view_camera`), in what clothes and room, at what size."""

    walk: WalkParams = field(default_factory=WalkParams)
    view: str = "side"
    azimuth_deg: float | None = None
    distance_m: float | None = None
    camera_height_m: float = 1.1
    outfit: str = "blue"
    floor_lines: bool = False
    fps: float = 30.0
    width: int = 960
    height: int = 540
    room: RoomStyle = field(default_factory=RoomStyle)
    # The camera pans to keep the walker's pelvis in the middle of the picture, as a hand
    # smooths it over this many seconds (None: the camera stands still). The pan is a cut of
    # a wider picture: the principal point moves, with no parallax.
    follow_s: float | None = None

    def appearance(self) -> Appearance:
        if self.outfit not in OUTFITS:
            raise ValueError(f"unknown outfit {self.outfit!r}; expected one of {sorted(OUTFITS)}")
        return OUTFITS[self.outfit]


def truth_path_for(video_path: str | Path) -> Path:
    """``walk.mp4`` -> ``walk.truth.json``."""
    p = Path(video_path)
    return p.with_name(p.stem + ".truth.json")


def _floor_lines(truth: WalkTruth) -> tuple[FloorLine, ...]:
    test = truth.test_3mbwt
    if test is None:
        x0 = float(truth.joints[0, :, 0].mean())
        return (FloorLine(x0),)
    return (FloorLine(test["start_line_x_m"]), FloorLine(test["end_line_x_m"]))


def frames(truth: WalkTruth, camera: Camera, spec: ClipSpec) -> Iterator[np.ndarray]:
    """Rendered RGB frames (height, width, 3) uint8, one per truth frame."""
    lines = _floor_lines(truth) if spec.floor_lines else ()
    bounds = room_bounds(truth.joints[..., :2], camera, spec.room)
    background = render_room(camera, bounds, spec.room, lines)
    look = spec.appearance()
    for joints in truth.joints:
        img = background.copy()
        draw_person(img, joints, camera, truth.body_height_m, look)
        yield img


def clip_camera(truth: WalkTruth, spec: ClipSpec) -> Camera:
    return view_camera(
        truth.joints,
        float(truth.facing_deg[0]),
        spec.view,
        azimuth_deg=spec.azimuth_deg,
        distance_m=spec.distance_m,
        height_m=spec.camera_height_m,
        width=spec.width,
        height=spec.height,
    )


def truth_document(truth: WalkTruth, camera: Camera, spec: ClipSpec) -> dict:
    """The truth JSON document of a rendered clip (see the module docstring)."""
    doc = truth.to_dict()
    px, _ = camera.project(truth.joints)
    doc["camera"] = camera.to_dict()
    doc["view"] = spec.view if spec.azimuth_deg is None else "custom"
    doc["azimuth_deg"] = spec.azimuth_deg
    doc["outfit"] = spec.outfit
    doc["image_joints_px"] = np.round(px, 3).tolist()
    lines = _floor_lines(truth)
    doc["floor_lines_drawn"] = spec.floor_lines
    doc["floor_calibration"] = (
        floor_calibration(camera, (lines[0].x_m, lines[1].x_m)) if len(lines) == 2 else None
    )
    doc["video"] = {
        "fps": spec.fps,
        "width": spec.width,
        "height": spec.height,
        "frame_count": truth.frame_count,
    }
    return doc


def pan_to_follow(truth: WalkTruth, camera: Camera, spec: ClipSpec) -> tuple[Camera, np.ndarray]:
    """A camera like ``camera`` with a picture two thirds wider, and (T,) int the left edge of
    each frame's cut of it (``spec.width`` wide) that keeps the walker's pelvis in the middle,
    smoothed over ``spec.follow_s`` seconds."""
    extra = spec.width * 2 // 3
    wide = replace(camera, width=spec.width + extra)
    pelvis, _ = wide.project(0.5 * (truth.joints[:, 23] + truth.joints[:, 24]))
    k = max(int(round((spec.follow_s or 0.0) * spec.fps / 2)), 1)
    smooth = np.convolve(
        np.pad(pelvis[:, 0], k, mode="edge"), np.ones(2 * k + 1) / (2 * k + 1), mode="valid"
    )
    return wide, np.clip(np.round(smooth - spec.width / 2), 0, extra).astype(int)


def _panned_document(truth: WalkTruth, wide: Camera, pan: np.ndarray, spec: ClipSpec) -> dict:
    """The truth document of a clip cut from ``wide`` at ``pan`` (see :func:`pan_to_follow`):
    image points per frame in each frame's cut, floor marks in the first frame's."""
    doc = truth_document(truth, wide, spec)
    px, _ = wide.project(truth.joints)
    px[..., 0] -= pan[:, None]
    doc["image_joints_px"] = np.round(px, 3).tolist()
    if doc["floor_calibration"] is not None:
        doc["floor_calibration"] = shifted_marks(doc["floor_calibration"], -float(pan[0]))
    doc["camera_pan_px"] = pan.tolist()
    return doc


def shifted_marks(marks: dict, dx_px: float) -> dict:
    """Floor marks (as :func:`vision.synthetic.camera.floor_calibration` gives them) in a
    picture shifted right by ``dx_px``: image points moved, floor homography refitted."""
    shift = np.array([dx_px, 0.0])
    two = marks["two_point"]
    hom = marks["homography"]
    return {
        **marks,
        "two_point": {**two, "image_px": (np.asarray(two["image_px"]) + shift).tolist()},
        "homography": floor_homography(np.asarray(hom["image_px"]) + shift, hom["floor_m"]),
    }


def make_clip(
    spec: ClipSpec, out_path: str | Path, progress: Callable[[float], None] | None = None
) -> dict:
    """Render ``spec`` to ``out_path`` (.mp4, .webm ...) and write its truth JSON beside it.

    Returns the truth document.
    """
    from vision.video_writer import open_writer

    truth = simulate_walk(spec.walk, fps=spec.fps)
    camera = clip_camera(truth, spec)
    out_path = Path(out_path)
    pan = None
    shot, seen = camera, spec
    if spec.follow_s is not None:
        shot, pan = pan_to_follow(truth, camera, spec)
        seen = replace(spec, width=shot.width)
    with open_writer(out_path, spec.fps, spec.width, spec.height) as writer:
        for i, img in enumerate(frames(truth, shot, seen)):
            if pan is not None:
                img = np.ascontiguousarray(img[:, pan[i] : pan[i] + spec.width])
            writer.write(img)
            if progress is not None:
                progress((i + 1) / truth.frame_count)
    doc = (
        truth_document(truth, camera, spec)
        if pan is None
        else _panned_document(truth, shot, pan, spec)
    )
    import json

    truth_path_for(out_path).write_text(json.dumps(doc, allow_nan=False))
    if spec.floor_lines and doc["floor_calibration"] is not None:
        # The taped lines as `retrogait analyze` reads them beside the video (start line first).
        two = doc["floor_calibration"]["two_point"]
        calibration_sidecar(out_path).write_text(
            json.dumps(
                {"points_px": two["image_px"], "distance_m": two["distance_m"], "protocol": "3mbwt"}
            )
        )
    return doc
