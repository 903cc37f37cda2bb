"""The GraphQL schema."""

import strawberry
from graphql import GraphQLError
from graphql.utilities.print_schema import print_schema_definition
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


# One line per paragraph: GraphiQL's Docs pane renders each line break.
DESCRIPTION = "\n\n".join(
    [
        "Bilateral: a government page about a country's foreign relations, as a cited graph of countries, regions, "
        "relations, events, agreements, people, mechanisms, figures and themes.",
        "**Every fact points back to its passage.** Each object has `citations`: the source's own words (`excerpt`) "
        "and where they stand in it (`start` and `end`, character offsets into `Source.text`).",
        'Start with `relation(between: ["KOR", "CAN"])`, `country(code: "KOR")`, `timeline(countries: ["USA"])` or '
        '`search(query: "nuclear")`. Lists that grow are Relay connections paged with `first` and `after`; any object '
        "with an `id` comes back with `node(id:)`. Dates are as precise as the source: `PartialDate.text` is `1882`, "
        "`196X` or `1950/1953`, bounded by `earliest` and `latest`.",
    ]
)

graphql_schema = Schema(
    query=Query,
    types=[Agreement, Country, Event, Mechanism, Person, Region, Relation, Source, Statistic, Theme],
    extensions=[lambda: ParserCache(maxsize=256), lambda: ValidationCache(maxsize=256), Limits],
)
# The pinned strawberry takes no schema description: it goes on the graphql-core schema beneath,
# which introspection (`__schema { description }`, GraphiQL's Docs front page) reads.
graphql_schema._schema.description = DESCRIPTION


def printed_schema() -> str:
    """The schema in SDL, as committed in `schema.graphql`: its description, then strawberry's printing."""
    definition = print_schema_definition(graphql_schema._schema)  # strawberry's printer leaves the description out
    return f"{definition}\n\n{graphql_schema.as_str()}\n"


__all__ = ["graphql_schema", "printed_schema"]
