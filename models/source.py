"""A source document and the passages of it that support facts."""

from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.entity import Link, declare, table_of
from models.enums import MatchKind, enum_type
from models.evidence import claims


class Source(SQLModel, table=True):
    """A document Bilateral's facts come from, kept verbatim."""

    __table_args__ = (sa.UniqueConstraint("id", "length", name="source_id_length"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=100)
    title: str
    publisher: str
    language: str = Field(max_length=16)
    url: str | None = None
    text: str
    length: int
    sha256: str = Field(max_length=64)


SOURCE = declare(Source, "slug", plural="sources")
SOURCE_CLAIMS = claims(Source)


class Citation(SQLModel, table=True):
    """A passage `[start, end)` of a source supporting one fact about one subject."""

    __table_args__ = (
        # The source's length travels with the offsets so the database itself keeps them inside the text.
        sa.ForeignKeyConstraint(["source_id", "source_length"], ["source.id", "source.length"]),
        sa.CheckConstraint('start >= 0 AND start < "end" AND "end" <= source_length', name="inside_source"),
        sa.UniqueConstraint("subject_type", "subject_id", "source_id", "start", "end", name="citation_natural"),
        sa.Index("citation_subject", "subject_type", "subject_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id")
    source_length: int
    subject_type: str = Field(max_length=32)
    subject_id: int
    excerpt: str
    start: int
    end: int
    match: MatchKind = Field(sa_type=enum_type(MatchKind))
    # The schema coordinates of the claims the passage supports: `Event.date`, or `Event` for the record itself.
    supports: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    # Its natural key as one string, which its global id holds: the source, the passage, the subject's kind and key.
    natural_key: str = Field(unique=True)


def _passages() -> sa.Select[Any]:
    # A passage cited for several facts is one document, found as its first citation.
    citation = table_of(Citation).c
    first = sa.func.min(citation.id)
    return (
        sa.select(first.label("id"), citation.excerpt.label("title"), citation.excerpt)
        .group_by(citation.source_id, citation.start, citation.end, citation.excerpt)
        .order_by(first)
    )


CITATION = declare(
    Citation,
    "natural_key",
    plural="citations",
    searchable=("excerpt",),
    documents=_passages,
    order=("start", "end"),
    links=(
        Link(
            "source", SOURCE, "source_id", "citations", "The source.", "Every citation of this source, in text order."
        ),
    ),
)
