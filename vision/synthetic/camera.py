"""Pinhole cameras around a synthetic walk, and the image of floor lines for calibration.

World frame: metres, x along the walking line, y lateral, z up. Camera frame (OpenCV): x right,
y down, z forward along the optical axis. Pixel (0, 0) is the top-left corner of the image.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

VIEW_AZIMUTH_DEG = {"front": 0.0, "oblique": 60.0, "side": 90.0, "back": 180.0}


@dataclass(frozen=True)
class Camera:
    """A pinhole camera at ``position_m`` (x, y, z) looking along ``yaw_deg`` (from +x,
    counter-clockwise seen from above) tilted by ``pitch_deg`` (negative looks down), with focal
    length ``focal_px`` pixels and the principal point at the image centre."""

    position_m: tuple[float, float, float]
    yaw_deg: float
    pitch_deg: float
    focal_px: float
    width: int = 960
    height: int = 540

    def rotation(self) -> np.ndarray:
        """(3, 3) matrix whose rows are the camera's right, down and forward axes in world."""
        yaw, pitch = math.radians(self.yaw_deg), math.radians(self.pitch_deg)
        fwd = np.array(
            [math.cos(pitch) * math.cos(yaw), math.cos(pitch) * math.sin(yaw), math.sin(pitch)]
        )
        right = np.array([math.sin(yaw), -math.cos(yaw), 0.0])
        down = np.cross(fwd, right)
        return np.stack([right, down, fwd])

    def to_camera(self, points_m: np.ndarray) -> np.ndarray:
        """World points (..., 3) into the camera frame (..., 3), metres."""
        return (np.asarray(points_m, float) - np.asarray(self.position_m)) @ self.rotation().T

    def project(self, points_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pixels (..., 2) and depth along the optical axis (..., ) metres of world points.

        Points behind the camera get NaN pixels.
        """
        cam = self.to_camera(points_m)
        depth = cam[..., 2]
        safe = np.where(depth > 1e-6, depth, np.nan)
        px = np.stack(
            [
                self.focal_px * cam[..., 0] / safe + 0.5 * self.width,
                self.focal_px * cam[..., 1] / safe + 0.5 * self.height,
            ],
            -1,
        )
        return px, depth

    def to_dict(self) -> dict:
        d = asdict(self)
        d["position_m"] = [float(v) for v in self.position_m]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Camera:
        d = dict(d)
        d["position_m"] = tuple(d["position_m"])
        return cls(**d)


def look_at(
    position_m: np.ndarray,
    target_m: np.ndarray,
    focal_px: float,
    width: int = 960,
    height: int = 540,
) -> Camera:
    """A camera at ``position_m`` aimed at ``target_m`` (both (3,) world metres), no roll."""
    d = np.asarray(target_m, float) - np.asarray(position_m, float)
    yaw = math.degrees(math.atan2(d[1], d[0]))
    pitch = math.degrees(math.atan2(d[2], math.hypot(d[0], d[1])))
    x, y, z = (float(v) for v in position_m)
    return Camera((x, y, z), yaw, pitch, focal_px, width, height)


def view_camera(
    joints_m: np.ndarray,
    facing_deg: float,
    view: str = "side",
    azimuth_deg: float | None = None,
    distance_m: float | None = None,
    height_m: float = 1.1,
    width: int = 960,
    height: int = 540,
    hfov_deg: float = 60.0,
    margin: float = 0.9,
) -> Camera:
    """A camera that keeps the whole walk ``joints_m`` (T, 33, 3) in frame.

    ``azimuth_deg`` places the camera around the walk, measured from the way the person faces
    (``facing_deg``), counter-clockwise from above: 0 front, 90 the person's left side, 180 back;
    ``view`` names the usual ones (oblique = 30 degrees off the side toward the front). When
    ``distance_m`` (from the middle of the walk) is None the camera backs off until every point
    projects inside ``margin`` of the frame.
    """
    if azimuth_deg is None:
        if view not in VIEW_AZIMUTH_DEG:
            raise ValueError(f"unknown view {view!r}; expected one of {sorted(VIEW_AZIMUTH_DEG)}")
        azimuth_deg = VIEW_AZIMUTH_DEG[view]
    pts = joints_m.reshape(-1, 3)
    pts = pts[np.isfinite(pts).all(axis=1)]
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    centre = 0.5 * (lo + hi)
    az = math.radians(facing_deg + azimuth_deg)
    out = np.array([math.cos(az), math.sin(az), 0.0])
    focal = 0.5 * width / math.tan(math.radians(0.5 * hfov_deg))
    target = np.array([centre[0], centre[1], 0.5 * (lo[2] + hi[2])])

    def camera_at(dist: float) -> Camera:
        pos = target + dist * out
        pos[2] = height_m
        return look_at(pos, target, focal, width, height)

    if distance_m is not None:
        return camera_at(distance_m)
    half_extent = float(np.max(np.abs((pts - target) @ out)))
    dist = half_extent + 1.0
    for _ in range(200):
        cam = camera_at(dist)
        px, depth = cam.project(pts)
        inside = (
            (depth > 0.3).all()
            and np.all(np.abs(px[:, 0] - 0.5 * width) <= 0.5 * margin * width)
            and np.all(np.abs(px[:, 1] - 0.5 * height) <= 0.5 * margin * height)
        )
        if inside:
            return cam
        dist *= 1.05
    raise ValueError("could not frame the walk: it is too large for the field of view")


def floor_calibration(
    camera: Camera,
    line_x_m: tuple[float, float],
    centre_y_m: float = 0.0,
    half_length_m: float = 0.6,
) -> dict:
    """Image points of two floor lines across the walk at ``line_x_m`` (metres along x).

    Returns ``two_point`` {image_px: [[u, v], [u, v]], distance_m} (the lines' centres on the
    walking line) and ``homography`` {image_px (4, 2), floor_m (4, 2), matrix (3, 3) mapping
    homogeneous image pixels to floor metres (x, y)}.
    """
    xs = [float(v) for v in line_x_m]
    floor = np.array(
        [
            [xs[0], centre_y_m - half_length_m],
            [xs[0], centre_y_m + half_length_m],
            [xs[1], centre_y_m + half_length_m],
            [xs[1], centre_y_m - half_length_m],
        ]
    )
    img, _ = camera.project(np.column_stack([floor, np.zeros(4)]))
    centres, _ = camera.project(np.array([[xs[0], centre_y_m, 0.0], [xs[1], centre_y_m, 0.0]]))
    return {
        "two_point": {"image_px": np.round(centres, 3).tolist(), "distance_m": abs(xs[1] - xs[0])},
        "homography": floor_homography(np.round(img, 3), floor),
        "lines_x_m": xs,
    }


def floor_homography(image_px: np.ndarray, floor_m: np.ndarray) -> dict:
    """{image_px, floor_m, matrix}: four image points (4, 2), the floor points (4, 2) metres
    they show, and the (3, 3) matrix mapping homogeneous image pixels to floor metres."""
    import cv2  # OpenCV fits the homography; kept local so the walker imports without it

    img, floor = np.asarray(image_px, float), np.asarray(floor_m, float)
    h = cv2.getPerspectiveTransform(img.astype(np.float32), floor.astype(np.float32))
    return {"image_px": img.tolist(), "floor_m": floor.tolist(), "matrix": h.tolist()}
