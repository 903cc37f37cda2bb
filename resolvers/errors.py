"""Errors a client can act on, each with a stable `extensions.code`."""

from typing import Any

from graphql import GraphQLError


class ClientError(GraphQLError):
    """An error caused by the request, shown to the client as it is."""

    code = "BAD_USER_INPUT"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": self.code, **extensions})


class BadUserInput(ClientError):
    """An argument the API cannot use: a malformed id or cursor, a page too large."""

    code = "BAD_USER_INPUT"
