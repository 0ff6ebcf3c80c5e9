"""Trunk colours: alike for one person in any light, unlike for people dressed differently."""

from __future__ import annotations

import numpy as np
import pytest

from vision.appearance import similarity, trunk_colours, typical
from vision.landmarks import L_HIP, L_SHOULDER, R_HIP, R_SHOULDER


def _picture(shirt_rgb: tuple[int, int, int], light: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """A grey room with a person's trunk (a shirt of ``shirt_rgb`` with a darker stripe) lit by
    ``light``; and the landmarks (33, 2) px with the trunk's corners on it."""
    rgb = np.full((240, 320, 3), 128, np.uint8)
    shirt = np.array(shirt_rgb, float)
    rgb[60:160, 120:200] = np.clip(shirt * light, 0, 255).astype(np.uint8)
    rgb[100:110, 120:200] = np.clip(shirt * 0.5 * light, 0, 255).astype(np.uint8)
    xy = np.full((33, 2), 160.0)
    xy[[L_SHOULDER, R_SHOULDER, R_HIP, L_HIP]] = [(125, 65), (195, 65), (195, 155), (125, 155)]
    return rgb, xy


def test_one_shirt_in_other_light_looks_alike_and_another_does_not():
    red = trunk_colours(*_picture((200, 40, 40)))
    dim_red = trunk_colours(*_picture((200, 40, 40), light=0.6))
    blue = trunk_colours(*_picture((40, 60, 200)))
    assert red is not None and dim_red is not None and blue is not None
    assert red.sum() == pytest.approx(1.0)
    assert similarity(red, dim_red) > 0.9
    assert similarity(red, blue) < 0.3


def test_no_colours_for_a_trunk_too_small_or_outside_the_picture():
    rgb, xy = _picture((200, 40, 40))
    tiny = xy.copy()
    tiny[[L_SHOULDER, R_SHOULDER, R_HIP, L_HIP]] = [(150, 100), (153, 100), (153, 104), (150, 104)]
    assert trunk_colours(rgb, tiny) is None
    assert trunk_colours(rgb, xy + 1000.0) is None
    unseen = xy.copy()
    unseen[L_HIP] = np.nan
    assert trunk_colours(rgb, unseen) is None


def test_the_typical_colours_ignore_a_few_frames_crossed_by_something_else():
    red = trunk_colours(*_picture((200, 40, 40)))
    blue = trunk_colours(*_picture((40, 60, 200)))
    assert red is not None and blue is not None
    look = typical([red] * 8 + [blue] * 2)
    assert look is not None and similarity(look, red) > 0.95
    assert typical([]) is None
