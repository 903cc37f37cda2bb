"""Citations: the passages of the sources that support the facts."""

from typing import TYPE_CHECKING, Annotated, Any

import sqlalchemy as sa
import strawberry

from models.enums import MatchKind
from models.evidence import CLAIMS
from resolvers.citations import citations_of, evidence_of, source_of_citation
from schema.fields import OFFSET_RENAMED, former, resolved
from schema.node import Node

if TYPE_CHECKING:
    from schema.source import Source


EDITORIAL = (
    'Editorial: the editors\' paraphrase, not a claim of the source; `evidence(claim: "{field}")` gives the '
    "passages it restates."
)


# A node whose type is made here, not by `entity_type`: every other kind's type takes its citations from this one.
@strawberry.type(description="A passage of a source that supports a fact: the source's own words and where they stand.")
class Citation(Node):
    excerpt: str = strawberry.field(description="The passage, verbatim: always `source.text[startOffset:endOffset]`.")
    start: int = strawberry.field(
        name="startOffset", description="Where the passage begins in the source text (a character offset)."
    )
    end: int = strawberry.field(
        name="endOffset", description="Where the passage ends in the source text (exclusive, a character offset)."
    )
    former_start: int = former(
        "start", "startOffset", OFFSET_RENAMED, "Where the passage begins in the source text (a character offset)."
    )
    former_end: int = former(
        "end", "endOffset", OFFSET_RENAMED, "Where the passage ends in the source text (exclusive)."
    )
    match: MatchKind = strawberry.field(description="How the quote behind this citation was found in the source.")
    supports: list[str] = strawberry.field(
        description="The claims this passage is evidence for, as schema coordinates: `Event.date` for one field, "
        "`Event` for the record itself (the page mentions it). The loader checked each one: the passage holds the "
        "date as the page writes it, the name, the figure, the words of a status or qualifier, or, for editorial "
        "text, is a passage the text restates."
    )
    source: Annotated["Source", strawberry.lazy("schema.source")] = resolved(
        resolver=source_of_citation, description="The document the passage is from."
    )

    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        return getattr(obj, "typename", None) == "Citation"


def cited(subject: sa.Table, what: str) -> Any:
    """The `citations` field of a type whose rows are those of the table `subject`."""
    return resolved(resolver=citations_of(subject), description=f"The passages of the sources that state {what}.")


def evidenced(subject: sa.Table) -> Any:
    """The `evidence(claim:)` field of a type whose rows are those of the table `subject`."""
    claims = CLAIMS[subject.name]
    named = ", ".join(f"`{claim.name}`" for claim in claims.rules.values()) or "none"
    return resolved(
        resolver=evidence_of(subject),
        description=f"The passages that are evidence for one claim of this record: its claims are {named}. "
        "A claim whose value is null has none; an unknown claim is an error naming the claims.",
    )
