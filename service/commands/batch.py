"""``retrogait batch SOURCE --out DIR``: score a folder of recordings or a manifest CSV.

``--engine local`` (default) runs a pool of processes here; ``--engine celery`` sends each
recording as a job to the service's Celery workers (RETROGAIT_BROKER_URL, RETROGAIT_DATABASE_URL,
RETROGAIT_DATA_DIR as the workers use them) and waits for them.

Exit status: 0 every recording scored (or unchanged since a former run), 1 some recordings
failed (each is in the summary with its reason), 2 the folder or manifest cannot be used (or
the engine cannot run).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from service.batch.celery import CeleryBatchOptions, CeleryEngineError, Waiting, run_celery
from service.batch.inputs import BatchInputError, folder_items, manifest_items
from service.batch.outputs import write_reports, write_summary
from service.batch.scoring import BatchOptions, RecordingOutcome, Runner, run_batch
from service.commands.lazy_choices import LazyChoices, assessed_protocols, populations
from service.commands.progress import stderr_is_terminal
from service.core import accounts


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "batch",
        help="analyse a folder or manifest of recordings: results, summary CSV, reports",
        description=(
            "Analyse every recording of a folder, or every row of a manifest CSV (columns: "
            "video, patient_id, visit_date, height_cm, calibration, population, protocol), in "
            "parallel processes. Recordings already analysed with the same content and settings "
            "are skipped; a failed recording is reported in the summary and never stops the "
            "batch."
        ),
    )
    p.add_argument("source", type=Path, help="a folder of videos or a manifest .csv")
    p.add_argument("-o", "--out", type=Path, required=True, help="output folder")
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="analysis processes in parallel (default: the machine's cores)",
    )
    p.add_argument(
        "--engine",
        choices=("local", "celery"),
        default="local",
        help="where analyses run: a local process pool, or the service's Celery workers "
        "(needs RETROGAIT_BROKER_URL; jobs are stored in the service database)",
    )
    p.add_argument(
        "--org",
        default=None,
        help="celery engine: organisation owning the jobs (default: the single-user one)",
    )
    p.add_argument(
        "--allow-absolute", action="store_true", help="accept absolute video paths in a manifest"
    )
    p.add_argument(
        "--retry-failed",
        action="store_true",
        help="analyse again recordings that failed before with the same content",
    )
    p.add_argument(
        "--max-frames", type=int, default=None, help="analyse only each recording's first N frames"
    )
    p.add_argument("--no-reports", action="store_true", help="do not write patient reports")
    p.add_argument(
        "--height-cm", type=float, default=None, help="subject height for rows that give none"
    )
    p.add_argument(
        "--population",
        choices=LazyChoices(populations),
        default=None,
        metavar="POPULATION",
        help="population preset for rows that give none, one of: %(choices)s",
    )
    p.add_argument(
        "--protocol",
        choices=LazyChoices(assessed_protocols),
        default=None,
        metavar="PROTOCOL",
        help="protocol for rows that give none, one of: %(choices)s",
    )
    p.set_defaults(func=run, native_logs=True)


def _defaults(args: argparse.Namespace) -> dict:
    given = {"height_cm": args.height_cm, "population": args.population, "protocol": args.protocol}
    return {k: v for k, v in given.items() if v is not None}


def _runner(args: argparse.Namespace, on_wait: Waiting) -> Runner | None:
    if args.engine != "celery":
        return None
    from service.core.settings import Settings

    options = CeleryBatchOptions(Settings(), org_name=args.org or accounts.LOCAL_ORG_NAME)
    return lambda tasks, out, on_outcome: run_celery(tasks, out, options, on_outcome, on_wait)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    try:
        options = BatchOptions(args.workers, args.retry_failed, args.max_frames)
        source: Path = args.source
        if source.is_dir():
            items = folder_items(source, exclude=args.out, defaults=_defaults(args))
        elif source.suffix.lower() == ".csv":
            items = manifest_items(source, args.allow_absolute, _defaults(args))
        else:
            raise BatchInputError(f"{source} is neither a folder nor a manifest .csv")
    except (BatchInputError, ValueError) as exc:
        print(f"retrogait batch: {exc}", file=sys.stderr)
        return 2
    with tqdm(
        total=len(items),
        desc="recordings",
        unit="rec",
        file=sys.stderr,
        disable=not stderr_is_terminal(),
    ) as bar:

        def on_outcome(outcome: RecordingOutcome) -> None:
            bar.update(1)
            bar.set_postfix_str(f"{outcome.item.recording_id}: {outcome.status}", refresh=True)

        def on_wait(counts: dict[str, int], progress: float) -> None:
            bar.set_postfix_str(
                f"{counts['running']} running, {counts['queued']} queued, "
                f"{100 * progress:.0f} % of those",
                refresh=True,
            )

        try:
            runner = _runner(args, on_wait)
            outcomes = run_batch(items, args.out, options, on_outcome, runner)
        except CeleryEngineError as exc:
            print(f"retrogait batch: {exc}", file=sys.stderr)
            return 2
    summary = write_summary(outcomes, args.out)
    reports = [] if args.no_reports else write_reports(outcomes, args.out)
    counts = {s: sum(o.status == s for o in outcomes) for s in ("analysed", "skipped", "failed")}
    print(
        f"{len(outcomes)} recordings: {counts['analysed']} analysed, {counts['skipped']} "
        f"unchanged (skipped), {counts['failed']} failed"
    )
    for outcome in outcomes:
        if outcome.status == "failed":
            print(f"  failed: {outcome.item.source}: {outcome.reason}")
    print(f"summary: {summary}")
    if reports:
        print(f"reports: {len(reports) // 2} patients in {reports[0].parent}")
    return 1 if counts["failed"] else 0
