"""What every resolver of one request shares."""

import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import strawberry

from resolvers.loading import Loaders


@dataclass
class Context:
    """The database and this request's DataLoaders."""

    engine: sa.Engine
    loaders: Loaders
    request_id: str
    request: Any = None

    @classmethod
    def create(cls, engine: sa.Engine, request: Any = None) -> "Context":
        return cls(engine, Loaders(engine), uuid.uuid4().hex, request)


Info = strawberry.Info[Context, Any]
