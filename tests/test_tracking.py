"""Subject selection and identity tracking on constructed detections (no video needed)."""

from __future__ import annotations

import numpy as np
import pytest

from vision.landmarks import L_ANKLE, L_HIP, L_SHOULDER, NOSE, R_ANKLE, R_HIP, R_SHOULDER
from vision.pose import FramePoses, PersonPose
from vision.tracking import TrackingOptions, body_height_px, hip_centre, track_people

FPS = 30.0


def _person(
    x: float, y: float, height: float = 400.0, looks: np.ndarray | None = None
) -> PersonPose:
    """A standing figure whose hip centre is at (x, y) pixels and that is ``height`` tall, with
    trunk colours ``looks`` (a histogram; None: not measured)."""
    xy = np.zeros((33, 2), np.float32)
    xy[:] = x, y
    xy[NOSE, 1] = y - 0.45 * height
    xy[[L_SHOULDER, R_SHOULDER], 1] = y - 0.3 * height
    xy[[L_HIP, R_HIP], 1] = y
    xy[[L_ANKLE, R_ANKLE], 1] = y + 0.45 * height
    seen = np.full(33, 0.9, np.float32)
    return PersonPose(
        xy=xy,
        z=np.zeros(33, np.float32),
        visibility=seen,
        presence=seen,
        world=np.zeros((33, 3), np.float32),
        appearance=looks,
    )


def _frames(rng: np.random.Generator, occlude: range = range(0)) -> list[FramePoses]:
    """A walker crossing right to left at 0.8 body heights/s, and a bystander jumping in place
    (bigger on screen), listed in random order per frame; the walker vanishes during
    ``occlude``."""
    frames = []
    for i in range(150):
        walker = _person(1500 - 10.0 * i, 700, 380)
        jumper = _person(600, 300 - 80 * abs(np.sin(i / 5)), 450)
        people = [jumper] if i in occlude else [walker, jumper]
        rng.shuffle(people)
        frames.append(FramePoses(index=i, t_s=i / FPS, people=tuple(people)))
    return frames


def _is_walker(pose: PersonPose | None) -> bool:
    return pose is not None and hip_centre(pose)[1] > 500


def test_body_height_of_constructed_figure() -> None:
    assert body_height_px(_person(0, 0, 400)) == pytest.approx(0.9 * 400 * 1.1, rel=0.01)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_subject_is_the_walker_whatever_the_detector_order(seed: int) -> None:
    frames = _frames(np.random.default_rng(seed))
    result = track_people(frames, FPS)
    assert all(_is_walker(p) for p in result.subject)
    assert len(result.people) == 2
    others = [p for p in result.people if p.track_id != result.subject_track_id]
    assert others[0].displacement_body_heights < 0.2  # jumping is not walking


def test_identity_kept_through_a_short_occlusion() -> None:
    frames = _frames(np.random.default_rng(3), occlude=range(60, 80))
    result = track_people(frames, FPS)
    seen = [i for i, p in enumerate(result.subject) if p is not None]
    assert all(_is_walker(result.subject[i]) for i in seen)
    # Before and after the occlusion the walker is one identity, the jumper never stands in.
    assert seen[0] == 0 and seen[-1] == 149
    assert not any(result.subject[i] is not None for i in range(60, 80))


def test_duplicate_detections_of_one_person_are_merged() -> None:
    frames = [
        FramePoses(
            index=i, t_s=i / FPS, people=(_person(1000 - 8 * i, 700), _person(1002 - 8 * i, 701))
        )
        for i in range(60)
    ]
    result = track_people(frames, FPS)
    assert len(result.people) == 1


def test_nobody_gives_no_subject() -> None:
    frames = [FramePoses(index=i, t_s=i / FPS, people=()) for i in range(10)]
    result = track_people(frames, FPS)
    assert result.subject_track_id is None and all(p is None for p in result.subject)


def _trials(gap_frames: int, reflection: bool = True) -> list[FramePoses]:
    """Two trials of one walker crossing left to right (leaving the picture between them for
    ``gap_frames``), and their reflection in a glass cabinet behind: half their size, higher in
    the picture, moving with them (and seen alone for a while after the walker leaves)."""
    frames: list[FramePoses] = []
    pass_frames = 90
    for i in range(2 * pass_frames + gap_frames):
        k = i if i < pass_frames else i - pass_frames - gap_frames
        people = []
        if 0 <= k < pass_frames:
            people.append(_person(100 + 20.0 * k, 700, 400))
        if reflection and (0 <= k < pass_frames + 20 if i < pass_frames + 20 else 0 <= k):
            people.append(_person(900 - 5.0 * k, 350, 200))
        frames.append(FramePoses(index=i, t_s=i / FPS, people=tuple(people)))
    return frames


@pytest.mark.parametrize("gap_s", [1.0, 5.0, 20.0])
def test_a_walker_who_leaves_and_comes_back_is_the_subject_again(gap_s: float) -> None:
    frames = _trials(int(gap_s * FPS))
    result = track_people(frames, FPS)
    walker_frames = [i for i, f in enumerate(frames) if any(_is_walker(p) for p in f.people)]
    assert all(_is_walker(result.subject[i]) for i in walker_frames)
    # The reflection, moving with the walker or seen alone after they left, is never the subject.
    assert all(p is None or _is_walker(p) for p in result.subject)


def test_without_rejoining_only_one_trial_is_followed() -> None:
    frames = _trials(int(5.0 * FPS), reflection=False)
    one = track_people(frames, FPS, TrackingOptions(rejoin=False))
    assert sum(p is not None for p in one.subject) == 90  # the failure rejoining mends
    both = track_people(frames, FPS)
    assert sum(p is not None for p in both.subject) == 180
    assert len(both.rejoined_track_ids) == 1


@pytest.mark.parametrize(
    ("height", "hip_y"),
    [(230.0, 700.0), (400.0, 450.0)],
    ids=["smaller", "off-the-floor-line"],
)
def test_a_walker_of_another_size_or_floor_line_is_not_rejoined(height: float, hip_y: float):
    frames = _trials(int(5.0 * FPS), reflection=False)
    # The second "trial" is someone else: smaller (further back), or on another floor line.
    other = [
        FramePoses(
            index=f.index,
            t_s=f.t_s,
            people=tuple(_person(hip_centre(p)[0], hip_y, height) for p in f.people)
            if i >= 240
            else f.people,
        )
        for i, f in enumerate(frames)
    ]
    result = track_people(other, FPS)
    assert sum(p is not None for p in result.subject) == 90
    assert result.rejoined_track_ids == ()


def _dressed(frames: list[FramePoses], first: np.ndarray, second: np.ndarray) -> list[FramePoses]:
    """``frames`` with the trunk colours ``first`` up to frame 240, ``second`` after."""
    return [
        FramePoses(
            index=f.index,
            t_s=f.t_s,
            people=tuple(
                _person(*hip_centre(p), 400, first if i < 240 else second) for p in f.people
            ),
        )
        for i, f in enumerate(frames)
    ]


def test_a_walker_dressed_otherwise_is_not_rejoined_one_dressed_alike_is():
    red = np.array([0.7, 0.2, 0.1, 0.0], np.float32)
    blue = np.array([0.0, 0.1, 0.2, 0.7], np.float32)
    frames = _trials(int(5.0 * FPS), reflection=False)
    other = track_people(_dressed(frames, red, blue), FPS)
    assert sum(p is not None for p in other.subject) == 90
    same = track_people(_dressed(frames, red, red), FPS)
    assert sum(p is not None for p in same.subject) == 180
