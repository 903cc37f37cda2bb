"""Changes editors propose, their entries and their history; the mutations that make and withdraw them."""

from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any, TypeVar, cast

import strawberry
from strawberry import Parent
from strawberry.scalars import JSON

import resolvers.changes
from editors.changes import Outcome
from editors.changesets import Refusal
from resolvers.context import Info
from resolvers.fetches import computed
from resolvers.rows import global_id
from schema.fields import resolved

P = TypeVar("P")
# What a mutation weighs in a query's cost: it writes, and reads every fixture to check the change.
MUTATION = 1000


@strawberry.enum(description="Where a change stands.")
class ChangeState(Enum):
    PROPOSED = strawberry.enum_value("proposed", description="Proposed, waiting for a reviewer.")
    APPROVED = strawberry.enum_value("approved", description="Approved by a reviewer, waiting to be published.")
    REJECTED = strawberry.enum_value("rejected", description="Rejected by a reviewer.")
    PUBLISHED = strawberry.enum_value("published", description="Published: the data holds it.")
    WITHDRAWN = strawberry.enum_value("withdrawn", description="Withdrawn by its author or an admin.")


@strawberry.enum(description="What an entry of a change does to the fixture entry it names.")
class ChangeAction(Enum):
    ADD = strawberry.enum_value("add", description="Adds `entry`, a new fixture entry, to the page of the change.")
    EDIT = strawberry.enum_value("edit", description="Replaces the fields `entry` gives; a null removes a field.")
    CITE = strawberry.enum_value("cite", description="Adds the quotes of `entry.cite` to the entry's evidence.")
    REMOVE = strawberry.enum_value("remove", description="Removes the entry.")


@strawberry.type(description="One entry of a change, shaped like a fixture's.")
class ChangeEntry:
    section: str = strawberry.field(description="The fixture section: `events`, `agreements`, `relations`, …")
    action: ChangeAction = strawberry.field(description="What the entry does.")
    key: str | None = strawberry.field(description="The key of the entry it changes; null for one it adds.")
    entry: JSON | None = strawberry.field(description="The fields, as a fixture writes them; quotes, not offsets.")


@strawberry.type(description="One thing done, or refused, with a change: appended, never edited.")
class HistoryEntry:
    action: str = strawberry.field(description="`propose`, `withdraw`, …")
    outcome: str = strawberry.field(description="`done`, or the code it was refused with.")
    account: str | None = strawberry.field(description="Who did it; null for an anonymous request.")
    comment: str = strawberry.field(description="What they said, if anything.")
    at: str = strawberry.field(description="When, as an RFC 3339 date-time in UTC.")


def _entries(change: Parent[Any]) -> list[ChangeEntry]:
    return [
        ChangeEntry(section=each["section"], action=ChangeAction(each["action"]), key=each["key"], entry=each["entry"])
        for each in resolvers.changes.entries(change)
    ]


async def _history(change: Parent[Any], info: Info) -> list[HistoryEntry]:
    rows = await resolvers.changes.history(info, change)
    return [
        HistoryEntry(
            action=row.action, outcome=row.outcome, account=row.account, comment=row.comment, at=_stamp(row.at)
        )
        for row in rows
    ]


def _stamp(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@computed
def _id(change: Parent[Any]) -> strawberry.ID:
    return strawberry.ID(global_id("Change", str(change.id)))


def _number(change: Parent[Any]) -> int:
    return int(change.id)


def _state(change: Parent[Any]) -> ChangeState:
    return ChangeState(change.state)


def _source(change: Parent[Any]) -> str:
    return resolvers.changes.source(change)


@strawberry.type(description="A change an editor proposes to the data: entries shaped like a fixture's.")
class Change:
    id: strawberry.ID = strawberry.field(resolver=_id, description="The change's global id.")
    number: int = strawberry.field(resolver=_number, description="The change's number, counting from 1.")
    state: ChangeState = strawberry.field(resolver=_state, description="Where the change stands.")
    summary: str = strawberry.field(description="What the change does, in its author's words.")
    author: str = strawberry.field(description="The account that proposed it.")
    source: str = strawberry.field(resolver=_source, description="The slug of the page its new entries belong to.")
    base_version: str = strawberry.field(description="The data version it was proposed against.")
    entries: list[ChangeEntry] = strawberry.field(resolver=_entries, description="What it does, entry by entry.")
    history: list[HistoryEntry] = strawberry.field(
        resolver=_history, description="Everything done with it, oldest first."
    )


@strawberry.type(description="Why a mutation did nothing, as Shopify's API says it.")
class UserError:
    field: list[str] = strawberry.field(
        description="The path of the input (or fixture entry) at fault; empty for none."
    )
    message: str = strawberry.field(description="What is wrong, and what to do.")
    code: str = strawberry.field(description="A stable code: `UNAUTHENTICATED`, `FORBIDDEN`, `UNSUPPORTED_CLAIM`, …")


@strawberry.input(description="A change to propose.")
class ProposeChangeInput:
    source: str = strawberry.field(description="The slug of the page the change's new entries belong to.")
    summary: str = strawberry.field(description="What the change does, in a sentence.")
    entries: list[JSON] = strawberry.field(
        description="Each `{section, action, key, entry}`: `action` is `add`, `edit`, `cite` or `remove`."
    )
    client_mutation_id: str | None = strawberry.field(default=None, description="Returned as given (Relay).")


@strawberry.input(description="A change to withdraw.")
class WithdrawChangeInput:
    number: int = strawberry.field(description="The change's number.")
    comment: str = strawberry.field(default="", description="Why.")
    client_mutation_id: str | None = strawberry.field(default=None, description="Returned as given (Relay).")


@strawberry.input(description="A review of a proposed change.")
class ReviewChangeInput:
    number: int = strawberry.field(description="The change's number.")
    approve: bool = strawberry.field(description="True to approve it, false to reject it.")
    comment: str = strawberry.field(default="", description="Why.")
    client_mutation_id: str | None = strawberry.field(default=None, description="Returned as given (Relay).")


@strawberry.input(description="An approved change to publish.")
class PublishChangeInput:
    number: int = strawberry.field(description="The change's number.")
    comment: str = strawberry.field(default="", description="Anything to say.")
    client_mutation_id: str | None = strawberry.field(default=None, description="Returned as given (Relay).")


@strawberry.type(description="What proposing a change did.")
class ProposeChangePayload:
    change: Change | None = strawberry.field(description="The change proposed; null when `userErrors` says why not.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was done; empty when it was.")
    client_mutation_id: str | None = strawberry.field(description="The input's, as given.")


@strawberry.type(description="What withdrawing a change did.")
class WithdrawChangePayload:
    change: Change | None = strawberry.field(description="The change withdrawn; null when `userErrors` says why not.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was done; empty when it was.")
    client_mutation_id: str | None = strawberry.field(description="The input's, as given.")


@strawberry.type(description="What reviewing a change did.")
class ReviewChangePayload:
    change: Change | None = strawberry.field(description="The change reviewed; null when `userErrors` says why not.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was done; empty when it was.")
    client_mutation_id: str | None = strawberry.field(description="The input's, as given.")


@strawberry.type(description="What publishing a change did.")
class PublishChangePayload:
    change: Change | None = strawberry.field(description="The change published; null when `userErrors` says why not.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was done; empty when it was.")
    client_mutation_id: str | None = strawberry.field(description="The input's, as given.")


async def _answer(info: Info, payload: Callable[..., P], outcome: Outcome, client_mutation_id: str | None) -> P:
    """A mutation's payload: the change it made, as it stands now, or why it made none."""
    change = None if outcome.change_id is None else await resolvers.changes.by_id(info, outcome.change_id)
    return payload(change=change, user_errors=_errors(outcome.refusals), client_mutation_id=client_mutation_id)


def _errors(refusals: list[Refusal]) -> list[UserError]:
    return [UserError(field=refusal.field, message=refusal.message, code=refusal.code) for refusal in refusals]


async def _propose(
    info: Info, input: Annotated[ProposeChangeInput, strawberry.argument(description="The change to propose.")]
) -> ProposeChangePayload:
    entries = [each if isinstance(each, dict) else {} for each in input.entries]
    outcome = await resolvers.changes.propose(info, input.source, input.summary, entries)
    return await _answer(info, ProposeChangePayload, outcome, input.client_mutation_id)


async def _withdraw(
    info: Info,
    input: Annotated[WithdrawChangeInput, strawberry.argument(description="The change to withdraw, and why.")],
) -> WithdrawChangePayload:
    outcome = await resolvers.changes.withdraw(info, input.number, input.comment)
    return await _answer(info, WithdrawChangePayload, outcome, input.client_mutation_id)


async def _listed(
    info: Info,
    state: Annotated[ChangeState | None, strawberry.argument(description="Only the changes in this state.")] = None,
    first: Annotated[int, strawberry.argument(description="How many, newest first (0 to 100).")] = 10,
) -> list[Any]:
    return await resolvers.changes.listed(info, None if state is None else cast(str, state.value), first)


async def _review(
    info: Info, input: Annotated[ReviewChangeInput, strawberry.argument(description="The change, and the decision.")]
) -> ReviewChangePayload:
    outcome = await resolvers.changes.review(info, input.number, input.approve, input.comment)
    return await _answer(info, ReviewChangePayload, outcome, input.client_mutation_id)


async def _publish(
    info: Info, input: Annotated[PublishChangeInput, strawberry.argument(description="The approved change to publish.")]
) -> PublishChangePayload:
    outcome = await resolvers.changes.publish(info, input.number, input.comment)
    return await _answer(info, PublishChangePayload, outcome, input.client_mutation_id)


@strawberry.type
class Queries:
    changes: list[Change] | None = resolved(
        resolver=_listed,
        description="Changes editors proposed, newest first; for a signed-in account only.",
    )


@strawberry.type(description="Changes to the data, by signed-in editors; each attempt is in the history.")
class Mutation:
    propose_change: ProposeChangePayload = resolved(
        resolver=_propose,
        description="Propose a change: checked by the same loader and evidence checks as `cli.py check`.",
        cost=MUTATION,
    )
    review_change: ReviewChangePayload = resolved(
        resolver=_review,
        description="Approve or reject a proposed change: a reviewer's or an admin's, never its own author's.",
        cost=MUTATION,
    )
    publish_change: PublishChangePayload = resolved(
        resolver=_publish,
        description="Publish an approved change (an admin): the data holds it, its version bumped, in one "
        "transaction; a change to entries that changed since it was proposed is a `CONFLICT`.",
        cost=MUTATION,
    )
    withdraw_change: WithdrawChangePayload = resolved(
        resolver=_withdraw, description="Withdraw an open change: its author's, or any for an admin.", cost=MUTATION
    )
