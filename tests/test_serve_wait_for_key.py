"""``retrogait serve --wait-for-key`` (what the compose file runs): with no API key it says how to
make one and waits, instead of exiting into a container restart loop; it serves once a key
exists."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from service_support import REPO, cli_process, free_port, kill_group, wait_for


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_serve_waits_for_a_key_then_serves(tmp_path: Path) -> None:
    env = {"RETROGAIT_DATA_DIR": str(tmp_path / "data"), "RETROGAIT_LOCAL_WORKERS": "0"}
    port = free_port()
    log = tmp_path / "serve.log"
    args = ["serve", "--host", "0.0.0.0", "--port", str(port), "--wait-for-key"]
    proc = cli_process(args, env, log)
    try:
        wait_for(lambda: "waiting for an API key" in log.read_text(), 60, "the waiting message")
        assert "docker compose run --rm api keys create --org NAME" in log.read_text()
        time.sleep(1.0)
        assert proc.poll() is None, log.read_text()
        assert not _answers(f"http://127.0.0.1:{port}/healthz")

        created = subprocess.run(
            [sys.executable, "-m", "service.cli", "keys", "create", "--org", "clinic"],
            cwd=REPO,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert created.returncode == 0, created.stderr
        wait_for(lambda: _answers(f"http://127.0.0.1:{port}/healthz"), 90, "the server")
    finally:
        kill_group(proc)


def test_serve_without_the_flag_still_refuses(tmp_path: Path) -> None:
    env = {"RETROGAIT_DATA_DIR": str(tmp_path / "data")}
    log = tmp_path / "serve.log"
    proc = cli_process(["serve", "--host", "0.0.0.0", "--port", str(free_port())], env, log)
    assert proc.wait(timeout=120) == 2
    assert "refusing to listen on 0.0.0.0" in log.read_text()
