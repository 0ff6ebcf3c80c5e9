"""The ``retrogait`` command line: ``retrogait analyze | pose | overlay | synth | serve | ...``."""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import NoReturn

from service.commands import COMMAND_MODULES
from service.commands.quiet import lower_native_log_levels, native_stderr_silenced


class CommandParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (the usage is a ``--help`` away)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with ``argv`` naming a command, only that command's module is imported (the
    others' imports would only slow down its checks)."""
    parser = CommandParser(
        prog="retrogait",
        description="Gait and balance assessment of backward walking from video.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    wanted = [argv[0]] if argv and argv[0] in COMMAND_MODULES else COMMAND_MODULES
    for name in wanted:
        importlib.import_module(f"service.commands.{name}").register(sub)
    for command in sub.choices.values():
        if not command.get_default("native_logs"):
            continue  # runs no pose model: nothing to show
        command.add_argument(
            "--verbose",
            action="store_true",
            help="also show the native libraries' own logging (MediaPipe, TensorFlow Lite)",
        )
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    quiet = getattr(args, "native_logs", False) and not args.verbose
    if quiet:
        lower_native_log_levels()
    try:
        if quiet:
            with native_stderr_silenced():
                return int(args.func(args) or 0)
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
