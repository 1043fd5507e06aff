"""`pathways-stewards`: name the stewards who may review reports, and give each a token.

    pathways-stewards add "Dana" --organisation "SEPIA Intergroup"   # prints the token once
    pathways-stewards list
    pathways-stewards revoke "Dana"

The database is PATHWAYS_DATABASE_URL, else the SQLite file in the state folder (the one
`make run` uses). Only a hash of each token is stored.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TextIO

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from service.store.engine import database_url, migrate, sync_engine
from service.store.tables import stewards
from service.store.tokens import new_token, token_hash


def add_steward(engine: Engine, name: str, organisation: str, *, now: datetime) -> str:
    """Add (or re-key) a steward; returns the new token, which is stored only as a hash."""
    token = new_token()
    with engine.begin() as connection:
        connection.execute(stewards.delete().where(stewards.c.name == name))
        connection.execute(
            stewards.insert().values(
                name=name, organisation=organisation, token_hash=token_hash(token), created_at=now
            )
        )
    return token


def revoke_steward(engine: Engine, name: str, *, now: datetime) -> bool:
    """Revoke a steward's token; False when there is no such steward."""
    with engine.begin() as connection:
        result = connection.execute(
            stewards.update()
            .where(stewards.c.name == name, stewards.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    return result.rowcount > 0


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command; returns the exit code."""
    out = out or sys.stdout
    parser = argparse.ArgumentParser(prog="pathways-stewards", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=database_url(os.environ))
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="add a steward (or give one a new token)")
    add.add_argument("name")
    add.add_argument("--organisation", required=True, help="shown as 'checked by ...'")
    sub.add_parser("list", help="list the stewards")
    revoke = sub.add_parser("revoke", help="revoke a steward's token")
    revoke.add_argument("name")
    args = parser.parse_args(argv)
    engine = sync_engine(args.database_url)
    now = datetime.now(UTC)
    try:
        migrate(engine)
        if args.command == "add":
            token = add_steward(engine, args.name.strip(), args.organisation.strip(), now=now)
            print(f"steward {args.name!r} added; their token (shown once):\n{token}", file=out)
        elif args.command == "revoke":
            if not revoke_steward(engine, args.name, now=now):
                print(f"error: no active steward named {args.name!r}", file=out)
                return 1
            print(f"steward {args.name!r} revoked", file=out)
        else:
            with engine.connect() as connection:
                for row in connection.execute(sa.select(stewards).order_by(stewards.c.name)):
                    state = "revoked" if row.revoked_at else "active"
                    print(f"{row.name}\t{row.organisation}\t{state}", file=out)
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
