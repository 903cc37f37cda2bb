"""Every error gets a stable `extensions.code`; unexpected ones are masked and logged with a request id."""

import logging
import re

import sqlalchemy as sa
from graphql import GraphQLError, GraphQLSyntaxError

from models.database import unavailable as unavailable_database
from resolvers.errors import ClientError, ErrorCode

log = logging.getLogger("bilateral.errors")

# graphql-core gives up validating a document that recurses past the interpreter's limit: hundreds of copies
# of one field in a selection (their overlaps compared pair by pair), or fragments nested too deep.
VALIDATION_ABORTED = "Validation aborted."
TOO_COMPLEX_TO_VALIDATE = (
    "the query is too complex to validate: it repeats a field hundreds of times in one selection, or nests "
    "fragments too deep; ask for each field once"
)
BAD_VALUE = "An argument holds a value the database cannot take, such as a NUL character or a number out of range."
_VARIABLE_VALUE = re.compile(
    r"Variable '\$\w+' (has invalid value|got invalid value|of required type .+ was not provided|"
    r"of non-null type .+ must not be null)"
)


def classify(error: GraphQLError, request_id: str) -> GraphQLError:
    """The error as the client sees it: its own, with a code, or a masked stand-in."""
    original = error.original_error
    if isinstance(original, ClientError) or (original is None and (error.extensions or {}).get("code")):
        return error
    if (code := _code_of(error)) is not None:
        error.extensions = {**(error.extensions or {}), "code": code}
        return error
    if isinstance(original, sa.exc.DataError | OverflowError):
        # A value the database cannot take: a NUL character in a string, a number out of range.
        return _stand_in(error, BAD_VALUE, ErrorCode.BAD_USER_INPUT)
    if isinstance(original, sa.exc.TimeoutError):
        # Every pooled connection is in use: busy, not down.
        return _stand_in(error, "the server is busy; try again in a moment", ErrorCode.SERVER_BUSY)
    if original is not None and (unavailable_database(original) or isinstance(original, sa.exc.PendingRollbackError)):
        # A connection that died mid-transaction leaves it waiting for a rollback: the database is gone, not the query.
        log.warning("request %s: the database is unavailable: %s", request_id, original)
        return unavailable(error)
    log.error("request %s: unexpected error at %s", request_id, error.path, exc_info=original)
    return _stand_in(error, "Internal server error.", ErrorCode.INTERNAL_SERVER_ERROR, requestId=request_id)


def _code_of(error: GraphQLError) -> str | None:
    """The code of an error graphql-core raised itself, or that wraps a GraphQL error; None for any other."""
    original = error.original_error
    if isinstance(error, GraphQLSyntaxError) or (original is None and error.message.startswith("Syntax Error")):
        # graphql-core stops parsing a document with too many tokens or too deep a nesting.
        return ErrorCode.QUERY_TOO_COMPLEX if "Parsing aborted" in error.message else ErrorCode.PARSE_FAILED
    if original is None:
        # A variable's value that does not fit its type, or a document that does not validate (a variable
        # never used, or used where its type does not fit, included).
        return ErrorCode.BAD_USER_INPUT if _VARIABLE_VALUE.match(error.message) else ErrorCode.VALIDATION_FAILED
    return ErrorCode.BAD_USER_INPUT if isinstance(original, GraphQLError) else None


def unavailable(error: GraphQLError | None = None) -> GraphQLError:
    return _stand_in(error, "The database is unavailable; try again shortly.", ErrorCode.SERVICE_UNAVAILABLE)


def _stand_in(error: GraphQLError | None, message: str, code: str, **extensions: str) -> GraphQLError:
    """An error in place of `error`, at its place in the document, that says no more than `message`."""
    return GraphQLError(
        message,
        nodes=error.nodes if error else None,
        source=error.source if error else None,
        positions=error.positions if error else None,
        path=error.path if error else None,
        extensions={"code": code, **extensions},
    )


def classify_all(errors: list[GraphQLError] | None, request_id: str) -> list[GraphQLError] | None:
    """Every error of a result, classified; parse errors included, which no schema extension sees."""
    return [classify(_with_reason(error), request_id) for error in errors] if errors else errors


def _with_reason(error: GraphQLError) -> GraphQLError:
    """A validation graphql-core gave up on, said as the query being too complex, and why."""
    if error.original_error is None and error.message == VALIDATION_ABORTED:
        return _stand_in(error, TOO_COMPLEX_TO_VALIDATE, ErrorCode.QUERY_TOO_COMPLEX)
    return error
