"""Which foot readings the event detectors may trust."""

from __future__ import annotations

import numpy as np

from vision.gait.foot_tracks import FootSeenOptions, feet_seen

FPS = 30.0


def _feet(n: int) -> np.ndarray:
    """(n, 2, 3, 2) foot points well inside a 640 x 480 picture."""
    return np.full((n, 2, 3, 2), 200.0)


def test_a_foot_hidden_behind_the_other_for_a_while_is_kept() -> None:
    vis = np.full((60, 2), 0.9)
    vis[:20, 1] = 0.4  # the far foot, hidden while standing (as BlazePose scores it)
    seen = feet_seen(_feet(60), vis, (640, 480), FPS)
    assert seen.all()


def test_a_brief_dip_in_visibility_is_not_trusted() -> None:
    vis = np.full((60, 2), 0.9)
    vis[30:33, 0] = 0.4  # 0.1 s: a guess, e.g. a blurred swing
    vis[40:50, 1] = 0.2  # too low however long
    seen = feet_seen(_feet(60), vis, (640, 480), FPS)
    assert not seen[30:33, 0].any() and seen[:30, 0].all() and seen[33:, 0].all()
    assert not seen[40:50, 1].any()
    # The same dip lasting long enough is kept; with the option off it is not.
    assert feet_seen(_feet(60), vis, (640, 480), FPS, FootSeenOptions(hidden_min_s=0.1))[
        30:33, 0
    ].all()
    vis[:, 0] = 0.4
    assert not feet_seen(_feet(60), vis, (640, 480), FPS, FootSeenOptions(hidden_visibility=0.5))[
        :, 0
    ].any()


def test_a_foot_outside_the_picture_is_not_trusted_however_visible() -> None:
    feet = _feet(60)
    feet[10:40, 0, 1, 0] = 650.0  # the toe past the right edge
    vis = np.full((60, 2), 0.95)
    seen = feet_seen(feet, vis, (640, 480), FPS)
    assert not seen[10:40, 0].any() and seen[:10, 0].all() and seen[:, 1].all()
