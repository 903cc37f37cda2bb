"""Apollo's automatic persisted queries: a client sends a query's sha256 alone, and the query only when asked."""

import hashlib

from resolvers.errors import ErrorCode
from web.requests import GraphQLRequest, HTTPError
from web.store import Store

REMEMBERED_FOR = 24 * 60 * 60  # seconds; a client sends the query again once it is forgotten


class PersistedQueryNotFoundError(Exception):
    """The hash names no query this server knows: the client is to send the query with its hash."""


async def resolve(store: Store, request: GraphQLRequest) -> GraphQLRequest:
    """The request with its query: looked up by hash, or checked against its hash and remembered."""
    persisted = request.extensions.get("persistedQuery")
    if persisted is None:
        return request
    digest = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
    if not isinstance(persisted, dict) or persisted.get("version") != 1 or not isinstance(digest, str):
        raise HTTPError(
            400, "only version 1 of automatic persisted queries is supported", ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED
        )
    digest = digest.lower()
    if request.query is None:
        stored = await store.get(digest)
        if stored is None:
            raise PersistedQueryNotFoundError
        request.query = stored.decode()
        return request
    if hashlib.sha256(request.query.encode()).hexdigest() != digest:
        raise HTTPError(400, "provided sha does not match query", ErrorCode.PERSISTED_QUERY_HASH_MISMATCH)
    await store.set(digest, request.query.encode(), REMEMBERED_FOR)
    return request
