"""Source documents."""

import strawberry

import resolvers.sources
from models import tables as t
from models.source import SOURCE
from schema.connection import Connection
from schema.entity import entity_type
from schema.lists import in_order, lookup, paged
from schema.node import Node


@entity_type(SOURCE, cited=False, description="A document Bilateral's facts come from, kept verbatim.")
class Source(Node):
    slug: str = strawberry.field(description="The source's natural key.")
    title: str = strawberry.field(description="The document's title.")
    publisher: str = strawberry.field(description="Who published it.")
    language: str = strawberry.field(description="Its language, as a BCP 47 tag (`en`).")
    url: str | None = strawberry.field(description="Where it was published; null when not recorded.")
    text: str = strawberry.field(description="The full text, verbatim; citations' offsets index into it.")
    length: int = strawberry.field(description="The text's length in characters.")
    sha256: str = strawberry.field(description="The SHA-256 of the text's UTF-8 bytes, in hex.")


@strawberry.type
class Queries:
    sources: Connection[Source] | None = paged(
        t.source, in_order(SOURCE), description="Every source document, by slug."
    )
    source: Source | None = lookup(
        resolvers.sources.SOURCE_BY_SLUG,
        description="The source with this slug; null if there is none.",
    )
