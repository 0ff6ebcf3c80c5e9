"""``retrogait serve``: the API, the web page and (without a broker) the local worker pool."""

from __future__ import annotations

import argparse
import sys

from service import accounts, migrations
from service.settings import Settings
from service.store import make_engine, session_factory


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
    engine = make_engine(settings)
    with session_factory(engine)() as session:
        single_user = not accounts.auth_required(settings, session)
        usable_key = accounts.keys_configured(session)
    engine.dispose()
    if not accounts.is_loopback(settings.host) and not usable_key:
        print(
            f"refusing to listen on {settings.host}: no active API key exists, so the server "
            "would answer nobody. Create one first: retrogait keys create --org NAME",
            file=sys.stderr,
        )
        return 2
    if not single_user and not usable_key:
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
