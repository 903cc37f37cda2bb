"""Apollo's automatic persisted queries: a client sends a query's sha256 alone, and the query only when asked."""

import hashlib
import math
import time
from collections import Counter

from resolvers.errors import ErrorCode
from web.store import Store
from web.transport import GraphQLRequest, HTTPError

REMEMBERED_FOR = 24 * 60 * 60  # seconds; a client sends the query again once it is forgotten
WINDOW = 60.0  # seconds over which a client's registrations are counted
# Clients counted apart within one window; past this many, the others share one count, so the count stays small.
MAX_CLIENTS = 10_000


class PersistedQueryNotFoundError(Exception):
    """The hash names no query this server knows: the client is to send the query with its hash."""


class Registrations:
    """How many persisted queries each client, by peer address, has registered this minute; a 429 past the limit.

    Registering costs memory (or Redis) for a day: a client that registers without end is refused, while
    sending queries as they are, or by a hash already known, stays open to it.
    """

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self.started = time.monotonic()
        self.counts: Counter[str] = Counter()

    def admit(self, client: str) -> None:
        now = time.monotonic()
        if now - self.started >= WINDOW:
            self.started, self.counts = now, Counter()
        if client not in self.counts and len(self.counts) >= MAX_CLIENTS:
            client = "*"
        if self.counts[client] >= self.per_minute:
            wait = max(1, math.ceil(self.started + WINDOW - now))
            message = (
                f"this client registered {self.per_minute} persisted queries in the last minute, the most allowed; "
                f"send the query without `extensions.persistedQuery`, or register it in {wait} seconds"
            )
            raise HTTPError(429, message, ErrorCode.PERSISTED_QUERY_RATE_LIMITED, {"Retry-After": str(wait)})
        self.counts[client] += 1


async def resolve(
    store: Store, request: GraphQLRequest, registrations: Registrations | None = None, client: str = ""
) -> GraphQLRequest:
    """The request with its query: looked up by hash, or checked against its hash and remembered.

    Remembering counts as one of `client`'s `registrations`.
    """
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
    if registrations is not None:
        registrations.admit(client)
    await store.set(digest, request.query.encode(), REMEMBERED_FOR)
    return request
