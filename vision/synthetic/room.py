"""The room a synthetic walker is filmed in, ray-cast once per clip (the camera does not move).

A box of walls around the walk and the camera, a plank floor, painted walls with a skirting board
and a picture frame, a ceiling light (Lambert shading on every surface) and optional tape lines on
the floor (the start and 3 m lines of a walk test). Colours are RGB uint8.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vision.synthetic.camera import Camera


@dataclass(frozen=True)
class FloorLine:
    """A strip of tape across the walking line at ``x_m`` (world metres)."""

    x_m: float
    centre_y_m: float = 0.0
    half_length_m: float = 0.6
    width_m: float = 0.05
    colour: tuple[int, int, int] = (40, 90, 200)


@dataclass(frozen=True)
class RoomStyle:
    floor_colour: tuple[int, int, int] = (168, 124, 82)
    wall_colour: tuple[int, int, int] = (214, 208, 192)
    ceiling_colour: tuple[int, int, int] = (235, 235, 232)
    skirting_colour: tuple[int, int, int] = (245, 245, 240)
    plank_width_m: float = 0.16
    wall_height_m: float = 2.8
    margin_m: float = 1.5
    ambient: float = 0.55
    seed: int = 0


def _hash01(i: np.ndarray, seed: int) -> np.ndarray:
    """Deterministic pseudo-random 0-1 per integer cell (texture variation)."""
    v = np.sin(i.astype(np.float64) * 12.9898 + seed * 78.233) * 43758.5453
    return v - np.floor(v)


def room_bounds(points_xy: np.ndarray, camera: Camera, style: RoomStyle) -> tuple[float, ...]:
    """(x_min, x_max, y_min, y_max) of walls that contain the walk ``points_xy`` and the camera."""
    pts = np.vstack([points_xy.reshape(-1, 2), np.asarray(camera.position_m[:2])[None]])
    lo, hi = pts.min(axis=0) - style.margin_m, pts.max(axis=0) + style.margin_m
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def render_room(
    camera: Camera,
    bounds: tuple[float, ...],
    style: RoomStyle = RoomStyle(),
    floor_lines: tuple[FloorLine, ...] = (),
) -> np.ndarray:
    """(height, width, 3) uint8 RGB image of the empty room seen by ``camera``."""
    w, h = camera.width, camera.height
    u, v = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
    rays_cam = np.stack(
        [(u - 0.5 * w) / camera.focal_px, (v - 0.5 * h) / camera.focal_px, np.ones_like(u)], -1
    )
    rays = rays_cam @ camera.rotation()  # camera -> world directions
    origin = np.asarray(camera.position_m, float)
    x0, x1, y0, y1 = bounds
    zc = style.wall_height_m
    planes = [
        (2, 0.0, (0, 0, 1)),
        (2, zc, (0, 0, -1)),
        (0, x0, (1, 0, 0)),
        (0, x1, (-1, 0, 0)),
        (1, y0, (0, 1, 0)),
        (1, y1, (0, -1, 0)),
    ]
    best_t = np.full((h, w), np.inf)
    best_k = np.full((h, w), -1)
    with np.errstate(divide="ignore", invalid="ignore"):
        for k, (axis, value, _) in enumerate(planes):
            t = (value - origin[axis]) / rays[..., axis]
            t = np.where(t > 1e-6, t, np.inf)
            closer = t < best_t
            best_t[closer], best_k[closer] = t[closer], k
    p = origin + rays * best_t[..., None]
    colour = np.zeros((h, w, 3))
    normals = np.zeros((h, w, 3))
    for k, (axis, _, normal) in enumerate(planes):
        m = best_k == k
        normals[m] = normal
        if k == 0:
            colour[m] = _floor_texture(p[m], style, floor_lines)
        elif k == 1:
            colour[m] = style.ceiling_colour
        else:
            along = p[m][:, 1 if axis == 0 else 0]
            colour[m] = _wall_texture(along, p[m][:, 2], style, k, bounds)
    light = np.array([0.5 * (x0 + x1), 0.5 * (y0 + y1), zc - 0.05])
    to_light = light - p
    dist = np.linalg.norm(to_light, axis=-1, keepdims=True)
    lambert = np.clip(np.sum(normals * to_light / dist, -1), 0.0, 1.0)
    falloff = 1.0 / (1.0 + 0.04 * dist[..., 0] ** 2)
    shade = style.ambient + (1.0 - style.ambient) * lambert * falloff * 1.3
    img = np.clip(colour * shade[..., None], 0, 255).astype(np.uint8)
    return img


def _floor_texture(p: np.ndarray, style: RoomStyle, lines: tuple[FloorLine, ...]) -> np.ndarray:
    """Colours (n, 3) of floor points (n, 3): planks along x with staggered joints and grain."""
    pw = style.plank_width_m
    row = np.floor(p[:, 1] / pw)
    plank_len = 1.2
    offset = _hash01(row, style.seed) * plank_len
    col = np.floor((p[:, 0] + offset) / plank_len)
    tone = 0.85 + 0.25 * _hash01(row * 131 + col, style.seed + 1)
    grain = 0.96 + 0.04 * np.sin(p[:, 0] * 37.0 + 5.0 * np.sin(p[:, 1] * 11.0 + row))
    fy = p[:, 1] / pw - row
    fx = (p[:, 0] + offset) / plank_len - col
    seam = ((fy < 0.04) | (fx < 0.008)) * 0.35
    c = np.asarray(style.floor_colour, float)[None] * (tone * grain * (1 - seam))[:, None]
    for line in lines:
        on = (np.abs(p[:, 0] - line.x_m) <= 0.5 * line.width_m) & (
            np.abs(p[:, 1] - line.centre_y_m) <= line.half_length_m
        )
        c[on] = line.colour
    return c


def _wall_texture(
    along: np.ndarray, z: np.ndarray, style: RoomStyle, wall: int, bounds: tuple[float, ...]
) -> np.ndarray:
    """Colours (n, 3) of wall points: painted plaster, skirting board, a framed picture."""
    base = (
        np.asarray(style.wall_colour, float)
        * (0.97 + 0.03 * _hash01(np.floor(along * 40) + np.floor(z * 40) * 977, style.seed + wall))[
            :, None
        ]
    )
    base = base * (1.0 - 0.04 * (wall % 2))  # neighbouring walls differ a little
    c = base.copy()
    c[z < 0.1] = style.skirting_colour
    c[(z >= 0.1) & (z < 0.115)] *= 0.7
    mid = 0.5 * (bounds[0] + bounds[1]) if wall >= 4 else 0.5 * (bounds[2] + bounds[3])
    frame = (np.abs(along - mid - 0.8) < 0.45) & (np.abs(z - 1.6) < 0.32)
    inner = (np.abs(along - mid - 0.8) < 0.4) & (np.abs(z - 1.6) < 0.27)
    c[frame] = (70, 50, 35)
    picture = np.stack(
        [
            90 + 60 * np.sin(along * 9),
            120 + 40 * np.cos(z * 13),
            110 + 50 * np.sin((along + z) * 5),
        ],
        -1,
    )
    c[inner] = picture[inner]
    return c
