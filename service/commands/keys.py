"""``retrogait keys``: organisations' API keys (create prints the key once)."""

from __future__ import annotations

import argparse
import sys

from service import migrations
from service.core import accounts
from service.core.settings import Settings
from service.core.store import make_engine, session_factory


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("keys", help="create, list or revoke API keys")
    sub = p.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    c = sub.add_parser("create", help="create a key for an organisation (printed once)")
    c.add_argument("--org", required=True, help="organisation name (created if new)")
    c.add_argument("--label", help="what the key is for, e.g. a site or a script")
    sub.add_parser("list", help="list keys (prefixes only; keys are not stored)")
    r = sub.add_parser("revoke", help="revoke the key(s) with this prefix")
    r.add_argument("prefix")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    settings.ensure_dirs()
    migrations.upgrade(settings.sqlalchemy_url)
    engine = make_engine(settings)
    try:
        with session_factory(engine).begin() as session:
            if args.keys_command == "create":
                try:
                    new = accounts.create_key(session, args.org, args.label)
                except ValueError as exc:
                    print(exc, file=sys.stderr)
                    return 2
                print(new.key)
                print(
                    f"API key for organisation {new.org_name!r} (prefix {new.prefix}); it is "
                    "shown only now, store it safely.",
                    file=sys.stderr,
                )
            elif args.keys_command == "list":
                for org, prefix, label, active in accounts.list_keys(session):
                    state = "active" if active else "revoked"
                    print(f"{org}\t{prefix}\t{state}\t{label or ''}")
            else:
                n = accounts.revoke_key(session, args.prefix)
                if n == 0:
                    print(f"no active key with prefix {args.prefix}", file=sys.stderr)
                    return 1
                print(f"revoked {n} key(s)", file=sys.stderr)
    finally:
        engine.dispose()
    return 0
