"""The error codes of the API, and the errors a client can act on.

Every error a client sees carries one of these codes in `extensions.code`; the README's catalogue
lists each of them with its HTTP status, when it happens and an example.
"""

from enum import StrEnum
from typing import Any

from graphql import GraphQLError


class ErrorCode(StrEnum):
    PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    OPERATION_RESOLUTION_FAILURE = "OPERATION_RESOLUTION_FAILURE"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    QUERY_TIMEOUT = "QUERY_TIMEOUT"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
    PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
    PERSISTED_QUERY_RATE_LIMITED = "PERSISTED_QUERY_RATE_LIMITED"
    BAD_REQUEST = "BAD_REQUEST"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    QUERY_TOO_LARGE = "QUERY_TOO_LARGE"
    BATCH_TOO_LARGE = "BATCH_TOO_LARGE"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    SERVER_BUSY = "SERVER_BUSY"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    TOKEN_IN_URL = "TOKEN_IN_URL"


class ClientError(GraphQLError):
    """An error caused by the request, shown to the client as it is."""

    code = ErrorCode.BAD_USER_INPUT

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": self.code.value, **extensions})


class BadUserInput(ClientError):
    """An argument the API cannot use: a malformed id or cursor, a page too large."""

    code = ErrorCode.BAD_USER_INPUT
