"""CLI sub-commands: one module per command, each exposing ``register(subparsers)``.

A module's ``register`` adds its sub-parser and sets ``func`` (called with the parsed namespace,
returns the process exit code).
"""

COMMAND_MODULES: tuple[str, ...] = (
    "pose",
    "overlay",
    "analyze",
    "synth",
    "serve",
    "worker",
    "keys",
    "batch",
)
