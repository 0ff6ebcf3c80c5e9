"""Batch scoring: many recordings analysed in parallel processes, resumable, failures isolated.

Output folder layout::

    results/<recording>.json   one result document per recording, with ``extras["visit"]``
                               (patient, date, recording, protocol) and ``extras["batch"]``
                               (content hash, settings, key)
    failed/<recording>.json    why a recording failed (kept so an unchanged failure is not rerun)
    summary.csv                one row per recording: status, key metrics, fall risk, warnings
    reports/<patient>.html|pdf one report per patient, visits in date order

A recording is skipped when its stored result (or failure) was made from the same file content
and the same settings: key = sha256 of the file's sha256 + canonical JSON of the settings.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from service.batch.inputs import BatchItem
from vision.result import SCHEMA_VERSION

RESULTS_DIR = "results"
FAILED_DIR = "failed"
HASH_CHUNK_BYTES = 1 << 20
MAX_CRASH_RETRIES = 1  # a recording whose process died is tried once more, then failed

Progress = Callable[["RecordingOutcome"], None]
# Runs the tasks left to do: (tasks, out_dir, on_outcome) -> outcomes (the local pool by default).
Runner = Callable[
    [list[tuple[BatchItem, "RecordingTask"]], Path, "Progress | None"], list["RecordingOutcome"]
]


@dataclass(frozen=True)
class BatchOptions:
    """How a batch runs.

    Attributes:
        workers: analysis processes in parallel (None: the machine's cores).
        retry_failed: analyse again recordings whose unchanged failure is on record.
        max_frames: analyse only each recording's first frames (None: all of it).
        pin_cores: give each of several workers a core of its own (CPU affinity). Helps on a
            machine the batch has to itself; on a shared one the scheduler may do better.
    """

    workers: int | None = None
    retry_failed: bool = False
    max_frames: int | None = None
    pin_cores: bool = False

    def __post_init__(self) -> None:
        if self.workers is not None and self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers}")
        if self.max_frames is not None and self.max_frames < 1:
            raise ValueError(f"max_frames must be at least 1, got {self.max_frames}")


@dataclass(frozen=True)
class RecordingTask:
    """One recording for a worker process (plain data: it crosses process boundaries)."""

    recording_id: str
    video: str
    options: dict[str, Any]
    max_frames: int | None
    extras: dict[str, Any]  # visit and batch blocks added to the result document
    result_path: str


@dataclass
class RecordingOutcome:
    """One recording's fate: ``analysed``, ``skipped`` (unchanged since a former run) or
    ``failed`` (``reason`` says why)."""

    item: BatchItem
    status: str
    reason: str | None = None
    analysis_s: float | None = None
    document: dict[str, Any] | None = field(default=None, repr=False)


def content_sha256(path: Path) -> str:
    """sha256 (hex) of the file's bytes."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while chunk := fh.read(HASH_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _package_version() -> str:
    try:
        return metadata.version("retrogait")
    except metadata.PackageNotFoundError:
        return "source"


def settings_of(item: BatchItem, options: BatchOptions) -> dict[str, Any]:
    """Everything besides the file's content that shapes a recording's result."""
    return {
        "options": item.options,
        "max_frames": options.max_frames,
        "schema_version": SCHEMA_VERSION,
        "retrogait": _package_version(),
    }


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def batch_key(file_sha256: str, settings: dict[str, Any]) -> str:
    return hashlib.sha256((file_sha256 + canonical_json(settings)).encode("ascii")).hexdigest()


def write_json(path: Path, doc: dict[str, Any]) -> None:
    """Write atomically, so an interrupted batch never leaves half a document to resume from."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(doc, indent=1, allow_nan=False), encoding="utf-8")
    os.replace(tmp, path)


def stored_json(path: Path, key: str, key_of: Callable[[dict[str, Any]], Any]) -> dict | None:
    """The JSON document at ``path`` when it reads and ``key_of(doc) == key`` (it was written
    for these settings), else None."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) and key_of(doc) == key else None


def analyse_recording(task: RecordingTask) -> tuple[str, str | None, float, bool]:
    """Worker process: analyse one recording and write its result document.

    Returns ``(status, reason, seconds, permanent)``; any error becomes a ``failed`` status with
    its reason, so one bad recording never stops the batch. ``permanent``: the recording itself
    is at fault (not a video, nobody in it), so rerunning it unchanged would fail the same way.
    """
    start = time.perf_counter()
    permanent: tuple[type[Exception], ...] = ()
    try:
        from service.jobs.analysis import analysis_options
        from vision.pipeline import ExtractOptions, NoPersonError, analyze_video
        from vision.result import result_from_dict
        from vision.video import VideoError, probe

        permanent = (VideoError, NoPersonError)

        probe(task.video)  # a corrupt or unsupported file fails here, before any pose work
        result = analyze_video(
            task.video,
            analysis_options(task.options),
            extract=ExtractOptions(max_frames=task.max_frames),
        )
        doc = result.to_dict()
        doc["extras"].update(task.extras)
        result_from_dict(doc)  # what is written must read back as the contract says
        write_json(Path(task.result_path), doc)
    except Exception as exc:  # noqa: BLE001 - every failure is reported, never raised
        message = str(exc).strip() or "no message"
        reason = f"{type(exc).__name__}: {message}"
        return "failed", reason, time.perf_counter() - start, isinstance(exc, permanent)
    return "analysed", None, time.perf_counter() - start, False


# Thread pools a worker process would otherwise size to the whole machine.
SINGLE_THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "OPENCV_FOR_THREADS_NUM": "1",
}


def limit_thread_pools() -> None:
    """Size the numeric libraries' thread pools for one core (unless the environment says
    otherwise); takes effect for libraries not loaded yet."""
    for name, value in SINGLE_THREAD_ENV.items():
        os.environ.setdefault(name, value)


def _worker_init(next_core: Any = None, workers: int = 1) -> None:
    """Start of a pool process. With several workers, each is pinned to a core of its own:
    MediaPipe runs inference on a pool of threads sized to the machine and the decoder on
    threads of its own, so unpinned workers contend for every core (measured in
    bench/batch_scaling.py); a pinned worker's threads share its one core instead."""
    limit_thread_pools()
    # Imported after the thread limits are set: OpenCV sizes its pools when it loads.
    import cv2

    cv2.setNumThreads(1)
    # Pinning needs sched_setaffinity, which only Linux has (macOS and Windows do not).
    if next_core is None or workers < 2 or not hasattr(os, "sched_setaffinity"):
        return
    cores = sorted(os.sched_getaffinity(0))
    if workers > len(cores):
        return  # more workers than cores: leave the placement to the scheduler
    with next_core.get_lock():
        n = next_core.value
        next_core.value += 1
    os.sched_setaffinity(0, {cores[n % len(cores)]})


def plan(
    items: list[BatchItem], out_dir: Path, options: BatchOptions
) -> tuple[list[RecordingOutcome], list[tuple[BatchItem, RecordingTask]]]:
    """Split ``items`` into those already done (skipped, with their stored outcome) and the
    tasks left to run. Hashes every file (cheap next to pose estimation)."""
    done: list[RecordingOutcome] = []
    todo: list[tuple[BatchItem, RecordingTask]] = []
    for item in items:
        result_path = out_dir / RESULTS_DIR / f"{item.recording_id}.json"
        failed_path = out_dir / FAILED_DIR / f"{item.recording_id}.json"
        try:
            file_sha = content_sha256(item.video)
        except OSError as exc:
            reason = f"cannot read {item.source or item.video}: {exc.strerror or exc}"
            done.append(RecordingOutcome(item, "failed", reason))
            continue
        settings = settings_of(item, options)
        key = batch_key(file_sha, settings)
        stored = stored_json(
            result_path, key, lambda d: (d.get("extras") or {}).get("batch", {}).get("key")
        )
        if stored is not None:
            done.append(RecordingOutcome(item, "skipped", document=stored))
            continue
        failure = (
            None if options.retry_failed else stored_json(failed_path, key, lambda d: d.get("key"))
        )
        if failure is not None:
            done.append(RecordingOutcome(item, "failed", failure.get("reason")))
            continue
        extras = {
            "visit": item.visit(),
            "batch": {"key": key, "content_sha256": file_sha, "settings": settings},
        }
        task = RecordingTask(
            item.recording_id,
            str(item.video),
            dict(item.options),
            options.max_frames,
            extras,
            str(result_path),
        )
        todo.append((item, task))
    return done, todo


def record_outcome(
    out_dir: Path,
    item: BatchItem,
    task: RecordingTask,
    result: tuple[str, str | None, float | None, bool],
) -> RecordingOutcome:
    status, reason, seconds, permanent = result
    failed_path = out_dir / FAILED_DIR / f"{item.recording_id}.json"
    if status == "failed":
        record = {
            "key": task.extras["batch"]["key"],
            "reason": reason,
            "recording": item.source,
            "permanent": permanent,
        }
        write_json(failed_path, record)
        return RecordingOutcome(item, "failed", reason, seconds)
    failed_path.unlink(missing_ok=True)
    doc = json.loads(Path(task.result_path).read_text(encoding="utf-8"))
    return RecordingOutcome(item, "analysed", None, seconds, doc)


def run_local(
    tasks: list[tuple[BatchItem, RecordingTask]],
    out_dir: Path,
    workers: int,
    on_outcome: Progress | None = None,
    pin_cores: bool = False,
) -> list[RecordingOutcome]:
    """Run ``tasks`` in a pool of ``workers`` processes. A process that dies (a crash in native
    code) takes only its recordings down: they are retried once in a fresh pool, then failed."""
    outcomes: list[RecordingOutcome] = []
    pending = [(item, task, 0) for item, task in tasks]
    # spawn, not fork: the parent may hold threads (progress bar, pose libraries) that fork
    # would copy in a broken state.
    context = multiprocessing.get_context("spawn")
    while pending:
        crashed: list[tuple[BatchItem, RecordingTask, int]] = []
        size = min(workers, len(pending))
        next_core = context.Value("i", 0) if pin_cores else None
        with ProcessPoolExecutor(
            size, mp_context=context, initializer=_worker_init, initargs=(next_core, size)
        ) as pool:
            running: dict[Future, tuple[BatchItem, RecordingTask, int]] = {
                pool.submit(analyse_recording, task): (item, task, n) for item, task, n in pending
            }
            while running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    item, task, n = running.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        if n < MAX_CRASH_RETRIES:
                            crashed.append((item, task, n + 1))
                            continue
                        why = "the analysis process crashed (twice) on this recording"
                        result = ("failed", why, None, True)
                    outcome = record_outcome(out_dir, item, task, result)
                    outcomes.append(outcome)
                    if on_outcome is not None:
                        on_outcome(outcome)
        pending = crashed
    return outcomes


def run_batch(
    items: list[BatchItem],
    out_dir: Path,
    options: BatchOptions | None = None,
    on_outcome: Progress | None = None,
    runner: Runner | None = None,
) -> list[RecordingOutcome]:
    """Analyse every item not already done; outcomes in the order of ``items``.

    ``runner``: where the analyses run (default: a local pool of ``options.workers``
    processes; :func:`service.batch.celery.run_celery` sends them to the service's workers).
    """
    options = options or BatchOptions()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    done, todo = plan(items, out_dir, options)
    if on_outcome is not None:
        for outcome in done:
            on_outcome(outcome)
    if runner is None:
        workers = options.workers or os.cpu_count() or 1
        ran = run_local(todo, out_dir, workers, on_outcome, options.pin_cores) if todo else []
    else:
        ran = runner(todo, out_dir, on_outcome) if todo else []
    order = {item.recording_id: i for i, item in enumerate(items)}
    return sorted(done + ran, key=lambda o: order[o.item.recording_id])
