"""Citations of any fact, and the source each one quotes."""

from collections.abc import Awaitable, Callable
from functools import cache

import sqlalchemy as sa

from models import tables as t
from models.source import SOURCE
from resolvers.edges import children, foreign
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
    return children(citations(subject.name))


source_of_citation = foreign(by_id(SOURCE), "source_id")
