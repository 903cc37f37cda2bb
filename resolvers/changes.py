"""Changes and their history; proposing and withdrawing one (`editors.changes`).

Changes are not the data: they are read as they stand now, on a connection of their own, not in the request's
snapshot of the data (which a mutation's payload would otherwise read from before the mutation).
"""

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import anyio
import sqlalchemy as sa

import settings
from editors import changes, publishing
from editors.accounts import Signed, signed_in
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


# How often a subscription looks for new publications, and how many one WebSocket connection holds at once.
POLL = 0.25
SUBSCRIPTIONS_PER_CONNECTION = 10


class TooManySubscriptions(ClientError):
    code = ErrorCode.TOO_MANY_SUBSCRIPTIONS


class Forbidden(ClientError):
    code = ErrorCode.FORBIDDEN


async def published(info: Any) -> AsyncIterator[Any]:
    """Each change published from now on, as it is published (through any instance: the history is the database's).

    `info.context` is the WebSocket connection's `web.subscriptions.Listening`."""
    async for row in _stream(info, "publish"):
        yield row


async def proposed(info: Any) -> AsyncIterator[Any]:
    """Each change proposed from now on: the review queue, for a reviewer or an admin, whose token the connection
    sent (`Authorization` in `connection_init`'s payload, or the WebSocket request's header)."""
    await _reviewer(info)
    async for row in _stream(info, "propose"):
        yield row


async def _reviewer(info: Any) -> Signed:
    listening = info.context
    given = (listening.connection_params or {}).get("Authorization") or listening.request.headers.get("authorization")
    scheme, _, token = str(given or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated(
            "the review queue is for reviewers: send `Authorization: Bearer <token>` in connection_init"
        )
    engine: sa.Engine = listening.request.app.state.engine

    def find() -> Signed | None:
        with engine.connect() as connection:
            return signed_in(connection, token.strip())

    account = await anyio.to_thread.run_sync(find)
    if account is None:
        raise Unauthenticated("the token was revoked, or this API did not issue it")
    if account.role not in ("reviewer", "admin"):
        raise Forbidden(f"the review queue is for reviewers and admins, not an account with the role {account.role}")
    return account


# The tasks of the subscriptions now open, which the app ends before it closes its pool (`stopped`).
LIVE: set[asyncio.Task[Any]] = set()


async def stopped() -> None:
    """End every subscription of this event loop's app, and wait until each read it had begun is done: a read that
    came back to the pool after the pool was closed would leave its connection open."""
    loop = asyncio.get_running_loop()
    tasks = [task for task in LIVE if task.get_loop() is loop and not task.done()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def _stream(info: Any, action: str) -> AsyncIterator[Any]:
    """The changes each new history row of `action` (done) names, as they come, polled every `POLL` seconds."""
    listening = info.context
    if listening.subscriptions >= SUBSCRIPTIONS_PER_CONNECTION:
        raise TooManySubscriptions(
            f"a connection holds at most {SUBSCRIPTIONS_PER_CONNECTION} subscriptions at once: end one, or open "
            "another connection"
        )
    listening.subscriptions += 1
    task = asyncio.current_task()
    if task is not None:
        LIVE.add(task)
    try:
        done = (_history.c.action == action) & (_history.c.outcome == "done")
        [last] = await _rows(info, sa.select(sa.func.coalesce(sa.func.max(_history.c.id), 0)).where(done))
        seen = int(last[0])
        while True:
            await anyio.sleep(POLL)
            statement = (
                sa.select(_changes, _accounts.c.name.label("author"), _history.c.id.label("happened"))
                .join(_history, (_history.c.change_id == _changes.c.id) & done)
                .join(_accounts, _accounts.c.id == _changes.c.account_id)
                .where(_history.c.id > seen)
                .order_by(_history.c.id)
            )
            for row in await _rows(info, statement):
                seen = row.happened
                yield row
    finally:
        listening.subscriptions -= 1
        if task is not None:
            LIVE.discard(task)
