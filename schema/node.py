"""The Relay `Node` interface that every entity type implements."""

from typing import Any

import strawberry
from strawberry import Parent

import resolvers.nodes
from models.registry import BY_NAME
from resolvers.fetches import computed
from resolvers.rows import global_id
from schema.fields import resolved


@computed(reads=lambda typename: ("typename", BY_NAME[typename].key))
def _id(row: Parent[Any]) -> strawberry.ID:
    # Resolvers hand over plain rows, which carry their type name.
    return strawberry.ID(global_id(row.typename, getattr(row, BY_NAME[row.typename].key)))


@strawberry.interface(description="An object with a global id, which `node(id:)` fetches again.")
class Node:
    id: strawberry.ID = resolved(
        resolver=_id, description="The global id: opaque, and the same after the data is loaded again."
    )

    @classmethod
    def resolve_type(cls, obj: Any, _info: Any, _type: Any) -> str:
        return str(obj.typename)

    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        return getattr(obj, "typename", None) == cls.__name__


@strawberry.type
class Queries:
    node: Node | None = resolved(
        resolver=resolvers.nodes.node,
        description="The object with this global id; null if there is none. Works for any type.",
    )
    nodes: list[Node | None] = resolved(
        resolver=resolvers.nodes.nodes,
        description="The objects with these global ids, in order; null where there is none.",
    )
