"""The account a request signs in with (`web.auth`), as the request's context holds it."""

from typing import Any

from resolvers.context import Info


def viewer(info: Info) -> Any:
    """The signed-in account, None for an anonymous request."""
    request = info.context.request
    return getattr(getattr(request, "state", None), "viewer", None)
