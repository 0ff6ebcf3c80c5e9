"""Build ``models/pose_landmarker_full.task`` from files inside the mediapipe 0.10.21 wheel.

Current mediapipe wheels ship no pose model and nothing may be downloaded at run time, so the
model is built once, here, and committed. mediapipe 0.10.21 is the newest wheel that still ships
the BlazePose GHUM *full* networks (Apache-2.0):

* ``mediapipe/modules/pose_detection/pose_detection.tflite`` (person detector),
* ``mediapipe/modules/pose_landmark/pose_landmark_full.tflite`` (33-landmark model).

The Tasks PoseLandmarker reads input normalisation from TFLite metadata, which these graph-era
files lack, so this script adds it with mediapipe's own metadata writer (detector input scaled
with mean 127.5 / std 127.5, i.e. to [-1, 1]; landmark input with mean 0 / std 255, i.e. to
[0, 1]) and bundles both with mediapipe's model-asset-bundle tool under the names the Tasks graph
expects.

Usage::

    python models/build_pose_model.py            # makes a throwaway venv, installs 0.10.21
    python models/build_pose_model.py --python /path/to/venv/bin/python   # reuse a venv

The writer step runs inside that throwaway environment (0.10.21 pins numpy<2, which the project
itself does not). Prints the sha256 of the bundle; models/README.md records it.

The same two networks are also converted to ONNX for the ONNX Runtime backend
(``pose_detector.onnx``, ``pose_landmarks_full.onnx``; see :mod:`models.onnx_convert`), in a
second throwaway environment with tf2onnx, and checked against the TFLite originals on real
frames; ``--onnx-only`` rebuilds just those (the bundle's zip timestamps change its sha256 on
every rebuild, the ONNX files' bytes do not change).
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `models` and `vision` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.onnx_convert import build_onnx  # noqa: E402

SOURCE_VERSION = "0.10.21"
DETECTOR_IN_WHEEL = "mediapipe/modules/pose_detection/pose_detection.tflite"
LANDMARKER_IN_WHEEL = "mediapipe/modules/pose_landmark/pose_landmark_full.tflite"
# File names the Tasks PoseLandmarkerGraph looks for inside the bundle.
DETECTOR_NAME = "pose_detector.tflite"
LANDMARKER_NAME = "pose_landmarks_detector.tflite"
OUTPUT = Path(__file__).resolve().parent / "pose_landmarker_full.task"


def fetch_wheel(dest: Path) -> Path:
    """pip-download the mediapipe wheel for this platform (no dependencies) into ``dest``."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "-d",
            str(dest),
            f"mediapipe=={SOURCE_VERSION}",
        ],
        check=True,
    )
    wheels = sorted(dest.glob(f"mediapipe-{SOURCE_VERSION}-*.whl"))
    if not wheels:
        raise SystemExit(f"pip found no mediapipe {SOURCE_VERSION} wheel for this platform")
    return wheels[0]


def extract_models(wheel: Path, dest: Path) -> tuple[Path, Path]:
    with zipfile.ZipFile(wheel) as zf:
        out = []
        for member in (DETECTOR_IN_WHEEL, LANDMARKER_IN_WHEEL):
            target = dest / Path(member).name
            target.write_bytes(zf.read(member))
            out.append(target)
    return out[0], out[1]


def make_writer_env(dest: Path) -> Path:
    """A throwaway virtual environment with mediapipe 0.10.21 (for its metadata writer)."""
    venv = dest / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", f"mediapipe=={SOURCE_VERSION}"], check=True
    )
    return python


def write_bundle(detector: Path, landmarker: Path, output: Path) -> None:
    """Runs inside the mediapipe 0.10.21 environment: add metadata, then bundle."""
    from mediapipe.tasks.python.metadata.metadata_writers import (
        metadata_writer,
        model_asset_bundle_utils,
        writer_utils,
    )

    def with_metadata(path: Path, name: str, mean: float, std: float) -> bytes:
        buffer = bytearray(path.read_bytes())
        writer = metadata_writer.MetadataWriter.create(buffer)
        writer.add_general_info(name, f"BlazePose GHUM 3D, from mediapipe {SOURCE_VERSION}")
        writer.add_image_input(norm_mean=[mean], norm_std=[std])
        for _ in writer_utils.get_output_tensor_names(buffer):
            writer.add_feature_output()
        model, _ = writer.populate()
        return bytes(model)

    model_asset_bundle_utils.create_model_asset_bundle(
        {
            DETECTOR_NAME: with_metadata(detector, "pose_detector", 127.5, 127.5),
            LANDMARKER_NAME: with_metadata(landmarker, "pose_landmarks_detector", 0.0, 255.0),
        },
        str(output),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", help="python of an environment with mediapipe 0.10.21")
    parser.add_argument(
        "--onnx-python", help="python of an environment with the ONNX converter (see onnx_convert)"
    )
    parser.add_argument("--onnx-only", action="store_true", help="only rebuild the .onnx files")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--write-bundle", nargs=2, metavar=("DETECTOR", "LANDMARKER"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.write_bundle:
        write_bundle(Path(args.write_bundle[0]), Path(args.write_bundle[1]), args.output)
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        wheel = fetch_wheel(tmpdir)
        detector, landmarker = extract_models(wheel, tmpdir)
        onnx_python = Path(args.onnx_python) if args.onnx_python else None
        build_onnx(detector, landmarker, args.output.parent, tmpdir, onnx_python)
        if args.onnx_only:
            return
        python = Path(args.python) if args.python else make_writer_env(tmpdir)
        subprocess.run(
            [
                str(python),
                __file__,
                "--output",
                str(args.output),
                "--write-bundle",
                str(detector),
                str(landmarker),
            ],
            check=True,
        )
    digest = hashlib.sha256(args.output.read_bytes()).hexdigest()
    print(f"{args.output.name}  {args.output.stat().st_size} bytes  sha256 {digest}")


if __name__ == "__main__":
    main()
