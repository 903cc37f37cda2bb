"""Changes and their history; proposing and withdrawing one (`editors.changes`).

Changes are not the data: they are read as they stand now, on a connection of their own, not in the request's
snapshot of the data (which a mutation's payload would otherwise read from before the mutation).
"""

import json
from typing import Any

import anyio
import sqlalchemy as sa

import settings
from editors import changes, publishing
from models.accounts import Account
from models.changes import Change, History
from resolvers.context import Info
from resolvers.errors import ClientError, ErrorCode

_changes = Change.__table__  # type: ignore[attr-defined]
_history = History.__table__  # type: ignore[attr-defined]
_accounts = Account.__table__  # type: ignore[attr-defined]
MOST = 100


class Unauthenticated(ClientError):
    """A field only a signed-in account may read."""

    code = ErrorCode.UNAUTHENTICATED


def account(info: Info) -> Any:
    return getattr(getattr(info.context.request, "state", None), "viewer", None)


async def listed(info: Info, state: str | None, first: int) -> list[Any]:
    if account(info) is None:
        raise Unauthenticated("sign in to read the changes: send `Authorization: Bearer <token>`")
    if not 0 <= first <= MOST:
        raise ClientError(f"`first` must be between 0 and {MOST}, not {first}", argument="first")
    statement = (
        sa.select(_changes, _accounts.c.name.label("author"))
        .join(_accounts, _accounts.c.id == _changes.c.account_id)
        .order_by(_changes.c.id.desc())
        .limit(first)
    )
    if state is not None:
        statement = statement.where(_changes.c.state == state)
    return await _rows(info, statement)


async def _rows(info: Info, statement: sa.Select[Any]) -> list[Any]:
    engine: sa.Engine = info.context.request.app.state.engine

    def read() -> list[Any]:
        with engine.connect() as connection:
            return list(connection.execute(statement).all())

    return await anyio.to_thread.run_sync(read)


async def by_id(info: Info, change_id: int) -> Any:
    statement = (
        sa.select(_changes, _accounts.c.name.label("author"))
        .join(_accounts, _accounts.c.id == _changes.c.account_id)
        .where(_changes.c.id == change_id)
    )
    found = await _rows(info, statement)
    return found[0] if found else None


async def history(info: Info, change: Any) -> list[Any]:
    statement = (
        sa.select(_history, _accounts.c.name.label("account"))
        .outerjoin(_accounts, _accounts.c.id == _history.c.account_id)
        .where(_history.c.change_id == change.id)
        .order_by(_history.c.id)
    )
    return await _rows(info, statement)


def entries(change: Any) -> list[dict[str, Any]]:
    return list(json.loads(change.entries)["entries"])


def source(change: Any) -> str:
    return str(json.loads(change.entries)["source"])


async def propose(info: Info, source: str, summary: str, raw: list[dict[str, Any]]) -> changes.Outcome:
    engine: sa.Engine = info.context.request.app.state.engine
    return await anyio.to_thread.run_sync(
        changes.propose, engine, settings.FIXTURES, account(info), source, summary, raw
    )


async def withdraw(info: Info, change_id: int, comment: str) -> changes.Outcome:
    engine: sa.Engine = info.context.request.app.state.engine
    return await anyio.to_thread.run_sync(changes.withdraw, engine, account(info), change_id, comment)


async def review(info: Info, change_id: int, approve: bool, comment: str) -> changes.Outcome:
    engine: sa.Engine = info.context.request.app.state.engine
    return await anyio.to_thread.run_sync(publishing.review, engine, account(info), change_id, approve, comment)


async def publish(info: Info, change_id: int, comment: str) -> changes.Outcome:
    engine: sa.Engine = info.context.request.app.state.engine
    outcome, _ = await anyio.to_thread.run_sync(
        publishing.publish, engine, settings.FIXTURES, account(info), change_id, comment
    )
    return outcome
