"""``retrogait serve``: the API, the web page and (without a broker) the local worker pool."""

from __future__ import annotations

import argparse
import sys
import time

from service import migrations
from service.core import accounts
from service.core.settings import Settings
from service.core.store import make_engine, session_factory

KEY_POLL_S = 5.0
NO_KEY_REFUSED = (
    "refusing to listen on {host}: no active API key exists, so nobody could use it. "
    "Create one first: retrogait keys create --org NAME"
)
NO_KEY_WAITING = (
    "waiting for an API key before listening on {host}: no active key exists, so nobody could "
    "use it. Create one (it is printed once): retrogait keys create --org NAME "
    "(with Docker Compose: docker compose run --rm api keys create --org NAME)"
)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "serve",
        help="run the API server (and local analysis workers)",
        description="Serve the API and upload page. Without any API key (see `retrogait keys`) "
        "the server is single-user and binds to the loopback interface only.",
    )
    p.add_argument("--host", help="interface to bind (default: RETROGAIT_HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, help="TCP port (default: RETROGAIT_PORT or 8000)")
    p.add_argument("--workers", type=int, help="local analysis workers (0: none)")
    p.add_argument("--data-dir", help="data directory (default: RETROGAIT_DATA_DIR)")
    p.add_argument(
        "--wait-for-key",
        action="store_true",
        help="on a network address with no API key yet, say how to create one and wait for it "
        "(instead of exiting; for containers that restart on exit)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    overrides = {
        k: v
        for k, v in {
            "host": args.host,
            "port": args.port,
            "local_workers": args.workers,
            "data_dir": args.data_dir,
        }.items()
        if v is not None
    }
    settings = Settings(**overrides)
    settings.ensure_dirs()
    migrations.upgrade(settings.sqlalchemy_url)
    if not accounts.is_loopback(settings.host) and not _keys_exist(settings):
        if not args.wait_for_key:
            print(NO_KEY_REFUSED.format(host=settings.host), file=sys.stderr)
            return 2
        print(NO_KEY_WAITING.format(host=settings.host), file=sys.stderr, flush=True)
        while not _keys_exist(settings):
            time.sleep(KEY_POLL_S)
    single_user = not _auth_required(settings)
    if not single_user and not _keys_exist(settings):
        print(
            "warning: API keys are required and none is active, so every request will get 401. "
            "Create one: retrogait keys create --org NAME",
            file=sys.stderr,
        )

    import uvicorn

    from service.app import create_app

    mode = "single-user (no API keys)" if single_user else "API keys required"
    jobs = f"Celery via {settings.broker_url}" if settings.broker_url else "local pool"
    print(
        f"retrogait on http://{settings.host}:{settings.port}/ - {mode}, jobs: {jobs}",
        file=sys.stderr,
    )
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="info",
        timeout_graceful_shutdown=10,
    )
    return 0


def _keys_exist(settings: Settings) -> bool:
    """Whether any active API key exists in the configured database."""
    engine = make_engine(settings)
    try:
        with session_factory(engine)() as session:
            return accounts.keys_configured(session)
    finally:
        engine.dispose()


def _auth_required(settings: Settings) -> bool:
    """Whether requests will need a key (see :func:`accounts.auth_required`)."""
    engine = make_engine(settings)
    try:
        with session_factory(engine)() as session:
            return accounts.auth_required(settings, session)
    finally:
        engine.dispose()
