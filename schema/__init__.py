"""The GraphQL schema, assembled from the registry of kinds.

Each kind of `models/registry.py` has its type in `schema/<module>.py` (`Event` in `schema/event.py`,
`Entity.module`), and that module's `Queries` class holds the kind's root fields. The root `Query` type
is `node` and `search`, then every kind's `Queries` in the registry's order, then `viewer`; the request pipeline's
steps are `pipeline.STEPS`.
"""

from importlib import import_module
from types import ModuleType
from typing import Any

import strawberry
from graphql import GraphQLError
from graphql.utilities.print_schema import print_directive
from strawberry.types import ExecutionContext

import schema.enums  # noqa: F401 -- registers the vocabularies before any type uses them
from models.registry import ENTITIES
from pipeline import STEPS, costs
from pipeline.internals import core_schema, describe, schema_definition
from schema import change, node, search, viewer
from schema.scalars import OVERRIDES

# Each kind's module, by the naming rule of `Entity.module`: a kind without one fails here, at startup.
MODULES: dict[str, ModuleType] = {entity.name: import_module(f"{__name__}.{entity.module}") for entity in ENTITIES}
ROOTS: list[type] = [module.Queries for module in MODULES.values() if hasattr(module, "Queries")]


@strawberry.type(description="Bilateral: a cited, structured graph of a country's foreign relations.")
class Query(node.Queries, search.Queries, *ROOTS, viewer.Queries, change.Queries):  # type: ignore[misc]  # bases from the registry
    pass


def type_of(kind_name: str) -> Any:
    """The GraphQL type of a kind, from its module."""
    return getattr(MODULES[kind_name], kind_name)


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Log nothing here: clients' errors are theirs, and unexpected ones are logged where they are masked."""


# One line per paragraph: GraphiQL's Docs pane renders each line break.
DESCRIPTION = "\n\n".join(
    [
        "Bilateral: a government page about a country's foreign relations, as a cited graph of countries, regions, "
        "relations, events, agreements, people, mechanisms, figures and themes.",
        "**Every fact points back to its passage.** Each object has `citations`: the source's own words (`excerpt`) "
        "and where they stand in it (`startOffset` and `endOffset`, character offsets into `Source.text`).",
        'Start with `relation(between: {a: "KOR", b: "CAN"})`, `country(by: {code: "KOR"})`, '
        '`timeline(countries: ["USA"])` or `search(query: "nuclear")`. Lists that grow are Relay connections paged '
        "with `first` and `after`; any object with an `id` comes back with `node(id:)`. Dates are as precise as the "
        "source: `PartialDate.text` is `1882`, `196X` or `1950/1953`, bounded by `earliest` and `latest`.",
    ]
)

graphql_schema = Schema(
    query=Query,
    mutation=change.Mutation,
    types=[type_of(entity.name) for entity in ENTITIES if entity.node],
    scalar_overrides=OVERRIDES,
    extensions=STEPS,
)
# The pinned strawberry takes no schema description: it goes on the graphql-core schema beneath,
# which introspection (`__schema { description }`, GraphiQL's Docs front page) reads.
describe(graphql_schema, DESCRIPTION)
costs.declare(graphql_schema)  # `@cost` and `@listSize`, from what the cost walker counts


def printed_schema() -> str:
    """The schema in SDL, as committed in `schema.graphql`: its description, then strawberry's printing, each
    directive with the description graphql-core gives it (strawberry prints `@oneOf` without one)."""
    definition = schema_definition(graphql_schema)  # strawberry's printer leaves the description out
    lines = graphql_schema.as_str().splitlines()
    for directive in core_schema(graphql_schema).directives:
        bare = f"directive @{directive.name} on {' | '.join(location.name for location in directive.locations)}"
        if directive.description:
            lines = [print_directive(directive) if line == bare else line for line in lines]
    printed = "\n".join(lines)
    return f"{definition}\n\n{printed}\n"


__all__ = ["graphql_schema", "printed_schema"]
