"""Helpers for the fault drills: a small synthetic walk to analyse, a ``retrogait serve``
process, a TCP relay that can cut a connection to Redis like a network outage, and the job
timings the drills print."""

from __future__ import annotations

import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from service_support import cli_process, free_port, kill_group, wait_for


def synthetic_walk(path: Path) -> Path:
    """A rendered backward walk of about 8 s at 15 frames/s, 320x180: some seconds of pose
    work, long enough to kill a worker mid-job, short enough to analyse again."""
    from vision.synthetic import WalkParams
    from vision.synthetic.clips import ClipSpec, make_clip

    spec = ClipSpec(
        WalkParams(n_steps=8, direction="backward"), view="side", fps=15.0, width=320, height=180
    )
    make_clip(spec, path)
    return path


class Server:
    """``retrogait serve`` on a free loopback port, as a child process (its own group)."""

    def __init__(self, env: dict[str, str], log: Path, workers: int) -> None:
        self.env, self.log, self.workers = env, log, workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout_s: float = 120) -> None:
        args = ["serve", "--port", str(self.port), "--workers", str(self.workers)]
        self.proc = cli_process(args, self.env, self.log)

        def up() -> bool:
            assert self.proc is not None and self.proc.poll() is None, self.log.read_text()[-3000:]
            try:
                return httpx.get(self.url + "/healthz", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(up, timeout_s, "the server to answer", interval_s=0.2)

    def kill9(self) -> None:
        """SIGKILL the server process alone (its analysis children see it gone) and reap it."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None:
            kill_group(self.proc, signal.SIGTERM)

    def job(self, analysis_id: str, headers: dict[str, str] | None = None) -> dict:
        r = httpx.get(f"{self.url}/v1/analyses/{analysis_id}", headers=headers, timeout=10)
        r.raise_for_status()
        return r.json()

    def upload(self, clip: Path, headers: dict[str, str] | None = None) -> str:
        with clip.open("rb") as fh:
            r = httpx.post(
                self.url + "/v1/analyses",
                files={"video": (clip.name, fh, "video/mp4")},
                data={"height_cm": "170"},
                headers=headers,
                timeout=120,
            )
        assert r.status_code == 202, r.text
        return r.json()["id"]


@contextmanager
def server(env: dict[str, str], log: Path, workers: int) -> Iterator[Server]:
    srv = Server(env, log, workers)
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


def wait_running(srv: Server, job: str, timeout_s: float = 300) -> dict:
    """Wait until the job is under way (some progress made), and return it."""

    def under_way() -> dict | None:
        doc = srv.job(job)
        assert doc["status"] in ("queued", "running"), doc
        return doc if doc["status"] == "running" and doc["progress_pct"] > 5 else None

    return wait_for(under_way, timeout_s, f"job {job} to be under way", interval_s=0.2)


def wait_attempt(srv: Server, job: str, attempt: int, timeout_s: float) -> dict:
    """Wait until the job's ``attempt``-th run has started (or it finished)."""

    def started() -> dict | None:
        doc = srv.job(job)
        return doc if doc["attempts"] >= attempt or doc["status"] in ("done", "failed") else None

    return wait_for(started, timeout_s, f"attempt {attempt} of job {job}", interval_s=0.1)


def wait_done(srv: Server, job: str, timeout_s: float) -> dict:
    def finished() -> dict | None:
        doc = srv.job(job)
        return doc if doc["status"] in ("done", "failed") else None

    return wait_for(finished, timeout_s, f"job {job} to finish", interval_s=0.2)


class Relay:
    """A TCP relay from a loopback port to ``target``: :meth:`cut` drops every connection and
    refuses new ones (the broker unreachable), :meth:`restore` accepts them again."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for s in sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def seconds_since(t0: float) -> float:
    return time.monotonic() - t0
