"""The SciPy-free filters give SciPy's results (to rounding) on inputs like the analysis's."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage, signal

from vision.filters import butter_lowpass, padlen, running_median, sosfilt_zi, sosfiltfilt
from vision.sequence import PoseSequence


@pytest.mark.parametrize("order", [1, 2, 3, 4])
@pytest.mark.parametrize("wn", [0.05, 0.2, 0.4, 0.95])
def test_butter_lowpass_is_scipys_design(order: int, wn: float) -> None:
    ours, theirs = butter_lowpass(order, wn), signal.butter(order, wn, output="sos")
    assert ours.shape == theirs.shape
    # Same filter: the same response at every frequency (section order may differ).
    _, h_ours = signal.sosfreqz(ours, worN=256)
    _, h_theirs = signal.sosfreqz(theirs, worN=256)
    np.testing.assert_allclose(h_ours, h_theirs, atol=1e-12)
    assert padlen(ours) == 3 * (2 * len(theirs) + 1 - (order % 2))


@pytest.mark.parametrize("order", [2, 3])
def test_steady_state_is_scipys(order: int) -> None:
    sos = signal.butter(order, 0.3, output="sos")
    np.testing.assert_allclose(sosfilt_zi(sos), signal.sosfilt_zi(sos), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("length", [13, 63, 64, 65, 129, 1000])
@pytest.mark.parametrize("order", [2, 3])
def test_sosfiltfilt_is_scipys(length: int, order: int) -> None:
    rng = np.random.default_rng(length * 10 + order)
    # A walk-like series per column: drift, a cadence and noise, in pixels, (T, 33, 3).
    t = np.arange(length)[:, None, None] / 30.0
    x = 500 + 40 * t + 20 * np.sin(2 * np.pi * 1.8 * t) + rng.normal(0, 2, (length, 33, 3))
    sos = signal.butter(order, 6.0 / 15.0, output="sos")
    ours = sosfiltfilt(sos, x)
    assert ours.shape == x.shape
    np.testing.assert_allclose(ours, signal.sosfiltfilt(sos, x, axis=0), rtol=0, atol=1e-9)


def test_sosfiltfilt_refuses_a_series_no_longer_than_its_extension() -> None:
    sos = butter_lowpass(2, 0.4)
    with pytest.raises(ValueError, match="more than 9"):
        sosfiltfilt(sos, np.zeros(9))


@pytest.mark.parametrize("width", [1, 3, 5, 9])
def test_running_median_is_scipys(width: int) -> None:
    x = np.random.default_rng(width).normal(0, 1, 200)
    x[50:53] = 40.0  # a landmark's jump
    np.testing.assert_array_equal(
        running_median(x, width), ndimage.median_filter(x, size=width, mode="nearest")
    )


def test_running_median_wants_an_odd_width() -> None:
    with pytest.raises(ValueError, match="odd"):
        running_median(np.zeros(10), 4)


def test_smoothing_the_image_alone_shares_the_world_landmarks() -> None:
    rng = np.random.default_rng(3)
    seq = PoseSequence.empty(120, 30.0, 640, 480)
    seq.image[:] = rng.normal(300, 5, seq.image.shape)
    seq.world[:] = rng.normal(0, 0.1, seq.world.shape)
    seq.visibility[:] = 1.0
    both, image_only = seq.smoothed(6.0), seq.smoothed(6.0, world=False)
    np.testing.assert_array_equal(image_only.image, both.image)
    assert image_only.world is seq.world
    assert not np.array_equal(both.world, seq.world)  # the full smooth did filter them
