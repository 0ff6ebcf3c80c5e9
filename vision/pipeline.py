"""End-to-end entry points: a video file in, the subject's :class:`PoseSequence` or a full
:class:`AnalysisResult` out.

    >>> seq = extract_pose("walk.mp4")                       # doctest: +SKIP
    >>> result = analyze_video("walk.mp4", AnalysisOptions(height_cm=165))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from vision.appearance import AppearanceOptions, trunk_colours
from vision.camera_motion import CameraMotionOptions, CameraMotionTracker
from vision.foot_motion import FootMotionOptions, foot_motion
from vision.landmarks import NUM_LANDMARKS
from vision.pose import FramePoses, PersonPose, PoseEstimator, PoseOptions, create_estimator
from vision.prefetch import prefetched
from vision.sequence import PoseSequence, image_array
from vision.tracking import TrackingOptions, track_people
from vision.video import iter_frames, probe

if TYPE_CHECKING:
    from vision.analysis import AnalysisOptions
    from vision.assess import AssessOptions
    from vision.result import AnalysisResult

Progress = Callable[[float], None]


class NoPersonError(ValueError):
    """No person was found in the video."""


@dataclass(frozen=True)
class ExtractOptions:
    """How frames are decoded and people followed.

    Attributes:
        pose: options of the pose backend.
        tracking: options of subject selection and identity tracking.
        max_side: frames are downscaled so that their longer side is at most this many pixels
            before pose estimation (landmarks are reported in the video's own pixels). The
            network sees 256x256 crops, so decoding 4K at full size only costs time.
        max_frames: stop after this many frames (None: the whole video).
        foot_motion: how the picture's change around each foot is measured (it times steps
            seen from the front or back); None: not measured.
        appearance: how the colours of each person's trunk are measured (they tell a walker who
            comes back from someone else); None: not measured.
        camera_motion: how the background is followed to measure the camera's own motion (a
            hand-held camera following the walker); None: not measured.
        workers: processes that share a long video, each taking a stretch of it (see
            vision.parallel); 1 analyses it in this process.
    """

    pose: PoseOptions = field(default_factory=PoseOptions)
    tracking: TrackingOptions = field(default_factory=TrackingOptions)
    camera_motion: CameraMotionOptions | None = field(default_factory=CameraMotionOptions)
    foot_motion: FootMotionOptions | None = field(default_factory=FootMotionOptions)
    appearance: AppearanceOptions | None = field(default_factory=AppearanceOptions)
    max_side: int | None = 1280
    max_frames: int | None = None
    workers: int = 1


def detect_people(
    video_path: str | Path,
    estimator: PoseEstimator,
    options: ExtractOptions | None = None,
    progress: Progress | None = None,
    start_frame: int = 0,
) -> tuple[list[FramePoses], float, int, int]:
    """Run ``estimator`` over every frame: everyone's landmarks per frame.

    Frames before ``start_frame`` are decoded but not converted or analysed (a chunk of a
    longer video).

    Returns:
        (frames, fps, width, height) with landmarks in the video's own (upright) pixels.
    """
    opts = options or ExtractOptions()
    info = probe(video_path)
    total = (opts.max_frames or info.frame_count or 0) - start_frame
    frames: list[FramePoses] = []
    camera = CameraMotionTracker(opts.camera_motion) if opts.camera_motion is not None else None
    previous = None
    # Decoding runs in its own thread, a few frames ahead of pose estimation.
    for frame in prefetched(iter_frames(video_path, max_side=opts.max_side, start=start_frame)):
        if opts.max_frames is not None and frame.index >= opts.max_frames:
            break
        scale = info.width / frame.rgb.shape[1]
        people = estimator.estimate(frame.rgb, frame.t_s)
        if opts.foot_motion is not None:
            current = frame.rgb
            if previous is not None and previous.shape == current.shape:
                people = [
                    replace(p, foot_motion=foot_motion(previous, current, p.xy, opts.foot_motion))
                    for p in people
                ]
            previous = current
        if opts.appearance is not None:
            people = [
                replace(p, appearance=trunk_colours(frame.rgb, p.xy, opts.appearance))
                for p in people
            ]
        moved = None
        if camera is not None:
            bg = camera.update(frame.rgb, [p.bbox() for p in people])
            moved = (float(bg[0]), float(bg[1] * scale), float(bg[2] * scale))
        if scale != 1.0:
            people = [_rescale(p, scale) for p in people]
        frames.append(
            FramePoses(index=frame.index, t_s=frame.t_s, people=tuple(people), camera=moved)
        )
        if progress is not None and total:
            progress(min(len(frames) / total, 1.0))
    return frames, info.fps, info.width, info.height


def _rescale(person: PersonPose, scale: float) -> PersonPose:
    """``person`` seen in a frame ``scale`` times larger (z scales like x)."""
    return replace(person, xy=person.xy * scale, z=person.z * scale)


def sequence_from_frames(
    frames: list[FramePoses],
    fps: float,
    width: int,
    height: int,
    tracking: TrackingOptions | None = None,
    **meta: object,
) -> PoseSequence:
    """Pick and follow the subject through ``frames``: their :class:`PoseSequence`.

    Everyone else seen is listed in ``meta["others_seen"]``.
    """
    tracked = track_people(frames, fps, tracking)
    n = len(frames)
    xy = np.full((n, NUM_LANDMARKS, 2), np.nan, np.float32)
    z = np.full((n, NUM_LANDMARKS), np.nan, np.float32)
    world = np.full((n, NUM_LANDMARKS, 3), np.nan, np.float32)
    vis = np.zeros((n, NUM_LANDMARKS), np.float32)
    motion = np.full((n, 2), np.nan)
    for row, pose in enumerate(tracked.subject):
        if pose is not None:
            xy[row], z[row] = pose.xy, pose.z
            world[row] = pose.world
            vis[row] = pose.visibility
            if pose.foot_motion is not None:
                motion[row] = pose.foot_motion
    people = [p.__dict__ for p in tracked.people]
    measured = bool(frames) and all(f.camera is not None for f in frames)
    return PoseSequence(
        t_s=np.array([f.t_s for f in frames], np.float64),
        frame_index=np.array([f.index for f in frames], np.int64),
        image=image_array(xy, z),
        world=world,
        visibility=vis,
        fps=fps,
        width=width,
        height=height,
        meta=dict(
            meta,
            subject_track_id=tracked.subject_track_id,
            subject_rejoined_track_ids=list(tracked.rejoined_track_ids),
            people_seen=people,
            others_seen=[p for p in people if p["track_id"] != tracked.subject_track_id],
        ),
        camera=np.array([f.camera for f in frames], np.float64) if measured else None,
        foot_motion=motion if np.isfinite(motion).any() else None,
    )


def extract_pose(
    video_path: str | Path,
    options: ExtractOptions | PoseOptions | None = None,
    progress: Progress | None = None,
    estimator: PoseEstimator | None = None,
) -> PoseSequence:
    """Decode ``video_path``, estimate everyone's pose and follow the subject.

    Args:
        video_path: any container the decoder reads (mp4, mov, avi, webm, mkv).
        options: :class:`ExtractOptions` (or just the pose backend's :class:`PoseOptions`).
        progress: called with the fraction done, 0-1.
        estimator: a ready pose backend (default: a new one of ``options.pose.backend``,
            closed afterwards).

    Returns:
        The subject's landmarks (raw: not smoothed, gaps not filled); frames where the subject
        is not seen are NaN. ``meta`` holds the backend, model, source file and other people seen.

    Raises:
        vision.video.VideoError: the file cannot be read as a video (see its subclasses).
        NoPersonError: nobody was detected in any frame.
    """
    if isinstance(options, PoseOptions):
        options = ExtractOptions(pose=options)
    opts = options or ExtractOptions()
    if estimator is None and opts.workers > 1:
        from vision.parallel import detect_people_parallel

        frames, fps, width, height, backend, model = detect_people_parallel(
            video_path, opts, progress
        )
    else:
        est: PoseEstimator = estimator or create_estimator(opts.pose)
        try:
            frames, fps, width, height = detect_people(video_path, est, opts, progress)
        finally:
            if estimator is None:
                est.close()
        backend, model = est.backend, est.model
    if not any(f.people for f in frames):
        raise NoPersonError(f"no person was detected in {Path(video_path).name}")
    return sequence_from_frames(
        frames,
        fps,
        width,
        height,
        opts.tracking,
        backend=backend,
        model=model,
        source=Path(video_path).name,
        frames_decoded=len(frames),
    )


def analyze_pose(
    seq: PoseSequence,
    options: AnalysisOptions | None = None,
    assess: AssessOptions | None = None,
) -> AnalysisResult:
    """Gait analysis and assessment of an extracted :class:`PoseSequence` (no video needed).

    ``assess`` defaults to the population and protocol of ``options`` (a walk with no protocol
    is assessed as a free backward walk).
    """
    from vision.analysis import AnalysisOptions, analyze_sequence
    from vision.assess import AssessOptions, apply_assessment

    opts = options or AnalysisOptions()
    result = analyze_sequence(seq, opts)
    assess = assess or AssessOptions(population=opts.population, protocol=opts.protocol)
    return apply_assessment(result, assess)


def analyze_video(
    video_path: str | Path,
    options: AnalysisOptions | None = None,
    progress: Progress | None = None,
    extract: ExtractOptions | None = None,
) -> AnalysisResult:
    """The main job: video in, gait metrics, scores, feedback and fall-risk flags out.

    Pose extraction reports progress 0-0.9, analysis and assessment the rest.
    """

    def pose_progress(fraction: float) -> None:
        if progress is not None:
            progress(0.9 * fraction)

    if options is not None:
        options.validate()  # fail before minutes of pose estimation, not after
    seq = extract_pose(video_path, extract, pose_progress)
    result = analyze_pose(seq, options)
    if progress is not None:
        progress(1.0)
    return result
