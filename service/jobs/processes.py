"""Telling whether a process named in the database or a file name still runs.

A runner names itself by its *scope* (host name and, on Linux, its PID namespace) and its PID.
Only a process of our own scope can be looked up; one of another scope (another machine, or
another container sharing this host name) is never judged gone from here.
"""

from __future__ import annotations

import os
import socket


def process_scope() -> str:
    """``HOST`` or ``HOST+NS``: where this process's PID means something. ``+`` and ``:`` never
    occur in a host name."""
    host = socket.gethostname()
    try:
        return f"{host}+{os.stat('/proc/self/ns/pid').st_ino}"
    except OSError:  # no /proc (not Linux): the host name alone
        return host


def process_alive(pid: int) -> bool:
    """Whether ``pid`` runs in this PID namespace (a zombie counts until it is reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def process_gone(scope: str, pid: int) -> bool:
    """Whether the process ``pid`` of ``scope`` has ended; False for another scope's process,
    which cannot be looked up from here."""
    return scope == process_scope() and not process_alive(pid)
