"""Citations of any fact, and the source each one quotes."""

from collections.abc import Awaitable, Callable
from typing import Any

from strawberry import Parent

from models import tables as t
from models.enums import SubjectType
from resolvers.context import Info
from resolvers.loading import Relationship, Row
from resolvers.lookups import SOURCE

CITATIONS = {
    subject_type: Relationship(
        t.citation,
        keys=(t.citation.c.subject_id,),
        where=t.citation.c.subject_type == subject_type.value,
        order_by=(t.citation.c.source_id, t.citation.c.start, t.citation.c.end),
    )
    for subject_type in SubjectType
}


def citations_of(subject_type: SubjectType) -> Callable[..., Awaitable[list[Row]]]:
    """The resolver of `citations` on a type whose rows are subjects of `subject_type`."""

    async def citations(subject: Parent[Row], info: Info) -> list[Row]:
        return await info.context.loaders.many(CITATIONS[subject_type], subject.id)

    return citations


async def source_of_citation(citation: Parent[Row], info: Info) -> Any:
    return await info.context.loaders.one(SOURCE, citation.source_id)
