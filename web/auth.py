"""Who a request is: anonymous (a reader), or the account its `Authorization: Bearer` token signs in.

A token travels only in that header: no cookie (so no request forged from another site carries it), and never in
the address, where logs and histories keep it. A token that is malformed, unknown or revoked is refused with 401;
none is ever written to a log or echoed in an answer.
"""

import anyio
import sqlalchemy as sa
from starlette.requests import Request

from editors.accounts import PREFIX, TOKEN_LENGTH, Signed, signed_in
from models.database import unavailable
from resolvers.errors import ErrorCode
from web.transport import HTTPError

# Where a careless client may put a token in the address: refused, so that it learns before the token spreads.
IN_ADDRESS = ("access_token", "token", "bearer", "authorization")
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="bilateral", error="invalid_token"'}


def _invalid(why: str) -> HTTPError:
    return HTTPError(
        401,
        f"{why}; send `Authorization: Bearer <token>` with a token an admin gave you, or no "
        "`Authorization` header to read anonymously",
        ErrorCode.UNAUTHENTICATED,
        CHALLENGE,
    )


def presented(request: Request) -> str | None:
    """The token a request presents, None for an anonymous one; refused when it is not a token this API issues."""
    if any(name.lower() in IN_ADDRESS for name in request.query_params):
        raise HTTPError(
            400,
            "a token goes in the `Authorization` header, never in the address, which logs and browser histories keep: "
            "have this one revoked, and send the new one in the header",
            ErrorCode.TOKEN_IN_URL,
        )
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise _invalid("the `Authorization` header holds no bearer token")
    token = token.strip()
    if len(token) != TOKEN_LENGTH or not token.startswith(PREFIX):
        raise _invalid("the token is not one this API issues")
    return token


async def signed(request: Request) -> Signed | None:
    """The account a request's token signs in, None for an anonymous request; 401 for a token that signs no one in."""
    token = presented(request)
    if token is None:
        return None
    engine: sa.Engine = request.app.state.engine

    def find() -> Signed | None:
        with engine.connect() as connection:
            return signed_in(connection, token)

    try:
        account = await anyio.to_thread.run_sync(find)
    except sa.exc.SQLAlchemyError as error:
        if not unavailable(error) and not isinstance(error, sa.exc.TimeoutError):
            raise
        raise HTTPError(
            503, "The database is unavailable; try again shortly.", ErrorCode.SERVICE_UNAVAILABLE, {"Retry-After": "5"}
        ) from None
    if account is None:
        raise _invalid("the token was revoked, or this API did not issue it")
    return account
