"""The signed-in account: who an editor's token says they are."""

from enum import Enum
from typing import Any

import strawberry
from strawberry import Parent

import resolvers.viewer
from resolvers.fetches import computed
from resolvers.rows import global_id
from schema.fields import resolved


@strawberry.enum(description="What an account may do with the data.")
class Role(Enum):
    EDITOR = strawberry.enum_value("editor", description="Proposes changes, each claim with its evidence.")
    REVIEWER = strawberry.enum_value(
        "reviewer", description="Proposes changes, and approves or rejects other accounts' proposals."
    )
    ADMIN = strawberry.enum_value("admin", description="Everything a reviewer does, and publishes approved changes.")


@computed
def _id(account: Parent[Any]) -> strawberry.ID:
    return strawberry.ID(global_id("Account", account.name))


@strawberry.type(description="The account the request's token signs in.")
class Viewer:
    id: strawberry.ID = strawberry.field(
        resolver=_id, description="The account's global id: opaque, and the same for as long as the account is."
    )
    name: str = strawberry.field(description="The account's name, unique.")
    role: Role = strawberry.field(description="What the account may do.")


@strawberry.type
class Queries:
    viewer: Viewer | None = resolved(
        resolver=resolvers.viewer.viewer,
        description="The account the request's `Authorization: Bearer` token signs in; null for an anonymous request, "
        "which reads everything and changes nothing.",
    )
