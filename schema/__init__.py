"""The GraphQL schema."""

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.types import ExecutionContext

import schema.enums  # noqa: F401 -- registers the enums' descriptions before any type uses them
from schema.agreement import Agreement
from schema.country import Country
from schema.event import Event
from schema.limits import Limits
from schema.mechanism import Mechanism
from schema.person import Person
from schema.query import Query
from schema.region import Region
from schema.relation import Relation
from schema.source import Source
from schema.statistic import Statistic
from schema.theme import Theme


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Log nothing here: clients' errors are theirs, and unexpected ones are logged where they are masked."""


graphql_schema = Schema(
    query=Query,
    types=[Agreement, Country, Event, Mechanism, Person, Region, Relation, Source, Statistic, Theme],
    extensions=[lambda: ParserCache(maxsize=256), lambda: ValidationCache(maxsize=256), Limits],
)


def printed_schema() -> str:
    """The schema in SDL, as committed in `schema.graphql`."""
    return str(graphql_schema.as_str()) + "\n"


__all__ = ["graphql_schema", "printed_schema"]
