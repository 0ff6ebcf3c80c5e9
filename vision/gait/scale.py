"""Pixels to metres, in order of trust: floor calibration, subject height, world landmarks.

* Floor calibration: two image points on the floor and the distance between them (for example
  the start line and the 3 m line of the walk test), or four points with their floor coordinates
  (a homography of the floor plane). The reference method (Stenum et al. 2021 used a 6.30 m
  floor distance); errors grow when the walker leaves the plane of the marks.
* Subject height: the user-entered height over the apparent height in pixels; about 5-10 %
  (design assumption, from the landmark-chain height estimate).
* BlazePose world landmarks: metres from the model's prior, not a measurement; last resort,
  flagged as estimated.

Without any of these, distances are in body heights and metres are None.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from vision.gait.body import CHAIN_FRACTION_OF_HEIGHT, chain_length
from vision.gait.floor_camera import FloorCamera, camera_from_homography
from vision.landmarks import L_HEEL, R_HEEL
from vision.result import ScaleMethod

# Uncertainties (percent) of each method: design assumptions, stated with every result.
FLOOR_2POINT_UNCERTAINTY_PCT = 3.0  # ~5 cm misplaced mark over 3 m = 1.7 %, plus perspective
FLOOR_HOMOGRAPHY_UNCERTAINTY_PCT = 2.0
SUBJECT_HEIGHT_UNCERTAINTY_PCT = 8.0
WORLD_LANDMARKS_UNCERTAINTY_PCT = 15.0


class CalibrationError(ValueError):
    """A floor calibration that cannot be used (wrong number of points, zero distance...)."""


@dataclass(frozen=True)
class FloorCalibration:
    """Points on the floor seen in the image.

    Attributes:
        image_px: 2 or 4 (x, y) pixel points on the floor.
        distance_m: with 2 points, their distance on the floor in metres. The first point is
            taken as the start line of the walk test and the walking line runs toward the second.
        floor_m: with 4 points, their (x, y) floor coordinates in metres, x along the walk (for
            a rectangle from the start line to a line L metres on: (0, 0), (0, W), (L, W), (L, 0)).
    """

    image_px: tuple[tuple[float, float], ...]
    distance_m: float | None = None
    floor_m: tuple[tuple[float, float], ...] | None = None

    def validate(self) -> None:
        """Raise :class:`CalibrationError` if the calibration cannot work."""
        pts = np.asarray(self.image_px, float)
        if pts.ndim != 2 or pts.shape[1] != 2 or len(pts) not in (2, 4):
            raise CalibrationError("floor calibration needs 2 or 4 image points (x, y)")
        if not np.isfinite(pts).all():
            raise CalibrationError("floor calibration points must be finite numbers")
        if len(pts) == 2:
            if self.distance_m is None or not self.distance_m > 0:
                raise CalibrationError("a 2-point floor calibration needs a distance > 0 metres")
            if np.linalg.norm(pts[1] - pts[0]) < 5:
                raise CalibrationError("the two calibration points are less than 5 pixels apart")
        else:
            floor = np.asarray(self.floor_m if self.floor_m is not None else [], float)
            if floor.shape != (4, 2):
                raise CalibrationError("a 4-point floor calibration needs 4 floor points (m)")
            if abs(_polygon_area(floor)) < 1e-3 or abs(_polygon_area(pts)) < 25:
                raise CalibrationError("the 4 calibration points must not lie on one line")

    @classmethod
    def parse(cls, text: str) -> FloorCalibration:
        """From ``X1,Y1,X2,Y2,METRES`` (two points) or
        ``X1,Y1,X2,Y2,X3,Y3,X4,Y4,LENGTH_M,WIDTH_M`` (a floor rectangle: points 1-2 on the start
        line, 4-3 on the line LENGTH_M further along the walk, WIDTH_M between 1 and 2)."""
        try:
            v = [float(x) for x in text.replace(" ", "").split(",") if x]
        except ValueError:
            raise CalibrationError(
                f"calibration {text!r}: expected numbers separated by commas"
            ) from None
        if len(v) == 5:
            cal = cls(image_px=((v[0], v[1]), (v[2], v[3])), distance_m=v[4])
        elif len(v) == 10:
            length, width = v[8], v[9]
            cal = cls(
                image_px=tuple((v[i], v[i + 1]) for i in range(0, 8, 2)),
                floor_m=((0.0, 0.0), (0.0, width), (length, width), (length, 0.0)),
            )
        else:
            raise CalibrationError(
                f"calibration {text!r}: expected 5 numbers (X1,Y1,X2,Y2,METRES) or 10 "
                "(X1,Y1,...,X4,Y4,LENGTH_M,WIDTH_M)"
            )
        cal.validate()
        return cal

    @classmethod
    def from_dict(cls, doc: dict) -> FloorCalibration:
        """From a calibration document: ``{"points_px": [[x1, y1], [x2, y2]], "distance_m": 3.0}``
        or four points with ``"floor_m": [[x, y] x 4]`` metres.

        Raises:
            CalibrationError: missing or malformed keys, or an unusable calibration.
        """
        try:
            pts = tuple((float(x), float(y)) for x, y in doc["points_px"])
            floor = doc.get("floor_m")
            cal = cls(
                image_px=pts,
                distance_m=float(doc["distance_m"]) if doc.get("distance_m") else None,
                floor_m=tuple((float(x), float(y)) for x, y in floor) if floor else None,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CalibrationError(
                f"calibration document: expected points_px [[x, y], ...] and distance_m or "
                f"floor_m ({exc})"
            ) from None
        cal.validate()
        return cal


def calibration_sidecar(video_path: str | Path) -> Path:
    """Where a video's floor calibration document lives: ``walk.mp4`` ->
    ``walk.calibration.json`` beside it."""
    p = Path(video_path)
    return p.with_name(p.stem + ".calibration.json")


@dataclass
class ScaleModel:
    """How image positions become floor distances.

    Attributes:
        method: which source the scale rests on.
        metres_per_pixel: at the subject (or along the calibration line); None without a scale.
        uncertainty_pct: design-assumption uncertainty of the method.
        body_height_px: apparent standing height, the unit when no metric scale exists.
        homography: (3, 3) image px -> floor metres, with a 4-point calibration.
        line_origin_px, line_axis: with a 2-point calibration, the first point and the unit
            vector toward the second (image).
        estimated_height_m: the subject height the scale implies (or was given).
        camera: with a 4-point calibration and a known image size, the camera behind the
            homography; foot points are then placed at their height above the floor.
        heel_height_m, toe_height_m: height of the tracked heel and toe points above the floor
            while the foot rests, metres.
        floor_axis: (2,) unit walking direction on the floor (homography only; see
            :meth:`with_walk_line`); None measures along the points' own principal direction.
    """

    method: ScaleMethod
    metres_per_pixel: float | None
    uncertainty_pct: float | None
    body_height_px: float
    homography: np.ndarray | None = None
    line_origin_px: np.ndarray | None = None
    line_axis: np.ndarray | None = None
    estimated_height_m: float | None = None
    camera: FloorCamera | None = None
    heel_height_m: float = 0.0
    toe_height_m: float = 0.0
    floor_axis: np.ndarray | None = None

    @property
    def metric(self) -> bool:
        return self.method != "none" and (
            self.metres_per_pixel is not None or self.homography is not None
        )

    def floor_m(self, points_px: np.ndarray, height_m: float | None = None) -> np.ndarray:
        """(N, 2) floor metres under (N, 2) image foot points (homography only): where the
        point's viewing ray is ``height_m`` above the floor (default: the heel's,
        ``heel_height_m``) when the camera is known, else where it meets the floor."""
        if self.homography is None:
            raise ValueError("floor coordinates need a 4-point floor calibration")
        pts = np.asarray(points_px, float)
        height = self.heel_height_m if height_m is None else height_m
        if self.camera is not None and height > 0:
            return self.camera.at_height(pts, height)
        return _apply_homography(self.homography, pts)

    def along_walk(self, points_px: np.ndarray, walk_axis_px: np.ndarray) -> np.ndarray:
        """(N,) position of (N, 2) floor points along the walking line: metres when the scale is
        metric, else body heights.

        ``walk_axis_px`` is the travel direction in the image (unit vector), used without a
        floor calibration (side views); a 2-point calibration uses its own line, a homography
        the walking line set by :meth:`with_walk_line`, else the principal direction of the
        points on the floor.
        """
        pts = np.asarray(points_px, float)
        if self.homography is not None:
            floor = self.floor_m(pts)
            axis = self.floor_axis if self.floor_axis is not None else _principal_axis(floor)
            return (floor - floor.mean(axis=0)) @ axis
        if self.line_axis is not None and self.metres_per_pixel is not None:
            return (pts - self.line_origin_px) @ self.line_axis * self.metres_per_pixel
        pos_px = pts @ np.asarray(walk_axis_px, float)
        if self.metres_per_pixel is not None:
            return pos_px * self.metres_per_pixel
        return pos_px / self.body_height_px

    def with_walk_line(self, footprints_px: np.ndarray) -> ScaleModel:
        """This model measuring along the walking line through (N, 2) image footprints.

        Left and right footprints zig-zag about the line by the step width (about 0.1-0.2 m);
        a step measured between its own two footprints would count that width into its length.
        The principal direction of all the walk's footprints is the line itself.
        """
        if self.homography is None or len(footprints_px) < 3:
            return self
        floor = self.floor_m(np.asarray(footprints_px, float))
        floor = floor[np.isfinite(floor).all(axis=1)]
        if len(floor) < 3:
            return self
        return replace(self, floor_axis=_principal_axis(floor))


def estimate_scale(
    xy: NDArray[np.floating],
    world: NDArray[np.floating],
    calibration: FloorCalibration | None = None,
    height_cm: float | None = None,
    image_size: tuple[int, int] | None = None,
    heel_height_fraction: float = 0.0,
    toe_height_fraction: float = 0.0,
) -> ScaleModel:
    """The most trusted scale available for a subject seen in (T, 33, 2) ``xy`` landmark px with
    (T, 33, 3) ``world`` metres (NaN where no pose).

    With a 4-point calibration and ``image_size`` (width, height px), the camera is recovered
    from the homography and the heel (toe) points are taken to rest ``heel_height_fraction``
    (``toe_height_fraction``) of the subject's height above the floor (see
    :data:`~vision.gait.foot_floor.HEEL_POINT_HEIGHT_FRACTION`); the height is ``height_cm`` when
    given, else measured through that camera.

    Raises:
        CalibrationError: the calibration is unusable.
        ValueError: ``height_cm`` outside 50-250.
    """
    h_px = _robust_height(chain_length(xy))
    if calibration is not None:
        calibration.validate()
        if len(calibration.image_px) == 2:
            return _two_point_scale(calibration, h_px)
        hom = _floor_homography(calibration)
        model = _homography_scale(hom, calibration, h_px)
        cam = camera_from_homography(hom, image_size) if image_size else None
        if cam is None:
            return model
        stature = height_cm / 100.0 if height_cm else _height_through(cam, hom, xy)
        model.camera = cam
        model.estimated_height_m = stature if math.isfinite(stature) else None
        if model.estimated_height_m:
            model.heel_height_m = heel_height_fraction * model.estimated_height_m
            model.toe_height_m = toe_height_fraction * model.estimated_height_m
        return model
    if height_cm is not None:
        return _subject_height_scale(height_cm, h_px)
    return _world_landmarks_scale(world, h_px)


def _two_point_scale(calibration: FloorCalibration, h_px: float) -> ScaleModel:
    """Metres per pixel along the line between two floor points a known distance apart."""
    if calibration.distance_m is None:  # validate() rules this out; said for the type checker
        raise CalibrationError("a 2-point floor calibration needs a distance > 0 metres")
    pts = np.asarray(calibration.image_px, float)
    axis = pts[1] - pts[0]
    dist_px = float(np.linalg.norm(axis))
    mpp = float(calibration.distance_m) / dist_px
    return ScaleModel(
        "floor_calibration",
        mpp,
        FLOOR_2POINT_UNCERTAINTY_PCT,
        h_px,
        line_origin_px=pts[0],
        line_axis=axis / dist_px,
        estimated_height_m=h_px * mpp,
    )


def _floor_homography(calibration: FloorCalibration) -> np.ndarray:
    """(3, 3) image px -> floor metres from four image points and their floor coordinates."""
    import cv2  # the homography fit; OpenCV is a core dependency

    pts = np.asarray(calibration.image_px, float)
    floor = np.asarray(calibration.floor_m, float)
    return cv2.getPerspectiveTransform(pts.astype(np.float32), floor.astype(np.float32))


def _homography_scale(hom: np.ndarray, calibration: FloorCalibration, h_px: float) -> ScaleModel:
    """The floor plane's scale model, without its camera."""
    # Metres per pixel near the calibration area's centre, for the summary only.
    c = np.asarray(calibration.image_px, float).mean(axis=0)
    probe = np.array([c, c + [1.0, 0.0]])
    q = _apply_homography(hom, probe)
    return ScaleModel(
        "floor_calibration",
        float(np.linalg.norm(q[1] - q[0])),
        FLOOR_HOMOGRAPHY_UNCERTAINTY_PCT,
        h_px,
        homography=hom,
    )


def _subject_height_scale(height_cm: float, h_px: float) -> ScaleModel:
    """Metres per pixel from the subject's stated height and apparent height."""
    if not 50.0 <= height_cm <= 250.0:
        raise ValueError(f"height_cm={height_cm} is outside 50-250 cm")
    if not math.isfinite(h_px) or h_px <= 0:
        return ScaleModel("none", None, None, h_px)
    return ScaleModel(
        "subject_height",
        height_cm / 100.0 / h_px,
        SUBJECT_HEIGHT_UNCERTAINTY_PCT,
        h_px,
        estimated_height_m=height_cm / 100.0,
    )


def _world_landmarks_scale(world: np.ndarray, h_px: float) -> ScaleModel:
    """Metres per pixel from the pose model's world landmarks' height against the apparent
    height; no scale where either is unknown."""
    h_world = _robust_height(chain_length(world))
    if math.isfinite(h_world) and math.isfinite(h_px) and h_px > 0 and h_world > 0:
        return ScaleModel(
            "world_landmarks",
            h_world / h_px,
            WORLD_LANDMARKS_UNCERTAINTY_PCT,
            h_px,
            estimated_height_m=h_world,
        )
    return ScaleModel("none", None, None, h_px)


def _apply_homography(hom: np.ndarray, points_px: np.ndarray) -> np.ndarray:
    p = np.column_stack([points_px, np.ones(len(points_px))]) @ hom.T
    return p[:, :2] / p[:, 2:3]


def _height_through(cam: FloorCamera, hom: np.ndarray, xy: NDArray[np.floating]) -> float:
    """Standing height in metres of the subject in (T, 33, 2) ``xy`` landmark px: each frame's
    landmark chain scaled by the depth of the subject's feet (pinhole: metres = px * depth / f).
    """
    heels = 0.5 * (xy[:, L_HEEL] + xy[:, R_HEEL])
    ok = np.isfinite(heels).all(axis=1)
    chain_m = np.full(len(xy), np.nan)
    if ok.any():
        depth = cam.depth_m(_apply_homography(hom, heels[ok]))
        chain_m[ok] = chain_length(xy[ok]) * depth / cam.focal_px
    return _robust_height(chain_m)


def _robust_height(chain: np.ndarray) -> float:
    """Standing height from per-frame chain lengths (80th percentile; see
    :func:`vision.gait.body.body_height_px`)."""
    c = chain[np.isfinite(chain)]
    return float(np.percentile(c, 80)) / CHAIN_FRACTION_OF_HEIGHT if c.size else float("nan")


def _principal_axis(points: np.ndarray) -> np.ndarray:
    centred = points - points.mean(axis=0)
    if len(points) < 2 or not np.isfinite(centred).all():
        return np.array([1.0, 0.0])
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    axis = vt[0]
    # Point the axis the way the points were made (first -> last) so signs mean travel.
    if np.dot(points[-1] - points[0], axis) < 0:
        axis = -axis
    return axis


def _polygon_area(p: np.ndarray) -> float:
    x, y = p[:, 0], p[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))
