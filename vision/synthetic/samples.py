"""The sample clips in ``sample_videos/``: ``python -m vision.synthetic.samples [OUT_DIR]``.

Each clip is a few seconds of one synthetic walker with its ``.truth.json`` beside it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from vision.synthetic.clips import ClipSpec, make_clip
from vision.synthetic.params import WalkParams

SAMPLE_CLIPS: dict[str, ClipSpec] = {
    # 3 m backward walk test set-up: stand on the start line, walk back past the 3 m line, stand.
    "backward_side_3m": ClipSpec(
        WalkParams(
            direction="backward",
            distance_m=3.0,
            step_length_m=0.42,
            cadence_spm=104.0,
            stand_before_s=1.2,
            stand_after_s=0.8,
        ),
        view="side",
        floor_lines=True,
        outfit="blue",
    ),
    "backward_front": ClipSpec(
        WalkParams(
            direction="backward",
            n_steps=6,
            step_length_m=0.38,
            cadence_spm=96.0,
            body_height_m=1.62,
            stand_before_s=0.8,
            stand_after_s=0.6,
            lead_foot="left",
        ),
        view="front",
        outfit="red",
    ),
    "forward_oblique": ClipSpec(
        WalkParams(
            direction="forward",
            n_steps=8,
            step_length_m=0.62,
            cadence_spm=110.0,
            body_height_m=1.80,
            trunk_flexion_deg=2.0,
            arm_swing_deg=30.0,
            stand_before_s=0.6,
            stand_after_s=0.6,
        ),
        view="oblique",
        outfit="green",
    ),
    "backward_limp_side": ClipSpec(
        WalkParams(
            direction="backward",
            n_steps=8,
            step_length_m=0.34,
            cadence_spm=88.0,
            asymmetry=0.2,
            limp_side="right",
            trunk_flexion_deg=10.0,
            step_variability=0.04,
            stand_before_s=0.8,
            stand_after_s=0.6,
            seed=7,
        ),
        view="side",
        outfit="grey",
    ),
}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out_dir = Path(args[0]) if args else Path(__file__).resolve().parents[2] / "sample_videos"
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, spec in SAMPLE_CLIPS.items():
        doc = make_clip(spec, out_dir / f"{name}.mp4")
        print(f"{name}.mp4: {doc['video']['frame_count']} frames, {len(doc['steps'])} steps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
