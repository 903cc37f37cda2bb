"""Citations of any fact, the claims each supports, and the source each one quotes."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

import sqlalchemy as sa
import strawberry
from strawberry import Parent

from models import tables as t
from models.evidence import CLAIMS, EXISTENCE, Claims
from models.source import SOURCE
from resolvers.context import Info
from resolvers.errors import BadUserInput
from resolvers.fetches import Arguments, Children, children, fetches, foreign
from resolvers.loading import Relationship, Row, by_id

ClaimName = Annotated[
    str,
    strawberry.argument(
        description="The claim, named by its field (`date`, `endDate`, `place`); an empty string names the "
        "record itself, whose evidence is every passage that mentions it."
    ),
]


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


@dataclass(frozen=True, eq=False)
class Supporting:
    """Of each parent's citations, those that support one claim of its type."""

    citations: Children
    claims: Claims

    def coordinate(self, name: str) -> str:
        """The schema coordinate the citations of claim `name` carry, or a client's error naming the claims."""
        if name == EXISTENCE:
            return self.claims.typename
        claim = self.claims.by_graphql(name)
        if claim is None:
            known = ", ".join(claim.name for claim in self.claims.rules.values()) or "none"
            raise BadUserInput(f"{self.claims.typename} has no claim {name!r}; its claims are: {known}")
        return self.claims.coordinate(claim.field)

    def batch(self, connection: sa.Connection, parents: Sequence[Any], arguments: Arguments) -> list[list[Row]]:
        wanted = self.coordinate(arguments["claim"])
        return [supporting(rows, wanted) for rows in self.citations.batch(connection, parents, arguments)]


def supporting(rows: list[Row], coordinate: str) -> list[Row]:
    return [row for row in rows if coordinate in row.supports]


def evidence_of(subject: sa.Table) -> Callable[..., Awaitable[list[Row]]]:
    """The resolver of `evidence(claim:)` on a type whose rows are those of the table `subject`."""
    fetch = Supporting(Children(citations(subject.name)), CLAIMS[subject.name])

    @fetches(fetch)
    async def resolve(parent: Parent[Any], info: Info, claim: ClaimName) -> list[Row]:
        wanted = fetch.coordinate(claim)
        rows: list[Row] = await info.context.loaders.loader(fetch.citations.relationship).load(parent.id)
        return supporting(rows, wanted)

    return resolve


@dataclass(frozen=True, eq=False)
class OneClaim:
    """Each parent's citations supporting one fixed claim of its type."""

    supporting: Supporting
    claim: str

    def batch(self, connection: sa.Connection, parents: Sequence[Any], _arguments: Arguments) -> list[list[Row]]:
        return self.supporting.batch(connection, parents, {"claim": self.claim})


def passages_of(subject: sa.Table, claim: str) -> Callable[..., Awaitable[list[Row]]]:
    """The resolver of a field serving the passages of one claim, named by its GraphQL field (`sections`)."""
    fetch = OneClaim(Supporting(Children(citations(subject.name)), CLAIMS[subject.name]), claim)

    @fetches(fetch)
    async def resolve(parent: Parent[Any], info: Info) -> list[Row]:
        rows: list[Row] = await info.context.loaders.loader(fetch.supporting.citations.relationship).load(parent.id)
        return supporting(rows, fetch.supporting.coordinate(fetch.claim))

    return resolve


source_of_citation = foreign(by_id(SOURCE), "source_id")
