"""Proposing and withdrawing changes, each attempt appended to the history whether it was done or refused.

Who may do what (`ALLOWED`): any signed-in account proposes; the author withdraws their own change, an admin
anyone's, while it is still open; a reviewer or an admin approves or rejects another account's proposal; an admin
publishes an approved change (`editors.publishing`). An anonymous request changes nothing. Each account proposes at most
`PER_MINUTE` changes a minute (in this process).
"""

import json
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from editors.accounts import Signed
from editors.changesets import (
    MAX_CHARACTERS,
    ChangeError,
    Entry,
    Pages,
    Refusal,
    applied,
    digests,
    pages,
    parsed,
    validated,
)
from models.changes import Change, History
from models.database import writing
from models.meta import DatasetVersion

STATES = ("proposed", "approved", "rejected", "published", "withdrawn")
OPEN = ("proposed", "approved")
# The roles that may take each action; withdrawing also needs the change to be the account's own, or an admin.
ALLOWED = {
    "propose": ("editor", "reviewer", "admin"),
    "withdraw": ("editor", "reviewer", "admin"),
    "review": ("reviewer", "admin"),
    "publish": ("admin",),
}
PER_MINUTE = 30
MAX_SUMMARY = 500
MAX_COMMENT = 2000

_changes = Change.__table__  # type: ignore[attr-defined]
_history = History.__table__  # type: ignore[attr-defined]
_versions = DatasetVersion.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Outcome:
    """What a mutation did: the change's id, or why nothing was done."""

    change_id: int | None
    refusals: list[Refusal]


class _Rate:
    """How many changes each account proposed in the last minute, in this process."""

    def __init__(self) -> None:
        self.seen: dict[int, deque[float]] = defaultdict(deque)

    def allows(self, account: int, limit: int) -> bool:
        now = time.monotonic()
        recent = self.seen[account]
        while recent and recent[0] < now - 60:
            recent.popleft()
        if len(recent) >= limit:
            return False
        recent.append(now)
        return True


RATE = _Rate()


def now() -> datetime:
    return datetime.now(UTC)


def refused(message: str, code: str, field: str = "") -> list[Refusal]:
    return [Refusal([field] if field else [], message, code)]


def permission(account: Signed | None, action: str) -> list[Refusal]:
    if account is None:
        return refused(f"sign in to {action} a change: send `Authorization: Bearer <token>`", "UNAUTHENTICATED")
    if account.role not in ALLOWED[action]:
        return refused(f"an account with the role {account.role} cannot {action} a change", "FORBIDDEN")
    return []


def record(
    connection: sa.Connection,
    account: Signed | None,
    action: str,
    change_id: int | None,
    refusals: list[Refusal],
    comment: str = "",
) -> None:
    outcome = refusals[0].code if refusals else "done"
    connection.execute(
        sa.insert(_history).values(
            change_id=change_id,
            account_id=account.id if account else None,
            action=action,
            outcome=outcome,
            comment=comment[:MAX_COMMENT],
            at=now(),
        )
    )


def refusal(
    engine: sa.Engine, account: Signed | None, action: str, change_id: int | None, refusals: list[Refusal]
) -> Outcome:
    """Nothing done: the attempt is recorded all the same."""
    with writing(engine) as connection:
        known = (
            change_id is not None
            and connection.execute(sa.select(_changes.c.id).where(_changes.c.id == change_id)).first()
        )
        record(connection, account, action, change_id if known else None, refusals)
    return Outcome(None, refusals)


def published(connection: sa.Connection) -> list[str]:
    """The entries of every published change, in the order they were published."""
    return list(
        connection.execute(
            sa.select(_changes.c.entries)
            .join(_history, (_history.c.change_id == _changes.c.id) & (_history.c.action == "publish"))
            .where(_changes.c.state == "published", _history.c.outcome == "done")
            .order_by(_history.c.id)
        ).scalars()
    )


def effective(connection: sa.Connection, fixtures: Path) -> Pages:
    """The fixtures with every published change applied, in the order they were published: what the data is."""
    current = pages(fixtures)
    for kept in published(connection):
        change = json.loads(kept)
        applied(current.documents, change["source"], parsed(change["entries"]))
    return current


def propose(
    engine: sa.Engine, fixtures: Path, account: Signed | None, source: str, summary: str, raw: list[dict[str, Any]]
) -> Outcome:
    """A new change, once every entry is one the loader accepts with the fixtures; its entries kept as given."""
    refusals = permission(account, "propose")
    if not refusals and not summary.strip():
        refusals = refused("say in a few words what the change does", "BAD_ENTRY", "summary")
    if not refusals and len(summary) > MAX_SUMMARY:
        refusals = refused(f"a summary takes at most {MAX_SUMMARY} characters", "BAD_ENTRY", "summary")
    written = json.dumps(raw, ensure_ascii=False, default=str)
    if not refusals and len(written) > MAX_CHARACTERS:
        message = f"a change takes at most {MAX_CHARACTERS} characters of entries, not {len(written)}"
        refusals = refused(message, "TOO_LARGE", "entries")
    if not refusals and account is not None and not RATE.allows(account.id, PER_MINUTE):
        refusals = refused(f"an account proposes at most {PER_MINUTE} changes a minute", "RATE_LIMITED")
    entries: list[Entry] = []
    before: list[str | None] = []
    if not refusals:
        try:
            entries = parsed(raw)
            with engine.connect() as connection:
                current = effective(connection, fixtures)
            before = digests(current, entries)
            validated(current, source, entries)
        except ChangeError as error:
            refusals = error.refusals
    if refusals or account is None:
        return refusal(engine, account, "propose", None, refusals)
    with writing(engine) as connection:
        version = connection.execute(sa.select(_versions.c.token)).scalar_one_or_none() or ""
        made = now()
        # `before`: what each entry it edits held when it was proposed, which publishing compares with the data then.
        kept = json.dumps(
            {"source": source, "entries": [entry.as_json() for entry in entries], "before": before},
            ensure_ascii=False,
            default=str,
        )
        change_id = connection.execute(
            sa.insert(_changes)
            .values(
                account_id=account.id,
                state="proposed",
                summary=summary,
                entries=kept,
                base_version=version,
                created_at=made,
                updated_at=made,
            )
            .returning(_changes.c.id)
        ).scalar_one()
        record(connection, account, "propose", change_id, [], summary)
    return Outcome(int(change_id), [])


def withdraw(engine: sa.Engine, account: Signed | None, change_id: int, comment: str) -> Outcome:
    """An open change withdrawn by its author, or by an admin."""
    refusals = permission(account, "withdraw")
    if refusals or account is None:
        return refusal(engine, account, "withdraw", change_id, refusals)
    with writing(engine) as connection:
        row = connection.execute(
            sa.select(_changes.c.account_id, _changes.c.state).where(_changes.c.id == change_id)
        ).first()
        if row is None:
            refusals = refused(f"there is no change {change_id}", "NOT_FOUND", "id")
        elif row.account_id != account.id and account.role != "admin":
            refusals = refused("only its author, or an admin, withdraws a change", "FORBIDDEN", "id")
        elif row.state not in OPEN:
            refusals = refused(f"the change is {row.state}: only an open change is withdrawn", "CONFLICT", "id")
        else:
            connection.execute(
                sa.update(_changes).where(_changes.c.id == change_id).values(state="withdrawn", updated_at=now())
            )
        record(connection, account, "withdraw", change_id if row is not None else None, refusals, comment)
    return Outcome(None if refusals else change_id, refusals)
