"""Drawing the mannequin: tapered shaded limbs, clothes, shoes and a face, back to front.

Every body part is a capsule (two spheres joined by a tapered tube) or a sphere, projected with
the pinhole camera and filled with OpenCV. Parts are sorted far to near per frame (painter's
algorithm); parts that share a depth get a fixed bias so their order never flickers. Shading is
Lambert from one light above and beside the camera, drawn as three nested bands per part.
Colours are RGB uint8; sizes are fractions of body height H.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vision.landmarks import IDX
from vision.synthetic.camera import Camera

SHIFT = 4  # OpenCV fixed-point bits: sub-pixel edges
SCALE = 1 << SHIFT


@dataclass(frozen=True)
class Appearance:
    """Clothes and build. ``girth`` scales every limb's thickness (0.85 slim to 1.2 broad)."""

    skin: tuple[int, int, int] = (224, 172, 138)
    hair: tuple[int, int, int] = (60, 40, 28)
    shirt: tuple[int, int, int] = (40, 110, 160)
    trousers: tuple[int, int, int] = (50, 52, 70)
    shoes: tuple[int, int, int] = (235, 235, 235)
    girth: float = 1.0


OUTFITS = {
    "blue": Appearance(),
    "red": Appearance(
        skin=(141, 85, 56),
        hair=(20, 18, 16),
        shirt=(170, 40, 45),
        trousers=(35, 45, 90),
        shoes=(30, 30, 30),
        girth=1.1,
    ),
    "green": Appearance(
        skin=(241, 204, 178),
        hair=(150, 110, 60),
        shirt=(60, 130, 70),
        trousers=(120, 105, 85),
        shoes=(90, 60, 40),
        girth=0.9,
    ),
    "grey": Appearance(
        skin=(198, 134, 96),
        hair=(200, 200, 200),
        shirt=(150, 150, 155),
        trousers=(30, 30, 35),
        shoes=(120, 30, 30),
        girth=1.2,
    ),
}


def _light_dir(camera: Camera) -> np.ndarray:
    """Unit vector toward the light: above, beside and a little in front of the camera."""
    right, down, fwd = camera.rotation()
    v = -0.6 * fwd - 0.9 * down - 0.4 * right
    return v / np.linalg.norm(v)


def _parts(j: np.ndarray, h: float, a: Appearance) -> list[tuple]:
    """Body parts of one frame: (p0, p1, r0_m, r1_m, colour, depth_bias_m)."""
    g = a.girth * h

    def p(name: str) -> np.ndarray:
        return j[IDX[name]]

    mid_hip = 0.5 * (p("left_hip") + p("right_hip"))
    mid_sh = 0.5 * (p("left_shoulder") + p("right_shoulder"))
    ear_mid = 0.5 * (p("left_ear") + p("right_ear"))
    parts = [
        (p("left_hip"), p("right_hip"), 0.055 * g, 0.055 * g, a.trousers, 0.06),
        (mid_hip, mid_sh, 0.062 * g, 0.068 * g, a.shirt, 0.03),
        (mid_sh, 0.3 * mid_sh + 0.7 * ear_mid, 0.026 * g, 0.024 * g, a.skin, 0.05),
    ]
    # The seat: the buttocks' curve behind the hips. Without it the body looked the same from
    # the front and from behind, and BlazePose read a back view as a front in a third to a half
    # of its frames; with it, in 0-10%.
    left = p("left_hip") - p("right_hip")
    left = left / max(float(np.linalg.norm(left)), 1e-9)
    up = np.array([0.0, 0.0, 1.0])
    behind = np.cross(up, left)
    seat = [
        mid_hip + 0.05 * h * behind + side * 0.04 * h * left - 0.03 * h * up for side in (1.0, -1.0)
    ]
    parts.append((seat[0], seat[1], 0.05 * g, 0.05 * g, a.trousers, -0.01))
    for s in ("left", "right"):
        hip, sh = p(f"{s}_hip"), p(f"{s}_shoulder")
        waist = hip + 0.12 * (sh - hip)
        parts += [
            (waist, sh, 0.05 * g, 0.043 * g, a.shirt, 0.02),
            (hip, p(f"{s}_knee"), 0.068 * g, 0.046 * g, a.trousers, 0.0),
            (p(f"{s}_knee"), p(f"{s}_ankle"), 0.045 * g, 0.03 * g, a.trousers, 0.0),
            (sh, p(f"{s}_elbow"), 0.034 * g, 0.028 * g, a.shirt, -0.01),
            (p(f"{s}_elbow"), p(f"{s}_wrist"), 0.025 * g, 0.019 * g, a.skin, -0.01),
            (
                p(f"{s}_wrist"),
                0.5 * (p(f"{s}_index") + p(f"{s}_pinky")),
                0.02 * g,
                0.017 * g,
                a.skin,
                -0.015,
            ),
        ]
        heel, toe, ankle = p(f"{s}_heel"), p(f"{s}_foot_index"), p(f"{s}_ankle")
        # Shoe: the sole sits on the heel-toe line, so lift the tube by its radius.
        foot_up = ankle - (heel + 0.25 * (toe - heel))
        foot_up = foot_up / max(np.linalg.norm(foot_up), 1e-9)
        parts += [
            (
                heel + 0.022 * h * foot_up,
                toe + 0.014 * h * foot_up,
                0.022 * h,
                0.014 * h,
                a.shoes,
                -0.02,
            ),
            (ankle, heel + 0.022 * h * foot_up, 0.024 * h, 0.022 * h, a.shoes, -0.02),
        ]
    return parts


def _shade(colour: tuple[int, int, int], k: float) -> tuple[int, int, int]:
    r, g, b = (int(min(255, c * k)) for c in colour)
    return r, g, b


def _capsule_poly(a: np.ndarray, b: np.ndarray, ra: float, rb: float) -> np.ndarray:
    d = b - a
    n = np.array([-d[1], d[0]]) / max(float(np.hypot(*d)), 1e-9)
    return np.array([a + n * ra, b + n * rb, b - n * rb, a - n * ra])


def _fill_capsule(
    img: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    ra: float,
    rb: float,
    colour: tuple[int, int, int],
) -> None:
    pts = np.round(_capsule_poly(a, b, ra, rb) * SCALE).astype(np.int32)
    cv2.fillConvexPoly(img, pts, colour, cv2.LINE_AA, SHIFT)
    for c, r in ((a, ra), (b, rb)):
        cv2.circle(
            img,
            tuple(np.round(c * SCALE).astype(int)),
            int(round(r * SCALE)),
            colour,
            -1,
            cv2.LINE_AA,
            SHIFT,
        )


def _draw_shaded(
    img: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    ra: float,
    rb: float,
    colour: tuple[int, int, int],
    lambert: float,
    toward_light: np.ndarray,
) -> None:
    """A capsule (a == b: a sphere) in three bands: shadowed rim, body, lit stripe."""
    base = 0.45 + 0.65 * lambert
    _fill_capsule(img, a, b, ra, rb, _shade(colour, 0.75 * base))
    off = toward_light * 0.15
    _fill_capsule(img, a + off * ra, b + off * rb, 0.8 * ra, 0.8 * rb, _shade(colour, base))
    off = toward_light * 0.35
    _fill_capsule(
        img, a + off * ra, b + off * rb, 0.35 * ra, 0.35 * rb, _shade(colour, 1.12 * base)
    )


def draw_person(
    img: np.ndarray,
    joints_m: np.ndarray,
    camera: Camera,
    body_height_m: float,
    appearance: Appearance = Appearance(),
) -> None:
    """Draw one frame's person ``joints_m`` (33, 3) world metres onto ``img`` (H, W, 3) in place."""
    h = body_height_m
    cam_pos = np.asarray(camera.position_m, float)
    rot = camera.rotation()
    light = _light_dir(camera)
    light_img = rot[:2] @ light
    light_img = light_img / max(np.linalg.norm(light_img), 1e-9)
    _draw_shadow(img, joints_m, camera, h)
    items = []
    for p0, p1, r0, r1, colour, bias in _parts(joints_m, h, appearance):
        items.append(("capsule", p0, p1, r0, r1, colour, bias))
    head = _head_frame(joints_m)
    centre, fwd, left, up = head
    items.append(
        (
            "capsule",
            centre - 0.014 * h * fwd + 0.012 * h * up,
            centre - 0.014 * h * fwd + 0.012 * h * up,
            0.06 * h,
            0.06 * h,
            appearance.hair,
            0.0,
        )
    )
    items.append(
        (
            "capsule",
            centre + 0.012 * h * fwd - 0.006 * h * up,
            centre + 0.008 * h * fwd - 0.02 * h * up,
            0.056 * h,
            0.05 * h,
            appearance.skin,
            0.0,
        )
    )
    depth_of = [
        float(np.mean((np.stack([it[1], it[2]]) - cam_pos) @ rot[2])) + it[6] for it in items
    ]
    for k in np.argsort(depth_of)[::-1]:
        _, p0, p1, r0, r1, colour, _ = items[k]
        px, depth = camera.project(np.stack([p0, p1]))
        if not np.all(depth > 0.05):
            continue
        radii = camera.focal_px * np.array([r0, r1]) / depth
        axis = p1 - p0
        to_cam = cam_pos - 0.5 * (p0 + p1)
        norm_axis = np.linalg.norm(axis)
        if norm_axis > 1e-9:
            axis = axis / norm_axis
            to_cam = to_cam - (to_cam @ axis) * axis
        n = to_cam / max(np.linalg.norm(to_cam), 1e-9)
        lambert = float(np.clip(n @ light, 0.0, 1.0))
        _draw_shaded(img, px[0], px[1], radii[0], radii[1], colour, lambert, light_img)
    _draw_face(img, head, camera, h, appearance)


def _head_frame(j: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    centre = 0.5 * (j[IDX["left_ear"]] + j[IDX["right_ear"]])
    left = j[IDX["left_ear"]] - j[IDX["right_ear"]]
    left = left / np.linalg.norm(left)
    fwd = j[IDX["nose"]] - centre
    fwd = fwd - (fwd @ left) * left
    fwd = fwd / np.linalg.norm(fwd)
    return centre, fwd, left, np.cross(fwd, left)


def _draw_face(img: np.ndarray, head: tuple, camera: Camera, h: float, a: Appearance) -> None:
    """Eyes, nose, mouth and ears on the parts of the head that face the camera."""
    centre, fwd, left, up = head
    cam_pos = np.asarray(camera.position_m, float)

    def facing(point: np.ndarray, normal: np.ndarray) -> bool:
        return float((cam_pos - point) @ normal) > 0.15 * float(np.linalg.norm(cam_pos - point))

    def dot(point: np.ndarray, radius_m: float, colour: tuple[int, int, int]) -> None:
        px, depth = camera.project(point[None])
        if depth[0] > 0.05:
            r = max(1.0, camera.focal_px * radius_m / depth[0])
            cv2.circle(
                img,
                tuple(np.round(px[0] * SCALE).astype(int)),
                int(r * SCALE),
                colour,
                -1,
                cv2.LINE_AA,
                SHIFT,
            )

    for sign in (1.0, -1.0):
        ear = centre + sign * 0.052 * h * left - 0.004 * h * up
        if facing(ear, sign * left):
            dot(ear, 0.012 * h, _shade(a.skin, 0.85))
    face = centre + 0.062 * h * fwd
    if not facing(face, fwd):
        return
    dark = (35, 30, 30)
    for sign in (1.0, -1.0):
        eye = centre + 0.057 * h * fwd + sign * 0.019 * h * left + 0.008 * h * up
        if facing(eye, fwd + 0.5 * sign * left):
            dot(eye, 0.0065 * h, (245, 245, 245))
            dot(eye + 0.002 * h * fwd, 0.0038 * h, dark)
        brow = eye + 0.012 * h * up
        if facing(brow, fwd + 0.5 * sign * left):
            dot(brow, 0.004 * h, a.hair)
    nose = centre + 0.068 * h * fwd - 0.008 * h * up
    dot(nose, 0.008 * h, _shade(a.skin, 0.88))
    for k in np.linspace(-1.0, 1.0, 5):
        dot(
            centre + 0.058 * h * fwd - 0.03 * h * up + k * 0.012 * h * left,
            0.0035 * h,
            (150, 60, 60),
        )


def _draw_shadow(img: np.ndarray, j: np.ndarray, camera: Camera, h: float) -> None:
    """A soft dark ellipse on the floor under the body."""
    mid = 0.5 * (j[IDX["left_hip"]] + j[IDX["right_hip"]])
    ang = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    ring = np.column_stack(
        [mid[0] + 0.16 * h * np.cos(ang), mid[1] + 0.12 * h * np.sin(ang), np.zeros_like(ang)]
    )
    px, depth = camera.project(ring)
    if not np.all(depth > 0.05):
        return
    mask = np.zeros(img.shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(px * SCALE).astype(np.int32)], 255, cv2.LINE_AA, SHIFT)
    x, y, w, hh = cv2.boundingRect(mask)
    if w == 0 or hh == 0:
        return
    roi = img[y : y + hh, x : x + w]
    m = cv2.GaussianBlur(mask[y : y + hh, x : x + w], (0, 0), 3)[..., None] / 255.0
    roi[:] = (roi * (1.0 - 0.3 * m)).astype(np.uint8)
