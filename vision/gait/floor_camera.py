"""The camera behind a floor homography, to place points that sit above the floor.

A 4-point floor calibration maps image pixels to floor metres, which is exact only for points on
the floor. BlazePose's heel point sits a few centimetres above the real heel, and the homography
sends such a point along its viewing ray to where that ray meets the floor: further from the
camera than the foot. Every floor position is then stretched away from the point under the
camera by ``C / (C - h)`` (camera height C, point height h), so step lengths and walked distance
come out too long (most in oblique views; bench/accuracy.py prints the step-length errors).

Assuming square pixels and the principal point at the image centre (true of phone and webcam
video to within a few pixels), one homography fixes the focal length and the camera's pose
(Zhang 2000, "A flexible new technique for camera calibration", IEEE TPAMI 22(11), section 3.1:
two constraints per plane view). With the camera known, a point seen at a known height above the
floor is placed where its ray crosses that height.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_TILT_FROM_VERTICAL_DEG = 10.0


@dataclass(frozen=True)
class FloorCamera:
    """A pinhole camera in floor coordinates (metres; x, y on the floor, z up).

    Attributes:
        focal_px: focal length, pixels.
        principal_px: (2,) principal point, pixels.
        rotation: (3, 3) floor axes -> camera axes (camera x right, y down, z forward).
        centre_m: (3,) camera centre in floor coordinates; ``centre_m[2]`` is its height above
            the floor (positive).
    """

    focal_px: float
    principal_px: np.ndarray
    rotation: np.ndarray
    centre_m: np.ndarray

    def at_height(self, points_px: np.ndarray, height_m: float | np.ndarray) -> np.ndarray:
        """(N, 2) floor (x, y) metres under (N, 2) image points that lie ``height_m`` above the
        floor (scalar or (N,)). Rays that never reach that height give NaN."""
        pts = np.asarray(points_px, float).reshape(-1, 2)
        rays_cam = np.column_stack([(pts - self.principal_px) / self.focal_px, np.ones(len(pts))])
        rays = rays_cam @ self.rotation  # camera -> floor axes (rotation is orthonormal)
        with np.errstate(divide="ignore", invalid="ignore"):
            s = (np.asarray(height_m, float) - self.centre_m[2]) / rays[:, 2]
        s = np.where(s > 0, s, np.nan)
        return self.centre_m[:2] + s[:, None] * rays[:, :2]

    def depth_m(self, floor_points_m: np.ndarray) -> np.ndarray:
        """(N,) distance along the optical axis of (N, 2) floor points, metres."""
        p = np.column_stack(
            [np.asarray(floor_points_m, float).reshape(-1, 2), np.zeros(len(floor_points_m))]
        )
        return ((p - self.centre_m) @ self.rotation.T)[:, 2]


def camera_from_homography(
    image_to_floor: np.ndarray, image_size: tuple[int, int]
) -> FloorCamera | None:
    """The camera implied by a (3, 3) image px -> floor metres homography, for an image of
    ``image_size`` (width, height) px with its principal point at the centre.

    Returns None where the homography does not fix a focal length: the floor seen face-on
    (camera within ``MIN_TILT_FROM_VERTICAL_DEG`` of looking straight down) or a homography
    that is not of a real camera.
    """
    c = np.array([0.5 * image_size[0], 0.5 * image_size[1]])
    g = np.linalg.inv(np.asarray(image_to_floor, float))  # floor -> image
    shift = np.array([[1.0, 0.0, -c[0]], [0.0, 1.0, -c[1]], [0.0, 0.0, 1.0]])
    g = shift @ g
    # Columns 1 and 2 of diag(1/f, 1/f, 1) @ g are the floor axes, scaled alike: orthogonal and
    # of equal length. Both are linear in w = 1/f^2; least squares over the pair.
    a = np.array(
        [
            g[0, 0] * g[0, 1] + g[1, 0] * g[1, 1],
            g[0, 0] ** 2 + g[1, 0] ** 2 - g[0, 1] ** 2 - g[1, 1] ** 2,
        ]
    )
    b = np.array([g[2, 0] * g[2, 1], g[2, 0] ** 2 - g[2, 1] ** 2])
    denom = float(a @ a)
    if denom <= 0 or not np.isfinite(denom):
        return None
    w = -float(a @ b) / denom
    if not np.isfinite(w) or w <= 0:
        return None
    f = 1.0 / np.sqrt(w)
    m = np.diag([1.0 / f, 1.0 / f, 1.0]) @ g
    lam = 0.5 * (np.linalg.norm(m[:, 0]) + np.linalg.norm(m[:, 1]))
    m = m / lam
    if m[2, 2] < 0:  # the floor's origin must lie in front of the camera
        m = -m
    r1, r2 = m[:, 0] / np.linalg.norm(m[:, 0]), m[:, 1]
    r2 = r2 - (r1 @ r2) * r1  # re-orthogonalise what noise left
    r2 = r2 / np.linalg.norm(r2)
    r3 = np.cross(r1, r2)
    rot = np.column_stack([r1, r2, r3])  # floor -> camera, columns are the floor axes
    centre = -rot.T @ m[:, 2]
    if centre[2] < 0:
        # The floor's x, y axes are left-handed seen from above: flip z so height is positive.
        rot = np.column_stack([r1, r2, -r3])
        centre = -rot.T @ m[:, 2]
    if not np.isfinite(centre).all() or centre[2] <= 0:
        return None
    # Within ~10 degrees of looking straight down the perspective that fixes f is below noise.
    if abs(rot[2, 2]) > np.cos(np.radians(MIN_TILT_FROM_VERTICAL_DEG)):
        return None
    return FloorCamera(float(f), c, rot, centre)
