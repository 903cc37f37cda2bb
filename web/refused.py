"""Refusals kept by the bytes of the request: the same body refused again before it is parsed.

A client that repeats a request the server refused (too costly, invalid, bad input) gets the same answer for as long
as the data version is the same, at the cost of hashing its body: neither its JSON, nor its variables' nesting, nor
its document is read again. `pipeline.limits` keeps what checking found by document and variables; this keeps the
answer itself, by the body, the media type it was answered in and the data version it was refused at.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

import settings
from pipeline import limits
from pipeline.kept import Kept
from resolvers.errors import ErrorCode

KEPT = 256
# What a request is refused with, given its body and the data version: nothing about the moment it came (a busy
# server, a database down, a time budget spent) and nothing that ran (the answer has no `data`).
DETERMINED = {
    ErrorCode.PARSE_FAILED,
    ErrorCode.VALIDATION_FAILED,
    ErrorCode.OPERATION_RESOLUTION_FAILURE,
    ErrorCode.BAD_USER_INPUT,
    ErrorCode.QUERY_TOO_COMPLEX,
}

Key = tuple[bytes, str]
"""The body's sha256, and the media type of the answer."""


@dataclass(frozen=True)
class Refusal:
    """A refusal as it was sent: its status, body and headers, and its payload (for the request log)."""

    status: int
    body: bytes
    headers: dict[str, str]
    payload: dict[str, Any]
    version: str  # the data version it was refused at
    limits: tuple[object, ...]  # the limits it was refused under (`in_force`)

    def response(self) -> Response:
        return Response(self.body, self.status, self.headers | {"Bilateral-Cache": "refused"})


_KEPT: Kept[Key, Refusal] = Kept(KEPT)
_OWN = {"bilateral-cache", "content-length"}  # set anew for each answer


def key(body: bytes, media: str) -> Key:
    """The key of the answer to `body`, in `media`."""
    return (hashlib.sha256(body).digest(), media)


def get(body: bytes, media: str, known: Callable[[], str | None]) -> Refusal | None:
    """The refusal kept for this body, answered in `media`, if it was refused at the data version `known` says now
    (None: not known) and under the limits in force now. Both are asked only of a refusal found: every POST looks,
    few find one."""
    found = _KEPT.get(key(body, media))
    if found is None or found.version != known() or found.limits != in_force():
        return None
    return found


def in_force() -> tuple[object, ...]:
    """The settings and the limits' constants, which a refusal may depend on: changed, nothing kept before counts."""
    return tuple(
        value
        for module in (settings, limits)
        for name, value in vars(module).items()
        if name.isupper() and isinstance(value, int | float | str)
    )


def keep(body: bytes, media: str, version: str, payload: dict[str, Any], response: Response) -> None:
    """Keep the answer to a POST of `body` if it is a refusal the body and the data version determine
    (`DETERMINED`)."""
    codes = {error.get("extensions", {}).get("code") for error in payload.get("errors", [])}
    if "data" in payload or not codes or not codes <= DETERMINED:
        return
    headers = {name: value for name, value in response.headers.items() if name not in _OWN}
    refusal = Refusal(response.status_code, bytes(response.body), headers, payload, version, in_force())
    _KEPT.put(key(body, media), refusal)


def clear() -> None:
    _KEPT.clear()
