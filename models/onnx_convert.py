"""Convert the BlazePose TFLite networks to ONNX and check them against the originals.

Used by ``models/build_pose_model.py``. The conversion runs in a throwaway virtual environment
(tf2onnx needs TensorFlow, which the project does not); the check inputs are real frames,
prepared here in the project's environment with the ONNX backend's own pre-processing.

The detector stores most of its weights as sparse float16 tensors behind ``DENSIFY`` operators,
which tf2onnx cannot read. The TFLite interpreter densifies them when it runs the model once;
those dense tensors are handed to tf2onnx as constants and ``DENSIFY`` becomes an identity.
Inputs and outputs get names saying what they hold.

The landmark network also computes a 256 x 256 person-segmentation mask that retrogait never
reads. Its decoder is a large share of the network's work, so the converted model keeps only the
outputs in ``KEPT_OUTPUTS``: the dead branch is pruned and the kept outputs are unchanged (the
check below compares them with the TFLite original, which still computes everything).
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np

CONVERTER_REQUIREMENTS = (
    "tensorflow-cpu==2.21.0",
    "tf2onnx==1.17.0",
    "ai-edge-litert==2.3.0",
    "onnxruntime",
)
OPSET = 13
# Output order of each TFLite model, named.
DETECTOR_OUTPUTS = ("boxes", "scores")
LANDMARK_OUTPUTS = ("landmarks", "presence", "segmentation", "heatmap", "world_landmarks")
# Outputs the ONNX models keep; the others (the segmentation mask) are pruned with their branch.
KEPT_OUTPUTS = {
    "detector": DETECTOR_OUTPUTS,
    "landmarks": ("landmarks", "presence", "heatmap", "world_landmarks"),
}
ONNX_NAMES = {"detector": "pose_detector.onnx", "landmarks": "pose_landmarks_full.onnx"}
CHECK_FRAMES_PER_CLIP = 4
REPO = Path(__file__).resolve().parents[1]


def make_converter_env(dest: Path) -> Path:
    """A throwaway virtual environment with tf2onnx, TensorFlow and the TFLite interpreter."""
    venv = dest / "onnx-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", *CONVERTER_REQUIREMENTS], check=True)
    return python


def check_clips() -> list[Path]:
    """Real clips to check on: the shared test clips where present, and the samples."""
    shared = sorted((REPO.parent / "shared" / "videos").glob("*.mp4"))
    return shared + sorted((REPO / "sample_videos").glob("*.mp4"))


def check_inputs(dest: Path) -> Path:
    """Write ``dest`` (npz): network inputs made from real frames, as the backend makes them.

    ``detector`` (N, 224, 224, 3) letterboxed frames in [-1, 1]; ``landmarks`` (M, 256, 256, 3)
    crops in [0, 1] around the people the Tasks backend finds in the same frames.
    """
    import cv2

    from vision.pose import MediaPipePoseEstimator, PoseOptions
    from vision.pose import blazepose as bp
    from vision.video import iter_frames, probe

    detector, landmarks = [], []
    for clip in check_clips():
        count = probe(clip).frame_count or 1
        wanted = set(np.linspace(0, count - 1, CHECK_FRAMES_PER_CLIP + 2).astype(int)[1:-1])
        with MediaPipePoseEstimator(PoseOptions(num_poses=2)) as tasks:
            for frame in iter_frames(clip, max_side=1280):
                if frame.index > max(wanted):
                    break
                if frame.index not in wanted:
                    continue
                people = tasks.estimate(frame.rgb, frame.t_s)
                h, w = frame.rgb.shape[:2]
                square, _ = bp.square_crop_rect(w, h)
                detector.append(
                    bp.crop(frame.rgb, square, bp.DETECTOR_SIZE, cv2.BORDER_CONSTANT, (-1, 1))[0]
                )
                for person in people:
                    x0, y0, x1, y1 = person.bbox()
                    box = bp.Rect(
                        (x0 + x1) / 2 / w, (y0 + y1) / 2 / h, (x1 - x0) / w, (y1 - y0) / h
                    )
                    roi = bp.expand_rect(box, w, h)
                    crop = bp.crop(frame.rgb, roi, bp.LANDMARK_SIZE, cv2.BORDER_REPLICATE, (0, 1))
                    landmarks.append(crop[0])
    np.savez_compressed(dest, detector=np.stack(detector), landmarks=np.stack(landmarks))
    print(f"check inputs: {len(detector)} frames, {len(landmarks)} person crops")
    return dest


def build_onnx(
    detector: Path, landmarker: Path, out_dir: Path, tmpdir: Path, python: Path | None
) -> None:
    """Convert both networks into ``out_dir``, check them, print their sizes and sha256."""
    inputs = check_inputs(tmpdir / "check_inputs.npz")
    python = python or make_converter_env(tmpdir)
    for kind, tflite in (("detector", detector), ("landmarks", landmarker)):
        output = out_dir / ONNX_NAMES[kind]
        subprocess.run(
            [str(python), __file__, kind, str(tflite), str(output), "--check", str(inputs)],
            check=True,
        )
        digest = hashlib.sha256(output.read_bytes()).hexdigest()
        print(f"{output.name}  {output.stat().st_size} bytes  sha256 {digest}")


# Everything below runs inside the converter environment.


def _dense_constants(tflite: Path) -> dict[str, np.ndarray]:
    """The dense value of every sparse constant, by tensor name, from one interpreter run."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    # Without the XNNPACK delegate: it folds DENSIFY away and leaves its outputs empty.
    interpreter = Interpreter(
        model_path=str(tflite),
        experimental_preserve_all_tensors=True,
        experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
    )
    interpreter.allocate_tensors()
    inp = interpreter.get_input_details()[0]
    interpreter.set_tensor(inp["index"], np.zeros(inp["shape"], np.float32))
    interpreter.invoke()
    names = {d["index"]: d["name"] for d in interpreter.get_tensor_details()}
    return {
        names[op["inputs"][0]]: interpreter.get_tensor(op["outputs"][0])
        for op in interpreter._get_ops_details()
        if op["op_name"] == "DENSIFY"
    }


def _convert(tflite: Path):  # noqa: ANN202 (an onnx ModelProto; onnx is not a project dependency)
    import tensorflow as tf
    import tf2onnx
    from tf2onnx import tflite_utils
    from tf2onnx.handler import tfl_op

    dense = _dense_constants(tflite)
    numpy_helper = tflite_utils.numpy_helper

    class _SparseAwareTensors:
        @staticmethod
        def MakeNdarray(proto):  # noqa: ANN001, ANN205, N802 (tf2onnx's name)
            try:
                return tf.make_ndarray(proto)
            except ValueError:  # a sparse buffer: its dense value comes from `dense`
                return None

    class _DenseConstants:
        @staticmethod
        def from_array(array, name=None):  # noqa: ANN001, ANN205
            return numpy_helper.from_array(dense[name] if name in dense else array, name=name)

    tflite_utils.tensor_util = _SparseAwareTensors
    tflite_utils.numpy_helper = _DenseConstants

    @tfl_op(["TFL_DENSIFY"], tf_op="Identity")
    class _Densify:
        @classmethod
        def to_tf(cls, ctx, node, **kwargs):  # noqa: ANN001, ANN003, ANN206
            pass

    model, _ = tf2onnx.convert.from_tflite(str(tflite), opset=OPSET)
    return model


def _rename(model, names: dict[str, str]) -> None:  # noqa: ANN001
    for node in model.graph.node:
        node.input[:] = [names.get(n, n) for n in node.input]
        node.output[:] = [names.get(n, n) for n in node.output]
    for value in [*model.graph.input, *model.graph.output]:
        value.name = names.get(value.name, value.name)


def _keep_outputs(model, kept: tuple[str, ...]):  # noqa: ANN001, ANN202 (onnx ModelProto)
    """``model`` with only the ``kept`` outputs and the nodes they need."""
    from onnx import utils

    if [value.name for value in model.graph.output] == list(kept):
        return model
    inputs = [value.name for value in model.graph.input]
    return utils.Extractor(model).extract_model(inputs, list(kept))


def convert_and_check(kind: str, tflite: Path, output: Path, check: Path) -> None:
    """Convert ``tflite`` to ``output`` and print the largest output differences on ``check``."""
    import onnx
    import onnxruntime as ort
    from ai_edge_litert.interpreter import Interpreter

    model = _convert(tflite)
    interpreter = Interpreter(model_path=str(tflite))
    interpreter.allocate_tensors()
    tfl_outputs = interpreter.get_output_details()
    labels = DETECTOR_OUTPUTS if kind == "detector" else LANDMARK_OUTPUTS
    names = {"input_1": "image"}
    names.update({d["name"]: label for d, label in zip(tfl_outputs, labels, strict=True)})
    _rename(model, names)
    model = _keep_outputs(model, KEPT_OUTPUTS[kind])
    onnx.checker.check_model(model)
    output.write_bytes(model.SerializeToString())

    session = ort.InferenceSession(str(output), providers=["CPUExecutionProvider"])
    names_kept = KEPT_OUTPUTS[kind]
    kept = [(d, label) for d, label in zip(tfl_outputs, labels, strict=True) if label in names_kept]
    worst = {label: 0.0 for _, label in kept}
    frames = np.load(check)[kind]
    for frame in frames:
        interpreter.set_tensor(interpreter.get_input_details()[0]["index"], frame[None])
        interpreter.invoke()
        got = session.run([label for _, label in kept], {"image": frame[None]})
        for (d, label), value in zip(kept, got, strict=True):
            diff = np.abs(interpreter.get_tensor(d["index"]) - value.reshape(d["shape"])).max()
            worst[label] = max(worst[label], float(diff))
    print(f"{output.name}: max |ONNX - TFLite| over {len(frames)} real inputs:")
    for label, diff in worst.items():
        print(f"  {label:16s} {diff:.3g}")
    if kind == "landmarks":
        print(f"  (landmarks are in pixels of the {frames.shape[1]} px crop)")


def main() -> None:
    parser = argparse.ArgumentParser(description=convert_and_check.__doc__)
    parser.add_argument("kind", choices=sorted(ONNX_NAMES))
    parser.add_argument("tflite", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--check", type=Path, required=True, help="npz from check_inputs")
    args = parser.parse_args()
    convert_and_check(args.kind, args.tflite, args.output, args.check)


if __name__ == "__main__":
    main()
