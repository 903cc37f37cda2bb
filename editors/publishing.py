"""Reviewing a proposal, and publishing an approved change: the data written, its version bumped, in one transaction.

A reviewer (or an admin) approves or rejects another account's proposal, never their own. An admin publishes an
approved change: the fixtures, with every change published before and this one applied, are read by the loader
and written exactly as `cli.py seed` writes them, with the change's state and the history, in one transaction. A
change whose entries edit, cite or remove a fixture entry that changed since it was proposed is a `CONFLICT`,
never a silent overwrite; so is publishing it twice.
"""

import json
from pathlib import Path

import sqlalchemy as sa

from editors.accounts import Signed
from editors.changes import Outcome, effective, now, permission, published, record, refusal, refused
from editors.changesets import ChangeError, Refusal, dataset, digests, parsed, validated, written_to
from models.changes import Change
from models.database import writing
from seeds.loader import read_fixtures
from seeds.writer import Report, write_in

_changes = Change.__table__  # type: ignore[attr-defined]


def review(engine: sa.Engine, account: Signed | None, change_id: int, approve: bool, comment: str) -> Outcome:
    """A proposal approved or rejected, by a reviewer or an admin who did not propose it."""
    action = "approve" if approve else "reject"
    refusals = permission(account, "review")
    if refusals or account is None:
        return refusal(engine, account, action, change_id, refusals)
    with writing(engine) as connection:
        row = connection.execute(
            sa.select(_changes.c.account_id, _changes.c.state).where(_changes.c.id == change_id)
        ).first()
        if row is None:
            refusals = refused(f"there is no change {change_id}", "NOT_FOUND", "number")
        elif row.account_id == account.id:
            refusals = refused(
                "a reviewer does not review their own change: another account does", "FORBIDDEN", "number"
            )
        elif row.state != "proposed":
            refusals = refused(f"the change is {row.state}: only a proposed change is reviewed", "CONFLICT", "number")
        else:
            state = "approved" if approve else "rejected"
            connection.execute(
                sa.update(_changes).where(_changes.c.id == change_id).values(state=state, updated_at=now())
            )
        record(connection, account, action, change_id if row is not None else None, refusals, comment)
    return Outcome(None if refusals else change_id, refusals)


def publish(
    engine: sa.Engine, fixtures: Path, account: Signed | None, change_id: int, comment: str
) -> tuple[Outcome, Report | None]:
    """An approved change written into the data, with its state and its history, in one transaction."""
    refusals = permission(account, "publish")
    if refusals or account is None:
        return refusal(engine, account, "publish", change_id, refusals), None
    report = None
    with writing(engine) as connection:  # writers take turns: two publications never interleave
        row = connection.execute(
            sa.select(_changes.c.state, _changes.c.entries).where(_changes.c.id == change_id)
        ).first()
        if row is None:
            refusals = refused(f"there is no change {change_id}", "NOT_FOUND", "number")
        elif row.state != "approved":
            refusals = refused(f"the change is {row.state}: only an approved change is published", "CONFLICT", "number")
        else:
            kept = json.loads(row.entries)
            entries = parsed(kept["entries"])
            try:
                current = effective(connection, fixtures)
                refusals = _conflicts(digests(current, entries), kept.get("before", []))
                if not refusals:
                    report = write_in(connection, validated(current, kept["source"], entries))
            except ChangeError as error:
                refusals = error.refusals
        if not refusals:
            connection.execute(
                sa.update(_changes).where(_changes.c.id == change_id).values(state="published", updated_at=now())
            )
        record(connection, account, "publish", change_id if row is not None else None, refusals, comment)
    return Outcome(None if refusals else change_id, refusals), report


def _conflicts(now_held: list[str | None], then: list[str | None]) -> list[Refusal]:
    return [
        Refusal(
            ["entries", str(index), "key"],
            "the entry this changes was changed by another publication since this change was proposed: propose it "
            "again against the data as it is now",
            "CONFLICT",
        )
        for index, (held, before) in enumerate(zip(now_held, then, strict=False))
        if held != before
    ]


def reload(engine: sa.Engine, fixtures: Path) -> Report:
    """Load the fixtures with every published change applied, as `cli.py seed` does: a change editors published is
    not undone by loading the files again."""
    files = read_fixtures(fixtures)  # the files as they are, each problem in the loader's words
    with writing(engine) as connection:
        if not published(connection):
            return write_in(connection, files)
        return write_in(connection, dataset(effective(connection, fixtures)))


def export(engine: sa.Engine, fixtures: Path, folder: Path) -> list[Path]:
    """The data as published, written into `folder` as fixture files in the fixtures' own format (their comments
    aside), each with the page it quotes: seeding from them gives the same data."""
    with engine.connect() as connection:
        current = effective(connection, fixtures)
    return written_to(current, folder)
