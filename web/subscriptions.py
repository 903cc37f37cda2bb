"""Subscriptions over WebSocket at `/graphql`, in the graphql-transport-ws protocol (the `graphql-ws` library's).

strawberry's ASGI app speaks the protocol; each connection gets a `Listening` context of its own, which bounds the
subscriptions it holds at once (`resolvers.changes.SUBSCRIPTIONS_PER_CONNECTION`). Published changes are public:
`changePublished` needs no token; the review queue (`changeProposed`) needs a reviewer's or an admin's, sent as
`Authorization` in `connection_init`'s payload (a browser's WebSocket sends no header of its own).
"""

from dataclasses import dataclass
from typing import Any

from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from schema import graphql_schema


@dataclass
class Listening:
    """One WebSocket connection: its request, and how many subscriptions it holds now."""

    request: WebSocket
    subscriptions: int = 0
    connection_params: dict[str, Any] | None = None  # `connection_init`'s payload, which strawberry sets


class Subscriptions(GraphQL[Listening, None]):
    async def get_context(self, request: Any, response: Any) -> Listening:
        return Listening(request)


endpoint = Subscriptions(
    graphql_schema, subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,), graphql_ide=None, keep_alive=True
)
