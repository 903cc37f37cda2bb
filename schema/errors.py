"""Every error gets a stable `extensions.code`; unexpected ones are masked and logged with a request id."""

import logging

from graphql import GraphQLError, GraphQLSyntaxError

from models.database import unavailable as unavailable_database
from resolvers.errors import ClientError

log = logging.getLogger("bilateral.errors")

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"
QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


def classify(error: GraphQLError, request_id: str) -> GraphQLError:
    """The error as the client sees it: its own, with a code, or a masked stand-in."""
    original = error.original_error
    if isinstance(original, ClientError) or (original is None and (error.extensions or {}).get("code")):
        return error
    if isinstance(error, GraphQLSyntaxError) or (original is None and error.message.startswith("Syntax Error")):
        # graphql-core stops parsing a document with too many tokens or too deep a nesting.
        return _with_code(error, QUERY_TOO_COMPLEX if "Parsing aborted" in error.message else PARSE_FAILED)
    if original is None:
        # Errors graphql-core raises itself: a variable of the wrong type, or a document that does not validate.
        code = BAD_USER_INPUT if error.message.startswith("Variable '$") else VALIDATION_FAILED
        return _with_code(error, code)
    if isinstance(original, GraphQLError):
        return _with_code(error, BAD_USER_INPUT)
    if unavailable_database(original):
        log.warning("request %s: the database is unavailable: %s", request_id, original)
        return unavailable(error)
    log.error("request %s: unexpected error at %s", request_id, error.path, exc_info=original)
    return GraphQLError(
        "Internal server error.",
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": INTERNAL_SERVER_ERROR, "requestId": request_id},
    )


def unavailable(error: GraphQLError | None = None) -> GraphQLError:
    return GraphQLError(
        "The database is unavailable; try again shortly.",
        nodes=error.nodes if error else None,
        path=error.path if error else None,
        extensions={"code": SERVICE_UNAVAILABLE},
    )


def _with_code(error: GraphQLError, code: str) -> GraphQLError:
    error.extensions = {**(error.extensions or {}), "code": code}
    return error


def classify_all(errors: list[GraphQLError] | None, request_id: str) -> list[GraphQLError] | None:
    """Every error of a result, classified; parse errors included, which no schema extension sees."""
    return [classify(error, request_id) for error in errors] if errors else errors
