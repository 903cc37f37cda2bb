"""Citations of any fact, and the source each one quotes."""

from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any

import sqlalchemy as sa
from strawberry import Parent

from models import tables as t
from models.source import SOURCE
from resolvers.context import Info
from resolvers.loading import Relationship, Row, by_id


@cache
def citations(subject: str) -> Relationship:
    """The citations of rows of the table `subject`, in text order."""
    return Relationship(
        t.citation,
        keys=(t.citation.c.subject_id,),
        where=t.citation.c.subject_type == subject,
        order_by=(t.citation.c.source_id, t.citation.c.start, t.citation.c.end),
    )


def citations_of(subject: sa.Table) -> Callable[..., Awaitable[list[Row]]]:
    """The resolver of `citations` on a type whose rows are those of the table `subject`."""
    relationship = citations(subject.name)

    async def resolve(row: Parent[Row], info: Info) -> list[Row]:
        return await info.context.loaders.many(relationship, row.id)

    return resolve


async def source_of_citation(citation: Parent[Row], info: Info) -> Any:
    return await info.context.loaders.one(by_id(SOURCE), citation.source_id)
