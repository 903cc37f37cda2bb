"""Rows as the schema sees them: which kind each is, and the global ids of nodes."""

import base64
import binascii
from typing import Any

import sqlalchemy as sa

from models.entity import Entity
from models.registry import BY_NAME, ENTITIES
from resolvers.errors import BadUserInput

# Rows of every kind carry their type name, so unions and interfaces know what a row is.
TYPENAMES = {entity.table.name: entity.name for entity in ENTITIES}


def columns_of(table: sa.Table) -> list[Any]:
    """The columns to select for rows of `table`, with the type name where a union may need it."""
    typename = TYPENAMES.get(table.name)
    return [*table.c, sa.literal(typename).label("typename")] if typename else list(table.c)


def global_id(typename: str, key: str) -> str:
    """An opaque id built from the type and natural key, so it survives re-seeding."""
    return base64.urlsafe_b64encode(f"{typename}:{key}".encode()).decode().rstrip("=")


def parse_global_id(value: str) -> tuple[Entity, str]:
    """The kind and natural key an id stands for; a `BadUserInput` error if it is not one of ours."""
    try:
        decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    typename, _, key = decoded.partition(":")
    entity = BY_NAME.get(typename)
    if entity is None or not entity.node or not key:
        raise BadUserInput(f"{value!r} is not a valid node id", argument="id")
    return entity, key
