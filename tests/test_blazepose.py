"""BlazePose pre- and post-processing (vision.pose.blazepose): pure functions on made-up arrays."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from vision.pose import blazepose as bp


def test_anchors_cover_the_three_feature_maps_in_output_order() -> None:
    anchors = bp.ssd_anchors()
    assert anchors.shape == (28 * 28 * 2 + 14 * 14 * 2 + 7 * 7 * 6, 2) == (2254, 2)
    # Two anchors per cell of the 28x28 map, row by row, then the 14x14 map, then 7x7 (six).
    np.testing.assert_allclose(anchors[0], anchors[1])
    np.testing.assert_allclose(anchors[0], [0.5 / 28, 0.5 / 28])
    np.testing.assert_allclose(anchors[2], [1.5 / 28, 0.5 / 28])
    np.testing.assert_allclose(anchors[1568], [0.5 / 14, 0.5 / 14])
    np.testing.assert_allclose(anchors[-6:], np.tile([6.5 / 7, 6.5 / 7], (6, 1)))


def test_decoding_offsets_boxes_and_keypoints_from_their_anchor() -> None:
    anchors = bp.ssd_anchors()
    raw = np.zeros((1, 2254, 12), np.float32)
    logits = np.full((1, 2254, 1), -10.0, np.float32)
    raw[0, 100] = [22.4, -11.2, 44.8, 89.6, 0, 0, 22.4, 22.4, 0, 0, 0, 0]
    logits[0, 100] = 3.0
    found = bp.decode_detections(raw, logits, anchors, min_score=0.5)
    assert len(found) == 1
    cx, cy = anchors[100] + [0.1, -0.05]
    np.testing.assert_allclose(found.boxes[0], [cx - 0.1, cy - 0.2, 0.2, 0.4], atol=1e-6)
    np.testing.assert_allclose(found.keypoints[0, 1], anchors[100] + 0.1, atol=1e-6)
    assert found.scores[0] == pytest.approx(1 / (1 + math.exp(-3.0)))


def test_weighted_nms_averages_overlapping_boxes_by_score_and_keeps_apart_ones() -> None:
    boxes = np.array([[0.1, 0.1, 0.2, 0.4], [0.12, 0.1, 0.2, 0.4], [0.6, 0.5, 0.2, 0.4]])
    kps = np.zeros((3, 4, 2))
    kps[:, 0] = [[0.2, 0.3], [0.22, 0.3], [0.7, 0.7]]
    found = bp.weighted_nms(bp.Detections(boxes, kps, np.array([0.9, 0.3, 0.8])), 0.5)
    assert len(found) == 2
    np.testing.assert_allclose(found.scores, [0.9, 0.8])
    np.testing.assert_allclose(found.boxes[0], [0.105, 0.1, 0.2, 0.4])  # 0.75 * 0.1 + 0.25 * 0.12
    np.testing.assert_allclose(found.keypoints[0, 0], [0.205, 0.3])
    np.testing.assert_allclose(found.boxes[1], boxes[2])


def test_letterbox_removal_maps_the_padded_square_back_onto_the_frame() -> None:
    # A 1280x720 frame in a square: 280/1280 of the square is padding above and below.
    rect, padding = bp.square_crop_rect(1280, 720)
    assert rect.height == pytest.approx(1280 / 720) and padding == (0.0, pytest.approx(0.21875))
    square = bp.Detections(np.array([[0.5, 0.21875, 0.25, 0.5625]]), np.zeros((1, 4, 2)), [1.0])
    frame = bp.remove_letterbox(square, padding)
    np.testing.assert_allclose(frame.boxes[0], [0.5, 0.0, 0.25, 1.0])


def test_alignment_rect_is_a_square_turned_so_the_body_points_up() -> None:
    width, height = 1000, 500
    upright = bp.alignment_rect(np.array([0.5, 0.6]), np.array([0.5, 0.4]), width, height)
    assert upright.rotation == pytest.approx(0.0)
    assert upright.width * width == pytest.approx(2 * 100) == upright.height * height
    lying = bp.alignment_rect(np.array([0.5, 0.5]), np.array([0.6, 0.5]), width, height)
    assert lying.rotation == pytest.approx(math.pi / 2)
    roi = bp.expand_rect(upright, width, height)
    assert roi.width * width == pytest.approx(250) == roi.height * height


def test_crop_and_projection_invert_each_other() -> None:
    # A bright dot in a frame, cropped through a turned rect, found in the crop and projected
    # back, lands where it was drawn.
    frame = np.zeros((480, 640, 3), np.uint8)
    cv2.circle(frame, (400, 200), 3, (255, 255, 255), -1)
    rect = bp.Rect(0.55, 0.5, 0.5, 0.5 * 640 / 480, rotation=0.6)
    crop = bp.crop(frame, rect, 256, cv2.BORDER_CONSTANT, (0.0, 1.0))[0, :, :, 0]
    ys, xs = np.nonzero(crop > 0.5)
    in_crop = np.array([[xs.mean() / 256, ys.mean() / 256, 0.0]])
    back = bp.project_landmarks(in_crop, rect)[0]
    assert back[0] * 640 == pytest.approx(400, abs=1.0)
    assert back[1] * 480 == pytest.approx(200, abs=1.0)


def test_heatmap_refinement_moves_confident_landmarks_only() -> None:
    heatmap = np.full((64, 64, 2), -20.0, np.float32)
    heatmap[30, 40, 0] = 5.0  # a confident peak near landmark 0
    heatmap[30, 10, 1] = -0.5  # a weak one near landmark 1 (sigmoid below 0.5)
    xy = np.array([[41.5 / 64, 31.5 / 64], [11.5 / 64, 31.5 / 64]])
    out = bp.refine_from_heatmap(xy, heatmap)
    np.testing.assert_allclose(out[0], [40 / 64, 30 / 64], atol=1e-3)
    np.testing.assert_allclose(out[1], xy[1])


def test_world_landmarks_turn_with_the_crop() -> None:
    raw = np.zeros((1, 117), np.float32)
    raw[0, :3] = [0.1, 0.0, 0.3]
    world = bp.project_world(raw, bp.Rect(0.5, 0.5, 1, 1, rotation=math.pi / 2))
    np.testing.assert_allclose(world[0], [0.0, 0.1, 0.3], atol=1e-7)
    assert world.shape == (33, 3)
