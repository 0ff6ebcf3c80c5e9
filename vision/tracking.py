"""Choose the subject (the person who walks) and follow them by identity across frames.

The detector's list order says nothing about who is who, and a bystander (a person jumping on a
box, a shopper) may be larger or more visible than the walker. So people are first linked into
tracks frame to frame (nearest predicted hip centre, gated by body size, allowed to coast through
short occlusions), then each track is scored for walking: sustained displacement of the hip centre
relative to body size, size, and presence. The best-scoring track is the subject; the others are
recorded.

A walker who leaves the picture and comes back (the trials of a physiotherapist's recording)
starts a new track. Where one walker is in view at a time, a later (or earlier) track is the
subject again when it never overlaps the subject in time, walks, has the subject's size and
floor line and, where the colours of the trunk were measured (:mod:`vision.appearance`), the
subject's colours. A reflection in a window or glass cabinet moves with the walker, so it
overlaps them in time, and it is smaller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from vision.appearance import similarity, typical
from vision.landmarks import L_ANKLE, L_HIP, L_SHOULDER, NOSE, R_ANKLE, R_HIP, R_SHOULDER
from vision.pose import FramePoses, PersonPose


@dataclass(frozen=True)
class TrackingOptions:
    """Options of :func:`track_people`.

    Attributes:
        max_coast_s: how long a track survives without a matching detection (occlusion), seconds.
        gate_body_heights: largest hip-centre jump (in body heights) still linked to a track,
            growing with the time since the track was last seen.
        duplicate_body_heights: two detections whose hip centres are closer than this are one
            person detected twice; the more confident one is kept.
        min_track_frames: tracks shorter than this are ignored when choosing the subject.
        max_size_ratio: two tracks of one person differ in median body height by less than
            this factor (a walk nearer to or further from the camera, a partly hidden body).
        rejoin: join the subject's later or earlier passes (see the module docstring).
        rejoin_walk_bh: a track joins only if it walks at least this far (body heights; the
            displacement of :func:`summarise_track`): a bystander standing by does not.
        rejoin_floor_bh: ... and its feet stand on the subject's floor line: their median
            heights in the picture within this many body heights (design choice) ...
        rejoin_min_similarity: ... and its trunk's colours match the subject's at least this
            well (Bhattacharyya coefficient of their typical histograms, where both were
            measured; design choice).
    """

    max_coast_s: float = 1.5
    gate_body_heights: float = 0.6
    duplicate_body_heights: float = 0.15
    min_track_frames: int = 5
    max_size_ratio: float = 1.6
    rejoin: bool = True
    rejoin_walk_bh: float = 1.0
    rejoin_floor_bh: float = 0.25
    rejoin_min_similarity: float = 0.7


@dataclass
class Track:
    """One person followed over time: ``poses`` maps frame row -> PersonPose."""

    track_id: int
    poses: dict[int, PersonPose] = field(default_factory=dict)
    centres: dict[int, np.ndarray] = field(default_factory=dict)  # row -> (2,) px
    heights: dict[int, float] = field(default_factory=dict)  # row -> body height px

    @property
    def rows(self) -> list[int]:
        return sorted(self.poses)

    def last_row(self) -> int:
        return max(self.poses)


@dataclass(frozen=True)
class TrackSummary:
    """A person seen in the video: frames present, displacement and size (for the record)."""

    track_id: int
    frames: int
    first_t_s: float
    last_t_s: float
    displacement_body_heights: float
    median_height_px: float
    walking_score: float


@dataclass(frozen=True)
class TrackingResult:
    """The subject's pose per frame row (None where not seen) and everyone seen."""

    subject: list[PersonPose | None]
    subject_track_id: int | None
    people: list[TrackSummary]
    rejoined_track_ids: tuple[int, ...] = ()


def hip_centre(pose: PersonPose) -> np.ndarray:
    """(2,) pixel midpoint of the hips."""
    return (pose.xy[L_HIP] + pose.xy[R_HIP]) / 2.0


def body_height_px(pose: PersonPose) -> float:
    """Apparent body size in pixels: nose to mid-ankle plus a head allowance, or torso x 3.3.

    Robust to a lying or partially visible person: takes the larger of the two estimates.
    """
    xy = pose.xy
    ankle = (xy[L_ANKLE] + xy[R_ANKLE]) / 2.0
    shoulder = (xy[L_SHOULDER] + xy[R_SHOULDER]) / 2.0
    hip = hip_centre(pose)
    full = float(np.linalg.norm(xy[NOSE] - ankle)) * 1.1
    torso = float(np.linalg.norm(shoulder - hip)) * 3.3
    return max(full, torso, 1.0)


def _dedupe(people: Sequence[PersonPose], opts: TrackingOptions) -> list[PersonPose]:
    kept: list[PersonPose] = []
    order = sorted(people, key=lambda p: -float(np.nanmean(p.presence)))
    for p in order:
        c, h = hip_centre(p), body_height_px(p)
        limit = opts.duplicate_body_heights
        if all(np.linalg.norm(c - hip_centre(q)) > limit * max(h, body_height_px(q)) for q in kept):
            kept.append(p)
    return kept


def _predict(track: Track, row: int) -> np.ndarray:
    rows = track.rows[-6:]
    last = track.centres[rows[-1]]
    if len(rows) < 3:
        return last
    # Constant velocity from the recent past keeps a walker's track through an occlusion.
    first = track.centres[rows[0]]
    velocity = (last - first) / max(rows[-1] - rows[0], 1)
    return last + velocity * (row - rows[-1])


def link_tracks(
    frames: Sequence[FramePoses], fps: float, options: TrackingOptions | None = None
) -> list[Track]:
    """Link detections frame to frame into identity tracks (greedy nearest-neighbour)."""
    opts = options or TrackingOptions()
    max_coast = max(1, int(round(opts.max_coast_s * fps)))
    tracks: list[Track] = []
    active: list[Track] = []
    next_id = 0
    for row, frame in enumerate(frames):
        people = _dedupe(frame.people, opts)
        active = [t for t in active if row - t.last_row() <= max_coast]
        pairs = []
        for ti, track in enumerate(active):
            pred = _predict(track, row)
            h_track = float(np.median(list(track.heights.values())[-10:]))
            gap = row - track.last_row()
            gate = opts.gate_body_heights * h_track * (1.0 + 0.5 * (gap - 1) / max(fps / 10, 1))
            for pi, person in enumerate(people):
                d = float(np.linalg.norm(hip_centre(person) - pred))
                size_ratio = body_height_px(person) / h_track
                if d <= gate and 0.5 < size_ratio < 2.0:
                    pairs.append((d / h_track + abs(np.log(size_ratio)), ti, pi))
        used_t, used_p = set(), set()
        for _, ti, pi in sorted(pairs):
            if ti in used_t or pi in used_p:
                continue
            used_t.add(ti)
            used_p.add(pi)
            _add(active[ti], row, people[pi])
        for pi, person in enumerate(people):
            if pi not in used_p:
                track = Track(track_id=next_id)
                next_id += 1
                _add(track, row, person)
                tracks.append(track)
                active.append(track)
    return tracks


def _add(track: Track, row: int, pose: PersonPose) -> None:
    track.poses[row] = pose
    track.centres[row] = hip_centre(pose)
    track.heights[row] = body_height_px(pose)


def summarise_track(track: Track, t_s: np.ndarray) -> TrackSummary:
    rows = track.rows
    centres = np.array([track.centres[r] for r in rows])
    height = float(np.median([track.heights[r] for r in rows]))
    heights = np.array([track.heights[r] for r in rows])
    # Sustained displacement, robust to outliers (5th-95th percentile spread), in body heights:
    # across the image for side and oblique views, plus the change of apparent size for walks
    # toward or away from the camera. Vertical motion (jumping, sitting down) does not count.
    across = float(np.percentile(centres[:, 0], 95) - np.percentile(centres[:, 0], 5)) / height
    depth = float(np.log(np.percentile(heights, 95) / np.percentile(heights, 5)))
    displacement = float(np.hypot(across, 2.0 * depth))
    presence = len(rows) / len(t_s)
    score = displacement * presence * np.sqrt(height)
    return TrackSummary(
        track_id=track.track_id,
        frames=len(rows),
        first_t_s=float(t_s[rows[0]]),
        last_t_s=float(t_s[rows[-1]]),
        displacement_body_heights=round(displacement, 3),
        median_height_px=round(height, 1),
        walking_score=round(float(score), 4),
    )


def merge_fragments(
    tracks: list[Track], fps: float, max_gap_s: float = 3.0, max_size_ratio: float = 1.6
) -> list[Track]:
    """Join tracks that follow one another in time and space (a walker lost behind a tree and
    found again as a "new" person). A later fragment joins an earlier one when they do not overlap
    in time and the gap is bridged at a plausible walking speed (< 1 body height per second)."""
    tracks = sorted(tracks, key=lambda t: t.rows[0])
    merged: list[Track] = []
    for track in tracks:
        best, best_cost = None, np.inf
        for cand in merged:
            gap_rows = track.rows[0] - cand.last_row()
            if gap_rows <= 0 or gap_rows > max_gap_s * fps:
                continue
            h = float(np.median(list(cand.heights.values())[-10:]))
            size_ratio = float(np.median(list(track.heights.values())[:10])) / h
            start = track.rows[0]
            dist = float(np.linalg.norm(track.centres[start] - _predict(cand, start)))
            limit = h * (0.5 + gap_rows / fps)
            if dist < limit and _same_size(size_ratio, max_size_ratio) and dist / h < best_cost:
                best, best_cost = cand, dist / h
        if best is None:
            merged.append(track)
        else:
            for r in track.rows:
                _add(best, r, track.poses[r])
    return merged


def track_people(
    frames: Sequence[FramePoses], fps: float, options: TrackingOptions | None = None
) -> TrackingResult:
    """Follow everyone across ``frames`` and pick the subject (the person who walks).

    Args:
        frames: detections per frame in time order (one entry per decoded frame).
        fps: frame rate, frames per second (sets occlusion tolerance in frames).

    Returns:
        The subject's pose per frame (None where not seen), the subject's track id, and a
        summary of every person seen, subject included.
    """
    opts = options or TrackingOptions()
    t_s = np.array([f.t_s for f in frames], dtype=np.float64)
    tracks = merge_fragments(
        link_tracks(frames, fps, opts), fps, max_size_ratio=opts.max_size_ratio
    )
    summaries = [summarise_track(t, t_s) for t in tracks]
    candidates = [
        (s.walking_score, t)
        for s, t in zip(summaries, tracks, strict=True)
        if s.frames >= opts.min_track_frames
    ]
    subject: list[PersonPose | None] = [None] * len(frames)
    if not candidates:
        return TrackingResult(subject=subject, subject_track_id=None, people=summaries)
    _, best = max(candidates, key=lambda c: c[0])
    joined = rejoined_passes(best, tracks, summaries, opts) if opts.rejoin else []
    for track in (best, *joined):
        for r, pose in track.poses.items():
            subject[r] = pose
    return TrackingResult(
        subject=subject,
        subject_track_id=best.track_id,
        people=summaries,
        rejoined_track_ids=tuple(t.track_id for t in joined),
    )


def rejoined_passes(
    subject: Track, tracks: list[Track], summaries: list[TrackSummary], options: TrackingOptions
) -> list[Track]:
    """The other tracks that are the ``subject`` walking again after leaving the picture (see
    the module docstring), best walking score first."""
    rows = set(subject.rows)
    height = float(np.median(list(subject.heights.values())))
    floor = _floor_px(subject)
    joined: list[Track] = []
    ranked = sorted(zip(summaries, tracks, strict=True), key=lambda st: -st[0].walking_score)
    for summary, track in ranked:
        if (
            track is subject
            or summary.frames < options.min_track_frames
            or summary.displacement_body_heights < options.rejoin_walk_bh
            or not _same_size(summary.median_height_px / height, options.max_size_ratio)
            or abs(_floor_px(track) - floor) > options.rejoin_floor_bh * height
            or rows.intersection(track.rows)
            or not _looks_alike(subject, track, options.rejoin_min_similarity)
        ):
            continue
        joined.append(track)
        rows.update(track.rows)
    return joined


def _looks_alike(a: Track, b: Track, min_similarity: float) -> bool:
    """Whether the trunks of two tracks have like colours (True where either was not seen)."""
    looks = [
        typical([p.appearance for p in t.poses.values() if p.appearance is not None])
        for t in (a, b)
    ]
    if looks[0] is None or looks[1] is None:
        return True
    return similarity(looks[0], looks[1]) >= min_similarity


def _same_size(ratio: float, max_ratio: float) -> bool:
    return 1.0 / max_ratio < ratio < max_ratio


def _floor_px(track: Track) -> float:
    """Median image height (px) of the track's ankles: where its feet meet the floor."""
    ankles = [np.nanmean(p.xy[[L_ANKLE, R_ANKLE], 1]) for p in track.poses.values()]
    return float(np.nanmedian(ankles))
