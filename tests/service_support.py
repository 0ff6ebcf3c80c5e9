"""Helpers for the service tests: real databases, real Redis, small real videos, a real server.

PostgreSQL and Redis tests skip when the server is unreachable, except under ``CI=true`` where a
missing service fails the run.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_VIDEOS = REPO.parent / "shared" / "videos"
POSTGRES_URL = os.environ.get(
    "RETROGAIT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@localhost:5432/test"
)
REDIS_URL = os.environ.get("RETROGAIT_TEST_REDIS_URL", "redis://localhost:6379")


def unavailable(reason: str) -> None:
    """Skip, or fail under CI where every backing service must be present."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: required)")
    pytest.skip(reason)


def shared_clip(name: str) -> Path:
    path = SHARED_VIDEOS / name
    if not path.is_file():
        pytest.skip(f"real test clip {name} not available ({SHARED_VIDEOS} is absent)")
    return path


def postgres_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose tables live in a fresh schema, dropped afterwards."""
    import sqlalchemy as sa

    engine = sa.create_engine(POSTGRES_URL)
    try:
        with engine.connect():
            pass
    except Exception as exc:
        engine.dispose()
        unavailable(f"PostgreSQL not reachable at {POSTGRES_URL}: {type(exc).__name__}")
    schema = f"rg_test_{uuid.uuid4().hex[:12]}"
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def redis_db_url() -> str:
    """Redis URL with a database number of its own for this test run (keys removed after)."""
    import redis

    db = 8 + uuid.uuid4().int % 8  # 8-15: away from the default database 0
    url = f"{REDIS_URL}/{db}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:
        unavailable(f"Redis not reachable at {REDIS_URL}: {type(exc).__name__}")
    return url


@contextmanager
def celery_queue(tmp_path: Path, prefix: str) -> Iterator[tuple[str, str, dict[str, str]]]:
    """A Redis database and Celery queue of their own: yields ``(url, queue, env)`` where ``env``
    points ``retrogait worker`` processes at them (data under ``tmp_path / "data"``, no overlay);
    the queue's keys are removed afterwards."""
    import redis

    url = redis_db_url()
    queue = f"{prefix}-{uuid.uuid4().hex[:8]}"
    env = {
        "RETROGAIT_DATA_DIR": str(tmp_path / "data"),
        "RETROGAIT_BROKER_URL": url,
        "RETROGAIT_CELERY_QUEUE": queue,
        "RETROGAIT_RENDER_OVERLAY": "false",
    }
    try:
        yield url, queue, env
    finally:
        r = redis.Redis.from_url(url)
        for key in r.scan_iter(f"*{queue}*"):
            r.delete(key)
        r.delete("unacked", "unacked_index", "unacked_mutex")


def write_test_video(
    path: Path,
    seconds: float = 1.0,
    fps: float = 10.0,
    size: tuple[int, int] = (160, 120),
    noise: bool = False,
) -> Path:
    """A small, valid video of a moving bright square (no person in it); ``noise`` makes it
    compress badly, for size limits."""
    from vision.video_writer import open_writer

    w, h = size
    rng = np.random.default_rng(0)
    with open_writer(path, fps, w, h) as writer:
        for i in range(max(1, round(seconds * fps))):
            rgb = np.full((h, w, 3), 40, np.uint8)
            if noise:
                rgb = rng.integers(0, 255, (h, w, 3), dtype=np.uint8)
            x = (i * 7) % (w - 20)
            rgb[40:60, x : x + 20] = 230
            writer.write(rgb, i / fps)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(
    predicate: Callable[[], Any], timeout_s: float, what: str, interval_s: float = 0.5
) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval_s)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port in a thread of this process; yields its
    base URL and stops it afterwards."""
    import uvicorn

    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: srv.started, 60, "the server to start", interval_s=0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=30)


def cli_process(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """``retrogait ARGS`` as a child process in its own process group, output to ``log``."""
    full_env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "service.cli", *args],
        cwd=REPO,
        env=full_env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def kill_group(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Signal the process and the children it started (the worker's pool, analysis children)."""
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
