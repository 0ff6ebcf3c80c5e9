"""``retrogait worker``: a Celery worker running analyses queued by the API (scale-out)."""

from __future__ import annotations

import argparse
import os
import sys

from service import migrations
from service.core.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "worker",
        help="run a Celery analysis worker (needs RETROGAIT_BROKER_URL)",
        description="Take analysis jobs from the broker (RETROGAIT_BROKER_URL, e.g. "
        "redis://host:6379/0) and write results to the shared database "
        "(RETROGAIT_DATABASE_URL) and data directory.",
    )
    p.add_argument(
        "--concurrency", type=int, default=1, help="jobs run at once (each is CPU heavy; default 1)"
    )
    p.add_argument("--loglevel", default="INFO")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    if not settings.broker_url:
        print(
            "RETROGAIT_BROKER_URL is not set: there is no queue to take jobs from "
            "(without it, `retrogait serve` runs jobs itself)",
            file=sys.stderr,
        )
        return 2
    if args.concurrency < 1:
        print("--concurrency must be at least 1", file=sys.stderr)
        return 2
    # Before the analysis libraries load: several workers on one machine each take about one
    # core (pose inference), so their numeric thread pools must not each claim every core.
    from service.batch.scoring import limit_thread_pools

    limit_thread_pools()
    settings.ensure_dirs()
    migrations.upgrade(settings.sqlalchemy_url)

    from service.jobs.celery_app import make_celery

    app = make_celery(settings)
    # One job per process: "solo" runs it in this process, so killing the worker kills the job
    # and its message goes back to the queue; prefork for several at once.
    pool = "solo" if args.concurrency == 1 else "prefork"
    app.worker_main(
        [
            "worker",
            f"--loglevel={args.loglevel}",
            "-Q",
            settings.celery_queue,
            f"--concurrency={args.concurrency}",
            f"--pool={pool}",
            f"--hostname=retrogait-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
    )
    return 0
