"""Alembic migrations for the service database, run programmatically at start-up.

``upgrade(url)`` brings a database (SQLite or PostgreSQL) to the newest schema; it is safe to call
on every start, and a process that already brought ``url`` to the newest schema does not run
Alembic for it again (``retrogait serve`` checks the database before building the app, which
upgrades too). New migrations: ``alembic -c service/alembic.ini revision -m "..."``.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent
_AT_HEAD: set[str] = set()  # URLs this process already upgraded to "head"


def alembic_config(url: str) -> Config:
    cfg = Config(str(MIGRATIONS_DIR.parent / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation would read a "%" in a password as a placeholder.
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Apply every migration up to ``revision`` on the database at ``url``."""
    if revision == "head" and url in _AT_HEAD:
        return
    command.upgrade(alembic_config(url), revision)
    if revision == "head":
        _AT_HEAD.add(url)


def downgrade(url: str, revision: str) -> None:
    _AT_HEAD.discard(url)
    command.downgrade(alembic_config(url), revision)
