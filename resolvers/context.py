"""What every resolver of one request shares."""

import uuid
from dataclasses import dataclass
from typing import Any

import strawberry

from resolvers.loading import Loaders
from resolvers.reading import Reader


@dataclass
class Context:
    """This request's reader (one connection, one snapshot), its DataLoaders, and what limits it."""

    reader: Reader
    loaders: Loaders
    request_id: str
    request: Any = None
    budget: Any = None  # the cost the request may still spend, shared by the operations of a batch
    admission: Any = None  # the gate costly operations wait at (web.admission.Admission)
    cost: int = 0  # this operation's cost, once the limits have measured it
    scans: bool = False  # whether it may read more rows than an index lookup does (a sort, a filter, a count)

    @classmethod
    def create(
        cls, reader: Reader, request: Any = None, budget: Any = None, admission: Any = None, request_id: str = ""
    ) -> "Context":
        """A context for one operation; `request_id` is the HTTP request's, a new one if empty."""
        request_id = request_id or uuid.uuid4().hex
        return cls(reader, Loaders(reader), request_id, request=request, budget=budget, admission=admission)


Info = strawberry.Info[Context, Any]
