"""Source documents."""

import strawberry

import resolvers.sources
from models.source import SOURCE
from resolvers import sources
from schema.citation import Citation
from schema.entity import entity_type
from schema.fields import resolved
from schema.lists import listing, lookup
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
    citations: list[Citation] = resolved(
        resolver=sources.citations_of_source, description="Every citation of this source, in text order."
    )


@strawberry.type
class Queries:
    sources: list[Source] = listing(resolvers.sources.SOURCES, description="Every source document.")
    source: Source | None = lookup(
        resolvers.sources.SOURCE_BY_SLUG,
        description="The source with this slug; null if there is none.",
    )
